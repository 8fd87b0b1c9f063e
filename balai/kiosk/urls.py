from django.urls import path

from balai.kiosk import views, views_manage, views_outbox, views_services

app_name = "kiosk"

urlpatterns = [
    # At the kiosk (enrolled devices only).
    path("", views.home, name="home"),
    path("daftar/", views.enrol, name="enrol"),
    path("masuk/", views.sign_in, name="sign_in"),
    path("keluar/", views.sign_out, name="sign_out"),
    path("pin/", views.pin_change, name="pin_change"),
    path("saya/", views.menu, name="menu"),
    path("saya/siapa-membaca/", views.who_read, name="who_read"),
    path("saya/keluarga/", views_services.family, name="family"),
    path("saya/keluarga/lapor/", views_services.correction, name="correction"),
    path("saya/surat/", views_services.letters, name="letters"),
    path("saya/surat/minta/<str:type_code>/", views_services.letter_request, name="letter_request"),
    path("saya/surat/<str:public_id>/", views_services.letter_result, name="letter_result"),
    path("saya/surat/<str:public_id>/pdf/", views_services.letter_pdf, name="letter_pdf"),
    path(
        "saya/surat/<str:public_id>/cetak-gagal/",
        views_services.letter_print_failed,
        name="letter_print_failed",
    ),
    path("saya/bantuan/", views_services.aid, name="aid"),
    path("saya/anak/", views_services.growth, name="growth"),
    path("saya/anak/<str:public_id>/", views_services.growth_child, name="growth_child"),
    path("saya/sekolah/", views_services.school, name="school"),
    path("saya/kehamilan/", views_services.pregnancy, name="pregnancy"),
    path("status/", views_services.track, name="track"),
    path("kotak-keluar/", views_outbox.outbox_receive, name="outbox_receive"),
    path("panggil-petugas/", views.help_call, name="help_call"),
    # Operators (kiosk.manage).
    path("kelola/", views_manage.manage, name="manage"),
    path("kelola/pengaturan/", views_manage.settings_update, name="settings"),
    path("kelola/perangkat/<str:public_id>/", views_manage.device_detail, name="device_detail"),
    path("kelola/perangkat/<str:public_id>/<str:action>/", views_manage.device_action, name="device_action"),
    path("kelola/penduduk/", views_manage.resident_find, name="resident_find"),
    path("kelola/penduduk/<str:public_id>/", views_manage.resident_access, name="resident_access"),
    path("kelola/pengumuman/", views_manage.announcements, name="announcements"),
    path("kelola/pengumuman/<str:public_id>/", views_manage.announcement_edit, name="announcement_edit"),
    path("kelola/perbaikan/", views_manage.corrections, name="corrections"),
    path("kelola/perbaikan/<str:public_id>/", views_manage.correction_handle, name="correction_handle"),
    path("kelola/surat-gagal-cetak/", views_manage.print_failures, name="print_failures"),
    path("kelola/panggilan/", views_manage.help_calls, name="help_calls"),
]
