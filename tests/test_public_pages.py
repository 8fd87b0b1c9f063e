"""Every public URL (the village's page and its sub-pages, the open data) is checked for
personal data: no 16-digit number (NIK/KK), no resident's name, no NIK or KK of the village."""

import re

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from balai.core.dates import Month
from balai.desk.services import complaint_submit
from balai.people.models import Family, Resident
from balai.people.tests.factories import ResidentFactory
from balai.portal import services
from balai.regency.services import snapshot_take

pytestmark = pytest.mark.django_db
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
PUBLIC_NAMESPACES = ("portal", "regency_opendata")
STAFF_ONLY = {"portal:manage", "portal:manage_edit"}


def _public_routes() -> list[str]:
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in PUBLIC_NAMESPACES:
                found.append(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns)
    return [r for r in found if r not in STAFF_ONLY]


def test_no_public_page_shows_personal_data(client, village_a, family_a, operator_a):
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
    }
    routes = _public_routes()
    assert set(routes) == set(kwargs), "a public URL without a personal-data check here"
    secrets = [n.lower() for n in Resident.objects.values_list("name", flat=True)]
    secrets += list(Resident.objects.values_list("nik", flat=True)) + list(
        Family.objects.values_list("kk_number", flat=True)
    )
    for name in routes:
        url = reverse(name, kwargs=kwargs[name])
        if name == "regency_opendata:ckan_action":
            url += f"?resource_id=angka-desa-bulanan-{month}"
        got = client.get(url)
        assert got.status_code == 200, f"{url}: {got.status_code}"
        text = got.content.decode()
        assert not SIXTEEN_DIGITS.search(text), f"{url} shows a 16-digit number"
        leaked = [s for s in secrets if s and s in text.lower()]
        # The complainant chose to give their name; it stays off the status page too.
        assert not leaked, f"{url} shows {leaked}"
