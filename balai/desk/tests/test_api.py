from django.utils import timezone

from balai.accounts.services import api_token_create
from balai.core.dates import Month
from balai.desk import services


def _get(client, user, path, **params):
    _, key = api_token_create(user=user, name="test")
    return client.get(f"/api/v1/desk{path}", params, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_queue_and_complaints_through_the_api(client, operator_a, village_a, surat_a, loket1_a):
    # given
    services.ticket_take(village=village_a, category=surat_a)
    services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a)
    complaint, _ = services.complaint_submit(
        actor=None, village=village_a, data={"subject": "Jalan rusak", "body": "RT 1", "contact": "0812"}
    )
    # when
    queue = _get(client, operator_a, "/queue").json()
    listed = _get(client, operator_a, "/complaints").json()
    one = _get(client, operator_a, f"/complaints/{complaint.public_id}")
    # then
    assert queue["recent_calls"][0]["number"] == "A-001"
    assert listed[0]["subject"] == "Jalan rusak"
    assert "contact" not in listed[0]
    assert one.status_code == 200
    assert one.json()["tracking_number"] == complaint.tracking_display


def test_another_villages_complaint_is_404_through_the_api(client, operator_b, village_a):
    complaint, _ = services.complaint_submit(
        actor=None, village=village_a, data={"subject": "x", "body": "y"}
    )
    assert _get(client, operator_b, f"/complaints/{complaint.public_id}").status_code == 404


def test_ikm_and_on_duty_through_the_api(client, operator_a, village_a):
    services.ikm_submit(village=village_a, answers={f"u{n}": 4 for n in range(1, 10)})
    ikm = _get(client, operator_a, f"/ikm?bulan={Month.of(timezone.localdate())}").json()
    assert ikm["running"] is True
    assert _get(client, operator_a, "/ikm").json()["running"] is False  # last month by default
    assert ikm["respondents"] == 1
    assert ikm["index"] == 100.0
    assert ikm["grade"] == "A"
    assert _get(client, operator_a, "/on-duty").status_code == 200


def test_the_head_and_the_regency_get_no_desk_api(client, kades_a, regency_viewer):
    assert _get(client, kades_a, "/queue").status_code == 403
    assert _get(client, regency_viewer, "/complaints").status_code == 403
