from django.urls import URLPattern, path  # noqa: F401

from balai.health.urls_reports import urlpatterns as reports_urlpatterns

app_name = "health"

urlpatterns: list[URLPattern] = [
    *reports_urlpatterns,
]
