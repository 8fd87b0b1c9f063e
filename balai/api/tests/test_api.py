import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from balai.accounts.models import ApiToken
from balai.accounts.services import api_token_create, api_token_revoke
from balai.audit.models import AuditEvent
from balai.core.masking import mask_number
from balai.people import codes
from balai.people.models import LifeEvent, Resident
from balai.people.tests.factories import ResidentFactory

API = "/api/v1"


def _auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


class Api:
    """The test client with a bearer token; JSON in, response out."""

    def __init__(self, client, key):
        self.client, self.headers = client, _auth(key)

    def get(self, path, **params):
        return self.client.get(API + path, params, **self.headers)

    def post(self, path, body):
        raw = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(API + path, raw, content_type="application/json", **self.headers)

    def patch(self, path, body):
        return self.client.patch(
            API + path, json.dumps(body), content_type="application/json", **self.headers
        )


@pytest.fixture
def api_a(client, operator_a):
    _, key = api_token_create(user=operator_a, name="test")
    return Api(client, key)


@pytest.fixture
def api_kades(client, kades_a):
    _, key = api_token_create(user=kades_a, name="test")
    return Api(client, key)


@pytest.fixture
def api_regency(client, regency_viewer):
    _, key = api_token_create(user=regency_viewer, name="test")
    return Api(client, key)


def _new_resident(**kw):
    base = {"nik": "3325014107900001", "name": "Siti Aminah", "sex": 2, "birth_date": "1990-07-01"}
    return base | kw


# --- Authentication ---------------------------------------------------------------------


def test_api_requires_a_token(client, resident_a):
    response = client.get(f"{API}/residents")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "token" in response.json()["detail"].lower()


def test_wrong_token_is_refused(client, resident_a, operator_a):
    api_token_create(user=operator_a, name="real")
    response = client.get(f"{API}/residents", **_auth("bukan-token-yang-benar"))
    assert response.status_code == 401


def test_revoked_token_is_refused(client, operator_a, resident_a):
    # given
    token, key = api_token_create(user=operator_a, name="laptop")
    assert client.get(f"{API}/residents", **_auth(key)).status_code == 200
    # when
    api_token_revoke(token=token)
    # then
    assert client.get(f"{API}/residents", **_auth(key)).status_code == 401


def test_token_of_inactive_user_is_refused(client, operator_a):
    _, key = api_token_create(user=operator_a, name="laptop")
    operator_a.is_active = False
    operator_a.save()
    assert client.get(f"{API}/residents", **_auth(key)).status_code == 401


def test_session_alone_does_not_authenticate_the_api(client_a, resident_a):
    assert client_a.get(f"{API}/residents").status_code == 401


def test_token_is_stored_only_as_hash_and_prefix(operator_a):
    token, key = api_token_create(user=operator_a, name="sipd")
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert key not in (token.name, token.key_hash)
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.object_id == str(token.pk)
    assert key not in json.dumps(event.changes)


def test_last_used_is_written_at_most_once_a_minute(client, operator_a):
    token, key = api_token_create(user=operator_a, name="x")
    with time_machine.travel(dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC), tick=False) as traveller:
        client.get(f"{API}/residents", **_auth(key))
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None
        traveller.shift(dt.timedelta(seconds=30))
        client.get(f"{API}/residents", **_auth(key))
        token.refresh_from_db()
        assert token.last_used_at == first
        traveller.shift(dt.timedelta(seconds=40))
        client.get(f"{API}/residents", **_auth(key))
        token.refresh_from_db()
        assert token.last_used_at > first


def test_create_token_command_prints_the_key_once(operator_a):
    out, err = StringIO(), StringIO()
    call_command("create_token", "operator_a", "--name", "aplikasi posyandu", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=operator_a)
    assert token.key_hash == ApiToken.hash_key(key)
    assert token.name == "aplikasi posyandu"
    assert key not in err.getvalue()
    assert AuditEvent.objects.get(action="api_token.created").source == "cli"


def test_create_token_command_refuses_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("create_token", "tidak_ada", stdout=StringIO(), stderr=StringIO())


# --- Residents --------------------------------------------------------------------------


def test_list_masks_nik_and_kk(api_a, resident_a):
    response = api_a.get("/residents")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["public_id"] == resident_a.public_id
    assert item["nik_masked"] == mask_number(resident_a.nik)
    assert item["kk_number_masked"] == mask_number(resident_a.family.kk_number)
    assert resident_a.nik not in response.content.decode()
    assert resident_a.family.kk_number not in response.content.decode()


def test_list_pages_with_cursor(api_a, village_a, family_a):
    # given
    names = ["ADI", "BAYU", "CITRA", "DEWI", "EKO"]
    for name in names:
        ResidentFactory(village=village_a, family=family_a, name=name)
    # when
    seen, cursor = [], None
    for _ in range(5):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = api_a.get("/residents", **params).json()
        seen += [item["name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    # then
    assert seen == names


def test_unknown_cursor_is_400(api_a, resident_a, resident_b):
    for path in ("/residents", "/families", "/events"):
        assert api_a.get(path, cursor="tidakada12345678").status_code == 400
    # another village's row is no anchor either
    assert api_a.get("/residents", cursor=resident_b.public_id).status_code == 400
    assert api_a.get("/families", cursor=resident_b.family.public_id).status_code == 400


def test_cursor_carries_no_personal_data(api_a, village_a, family_a):
    for name in ["ADI", "BAYU", "CITRA"]:
        ResidentFactory(village=village_a, family=family_a, name=name)
    cursor = api_a.get("/residents", limit=1).json()["next_cursor"]
    assert cursor == Resident.objects.get(name="ADI").public_id


def test_search_by_name_with_get(api_a, resident_a, village_a):
    ResidentFactory(village=village_a, name="BUDI HARTONO")
    response = api_a.get("/residents", q="wahyu")
    assert [i["public_id"] for i in response.json()["items"]] == [resident_a.public_id]


def test_number_in_query_string_is_refused(api_a, resident_a):
    response = api_a.get("/residents", q=resident_a.nik)
    assert response.status_code == 400
    assert "POST /residents/search" in response.json()["detail"]


def test_search_by_nik_with_post(api_a, resident_a, resident_b):
    found = api_a.post("/residents/search", {"q": resident_a.nik})
    assert found.status_code == 200
    assert [i["public_id"] for i in found.json()["items"]] == [resident_a.public_id]
    # another village's NIK finds nothing, exactly like an unknown one
    assert api_a.post("/residents/search", {"q": resident_b.nik}).json()["items"] == []


def test_reading_a_resident_is_audited(api_a, resident_a, operator_a):
    response = api_a.get(f"/residents/{resident_a.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["nik"] == resident_a.nik  # full number on the detail endpoint
    assert body["family"]["kk_number"] == resident_a.family.kk_number
    assert body["rt"]["dusun"] == resident_a.rt.dusun.name
    event = AuditEvent.objects.get(action="resident.viewed")
    assert event.actor == operator_a
    assert event.object_id == resident_a.public_id
    assert event.changes == {"purpose": "api"}


def test_unknown_resident_is_404(api_a, village_a):
    assert api_a.get("/residents/tidakada12345678").status_code == 404


def test_create_resident(api_a, family_a, operator_a):
    response = api_a.post("/residents", _new_resident(family=family_a.public_id))
    assert response.status_code == 201, response.content
    body = response.json()
    resident = Resident.objects.get(public_id=body["public_id"])
    assert resident.family == family_a
    assert resident.rt == family_a.rt
    assert AuditEvent.objects.get(action="resident.created").actor == operator_a


def test_create_with_field_errors_is_422(api_a):
    response = api_a.post("/residents", {"name": "X" * 101, "sex": 3, "nik": "33250141079000ab"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert fields == {"name", "sex", "nik"}


def test_create_with_domain_errors_is_422(api_a):
    response = api_a.post("/residents", _new_resident(nik="332501410790"))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "nik"
    assert "16 angka" in error["message"]
    response = api_a.post("/residents", _new_resident(name="   "))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "name"


def test_nik_warning_needs_acceptance(api_a):
    # given a NIK whose birth date disagrees with the record
    data = _new_resident(birth_date="1991-07-01")
    # when
    first = api_a.post("/residents", data)
    # then
    assert first.status_code == 409
    body = first.json()
    assert body["detail"][0]["field"] == "nik"
    assert body["warnings"]
    assert "accept_warnings" in body["hint"]
    second = api_a.post("/residents", data | {"accept_warnings": True})
    assert second.status_code == 201
    assert second.json()["nik_mismatch_accepted"] is True


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("{not json", 400),
        ('"a string"', 422),
        ("[1, 2]", 422),
        ('{"name": "Ani", "sex": "perempuan"}', 422),
        ('{"name": "Ani", "sex": 2, "birth_date": "kemarin"}', 422),
        ('{"name": "Ani", "sex": 2, "religion": 99}', 422),
        ('{"name": "Ani\\u0000", "sex": 2}', 422),
        ('{"name": "Ani", "sex": 2, "nama_ibu": "X"}', 422),
        ('{"name": ["Ani"], "sex": 2}', 422),
        ('{"name": "Ani", "sex": 2, "nik": "332501410790000\u00b2"}', 422),
    ],
)
def test_malformed_bodies_are_4xx(api_a, raw, status):
    response = api_a.post("/residents", raw)
    assert response.status_code == status, response.content
    assert "detail" in response.json()


def test_wrong_query_types_are_4xx(api_a, resident_a):
    assert api_a.get("/residents", limit="banyak").status_code == 422
    assert api_a.get("/residents", limit=1000).status_code == 422
    assert api_a.get("/residents", sex=7).status_code == 422
    assert api_a.get("/events", kind=99).status_code == 422


def test_update_resident(api_a, resident_a):
    response = api_a.patch(f"/residents/{resident_a.public_id}", {"occupation": 5, "ethnicity": "JAWA"})
    assert response.status_code == 200
    resident_a.refresh_from_db()
    assert resident_a.occupation == 5
    assert resident_a.ethnicity == "JAWA"
    event = AuditEvent.objects.get(action="resident.updated")
    assert event.changes["occupation"] == [9, 5]


def test_update_refuses_emptying_the_name_and_unknown_fields(api_a, resident_a):
    assert api_a.patch(f"/residents/{resident_a.public_id}", {"name": None}).status_code == 422
    response = api_a.patch(f"/residents/{resident_a.public_id}", {"pekerjaan": 5})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "pekerjaan"


def test_kades_reads_but_cannot_write(api_kades, resident_a):
    assert api_kades.get(f"/residents/{resident_a.public_id}").status_code == 200
    assert api_kades.patch(f"/residents/{resident_a.public_id}", {"occupation": 5}).status_code == 403
    assert api_kades.post("/residents", _new_resident()).status_code == 403


def test_kader_cannot_read_the_registry(client, kader_a, resident_a):
    _, key = api_token_create(user=kader_a, name="posyandu")
    response = client.get(f"{API}/residents/{resident_a.public_id}", **_auth(key))
    assert response.status_code == 403


def test_create_refuses_another_villages_family_as_if_missing(api_a, family_b):
    other = api_a.post("/residents", _new_resident(family=family_b.public_id))
    missing = api_a.post("/residents", _new_resident(family="tidakada12345678"))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert other.json()["detail"][0]["field"] == "family"


# --- Families ---------------------------------------------------------------------------


def test_family_read_with_members(api_a, family_a, resident_a):
    response = api_a.get(f"/families/{family_a.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["kk_number"] == family_a.kk_number
    assert [m["public_id"] for m in body["members"]] == [resident_a.public_id]
    assert body["members"][0]["nik"] == resident_a.nik


def test_family_list_masks_kk(api_a, family_a):
    response = api_a.get("/families")
    [item] = response.json()["items"]
    assert item["kk_number_masked"] == mask_number(family_a.kk_number)
    assert family_a.kk_number not in response.content.decode()


def test_family_create(api_a, rt_a):
    response = api_a.post("/families", {"rt": rt_a.public_id, "address": "Jl. Melati 3"})
    assert response.status_code == 201
    body = response.json()
    assert body["kk_temporary"] is True
    assert body["members"] == []
    assert api_a.post("/families", {"kk_number": "1234"}).status_code == 422


# --- Life events ------------------------------------------------------------------------


def test_record_a_death(api_a, resident_a):
    body = {"resident": resident_a.public_id, "kind": "death", "event_date": "2026-01-05"}
    response = api_a.post("/events/status", body)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == LifeEvent.Kind.DEATH
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_DEAD
    # a second death is refused, not a crash
    assert api_a.post("/events/status", body).status_code == 409


def test_record_a_birth(api_a, family_a, resident_a):
    body = {"family": family_a.public_id, "name": "Bayu", "sex": 1, "birth_date": "2026-01-02"}
    response = api_a.post("/events/births", body)
    assert response.status_code == 201, response.content
    child = response.json()
    assert child["nik_temporary"] is True
    assert child["family"]["public_id"] == family_a.public_id
    events = api_a.get("/events", kind=LifeEvent.Kind.BIRTH).json()["items"]
    assert [e["resident"]["public_id"] for e in events] == [child["public_id"]]
    event = api_a.get(f"/events/{events[0]['public_id']}").json()
    assert event["kind_label"] == "Lahir"


def test_birth_without_date_is_422(api_a, family_a):
    response = api_a.post("/events/births", {"family": family_a.public_id, "name": "Bayu", "sex": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "birth_date"


def test_event_in_the_future_is_422(api_a, resident_a):
    body = {"resident": resident_a.public_id, "kind": "missing", "event_date": "2999-01-01"}
    response = api_a.post("/events/status", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "event_date"


def test_move_out_and_move_in(api_a, resident_a, family_a):
    out = api_a.post(
        "/events/move-out",
        {
            "residents": [resident_a.public_id],
            "event_date": "2026-02-01",
            "destination": "Semarang",
            "move_type": 3,
        },
    )
    assert out.status_code == 201, out.content
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_MOVED
    arrived = api_a.post(
        "/events/move-in",
        _new_resident(family=family_a.public_id, event_date="2026-02-02", origin="Kendal"),
    )
    assert arrived.status_code == 201, arrived.content


def test_event_list_pages(api_a, village_a, family_a):
    for i in range(3):
        r = ResidentFactory(village=village_a, family=family_a)
        LifeEvent.objects.create(village=village_a, resident=r, kind=1, event_date=dt.date(2026, 1, 1 + i))
    first = api_a.get("/events", limit=2).json()
    second = api_a.get("/events", limit=2, cursor=first["next_cursor"]).json()
    dates = [e["event_date"] for e in first["items"] + second["items"]]
    assert dates == ["2026-01-03", "2026-01-02", "2026-01-01"]
    assert second["next_cursor"] is None


# --- Stats ------------------------------------------------------------------------------


def test_stats_for_the_operators_village(api_a, resident_a, resident_b):
    response = api_a.get("/stats/village")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == resident_a.village.code
    assert body["residents"] == 1
    assert body["families"] == 1
    assert body["by_sex"] == {"male": 0, "female": 1}
    assert sum(b["female"] for b in body["by_age"]) == 1
    # an operator's list of villages is their own village only
    villages = api_a.get("/stats/villages").json()["items"]
    assert [v["code"] for v in villages] == [resident_a.village.code]


def test_stats_for_a_regency_user(api_regency, resident_a, resident_b):
    response = api_regency.get("/stats/villages")
    assert response.status_code == 200
    body = response.json()
    assert {v["code"]: v["residents"] for v in body["items"]} == {
        resident_a.village.code: 1,
        resident_b.village.code: 1,
    }
    assert body["residents"] == 2
    # no village of their own, and never an individual record
    assert api_regency.get("/stats/village").status_code == 403
    assert api_regency.get(f"/residents/{resident_a.public_id}").status_code == 403
    assert api_regency.get("/residents").status_code == 403
    assert api_regency.post("/residents/search", {"q": resident_a.nik}).status_code == 403


def test_camat_sees_only_their_districts_villages(client, camat_a, resident_a, resident_b):
    _, key = api_token_create(user=camat_a, name="kecamatan")
    body = client.get(f"{API}/stats/villages", **_auth(key)).json()
    assert [v["code"] for v in body["items"]] == [resident_a.village.code]


# --- Documents --------------------------------------------------------------------------


def test_openapi_document_is_served(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Balai API"
    assert "/api/v1/residents/search" in schema["paths"]
    [scheme] = schema["components"]["securitySchemes"].values()
    assert scheme == {"type": "http", "scheme": "bearer"}


def test_docs_page_is_served(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
