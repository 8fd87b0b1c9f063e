"""Every public URL (the village's page and its sub-pages, letter verification and tracking,
the open data) is checked for personal data: no 16-digit number (NIK/KK), no resident's name,
no NIK or KK of the village. Every public HTML page is on the public layout (templates/
public.html: phone-first, no staff menu), also when an official signed in opens it."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from balai.core.dates import Month
from balai.desk.services import complaint_submit
from balai.economy.services import business_create
from balai.people.models import Family, Resident
from balai.people.tests.factories import ResidentFactory
from balai.portal import services
from balai.regency.services import snapshot_take

pytestmark = pytest.mark.django_db
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
PUBLIC_NAMESPACES = (
    "portal",
    "regency_opendata",
    "finance_public",
    "economy_public",
    "health_public",
    "verify",
)
# Public pages inside a staff namespace.
PUBLIC_ELSEWHERE = ["aid:public_programmes"]
STAFF_ONLY = {"portal:manage", "portal:manage_edit"}
# Answers that are not HTML pages (files), or a page about a missing thing (404).
NOT_A_PAGE = {"finance_public:banner", "economy_public:photo"}


def _public_routes() -> list[str]:
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in PUBLIC_NAMESPACES:
                found.append(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns)
    return [r for r in found if r not in STAFF_ONLY] + PUBLIC_ELSEWHERE


def _assert_public_layout(url: str, text: str) -> None:
    assert '<body class="public">' in text, f"{url} is not on the public layout (templates/public.html)"
    assert 'name="viewport"' in text, f"{url}: no viewport for phones"
    assert 'class="topbar"' not in text, f"{url} shows the staff header"
    assert "nav-toggle" not in text, f"{url} shows the staff menu"
    assert text.count("<h1") == 1, f"{url}: {text.count('<h1')} h1 headings (one per page)"


def test_no_public_page_shows_personal_data(client, village_a, family_a, operator_a, resident_a):
    cache.clear()
    for i in range(6):
        ResidentFactory(
            village=village_a, family=family_a, rt=family_a.rt, name=f"WARGA RAHASIA {i}", sex=1 + i % 2
        )
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    post = services.post_create(
        actor=operator_a, village=village_a, data={"title": "Pengumuman", "body": "Isi"}
    )
    complaint, _ = complaint_submit(
        actor=None,
        village=village_a,
        data={"subject": "Jalan rusak", "body": "Tolong diperbaiki", "name": "WARGA RAHASIA 0"},
    )
    business = business_create(
        actor=operator_a,
        village=village_a,
        owner=resident_a,
        data={"name": "Gula Aren", "sector": "C", "address": "RT 1", "listed": True},
        today=timezone.localdate(),
    )
    village_code = {"village_code": village_a.code}
    kwargs = {
        "portal:home": {"village_code": village_a.code},
        "portal:posts": {"village_code": village_a.code},
        "portal:post": {"village_code": village_a.code, "public_id": post.public_id},
        "portal:complaint": {"village_code": village_a.code},
        "portal:complaint_track": {"village_code": village_a.code},
        "portal:complaint_status": {"village_code": village_a.code, "number": complaint.tracking_number},
        "portal:letter_track": {"village_code": village_a.code},
        "regency_opendata:index": {},
        "regency_opendata:month_csv": {"month": str(month)},
        "regency_opendata:ckan_action": {"action": "datastore_search"},
        "finance_public:village": village_code,
        "finance_public:banner": village_code,
        "economy_public:businesses": village_code,
        "economy_public:business": {**village_code, "public_id": business.public_id},
        "economy_public:photo": {**village_code, "public_id": business.public_id},
        "economy_public:potential": village_code,
        "health_public:schedule": village_code,
        "aid:public_programmes": village_code,
        "verify:letter": {"token": "bukan-token"},
        "verify:tracking": {"code": "BUKANKODE"},
    }
    routes = _public_routes()
    assert set(routes) == set(kwargs), "a public URL without a personal-data check here"
    secrets = [n.lower() for n in Resident.objects.values_list("name", flat=True)]
    secrets += list(Resident.objects.values_list("nik", flat=True)) + list(
        Family.objects.values_list("kk_number", flat=True)
    )
    signed_in = Client()
    signed_in.force_login(operator_a)
    for name in routes:
        url = reverse(name, kwargs=kwargs[name])
        if name == "regency_opendata:ckan_action":
            url += f"?resource_id=angka-desa-bulanan-{month}"
        got = client.get(url)
        if name in NOT_A_PAGE:
            assert got.status_code in (200, 404), f"{url}: {got.status_code}"
            continue
        # A tracking code nobody holds: the page says so (404), on the same layout.
        assert got.status_code == (404 if name == "verify:tracking" else 200), f"{url}: {got.status_code}"
        text = got.content.decode()
        if got["Content-Type"].startswith("text/html"):
            _assert_public_layout(url, text)
            _assert_public_layout(f"{url} (signed in)", signed_in.get(url).content.decode())
        assert not SIXTEEN_DIGITS.search(text), f"{url} shows a 16-digit number"
        leaked = [s for s in secrets if s and s in text.lower()]
        # The complainant chose to give their name; it stays off the status page too.
        assert not leaked, f"{url} shows {leaked}"
