"""Routes of the reports part of the health module, in the `health:` namespace (see urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
