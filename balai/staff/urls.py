from django.urls import path

from balai.staff import views, views_attendance

app_name = "staff"
urlpatterns = [
    path("", views.official_list_view, name="official_list"),
    path("baru/", views.official_create, name="official_create"),
    path("<str:public_id>/ubah/", views.official_edit, name="official_edit"),
    path("<str:public_id>/nonaktifkan/", views.official_deactivate, name="official_deactivate"),
    # Attendance (kehadiran): recap for the head, working hours, kiosk card + PIN per official.
    path("kehadiran/", views_attendance.attendance_recap_view, name="attendance_recap"),
    path("kehadiran/xlsx/", views_attendance.attendance_recap_xlsx, name="attendance_recap_xlsx"),
    path("kehadiran/jam-kerja/", views_attendance.attendance_settings, name="attendance_settings"),
    path("<str:public_id>/kartu-pin/", views_attendance.official_credential, name="official_credential"),
]
