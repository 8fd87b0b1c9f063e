from django.urls import path

from balai.economy import views_public as views

app_name = "economy_kiosk"

urlpatterns = [
    path("", views.kiosk_businesses, name="businesses"),
    path("<str:public_id>/", views.kiosk_business, name="business"),
]
