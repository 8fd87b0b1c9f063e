from django.urls import URLPattern, path  # noqa: F401

from balai.aid.urls_distribution import urlpatterns as distribution_urlpatterns

app_name = "aid"

urlpatterns: list[URLPattern] = [
    *distribution_urlpatterns,
]
