from django.urls import path

from balai.letters import views

app_name = "letters"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("baru/", views.create, name="create"),
    path("agenda/", views.register, name="register"),
    path("agenda.xlsx", views.register_xlsx, name="register_xlsx"),
    path("pengaturan/", views.settings_edit, name="settings"),
    path("templat/", views.template_list, name="template_list"),
    path("templat/ubah/", views.template_edit, name="template_edit"),
    path("templat/pratinjau/", views.template_preview, name="template_preview"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/ubah/", views.edit, name="edit"),
    path("<str:public_id>/koreksi/", views.correct, name="correct"),
    path("<str:public_id>/pdf/", views.pdf, name="pdf"),
    path("<str:public_id>/langkah/<str:action>/", views.transition, name="transition"),
]
