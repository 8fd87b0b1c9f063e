from django.urls import path

from balai.people import views, views_books, views_events, views_import

app_name = "people"
urlpatterns = [
    path("", views.resident_list, name="resident_list"),
    path("baru/", views.resident_create, name="resident_create"),
    path("keluarga/", views.family_list, name="family_list"),
    path("keluarga/baru/", views.family_create, name="family_create"),
    path("keluarga/<str:public_id>/", views.family_detail, name="family_detail"),
    path("keluarga/<str:public_id>/kelahiran/", views.family_birth, name="family_birth"),
    path("keluarga/<str:public_id>/pecah/", views.family_split, name="family_split"),
    path("keluarga/<str:public_id>/kepala/", views.family_head, name="family_head"),
    path("keluarga/<str:public_id>/rumah-tangga/", views.family_household, name="family_household"),
    path("peristiwa/", views.event_list, name="event_list"),
    path("peristiwa/pindah-masuk/", views.move_in, name="move_in"),
    path("peristiwa/<str:public_id>/", views_events.event_detail, name="event_detail"),
    path("peristiwa/<str:public_id>/batal/", views_events.event_cancel, name="event_cancel"),
    path("tinjau/", views_events.review_list, name="review_list"),
    path("buku/", views_books.index, name="books"),
    path("buku/unduh/", views_books.book_download, name="book_download"),
    path("buku/laporan-bulanan/", views_books.monthly_report_download, name="monthly_report"),
    path("statistik/", views_books.village_statistics, name="statistics"),
    path("wilayah/statistik/", views_books.regional_statistics, name="regional_statistics"),
    path("wilayah/mutu-data/", views_books.regional_quality, name="regional_quality"),
    path("tinjau/<str:public_id>/", views_events.review_resolve, name="review_resolve"),
    path("ganda/", views.duplicate_list, name="duplicate_list"),
    path("ganda/putuskan/", views.duplicate_decide, name="duplicate_decide"),
    path("impor/", views_import.import_start, name="import_start"),
    path("impor/<str:public_id>/", views_import.import_status, name="import_status"),
    path("impor/<str:public_id>/galat.csv", views_import.import_errors_csv, name="import_errors_csv"),
    path("ekspor.xlsx", views_import.export_xlsx, name="export_xlsx"),
    path("<str:public_id>/", views.resident_detail, name="resident_detail"),
    path("<str:public_id>/ubah/", views.resident_edit, name="resident_edit"),
    path("<str:public_id>/peristiwa/<str:kind>/", views.resident_event, name="resident_event"),
    path("<str:public_id>/tempatkan/", views.resident_place, name="resident_place"),
]
