import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command

from balai.accounts.services import api_token_create
from balai.letters import signing
from balai.letters.models import Letter
from balai.letters.services import workflow
from balai.letters.signing import verify_url
from balai.letters.tests.conftest import DOMISILI_REQS
from balai.letters.types import REGISTRY

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
    refused = op("POST", f"{API}/{pid}/steps", {"action": "issue"})  # not verified nor signed
    bad_step = op("POST", f"{API}/{pid}/steps", {"action": "terbang"})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "keperluan"
    assert unknown.status_code == 422
    assert refused.status_code == 409
    assert bad_step.status_code == 422
    assert bad_step.json()["detail"][0]["field"] == "action"


def test_types_are_listed(client, operator_a):
    got = _client(client, operator_a)("GET", f"{API}/types").json()
    assert {"domisili", "sktm", "skck", "kuasa", "kematian"} <= {t["code"] for t in got}


def test_verify_through_the_api_needs_no_token(client, issued_a):
    from django.core.cache import cache

    from balai.letters import signing

    cache.clear()
    good = client.get(f"{API}/verify/{issued_a.token}", {"p": signing.payload_of(issued_a)})
    bad = client.get(f"{API}/verify/{issued_a.token[:-2]}xx")
    assert good.status_code == 200
    assert good.json()["status"] == "valid"
    assert good.json()["masked_name"] == "S*** W******"
    assert bad.json()["status"] == "not_genuine"
    assert bad.json()["number"] == ""


JAKARTA = dt.timezone(dt.timedelta(hours=7))


def _at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=JAKARTA), tick=False)


def test_expired_letter_is_genuine_but_says_its_validity_ended(client, issued_a):
    # given a letter valid up to and including 1 October 2026
    Letter.objects.filter(pk=issued_a.pk).update(valid_until=dt.date(2026, 10, 1))
    payload = signing.payload_of(issued_a)
    cache.clear()
    # when
    with _at(dt.date(2026, 10, 1)):
        last_day = client.get(f"{API}/verify/{issued_a.token}", {"p": payload}).json()
    with _at(dt.date(2026, 10, 2)):
        api = client.get(f"{API}/verify/{issued_a.token}", {"p": payload}).json()
        page = client.get(f"/v/{issued_a.token}", {"p": payload}).content.decode()
    # then
    assert last_day["status"] == "valid"
    assert api["status"] == "expired"
    assert api["valid_until"] == "2026-10-01"
    assert api["number"] == issued_a.number
    assert "ASLI, MASA BERLAKU HABIS 1 Oktober 2026" in page
    assert "ASLI DAN BERLAKU" not in page


def test_revoked_and_superseded_take_precedence_over_expired(client, issued_a, operator_a, kades_a):
    # given an expired letter that has a correction, and the correction itself revoked
    fix = workflow.letter_correction_create(
        actor=operator_a,
        letter=issued_a,
        fields={"keperluan": "Bank"},
        reason="salah",
        requirements=issued_a.checked_requirements,
    )
    fix = workflow.letter_verify(actor=operator_a, letter=fix)
    fix = workflow.letter_issue(actor=operator_a, letter=workflow.letter_sign(actor=kades_a, letter=fix))
    workflow.letter_revoke(actor=kades_a, letter=fix, reason="dicabut")
    Letter.objects.filter(pk__in=[issued_a.pk, fix.pk]).update(valid_until=dt.date(2026, 10, 1))
    cache.clear()
    # when
    with _at(dt.date(2027, 1, 1)):
        old = client.get(f"{API}/verify/{issued_a.token}").json()
        revoked = client.get(f"{API}/verify/{fix.token}").json()
    # then
    assert old["status"] == "superseded"
    assert revoked["status"] == "revoked"


def test_a_repeated_p_is_read_alike_by_the_page_the_api_and_the_cli(client, issued_a):
    # given: the last p is the one read (Django's QueryDict.get), everywhere
    good = signing.payload_of(issued_a)
    base = verify_url(issued_a, with_payload=False)
    good_last, bad_last = f"?p=xx.yy&p={good}", f"?p={good}&p=xx.yy"
    cache.clear()
    path = f"/v/{issued_a.token}"
    # then
    assert client.get(f"{API}/verify/{issued_a.token}{good_last}").json()["status"] == "valid"
    assert client.get(f"{API}/verify/{issued_a.token}{bad_last}").json()["status"] == "not_genuine"
    assert "TIDAK ASLI" not in client.get(path + good_last).content.decode()
    assert "TIDAK ASLI" in client.get(path + bad_last).content.decode()
    call_command("verify_letter", base + good_last)
    with pytest.raises(CommandError, match="TIDAK ASLI"):
        call_command("verify_letter", base + bad_last)


def test_a_wrong_role_is_403_and_another_village_is_404(client, operator_a, kades_a, operator_b, resident_a):
    # given
    op, kades, other = _client(client, operator_a), _client(client, kades_a), _client(client, operator_b)
    pid = op(
        "POST", API, {"type_code": "domisili", "resident": resident_a.public_id, "fields": {"keperluan": "x"}}
    ).json()["public_id"]
    # when
    wrong_role = op("POST", f"{API}/{pid}/steps", {"action": "sign"})
    kades_requests = kades(
        "POST", API, {"type_code": "domisili", "resident": resident_a.public_id, "fields": {"keperluan": "x"}}
    )
    # then
    assert wrong_role.status_code == 403
    assert wrong_role.json() == {"detail": "Peran Anda tidak boleh melakukan langkah ini."}
    assert kades_requests.status_code == 403
    assert other("GET", f"{API}/{pid}").status_code == 404
    assert other("POST", f"{API}/{pid}/steps", {"action": "verify"}).status_code == 404
    assert other("GET", f"{API}/{pid}/pdf").status_code == 404


def test_hand_over_without_a_receiver_names_the_reason_field(client, operator_a, issued_a):
    got = _client(client, operator_a)("POST", f"{API}/{issued_a.public_id}/steps", {"action": "hand_over"})
    assert got.status_code == 422
    assert got.json()["detail"][0]["field"] == "reason"


def test_unknown_state_filter_is_422_naming_the_states(client, operator_a, issued_a):
    op = _client(client, operator_a)
    bogus = op("GET", f"{API}?state=bogus")
    issued = op("GET", f"{API}?state=issued")
    assert bogus.status_code == 422
    error = bogus.json()["detail"][0]
    assert error["field"] == "state"
    assert all(state in error["message"] for state in Letter.State.values)
    assert [x["public_id"] for x in issued.json()] == [issued_a.public_id]


def test_third_parties_niks_are_masked_in_list_and_detail(client, operator_a, resident_a):
    # given a surat kuasa naming the receiver's NIK
    op = _client(client, operator_a)
    created = op(
        "POST",
        API,
        {
            "type_code": "kuasa",
            "resident": resident_a.public_id,
            "fields": {
                "penerima_kuasa": "Budi",
                "nik_penerima_kuasa": "3325014107900002",
                "alamat_penerima_kuasa": "Brokoh",
                "urusan": "Mengambil BPJS",
            },
            "requirements": list(REGISTRY["kuasa"].requirements),
        },
    )
    assert created.status_code == 201, created.json()
    pid = created.json()["public_id"]
    # when
    listed = op("GET", API).json()[0]["fields"]
    detail = op("GET", f"{API}/{pid}").json()["fields"]
    # then
    assert listed["nik_penerima_kuasa"] == "332501******0002"
    assert detail["nik_penerima_kuasa"] == "332501******0002"
    assert created.json()["fields"]["nik_penerima_kuasa"] == "332501******0002"
    assert listed["penerima_kuasa"] == "Budi"
    assert Letter.objects.get(public_id=pid).fields["nik_penerima_kuasa"] == "3325014107900002"


def test_every_nik_field_of_every_type_is_masked():
    from balai.letters.apis import _masked_fields

    niks = {(t.code, f.name) for t in REGISTRY.values() for f in t.fields if f.kind == "nik"}
    assert {
        ("kuasa", "nik_penerima_kuasa"),
        ("kematian_pasangan", "nik_pasangan"),
        ("pengantar_nikah", "nik_calon_pasangan"),
    } <= niks
    for code, name in niks:
        letter = Letter(type_code=code, fields={name: "3325014107900002"})
        assert _masked_fields(letter)[name] == "332501******0002"
    unknown_type = Letter(type_code="dihapus", fields={"nik_x": "3325014107900002", "nama": "A"})
    assert _masked_fields(unknown_type) == {"nik_x": "332501******0002", "nama": "A"}


def _request(op, resident, type_code, fields):
    return op(
        "POST",
        API,
        {
            "type_code": type_code,
            "resident": resident.public_id,
            "fields": fields,
            "requirements": list(REGISTRY[type_code].requirements),
        },
    )


def test_unicode_digits_in_a_number_field_are_422_naming_it(client, operator_a, resident_a):
    op = _client(client, operator_a)
    event = {"acara": "Hajatan", "tanggal_acara": "2030-01-05", "waktu": "09.00", "tempat_acara": "Rumah"}
    got = _request(op, resident_a, "izin_keramaian", event | {"jumlah_undangan": "²"})
    assert got.status_code == 422
    assert [e["field"] for e in got.json()["detail"]] == ["jumlah_undangan"]


def test_unicode_digits_in_a_money_field_are_422_naming_it(client, operator_a, resident_a):
    # given the subject is the head of the family (the type requires it)
    resident_a.family_relation = 1
    resident_a.save()
    op = _client(client, operator_a)
    base = {"nama_anak": "Ani", "keperluan": "Beasiswa"}
    for amount in ("²", "1.500.000²"):
        got = _request(op, resident_a, "penghasilan_ortu", base | {"penghasilan": amount})
        assert got.status_code == 422, amount
        assert [e["field"] for e in got.json()["detail"]] == ["penghasilan"]
    # Digits of another script are digits (issue 16): Arabic-Indic ١٢٣ is 123.
    got = _request(op, resident_a, "penghasilan_ortu", base | {"penghasilan": "Rp ١٢٣"})
    assert got.status_code == 201, got.content
    assert got.json()["fields"]["penghasilan"] == "123"


@pytest.mark.parametrize(
    ("type_code", "fields", "field"),
    [
        ("penghasilan_ortu", {"nama_anak": "Ani", "keperluan": "x", "penghasilan": "1.000,²"}, "penghasilan"),
        (
            "usaha",
            {"nama_usaha": "Warung", "alamat_usaha": "RT 1", "keperluan": "x", "sejak": "²⁰¹⁰"},
            "sejak",
        ),
    ],
)
def test_unicode_digits_where_services_call_int_are_422(
    client, operator_a, resident_a, type_code, fields, field
):
    resident_a.family_relation = 1
    resident_a.save()
    client.raise_request_exception = False
    got = _request(_client(client, operator_a), resident_a, type_code, fields)
    assert got.status_code == 422
    assert [e["field"] for e in got.json()["detail"]] == [field]


def test_openapi_documents_letters_errors_pdf_and_enums(client, db):
    # when
    doc = client.get("/api/v1/openapi.json").json()
    paths = {p: ops for p, ops in doc["paths"].items() if p.startswith(API)}
    # then every letters operation documents its errors with the {"detail": ...} schema
    expected = {
        ("get", f"{API}/types"): {"401", "403"},
        ("get", f"{API}/rt-heads"): {"401", "403"},
        ("get", f"{API}/verify/{{token}}"): {"429"},
        ("get", API): {"401", "403", "422"},
        ("post", API): {"401", "403", "404", "409", "422"},
        ("get", f"{API}/{{public_id}}"): {"401", "403", "404"},
        ("post", f"{API}/{{public_id}}/steps"): {"401", "403", "404", "409", "422"},
        ("get", f"{API}/{{public_id}}/pdf"): {"401", "403", "404", "409"},
    }
    assert {(m, p) for p, ops in paths.items() for m in ops} == set(expected)
    for (method, path), codes in expected.items():
        responses = paths[path][method]["responses"]
        assert codes <= set(responses), (method, path)
        for code in codes:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
    assert "detail" in doc["components"]["schemas"]["ErrorOut"]["properties"]
    pdf = paths[f"{API}/{{public_id}}/pdf"]["get"]["responses"]["200"]["content"]
    assert pdf == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    schemas = doc["components"]["schemas"]
    assert set(schemas["VerdictOut"]["properties"]["status"]["enum"]) == {
        "valid",
        "expired",
        "revoked",
        "superseded",
        "not_genuine",
    }
    action = schemas["LetterStep"]["properties"]["action"]
    assert [set(a["enum"]) for a in action["anyOf"] if "enum" in a] == [set(workflow.ACTIONS)]
    assert "hand_over" in schemas["LetterStep"]["properties"]["reason"]["description"]
    assert "menerima surat" in schemas["LetterStep"]["properties"]["reason"]["description"]
    state = next(p for p in paths[API]["get"]["parameters"] if p["name"] == "state")
    assert "bogus" not in json.dumps(state)
    assert "handed_over" in json.dumps(state)


def test_a_step_without_action_is_422_but_another_villages_letter_is_404_first(
    client, operator_a, operator_b, issued_a
):
    mine, theirs = _client(client, operator_a), _client(client, operator_b)
    no_action = mine("POST", f"{API}/{issued_a.public_id}/steps", {})
    assert no_action.status_code == 422
    assert no_action.json()["detail"][0]["field"] == "action"
    assert theirs("POST", f"{API}/{issued_a.public_id}/steps", {}).status_code == 404
    assert theirs("POST", f"{API}/{issued_a.public_id}/steps", {"action": "terbang"}).status_code == 422
