from django.urls import path

from balai.finance import views_public

app_name = "finance_kiosk"

urlpatterns = [
    path("", views_public.kiosk, name="home"),
]
