from django.urls import path

from balai.finance import views, views_import

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("apbdes/", views.apbdes, name="apbdes"),
    path("apbdes/baru/", views.budget_create, name="budget_create"),
    path("apbdes/kegiatan/", views.activity_create, name="activity_create"),
    path("apbdes/rincian/", views.line_create, name="line_create"),
    path("apbdes/rincian/<str:public_id>/perubahan/", views.line_revise, name="line_revise"),
    path("apbdes/langkah/", views.budget_step, name="budget_step"),
    path("spp/", views.spp_list, name="spp_list"),
    path("spp/<str:public_id>/", views.spp_detail, name="spp"),
    path("spp/<str:public_id>/<slug:step>/", views.spp_step, name="spp_step"),
    path("pajak/<str:public_id>/setor/", views.tax_deposit, name="tax_deposit"),
    path("penerimaan/", views.receipt, name="receipt"),
    path("mutasi/", views.transfer, name="transfer"),
    path("transaksi/<str:public_id>/koreksi/", views.entry_reverse, name="entry_reverse"),
    path("buku/", views.book, name="book"),
    path("buku/xlsx/", views.book_xlsx, name="book_xlsx"),
    path("lra/", views.lra, name="lra"),
    path("lra/xlsx/", views.lra_xlsx, name="lra_xlsx"),
    path("impor/", views_import.upload, name="import"),
    path("impor/terapkan/", views_import.apply, name="import_apply"),
    path("wilayah/", views.regional, name="regional"),
    path("wilayah/xlsx/", views.regional_xlsx, name="regional_xlsx"),
    path("wilayah/pdf/", views.regional_pdf, name="regional_pdf"),
]
