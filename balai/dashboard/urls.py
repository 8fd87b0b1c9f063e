from django.urls import path

from balai.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("desa/<str:code>/", views.village_detail, name="village"),
    path("kinerja-perangkat/", views.staff_performance, name="staff_performance"),
    path("siapa-membaca/", views.reads, name="reads"),
]
