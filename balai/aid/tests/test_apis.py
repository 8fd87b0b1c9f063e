# ruff: noqa: F811  (fixtures imported from distribution_fixtures)
import base64
import json

import pytest
from django.utils import timezone

from balai.accounts.services import api_token_create
from balai.aid.models import Distribution, Entitlement
from balai.aid.tests.distribution_fixtures import (  # noqa: F401
    blt_a,
    give_decile,
    make_family,
    signature_png,
    two_recipients,
)
from balai.audit.models import AuditEvent

API = "/api/v1/aid"


def _client(client, user):
    _, key = api_token_create(user=user, name="t")

    def call(method, path, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if method == "GET":
            return client.get(API + path, **headers)
        return client.generic(
            method, API + path, json.dumps(body or {}), content_type="application/json", **headers
        )

    return call


@pytest.fixture
def op(client, operator_a):
    return _client(client, operator_a)


def _cycle(op, blt_a):
    body = {"covers_start": "2026-01-01", "covers_end": "2026-03-31", "planned_on": "2026-04-05"}
    response = op("POST", f"/programmes/{blt_a.public_id}/cycles", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_programmes_and_recipients(op, blt_a, two_recipients):
    programmes = op("GET", "/programmes").json()
    assert [p["public_id"] for p in programmes] == [blt_a.public_id]
    assert programmes[0]["active_recipients"] == 2
    recipients = op("GET", f"/programmes/{blt_a.public_id}/recipients").json()
    assert {r["unit"]["name"] for r in recipients} == {"SLAMET RIYADI", "WARSINAH"}
    assert "*" in recipients[0]["unit"]["kk_masked"]
    assert AuditEvent.objects.filter(
        action="aid.recipient_list_viewed", changes__what="api penerima"
    ).exists()


def test_rules_evaluation_what_if(op, blt_a, two_recipients):
    give_decile(two_recipients[0].family, 2)
    give_decile(two_recipients[1].family, 9)
    body = {"rules": [{"kind": "eligibility", "field": "desil", "operator": "lte", "value": 4}], "limit": 10}
    response = op("POST", f"/programmes/{blt_a.public_id}/evaluate", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert [c["name"] for c in data["candidates"]] == ["SLAMET RIYADI"]
    assert data["candidates"][0]["explanation"]["rules"][0]["passed"] is True
    bad = op(
        "POST",
        f"/programmes/{blt_a.public_id}/evaluate",
        {"rules": [{"kind": "eligibility", "field": "nope"}]},
    )
    assert bad.status_code == 422


def test_cycle_flow_over_api(client, op, kades_a, blt_a, two_recipients):
    # given
    cycle = _cycle(op, blt_a)
    assert cycle["amount"] == 900_000
    # the operator may not approve
    assert op("POST", f"/cycles/{cycle['public_id']}/steps", {"action": "approve"}).status_code == 403
    kades = _client(client, kades_a)
    approved = kades("POST", f"/cycles/{cycle['public_id']}/steps", {"action": "approve"})
    assert approved.json()["status"] == "approved"
    assert approved.json()["entitlements"] == 2
    ents = op("GET", f"/cycles/{cycle['public_id']}/entitlements").json()
    ent = ents[0]["public_id"]
    body = {
        "distributed_on": timezone.localdate().isoformat(),
        "received_by": "proxy",
        "receiver_name": "SITI",
        "proof_kind": "signature",
        "proof_base64": base64.b64encode(signature_png()).decode(),
    }
    # when: a proxy without relation
    missing = op("POST", f"/entitlements/{ent}/distribution", body)
    # then
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "proxy_relation"
    # when
    created = op("POST", f"/entitlements/{ent}/distribution", body | {"proxy_relation": "anak"})
    assert created.status_code == 201
    # then: a second distribution of the same entitlement is refused
    again = op("POST", f"/entitlements/{ent}/distribution", body | {"proxy_relation": "anak"})
    assert again.status_code == 422
    assert "penyaluran ganda" in again.content.decode()
    assert Distribution.objects.count() == 1
    assert Entitlement.objects.get(public_id=ent).status == "distributed"
    listed = op("GET", f"/cycles/{cycle['public_id']}/distributions").json()
    assert listed[0]["proxy_relation"] == "anak"


def test_cycle_body_errors_name_fields(op, blt_a):
    response = op("POST", f"/programmes/{blt_a.public_id}/cycles", {})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["detail"]}
    assert fields == {"covers_start", "covers_end", "planned_on"}


def test_coverage_endpoints(client, op, camat_a, kader_a, blt_a, two_recipients):
    give_decile(two_recipients[0].family, 1)
    give_decile(make_family(blt_a.village, "BELUM"), 3)
    data = op("GET", "/coverage").json()
    poor = next(b for b in data["bands"] if b["band"] == "d1_4")
    assert (poor["families"], poor["reached"], poor["not_reached"]) == (2, 1, 1)
    camat = _client(client, camat_a)
    rows = camat("GET", "/coverage/villages").json()
    assert [(r["name"], r["decile_1_4"], r["decile_1_4_reached"]) for r in rows] == [("Brokoh", 2, 1)]
    assert camat("GET", "/coverage").status_code == 403
    assert _client(client, kader_a)("GET", "/coverage/villages").status_code == 403
