"""Routes of the reports part of the health module, in the `health:` namespace (see urls.py)."""

from django.urls import URLPattern, path

from balai.health import views_reports

urlpatterns: list[URLPattern] = [
    path("laporan/bulanan/", views_reports.report_monthly, name="report_monthly"),
    path("laporan/bulanan.xlsx", views_reports.report_monthly_xlsx, name="report_monthly_xlsx"),
    path("laporan/stunting/", views_reports.stunting, name="stunting"),
    path("laporan/wilayah/", views_reports.regional, name="regional"),
    path("laporan/wilayah/xlsx/", views_reports.regional_download, {"kind": "xlsx"}, name="regional_xlsx"),
    path("laporan/wilayah/pdf/", views_reports.regional_download, {"kind": "pdf"}, name="regional_pdf"),
    path("laporan/e-ppgbm.xlsx", views_reports.eppgbm_export, name="eppgbm_export"),
]
