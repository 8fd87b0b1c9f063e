from django.urls import path

from balai.finance import views_docs, views_public

app_name = "finance_public"

urlpatterns = [
    path("", views_public.public, name="village"),
    path("baliho/", views_docs.public_banner, name="banner"),
]
