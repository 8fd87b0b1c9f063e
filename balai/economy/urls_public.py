"""Public pages, mounted at `desa/<village_code>/` in config/urls.py."""

from django.urls import path

from balai.economy import views_public as views

app_name = "economy_public"

urlpatterns = [
    path("usaha/", views.businesses, name="businesses"),
    path("usaha/<str:public_id>/", views.business, name="business"),
    path("usaha/foto/<str:public_id>.jpg", views.photo, name="photo"),
    path("potensi/", views.potential, name="potential"),
]
