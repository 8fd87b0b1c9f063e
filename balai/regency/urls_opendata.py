from django.urls import path

from balai.regency import views_opendata as views

app_name = "regency_opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("angka-<str:month>.csv", views.month_csv, name="month_csv"),
    path("api/3/action/<str:action>", views.ckan_action, name="ckan_action"),
]
