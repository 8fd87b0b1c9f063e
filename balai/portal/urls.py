from django.urls import path

from balai.portal import views

app_name = "portal"
urlpatterns = [
    # The operator's page first: "kelola" is no village code.
    path("kelola/", views.manage, name="manage"),
    path("kelola/<str:public_id>/", views.manage_edit, name="manage_edit"),
    path("<str:village_code>/", views.home, name="home"),
    path("<str:village_code>/kabar/", views.posts, name="posts"),
    path("<str:village_code>/kabar/<str:public_id>/", views.post_detail, name="post"),
    path("<str:village_code>/surat/", views.letter_track, name="letter_track"),
    path("<str:village_code>/pengaduan/", views.complaint, name="complaint"),
    path("<str:village_code>/pengaduan/lacak/", views.complaint_track, name="complaint_track"),
    path("<str:village_code>/pengaduan/<str:number>/", views.complaint_status, name="complaint_status"),
]
