from django.urls import path

from balai.desk import views_kiosk as views

app_name = "desk_kiosk"

urlpatterns = [
    path("", views.home, name="home"),
    path("antrean/", views.ticket_take, name="ticket_take"),
    path("antrean/<str:public_id>/", views.ticket_show, name="ticket_show"),
    path("antrean/<str:public_id>/cetak/", views.ticket_print, name="ticket_print"),
    path("layar/", views.display, name="display"),
    path("layar/data/", views.display_feed, name="display_feed"),
    path("pengaduan/", views.complaint_create, name="complaint_create"),
    path("pengaduan/status/", views.complaint_status, name="complaint_status"),
    path("buku-tamu/", views.guestbook, name="guestbook"),
    path("penilaian/", views.ikm, name="ikm"),
    path("kehadiran/", views.attendance_check, name="attendance"),
]
