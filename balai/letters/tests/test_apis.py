import json

from balai.accounts.services import api_token_create
from balai.letters.tests.conftest import DOMISILI_REQS

API = "/api/v1/letters"


def _client(client, user):
    _, key = api_token_create(user=user, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def call(method, path, body=None):
        if method == "GET":
            return client.get(path, **headers)
        return client.generic(
            method, path, json.dumps(body or {}), content_type="application/json", **headers
        )

    return call


def test_request_verify_sign_issue_and_fetch_through_the_api(
    client, operator_a, kades_a, kades_official_a, resident_a
):
    # given
    op, kades = _client(client, operator_a), _client(client, kades_a)
    # when
    created = op(
        "POST",
        API,
        {
            "type_code": "domisili",
            "resident": resident_a.public_id,
            "fields": {"keperluan": "Bank"},
            "requirements": DOMISILI_REQS,
        },
    )
    pid = created.json()["public_id"]
    op("POST", f"{API}/{pid}/steps", {"action": "verify"})
    kades("POST", f"{API}/{pid}/steps", {"action": "sign"})
    issued = op("POST", f"{API}/{pid}/steps", {"action": "issue"})
    pdf = op("GET", f"{API}/{pid}/pdf")
    # then
    assert created.status_code == 201
    assert created.json()["subject_name"] == "S*** W******"
    assert issued.status_code == 200
    assert issued.json()["state"] == "issued"
    assert "/v/" in issued.json()["verify_url"]
    assert pdf.content.startswith(b"%PDF")
    assert op("GET", API).json()[0]["number"] == issued.json()["number"]


def test_api_errors_are_4xx_with_fields(client, operator_a, resident_a):
    op = _client(client, operator_a)
    missing = op("POST", API, {"type_code": "domisili", "resident": resident_a.public_id, "fields": {}})
    unknown = op("POST", API, {"type_code": "tidak-ada", "resident": resident_a.public_id})
    pid = op(
        "POST", API, {"type_code": "domisili", "resident": resident_a.public_id, "fields": {"keperluan": "x"}}
    ).json()["public_id"]
    refused = op("POST", f"{API}/{pid}/steps", {"action": "sign"})
    bad_step = op("POST", f"{API}/{pid}/steps", {"action": "terbang"})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "keperluan"
    assert unknown.status_code == 422
    assert refused.status_code == 409
    assert bad_step.status_code == 422


def test_types_are_listed(client, operator_a):
    got = _client(client, operator_a)("GET", f"{API}/types").json()
    assert {"domisili", "sktm", "skck", "kuasa", "kematian"} <= {t["code"] for t in got}


def test_verify_through_the_api_needs_no_token(client, issued_a):
    from django.core.cache import cache

    from balai.letters import services

    cache.clear()
    good = client.get(f"{API}/verify/{issued_a.token}", {"p": services.payload_of(issued_a)})
    bad = client.get(f"{API}/verify/{issued_a.token[:-2]}xx")
    assert good.status_code == 200
    assert good.json()["status"] == "valid"
    assert good.json()["masked_name"] == "S*** W******"
    assert bad.json()["status"] == "not_genuine"
    assert bad.json()["number"] == ""
