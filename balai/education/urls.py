from django.urls import path

from balai.education import views

app_name = "education"

urlpatterns = [
    path("", views.home, name="home"),
    path("anak/", views.children, name="children"),
    path("tindak-lanjut/", views.follow_up, name="follow_up"),
    path("tindak-lanjut/xlsx/", views.follow_up_xlsx, name="follow_up_xlsx"),
    path("paud/", views.paud, name="paud"),
    path("anak/<str:public_id>/", views.child, name="child"),
    path("anak/<str:public_id>/sekolah/", views.child_enrol, name="child_enrol"),
    path("anak/<str:public_id>/absen/", views.child_absence, name="child_absence"),
    path("anak/<str:public_id>/pip/", views.child_pip, name="child_pip"),
    path("anak/<str:public_id>/tindak-lanjut/", views.child_followup, name="child_followup"),
    path("pendaftaran/<str:public_id>/status/", views.enrolment_status, name="enrolment_status"),
    path("sekolah/", views.schools, name="schools"),
    path("sekolah/<str:public_id>/", views.school_edit, name="school_edit"),
    path("wilayah/", views.regional, name="regional"),
    path("wilayah/xlsx/", views.regional_download, {"kind": "xlsx"}, name="regional_xlsx"),
    path("wilayah/pdf/", views.regional_download, {"kind": "pdf"}, name="regional_pdf"),
]
