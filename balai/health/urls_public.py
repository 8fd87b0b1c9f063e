"""Public pages, mounted at `desa/<village_code>/posyandu/` in config/urls.py."""

from django.urls import path

from balai.health import views_public

app_name = "health_public"

urlpatterns = [
    path("", views_public.schedule, name="schedule"),
]
