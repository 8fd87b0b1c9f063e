from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from balai.core.urls import lazy_include
from balai.dashboard.views import home

urlpatterns = [
    path("", home, name="home"),
    path("akun/", include("balai.accounts.urls")),
    path("penduduk/", include("balai.people.urls")),
    path("wilayah/", include("balai.people.urls_village")),
    path("perangkat/", include("balai.staff.urls")),
    path("dasbor/", include("balai.dashboard.urls")),
    # Open data (no sign-in) before the signed-in regency pages.
    path("kabupaten/data-terbuka/", include("balai.regency.urls_opendata")),
    path("kabupaten/", include("balai.regency.urls")),
    # The public face of each village: no sign-in.
    # The village's public finance page (no sign-in): desa/<village_code>/keuangan/.
    path("desa/<str:village_code>/keuangan/", include("balai.finance.urls_public")),
    # The posyandu schedule, kept by the health module (desa/<village_code>/posyandu/).
    path("desa/<str:village_code>/posyandu/", include("balai.health.urls_public")),
    path("desa/", include("balai.portal.urls")),
    path("surat/", include("balai.letters.urls")),
    path("v/", include("balai.letters.urls_public")),
    # The ketua RT's phone page: digital pengantar for kiosk letters (issue 23).
    path("rt/", include("balai.letters.urls_rt")),
    path("kesehatan/", include("balai.health.urls")),
    path("pendidikan/", include("balai.education.urls")),
    path("bantuan/", include("balai.aid.urls")),
    path("layanan/", include("balai.desk.urls")),
    path("keuangan/", include("balai.finance.urls")),
    # Counter queue, complaints, guest book and attendance as the kiosk shows them.
    path("anjungan/layanan/", include("balai.desk.urls_kiosk")),
    # The APBDes as the kiosk shows it.
    path("anjungan/keuangan/", include("balai.finance.urls_kiosk")),
    path("ekonomi/", include("balai.economy.urls")),
    # A village's public UMKM directory, potential and prices (no sign-in).
    path("desa/<str:village_code>/", include("balai.economy.urls_public")),
    # The residents' businesses (UMKM) as the kiosk shows them.
    path("anjungan/usaha/", include("balai.economy.urls_kiosk")),
    # Reporting an absent official at the kiosk (staffing).
    path("anjungan/perangkat/", include("balai.staff.urls_kiosk")),
    path("anjungan/", include("balai.kiosk.urls")),
    # The API is imported only when a URL under api/v1/ is resolved or an api: name reversed:
    # its ~85 operations build their pydantic models on import (about a third of loading the
    # URLs), which the pages, the kiosk screens and most processes never need.
    lazy_include("api/v1/", "balai.api.urls", app_name="ninja", namespace="api"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
