"""Routes of the distribution part of the aid module, in the `aid:` namespace (see urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
