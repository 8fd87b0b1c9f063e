from django.urls import path

from balai.economy import views

app_name = "economy"

urlpatterns = [
    path("", views.home, name="home"),
    path("bumdes/", views.bumdes_edit, name="bumdes_edit"),
    path("bumdes/unit/baru/", views.unit_create, name="unit_create"),
    path("bumdes/pengurus/baru/", views.manager_create, name="manager_create"),
    path("bumdes/pengurus/<str:public_id>/berhenti/", views.manager_end, name="manager_end"),
    path("bumdes/konsolidasi/", views.consolidated, name="consolidated"),
    path("bumdes/tutup-buku/", views.period_close, name="period_close"),
    path("bumdes/laporan-tahunan.pdf", views.annual_report, name="annual_report"),
    path("bumdes/unit/<str:public_id>/", views.unit, name="unit"),
    path("bumdes/unit/<str:public_id>/buku-besar/", views.ledger, name="ledger"),
    path("bumdes/unit/<str:public_id>/jurnal/", views.entry_create, name="entry_create"),
    path("bumdes/unit/<str:public_id>/modal/", views.capital_create, name="capital_create"),
    path("bumdes/unit/<str:public_id>/bagi-hasil/", views.distribute, name="distribute"),
    path("bumdes/jurnal/<str:public_id>/", views.entry, name="entry"),
    path("umkm/", views.businesses, name="businesses"),
    path("umkm/baru/", views.business_create, name="business_create"),
    path("umkm/<str:public_id>/", views.business, name="business"),
    path("umkm/<str:public_id>/tutup/", views.business_close, name="business_close"),
    path("umkm/<str:public_id>/produk/", views.product_create, name="product_create"),
    path("produk/<str:public_id>/hapus/", views.product_delete, name="product_delete"),
    path("produk/<str:public_id>/foto/", views.product_photo, name="product_photo"),
    path("potensi/", views.potentials, name="potentials"),
    path("potensi/<str:public_id>/", views.potential_edit, name="potential_edit"),
    path("harga/", views.prices, name="prices"),
    path("wilayah/", views.regional, name="regional"),
    path("wilayah/xlsx/", views.regional_download, {"kind": "xlsx"}, name="regional_xlsx"),
    path("wilayah/pdf/", views.regional_download, {"kind": "pdf"}, name="regional_pdf"),
]
