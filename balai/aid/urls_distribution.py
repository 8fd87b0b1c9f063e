"""Routes of the distribution part of the aid module, in the `aid:` namespace (see urls.py)."""

from django.urls import URLPattern, path

from balai.aid import views_distribution as v

urlpatterns: list[URLPattern] = [
    # Cycles (tahap penyaluran) and distribution
    path("program/<str:public_id>/tahap/", v.cycles, name="cycles"),
    path("tahap/<str:public_id>/", v.cycle_detail, name="cycle_detail"),
    path("tahap/<str:public_id>/susun/", v.cycle_generate, name="cycle_generate"),
    path("tahap/<str:public_id>/langkah/<str:action>/", v.cycle_transition, name="cycle_transition"),
    path("tahap/<str:public_id>/laporan.xlsx", v.cycle_report_xlsx, name="cycle_xlsx"),
    path("tahap/<str:public_id>/laporan.pdf", v.cycle_report_pdf, name="cycle_pdf"),
    path("hak/<str:public_id>/salurkan/", v.distribution_record, name="distribution_record"),
    path("penyaluran/<str:public_id>/bukti/", v.distribution_proof, name="distribution_proof"),
    path("belum-tersalur/", v.undistributed, name="undistributed"),
    # Recipient lists out and in
    path("program/<str:public_id>/penerima.xlsx", v.recipients_xlsx, name="recipients_xlsx"),
    path("program/<str:public_id>/penerima.pdf", v.recipients_pdf, name="recipients_pdf"),
    path("program/<str:public_id>/impor/", v.import_start, name="import_start"),
    path("impor/<str:public_id>/", v.import_preview, name="import_preview"),
    path("impor/<str:public_id>/terapkan/", v.import_apply, name="import_apply"),
    path("impor/<str:public_id>/batalkan/", v.import_discard, name="import_discard"),
    path("konflik-impor/", v.conflicts, name="conflicts"),
    # Coverage
    path("cakupan/", v.coverage_view, name="coverage"),
    path("cakupan/salah-sasaran/", v.targeting_errors, name="targeting_errors"),
    path("cakupan/per-desa/", v.regional, name="regional"),
    path("cakupan/per-desa/xlsx/", v.regional_download, {"kind": "xlsx"}, name="regional_xlsx"),
    path("cakupan/per-desa/pdf/", v.regional_download, {"kind": "pdf"}, name="regional_pdf"),
]
