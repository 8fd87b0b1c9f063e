from django.urls import path

from balai.people import views_village as views

app_name = "regions"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("ubah/", views.profile_edit, name="profile_edit"),
    path("dusun/baru/", views.dusun_create, name="dusun_create"),
    path("dusun/<int:pk>/ubah/", views.dusun_edit, name="dusun_edit"),
    path("rt/baru/", views.rt_create, name="rt_create"),
    path("rt/<str:public_id>/ubah/", views.rt_edit, name="rt_edit"),
]
