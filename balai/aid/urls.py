from django.urls import URLPattern, path

from balai.aid import views
from balai.aid.urls_distribution import urlpatterns as distribution_urlpatterns

app_name = "aid"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("program/baru/", views.programme_create, name="programme_create"),
    path("program/<str:public_id>/", views.programme_detail, name="programme_detail"),
    path("program/<str:public_id>/ubah/", views.programme_edit, name="programme_edit"),
    path("program/<str:public_id>/aturan/", views.rules, name="rules"),
    path("program/<str:public_id>/calon/", views.candidates, name="candidates"),
    path("program/<str:public_id>/calon/usul/", views.nominate, name="nominate"),
    path("program/<str:public_id>/musyawarah/", views.deliberation_create, name="deliberation_create"),
    path("program/<str:public_id>/sk/", views.decree_create, name="decree_create"),
    path("program/<str:public_id>/penerima/", views.recipients, name="recipients"),
    path("program/<str:public_id>/penerima/tambah/", views.recipient_add, name="recipient_add"),
    path("calon/<str:public_id>/", views.candidate_detail, name="candidate_detail"),
    path("penerima/<str:public_id>/", views.recipient_detail, name="recipient_detail"),
    path("kesejahteraan/", views.welfare_home, name="welfare_home"),
    path("kesejahteraan/impor-desil/", views.decile_import, name="decile_import"),
    path("kesejahteraan/<str:public_id>/", views.family_welfare, name="family_welfare"),
    path("kesejahteraan/<str:public_id>/survei/", views.survey_create, name="survey_create"),
    path("kesejahteraan/<str:public_id>/desil/", views.decile_create, name="decile_create"),
    path("publik/<str:village_code>/", views.public_programmes, name="public_programmes"),
    *distribution_urlpatterns,
]
