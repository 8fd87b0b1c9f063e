from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from balai.dashboard.views import home

urlpatterns = [
    path("", home, name="home"),
    path("akun/", include("balai.accounts.urls")),
    path("penduduk/", include("balai.people.urls")),
    path("wilayah/", include("balai.people.urls_village")),
    path("perangkat/", include("balai.staff.urls")),
    path("dasbor/", include("balai.dashboard.urls")),
    path("surat/", include("balai.letters.urls")),
    path("v/", include("balai.letters.urls_public")),
    # The ketua RT's phone page: digital pengantar for kiosk letters (issue 23).
    path("rt/", include("balai.letters.urls_rt")),
    path("kesehatan/", include("balai.health.urls")),
    path("pendidikan/", include("balai.education.urls")),
    path("bantuan/", include("balai.aid.urls")),
    path("layanan/", include("balai.desk.urls")),
    # Counter queue, complaints, guest book and attendance as the kiosk shows them.
    path("anjungan/layanan/", include("balai.desk.urls_kiosk")),
    path("anjungan/", include("balai.kiosk.urls")),
    path("api/v1/", include("balai.api.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
