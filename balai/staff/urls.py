from django.urls import path

from balai.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.official_list_view, name="official_list"),
    path("baru/", views.official_create, name="official_create"),
    path("<str:public_id>/ubah/", views.official_edit, name="official_edit"),
    path("<str:public_id>/nonaktifkan/", views.official_deactivate, name="official_deactivate"),
]
