import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from balai.desk.models import Complaint
from balai.portal import services
from balai.portal.forms import CHALLENGE_SALT
from balai.portal.models import Post
from balai.staff.models import Official

pytestmark = pytest.mark.django_db
NIK_LIKE = re.compile(r"\b\d{16}\b")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _form(client, village):
    page = client.get(reverse("portal:complaint", args=[village.code]))
    token = re.search(r'name="challenge" value="([^"]+)"', page.content.decode()).group(1)
    numbers = signing.loads(token, salt=CHALLENGE_SALT)
    return {
        "kind": "pengaduan",
        "subject": "Lampu jalan mati",
        "body": "Lampu di RT 3 mati sejak seminggu.",
        "answer": numbers["a"] + numbers["b"],
        "challenge": token,
    }


def test_public_page_shows_profile_posts_and_no_personal_data(client, village_a, resident_a, operator_a):
    Official.objects.create(village=village_a, name="SUPRIYADI", position="Kepala Desa")
    services.post_create(
        actor=operator_a,
        village=village_a,
        data={"title": "Kerja bakti", "body": "<script>alert(1)</script>Minggu pagi <b>jam 7</b>"},
    )
    page = client.get(reverse("portal:home", args=[village_a.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Brokoh" in html
    assert "SUPRIYADI" in html
    assert "Kerja bakti" in html
    assert "<script>alert" not in html
    assert "alert(1)" not in html
    assert "<b>jam 7" not in html
    assert resident_a.name not in html
    assert resident_a.nik not in html
    assert not NIK_LIKE.search(html)
    assert "public" in page["Cache-Control"]
    assert "csrftoken" not in page.cookies


def test_unknown_village_is_404(client):
    assert client.get(reverse("portal:home", args=["99.99.99.9999"])).status_code == 404


def test_complaint_reaches_the_desk_with_a_tracking_number(client, village_a):
    data = _form(client, village_a)
    got = client.post(reverse("portal:complaint", args=[village_a.code]), data)
    assert got.status_code == 302
    complaint = Complaint.objects.get(village=village_a)
    assert complaint.subject == "Lampu jalan mati"
    status = client.get(got["Location"])
    assert complaint.tracking_display in status.content.decode()
    tracked = client.get(
        reverse("portal:complaint_track", args=[village_a.code]) + f"?nomor={complaint.tracking_display}"
    )
    assert tracked.status_code == 302


def test_wrong_challenge_is_refused_and_nothing_saved(client, village_a):
    data = _form(client, village_a) | {"answer": 999}
    got = client.post(reverse("portal:complaint", args=[village_a.code]), data)
    assert got.status_code == 400
    assert "Jawaban hitungan salah" in got.content.decode()
    assert not Complaint.objects.exists()


def test_flood_from_one_address_is_limited(client, village_a):
    for _ in range(services.PER_ADDRESS_PER_HOUR):
        assert (
            client.post(
                reverse("portal:complaint", args=[village_a.code]), _form(client, village_a)
            ).status_code
            == 302
        )
    got = client.post(reverse("portal:complaint", args=[village_a.code]), _form(client, village_a))
    assert got.status_code == 429
    assert "Terlalu banyak" in got.content.decode()
    assert Complaint.objects.count() == services.PER_ADDRESS_PER_HOUR


def test_operator_writes_a_post_html_stripped(client_a, village_a):
    got = client_a.post(
        reverse("portal:manage"),
        {
            "kind": "pengumuman",
            "title": "<i>Posyandu</i>",
            "body": "Hari <script>x()</script>Selasa",
            "published_on": "2026-01-05",
            "is_published": "on",
        },
    )
    assert got.status_code == 302
    post = Post.objects.get(village=village_a)
    assert post.title == "Posyandu"
    assert post.body == "Hari Selasa"


def test_cached_page_is_renewed_by_every_write_it_shows(
    client, village_a, operator_a, django_assert_max_num_queries
):
    from balai.desk.services import category_save
    from balai.portal.services import post_create
    from balai.regions.services import village_profile_update
    from balai.staff.services import official_create

    url = f"/desa/{village_a.code}/"
    assert client.get(url).status_code == 200
    # a cached view asks the database one row (the village's stamp)
    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200
    # each write the page shows is there on the next view, on any app server (the stamp is
    # in the database, not in one process's cache)
    official_create(
        actor=operator_a, village=village_a, data={"name": "SUPARMAN", "position": "Sekretaris Desa"}
    )
    assert "SUPARMAN" in client.get(url).content.decode()
    post_create(
        actor=operator_a,
        village=village_a,
        data={"kind": "pengumuman", "title": "Kerja bakti", "body": "Minggu pagi."},
    )
    assert "Kerja bakti" in client.get(url).content.decode()
    village_profile_update(actor=operator_a, village=village_a, data={"address": "Jl. Balai Desa 9"})
    assert "Jl. Balai Desa 9" in client.get(url).content.decode()
    category_save(actor=operator_a, village=village_a, data={"name": "Layanan KTP", "code": "K"})
    assert "Layanan KTP" in client.get(url).content.decode()
