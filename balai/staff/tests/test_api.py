"""The staffing API (read): officials with decrees, posts, the month's attendance, per-village figures."""

from balai.accounts.services import api_token_create
from balai.staff import careers, leave
from balai.staff.models import Position
from balai.staff.tests.factories import OfficialFactory

API = "/api/v1/staff"


def _get(client, user, path):
    _, key = api_token_create(user=user, name="t")
    return client.get(API + path, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_officials_posts_and_attendance(client, village_a, operator_a, kades_a):
    careers.positions_seed_standard(actor=operator_a, village=village_a)
    official = OfficialFactory(village=village_a, name="RINA")
    careers.decree_record(
        actor=operator_a,
        village=village_a,
        official=official,
        data={
            "kind": "angkat",
            "number": "141/1/2025",
            "date": "2025-01-06",
            "signer": "Kepala Desa",
            "position": Position.objects.get(village=village_a, title="Kasi Pelayanan"),
        },
    )
    item = leave.leave_request(
        actor=operator_a,
        village=village_a,
        official=official,
        data={"kind": "izin", "start": "2026-11-02", "reason": "Urusan"},
    )
    leave.leave_decide(actor=kades_a, leave=item, approve=True)

    officials = _get(client, operator_a, "/officials").json()
    assert [o["name"] for o in officials] == ["RINA"]
    detail = _get(client, operator_a, f"/officials/{official.public_id}").json()
    assert detail["decrees"][0]["number"] == "141/1/2025"
    posts = _get(client, operator_a, "/positions").json()
    assert next(p for p in posts if p["title"] == "Kasi Pelayanan")["holder_name"] == "RINA"
    assert any(p["vacant"] for p in posts)
    month = _get(client, kades_a, "/attendance?bulan=2026-11").json()
    assert month["rows"][0]["excused"] == 1
    assert _get(client, operator_a, "/officials/tidakada23456789").status_code == 404


def test_villages_for_the_regency_only_counts(client, village_a, regency_viewer, operator_a):
    careers.positions_seed_standard(actor=operator_a, village=village_a)
    rows = _get(client, regency_viewer, "/villages").json()
    row = next(r for r in rows if r["code"] == village_a.code)
    assert (row["positions"], row["vacant"]) == (8, 8)
    assert _get(client, regency_viewer, "/officials").status_code == 403
