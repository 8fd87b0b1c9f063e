from django.urls import path

from balai.staff import views_kiosk

app_name = "staff_kiosk"

urlpatterns = [
    path("lapor-tidak-hadir/", views_kiosk.absence_report, name="absence_report"),
]
