from django.urls import URLPattern, path

from balai.health import views
from balai.health.urls_reports import urlpatterns as reports_urlpatterns

app_name = "health"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("posyandu/baru/", views.posyandu_create, name="posyandu_create"),
    path("posyandu/<str:public_id>/", views.posyandu_detail, name="posyandu_detail"),
    path("posyandu/<str:public_id>/ubah/", views.posyandu_edit, name="posyandu_edit"),
    path("posyandu/<str:public_id>/sesi/", views.session_open, name="session_open"),
    path("sesi/<str:public_id>/", views.session_sheet, name="session_sheet"),
    path("sesi/<str:public_id>/anak/<str:child_id>/", views.session_row, name="session_row"),
    path(
        "sesi/<str:public_id>/hadir/<str:resident_id>/", views.session_attendance, name="session_attendance"
    ),
    path("anak/<str:public_id>/", views.child_detail, name="child_detail"),
    path("anak/<str:public_id>/kms.pdf", views.child_chart_pdf, name="child_chart_pdf"),
    path("peringatan/", views.alerts, name="alerts"),
    path("ibu-hamil/", views.pregnancy_list, name="pregnancy_list"),
    path("ibu-hamil/baru/", views.pregnancy_create, name="pregnancy_create"),
    path("ibu-hamil/<str:public_id>/", views.pregnancy_detail, name="pregnancy_detail"),
    path("ibu-hamil/<str:public_id>/kunjungan/", views.pregnancy_visit, name="pregnancy_visit"),
    path("ibu-hamil/<str:public_id>/hasil/", views.pregnancy_outcome, name="pregnancy_outcome"),
    path("ibu-hamil/<str:public_id>/bayi/", views.pregnancy_link_birth, name="pregnancy_link_birth"),
    *reports_urlpatterns,
]
