from django.urls import path

from balai.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("xlsx/", views.overview_download, {"kind": "xlsx"}, name="overview_xlsx"),
    path("pdf/", views.overview_download, {"kind": "pdf"}, name="overview_pdf"),
    path("desa/<str:code>/", views.village_detail, name="village"),
    path("desa/<str:code>/xlsx/", views.village_download, {"kind": "xlsx"}, name="village_xlsx"),
    path("desa/<str:code>/pdf/", views.village_download, {"kind": "pdf"}, name="village_pdf"),
    path("kinerja-perangkat/", views.staff_performance, name="staff_performance"),
    path(
        "kinerja-perangkat/xlsx/",
        views.staff_performance_download,
        {"kind": "xlsx"},
        name="staff_performance_xlsx",
    ),
    path(
        "kinerja-perangkat/pdf/",
        views.staff_performance_download,
        {"kind": "pdf"},
        name="staff_performance_pdf",
    ),
    path("siapa-membaca/", views.reads, name="reads"),
]
