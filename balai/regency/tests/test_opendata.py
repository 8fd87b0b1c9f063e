import datetime as dt
import re

import pytest
from django.utils import timezone

from balai.core.dates import Month
from balai.people.tests.factories import ResidentFactory
from balai.regency.services import snapshot_take

pytestmark = pytest.mark.django_db
NIK_LIKE = re.compile(r"\b\d{16}\b")


@pytest.fixture
def frozen(village_a, family_a):
    for i in range(7):
        ResidentFactory(
            village=village_a,
            family=family_a,
            rt=family_a.rt,
            sex=1 + i % 2,
            birth_date=dt.date(1980, 1, 1 + i),
        )
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    return month


def test_ckan_package_show_lists_monthly_resources(client, frozen):
    got = client.get("/kabupaten/data-terbuka/api/3/action/package_show?id=angka-desa-bulanan")
    body = got.json()
    assert got.status_code == 200
    assert body["success"]
    assert body["result"]["resources"][0]["id"] == f"angka-desa-bulanan-{frozen}"
    assert any(e["key"] == "ms_var" for e in body["result"]["extras"])
    assert "public" in got["Cache-Control"]


def test_datastore_search_suppresses_small_cells_and_names_no_one(client, frozen, village_a):
    got = client.get(
        f"/kabupaten/data-terbuka/api/3/action/datastore_search?resource_id=angka-desa-bulanan-{frozen}"
    )
    record = got.json()["result"]["records"][0]
    assert record["desa"] == "Brokoh"
    assert record["residents"] == "7"
    assert record["male"] == ""  # 4 men: below the threshold, blank
    text = got.content.decode()
    assert not NIK_LIKE.search(text)
    from balai.people.models import Resident

    for name in Resident.objects.filter(village=village_a).values_list("name", flat=True):
        assert name not in text


def test_unknown_month_and_action_are_clear_404s(client, frozen):
    assert client.get("/kabupaten/data-terbuka/angka-2001-01.csv").status_code == 404
    got = client.get("/kabupaten/data-terbuka/api/3/action/hapus_semua")
    assert got.status_code == 404
    assert not got.json()["success"]
    bad = client.get(
        f"/kabupaten/data-terbuka/api/3/action/datastore_search?resource_id=angka-desa-bulanan-{frozen}&limit=x"
    )
    assert bad.status_code == 400


def test_csv_download_is_public(client, frozen):
    got = client.get(f"/kabupaten/data-terbuka/angka-{frozen}.csv")
    assert got.status_code == 200
    assert "Brokoh" in got.content.decode()
    assert client.get("/kabupaten/data-terbuka/").status_code == 200
