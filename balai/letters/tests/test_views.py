import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from balai.letters import services
from balai.letters.models import Letter, LetterSettings
from balai.letters.services import verify_url
from balai.letters.tests.conftest import DOMISILI_REQS, request_domisili

S = Letter.State


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_operator_issues_domisili_in_the_browser(client, operator_a, kades_a, kades_official_a, resident_a):
    # given
    client.force_login(operator_a)
    page = client.get(reverse("people:resident_detail", args=[resident_a.public_id]))
    assert reverse("letters:create") + f"?penduduk={resident_a.public_id}" in page.content.decode()
    # when: the operator requests and verifies
    got = client.post(
        reverse("letters:create"),
        {
            "resident": resident_a.public_id,
            "type_code": "domisili",
            "keperluan": "Mendaftar sekolah anak",
            "requirements": DOMISILI_REQS,
        },
    )
    letter = Letter.objects.get()
    assert got.status_code == 302
    client.post(reverse("letters:transition", args=[letter.public_id, "verify"]))
    # the head of village signs
    client.force_login(kades_a)
    client.post(reverse("letters:transition", args=[letter.public_id, "sign"]))
    # the operator issues and downloads
    client.force_login(operator_a)
    client.post(reverse("letters:transition", args=[letter.public_id, "issue"]))
    letter.refresh_from_db()
    pdf = client.get(reverse("letters:pdf", args=[letter.public_id]))
    register = client.get(reverse("letters:register"))
    # then
    assert letter.state == S.ISSUED
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert letter.number in register.content.decode()


def test_form_errors_are_named_and_nothing_is_created(client_a, resident_a):
    got = client_a.post(
        reverse("letters:create"),
        {"resident": resident_a.public_id, "type_code": "domisili", "keperluan": ""},
    )
    assert got.status_code == 400
    assert "Keperluan wajib diisi" in got.content.decode()
    assert Letter.objects.count() == 0


def test_operator_sees_no_sign_button_and_cannot_sign(client_a, operator_a, kades_official_a, resident_a):
    letter = services.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    page = client_a.get(reverse("letters:detail", args=[letter.public_id])).content.decode()
    assert "/langkah/sign/" not in page
    client_a.post(reverse("letters:transition", args=[letter.public_id, "sign"]))
    letter.refresh_from_db()
    assert letter.state == S.VERIFIED


def test_other_village_letter_is_404(client, operator_b, issued_a):
    client.force_login(operator_b)
    for name in ("letters:detail", "letters:pdf", "letters:edit"):
        assert client.get(reverse(name, args=[issued_a.public_id])).status_code == 404
    assert client.post(reverse("letters:transition", args=[issued_a.public_id, "revoke"])).status_code == 404


def test_public_page_says_genuine_and_tampered_says_not(client, issued_a):
    # when
    url = verify_url(issued_a).split("://", 1)[1].split("/", 1)[1]
    good = client.get("/" + url)
    token = issued_a.token
    bad_token = token[:-1] + ("A" if token[-1] != "A" else "B")
    bad = client.get(f"/v/{bad_token}")
    # then
    assert good.status_code == 200
    assert "ASLI DAN BERLAKU" in good.content.decode()
    assert "S*** W******" in good.content.decode()
    assert "SITI WAHYUNI" not in good.content.decode()
    assert issued_a.subject.nik not in good.content.decode()
    assert "TIDAK ASLI" in bad.content.decode()
    assert issued_a.number not in bad.content.decode()


@pytest.mark.parametrize(
    "path", ["/v/%00", "/v/" + "a" * 300, "/v/abc?p=x.y", "/v/abcdefghijklmnopqrstuv?p=" + "%FF" * 40]
)
def test_public_page_never_fails_on_junk(client, db, path):
    got = client.get(path)
    assert got.status_code in (200, 404)


def test_public_page_is_rate_limited(client, issued_a, settings):
    for _ in range(30):
        client.get(f"/v/{issued_a.token}")
    assert client.get(f"/v/{issued_a.token}").status_code == 429


def test_queue_lists_by_state(client_a, operator_a, resident_a):
    request_domisili(operator_a, resident_a)
    page = client_a.get(reverse("letters:queue") + "?status=submitted").content.decode()
    assert "Keterangan Domisili" in page
    assert re.search(r"Diajukan <span class=\"badge\">1</span>", page)


def test_register_exports_xlsx(client_a, issued_a):
    import io

    from python_calamine import CalamineWorkbook

    got = client_a.get(reverse("letters:register_xlsx"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(got.content)).get_sheet_by_index(0).to_python()
    assert rows[3][1] == issued_a.number
    assert rows[3][3] == "SITI WAHYUNI"


def test_settings_change_the_number_format_and_name_bad_codes(
    client_a, operator_a, kades_a, kades_official_a, resident_a
):
    from balai.letters.tests.conftest import issue_domisili

    url = reverse("letters:settings")
    bad = client_a.post(url, {"number_format": "[kode]/[nomer]", "paper": "a4"})
    good = client_a.post(
        url, {"number_format": "[kode]/[nomor,4]/[tahun]", "paper": "a4", "per_type_sequence": "on"}
    )
    letter = issue_domisili(operator_a, kades_a, resident_a)
    assert bad.status_code == 400
    assert "nomer" in bad.content.decode()
    assert good.status_code == 302
    assert re.fullmatch(r"474\.4/0001/\d{4}", letter.number)
    assert letter.content["paper"] == "a4"


def test_tracking_page_shows_type_status_and_dates_only(client, operator_a, resident_a):
    # given
    letter = request_domisili(operator_a, resident_a)
    # when
    got = client.get(f"/v/lacak/{letter.tracking_code_display}")
    page = got.content.decode()
    # then
    assert got.status_code == 200
    assert "Keterangan Domisili" in page
    assert "Menunggu pemeriksaan petugas" in page
    assert "SITI" not in page
    assert resident_a.nik not in page


@pytest.mark.parametrize("code", ["x", "a" * 10, "%00", "abcde-fghjk", "a" * 300])
def test_tracking_page_unknown_code_is_404(client, db, code):
    assert client.get(f"/v/lacak/{code}").status_code == 404


def test_tracking_page_is_rate_limited(client, operator_a, resident_a):
    letter = request_domisili(operator_a, resident_a)
    for _ in range(30):
        client.get(f"/v/lacak/{letter.tracking_code}")
    assert client.get(f"/v/lacak/{letter.tracking_code}").status_code == 429


def test_kiosk_settings_form_saves_and_names_refused_types(client, kades_a, village_a):
    # given
    client.force_login(kades_a)
    url = reverse("letters:settings")
    # when
    bad = client.post(url, {"form": "kiosk", "kiosk_types": ["domisili"], "self_service_types": ["domisili"]})
    good = client.post(
        url, {"form": "kiosk", "kiosk_types": ["penduduk", "kuasa"], "self_service_types": ["penduduk"]}
    )
    # then
    assert bad.status_code == 400
    assert "Keterangan Domisili" in bad.content.decode()
    assert good.status_code == 302
    prefs = LetterSettings.objects.get(village=village_a)
    assert set(prefs.kiosk_types) == {"kuasa", "penduduk"}
    assert prefs.self_service_types == ["penduduk"]
    page = client.get(url).content.decode()
    assert 'name="self_service_types" value="penduduk"' in page
