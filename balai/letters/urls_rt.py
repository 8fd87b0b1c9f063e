from django.urls import path

from balai.letters import views_rt

app_name = "letters_rt"

urlpatterns = [
    path("", views_rt.rt_home, name="home"),
    path("<str:public_id>/", views_rt.rt_decide, name="decide"),
]
