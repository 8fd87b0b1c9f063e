from django.urls import path

from balai.letters import views

app_name = "verify"
urlpatterns = [
    path("lacak/<str:code>", views.tracking_public, name="tracking"),
    path("<str:token>", views.verify_public, name="letter"),
]
