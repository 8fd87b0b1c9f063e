"""The population API: monthly report, statistics, data quality, review queue, cancellation."""

import json

from django.utils import timezone

from balai.accounts.services import api_token_create
from balai.core.dates import Month
from balai.people import codes, services
from balai.people.models import ReviewItem

API = "/api/v1"


def _headers(user):
    _, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_monthly_report_statistics_quality_and_reviews(client, operator_a, resident_a):
    event = services.death_record(actor=operator_a, resident=resident_a, event_date=timezone.localdate())
    ReviewItem.objects.create(village=resident_a.village, event=event, module="aid", title="Konfirmasi")
    h = _headers(operator_a)
    this = Month.of(timezone.localdate())
    report = client.get(f"{API}/population/monthly", {"bulan": str(this)}, **h).json()
    assert report["adds_up"] is True
    assert report["rows"]["deaths"]["total"] == 1
    assert report["running"] is True  # this month: the answer says it is not complete
    assert report["data_until"] == timezone.localdate().isoformat()
    # without a month, the last complete one, as on the page
    default = client.get(f"{API}/population/monthly", **h).json()
    assert (default["month"], default["running"]) == (str(this.previous()), False)
    stats = client.get(f"{API}/population/statistics", {"kategori": "agama"}, **h).json()
    assert stats["category"] == "agama"
    assert client.get(f"{API}/population/quality", **h).json()["residents"] == 0
    reviews = client.get(f"{API}/population/reviews", **h).json()
    assert reviews[0]["event"] == event.public_id
    detail = client.get(f"{API}/events/{event.public_id}", **h).json()
    assert "undo" not in detail["details"]
    assert client.get(f"{API}/population/monthly/regional", **h).status_code == 200


def test_cancel_through_the_api(client, operator_a, resident_a):
    event = services.death_record(actor=operator_a, resident=resident_a, event_date=timezone.localdate())
    h = _headers(operator_a)
    url = f"{API}/events/{event.public_id}/cancel"
    response = client.post(url, json.dumps({"reason": "salah"}), content_type="application/json", **h)
    assert response.status_code == 200
    assert response.json()["cancel_reason"] == "salah"
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_ALIVE
    again = client.post(url, json.dumps({"reason": "lagi"}), content_type="application/json", **h)
    assert again.status_code in (400, 409, 422)


def test_regional_figures_for_the_regency(client, regency_viewer, resident_a):
    h = _headers(regency_viewer)
    assert client.get(f"{API}/population/monthly", **h).status_code == 403
    body = client.get(f"{API}/population/monthly/regional", **h).json()
    assert body["rows"]["end"]["total"] >= 1
    assert body["running"] is False
    assert body["villages_total"] >= body["villages_reported"]
    assert client.get(f"{API}/population/statistics/regional", **h).status_code == 200
    stats = client.get(f"{API}/population/statistics/regional?kategori=agama", **h).json()
    per_village = {v["village"]: v for v in stats["per_village"]["villages"]}
    assert per_village[resident_a.village.code]["total"] >= 1
    assert sum(v["total"] for v in per_village.values()) == stats["total"]["male"] + stats["total"]["female"]
    assert "duplicates" in client.get(f"{API}/population/quality/ranking", **h).json()[0]
    ranking = client.get(f"{API}/population/quality/ranking", **h).json()
    assert ranking
