"""Issue 16: every view of personal data is recorded, on the resident's id (so a resident can
be told who read their record): the family page, a child's education record, the resident
list and search in the UI and the API. Before, these four wrote no audit event."""

from __future__ import annotations

import pytest

from balai.accounts.services import api_token_create
from balai.audit.models import AuditEvent
from balai.audit.selectors import reads_of
from balai.people.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def _reads(resident) -> list[str]:
    """The purposes of the resident's reads, found as the kiosk and the regency find them."""
    return [
        event.changes["purpose"]
        for event in reads_of(
            village_id=resident.village_id, object_type="resident", object_id=resident.public_id
        )
    ]


def test_family_page_logs_a_read_of_each_member(client_a, family_a, resident_a, operator_a):
    other = ResidentFactory(village=family_a.village, family=family_a)
    client_a.get(f"/penduduk/keluarga/{family_a.public_id}/")
    assert _reads(resident_a) == ["family"]
    assert _reads(other) == ["family"]
    # One event for the page, its hash covering every member shown.
    event = AuditEvent.objects.get(action="resident.viewed")
    assert event.actor_id == operator_a.pk
    assert set(event.changes["records"]) >= {resident_a.public_id, other.public_id}
    assert event.hash == event.compute_hash()


def test_ui_list_and_search_log_the_residents_shown(client_a, resident_a):
    client_a.get("/penduduk/")
    client_a.post("/penduduk/", {"q": "SITI"})
    assert sorted(_reads(resident_a)) == ["list", "search"]


def test_api_list_and_search_log_the_residents_returned(client, operator_a, resident_a):
    _token, key = api_token_create(user=operator_a, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/residents", **auth).status_code == 200
    assert (
        client.post(
            "/api/v1/residents/search", {"q": "SITI"}, content_type="application/json", **auth
        ).status_code
        == 200
    )
    assert sorted(_reads(resident_a)) == ["api_list", "api_search"]
