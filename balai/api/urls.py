from django.urls import path

from balai.api.api import api

urlpatterns = [
    path("", api.urls),
]
