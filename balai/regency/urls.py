from django.urls import path

from balai.regency import views

app_name = "regency"
urlpatterns = [
    path("", views.figures, name="figures"),
    path("angka.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("angka.csv", views.figures_csv, name="figures_csv"),
    path("angka.pdf", views.figures_pdf, name="figures_pdf"),
    path("laporan-bulanan.pdf", views.report_pdf, name="report_pdf"),
    path("snapshot/", views.snapshot_take, name="snapshot_take"),
    path("banding/", views.compare, name="compare"),
    path("banding.xlsx", views.compare_xlsx, name="compare_xlsx"),
    path("banding.pdf", views.compare_pdf, name="compare_pdf"),
    path("kesegaran/", views.freshness, name="freshness"),
    path("kesegaran.xlsx", views.freshness_xlsx, name="freshness_xlsx"),
    path("kesegaran.pdf", views.freshness_pdf, name="freshness_pdf"),
    path("ringkasan-mingguan/", views.digest, name="digest"),
    path("ringkasan-mingguan.xlsx", views.digest_xlsx, name="digest_xlsx"),
    path("ringkasan-mingguan.pdf", views.digest_pdf, name="digest_pdf"),
    path("peluncuran/", views.rollout, name="rollout"),
    path("peluncuran.xlsx", views.rollout_xlsx, name="rollout_xlsx"),
    path("peluncuran.pdf", views.rollout_pdf, name="rollout_pdf"),
    path("peluncuran/aktifkan/", views.activate, name="activate"),
    path("peluncuran/<str:code>/", views.rollout_village, name="rollout_village"),
]
