"""Issue 16: every view of personal data is recorded, on the resident's id (so a resident can
be told who read their record): the family page, a child's education record, the resident
list and search in the UI and the API. Before, these four wrote no audit event."""

from __future__ import annotations

import pytest

from balai.accounts.services import api_token_create
from balai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _reads(resident) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            action="resident.viewed", object_type="resident", object_id=resident.public_id
        ).values_list("changes__purpose", flat=True)
    )


def test_family_page_logs_a_read_of_each_member(client_a, family_a, resident_a, operator_a):
    client_a.get(f"/penduduk/keluarga/{family_a.public_id}/")
    assert _reads(resident_a) == ["family"]
    assert AuditEvent.objects.get(object_id=resident_a.public_id).actor_id == operator_a.pk


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
