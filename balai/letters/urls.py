from django.urls import path

from balai.letters import views, views_incoming, views_rt_heads

app_name = "letters"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("baru/", views.create, name="create"),
    path("agenda/", views.register, name="register"),
    path("agenda.xlsx", views.register_xlsx, name="register_xlsx"),
    path("agenda.pdf", views_incoming.register_pdf, name="register_pdf"),
    path("masuk/", views_incoming.incoming_list, name="incoming_list"),
    path("masuk/baru/", views_incoming.incoming_create, name="incoming_create"),
    path("masuk.xlsx", views_incoming.incoming_xlsx, name="incoming_xlsx"),
    path("masuk.pdf", views_incoming.incoming_pdf, name="incoming_pdf"),
    path(
        "masuk/disposisi/<str:public_id>/", views_incoming.disposition_follow_up, name="disposition_follow_up"
    ),
    path("masuk/<str:public_id>/", views_incoming.incoming_detail, name="incoming_detail"),
    path("masuk/<str:public_id>/pindaian/", views_incoming.incoming_scan, name="incoming_scan"),
    path("masuk/<str:public_id>/disposisi/", views_incoming.incoming_dispose, name="incoming_dispose"),
    path("pengaturan/", views.settings_edit, name="settings"),
    path("templat/", views.template_list, name="template_list"),
    path("templat/ubah/", views.template_edit, name="template_edit"),
    path("templat/pratinjau/", views.template_preview, name="template_preview"),
    # Naming the ketua RT (issue 23): the RTs and their heads, one RT's head.
    path("ketua-rt/", views_rt_heads.rt_heads, name="rt_heads"),
    path("ketua-rt/<str:rt_public_id>/", views_rt_heads.rt_head_detail, name="rt_head_detail"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/tandatangan/", views.sign_confirm, name="sign_confirm"),
    path("<str:public_id>/ubah/", views.edit, name="edit"),
    path("<str:public_id>/koreksi/", views.correct, name="correct"),
    path("<str:public_id>/pdf/", views.pdf, name="pdf"),
    path("<str:public_id>/langkah/<str:action>/", views.transition, name="transition"),
]
