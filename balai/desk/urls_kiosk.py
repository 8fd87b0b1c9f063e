from django.urls import path  # noqa: F401

app_name = "desk_kiosk"

urlpatterns: list = []
