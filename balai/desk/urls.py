from django.urls import path

from balai.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("jenis/", views.category_list, name="category_list"),
    path("jenis/<str:public_id>/", views.category_edit, name="category_edit"),
    path("loket/", views.counter_list, name="counter_list"),
    path("loket/<str:public_id>/ubah/", views.counter_edit, name="counter_edit"),
    path("loket/<str:public_id>/", views.counter_desk, name="counter_desk"),
    path("pengaduan/", views.complaint_list, name="complaint_list"),
    path("pengaduan/baru/", views.complaint_create, name="complaint_create"),
    path("pengaduan/<str:public_id>/", views.complaint_detail, name="complaint_detail"),
    path("buku-tamu/", views.guest_list, name="guest_list"),
    path("ikm/", views.ikm_report, name="ikm_report"),
    path("printer/", views.printer_list, name="printer_list"),
    path("printer/<str:public_id>/tes/", views.printer_test, name="printer_test"),
]
