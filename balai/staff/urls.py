from django.urls import path

from balai.staff import views, views_absence, views_attendance, views_careers

app_name = "staff"
urlpatterns = [
    path("", views.official_list_view, name="official_list"),
    path("baru/", views.official_create, name="official_create"),
    # Careers: the org chart (SOTK) and its posts, the village books, leave and travel, the BPD.
    path("susunan/", views_careers.org_chart, name="org_chart"),
    path("susunan/pdf/", views_careers.org_chart_pdf, name="org_chart_pdf"),
    path("susunan/jabatan/", views_careers.positions, name="positions"),
    path("buku-aparat/", views_careers.buku_aparat, name="buku_aparat"),
    path("buku-aparat/pdf/", views_careers.buku_aparat_pdf, name="buku_aparat_pdf"),
    path("buku-aparat/xlsx/", views_careers.buku_aparat_xlsx, name="buku_aparat_xlsx"),
    path("buku-keputusan/", views_careers.buku_keputusan, name="buku_keputusan"),
    path("buku-keputusan/pdf/", views_careers.buku_keputusan_pdf, name="buku_keputusan_pdf"),
    path("buku-keputusan/xlsx/", views_careers.buku_keputusan_xlsx, name="buku_keputusan_xlsx"),
    path("sk/<str:public_id>/pindaian/", views_careers.decree_scan, name="decree_scan"),
    path("cuti/", views_careers.leave_list, name="leave_list"),
    path("cuti/kecamatan/", views_careers.head_leave_list, name="head_leave_list"),
    path(
        "cuti/kecamatan/<str:public_id>/putuskan/", views_careers.head_leave_decide, name="head_leave_decide"
    ),
    path("cuti/<str:public_id>/putuskan/", views_careers.leave_decide, name="leave_decide"),
    path("cuti/<str:public_id>/batal/", views_careers.leave_cancel, name="leave_cancel"),
    path("cuti/<str:public_id>/sppd/", views_careers.leave_sppd, name="leave_sppd"),
    path("cuti/<str:public_id>/sppd/pdf/", views_careers.leave_sppd_pdf, name="leave_sppd_pdf"),
    path("bpd/", views_careers.bpd_list, name="bpd_list"),
    path("bpd/<str:public_id>/ubah/", views_careers.bpd_edit, name="bpd_edit"),
    path("wilayah/", views_careers.regional, name="regional"),
    path("wilayah/xlsx/", views_careers.regional_xlsx, name="regional_xlsx"),
    path("wilayah/pdf/", views_careers.regional_pdf, name="regional_pdf"),
    path("<str:public_id>/riwayat/", views_careers.official_career, name="official_career"),
    path("<str:public_id>/kepegawaian/", views_careers.official_profile, name="official_profile"),
    path("<str:public_id>/ubah/", views.official_edit, name="official_edit"),
    path("<str:public_id>/nonaktifkan/", views.official_deactivate, name="official_deactivate"),
    # Attendance (kehadiran): recap for the head, working hours, kiosk card + PIN per official.
    path("kehadiran/", views_attendance.attendance_recap_view, name="attendance_recap"),
    path("kehadiran/xlsx/", views_attendance.attendance_recap_xlsx, name="attendance_recap_xlsx"),
    path("kehadiran/kalender/", views_careers.attendance_calendar, name="attendance_calendar"),
    path("kehadiran/koreksi/", views_careers.attendance_correction, name="attendance_correction"),
    # Residents' kiosk reports that an official was absent: the kepala desa decides them.
    path("kehadiran/laporan-warga/", views_absence.absence_list, name="absence_list"),
    # ... except those about the kepala desa himself: the camat of the district decides them.
    path("kehadiran/laporan-warga/kecamatan/", views_absence.head_absence_list, name="head_absence_list"),
    path(
        "kehadiran/laporan-warga/kecamatan/<str:public_id>/",
        views_absence.head_absence_decide,
        name="head_absence_decide",
    ),
    path("kehadiran/laporan-warga/<str:public_id>/", views_absence.absence_decide, name="absence_decide"),
    path("kehadiran/jam-kerja/", views_attendance.attendance_settings, name="attendance_settings"),
    path("<str:public_id>/kartu-pin/", views_attendance.official_credential, name="official_credential"),
]
