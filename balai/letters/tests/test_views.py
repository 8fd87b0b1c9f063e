import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from balai.letters import selectors
from balai.letters.models import Letter, LetterSettings
from balai.letters.services import workflow
from balai.letters.signing import verify_url
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
    letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
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
    bad = client.post(
        url, {"form": "kiosk", "kiosk_types": ["beda_identitas"], "self_service_types": ["beda_identitas"]}
    )
    good = client.post(
        url, {"form": "kiosk", "kiosk_types": ["penduduk", "kuasa"], "self_service_types": ["penduduk"]}
    )
    # then
    assert bad.status_code == 400
    assert "Beda Identitas" in bad.content.decode()
    assert good.status_code == 302
    prefs = LetterSettings.objects.get(village=village_a)
    assert set(prefs.kiosk_types) == {"kuasa", "penduduk"}
    assert prefs.self_service_types == ["penduduk"]
    page = client.get(url).content.decode()
    assert 'name="self_service_types" value="penduduk"' in page


# --- Role-aware letters UI ------------------------------------------------------------------


def _other_operator(village):
    from balai.accounts.models import Role, User

    return User.objects.create_user(
        username="operator_a2",
        password="rahasia-demo-123",
        role=Role.OPERATOR,
        village=village,
        first_name="Rina",
    )


def test_sign_as_offers_only_the_users_own_official_and_sekdes_signs_by_default(
    client, operator_a, kades_a, sekdes_a, kades_official_a, sekdes_official_a, resident_a, village_a
):
    # given: a verified letter, and a Kasi who signs u.b. without an account
    from balai.staff.models import Official

    kasi = Official.objects.create(
        village=village_a,
        name="Kasi Pelayanan",
        position="Kasi Pelayanan",
        signs_letters=True,
        signs_as=Official.SignsAs.UB,
        on_behalf_of="Kepala Desa",
    )
    letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    url = reverse("letters:detail", args=[letter.public_id])
    # when
    client.force_login(kades_a)
    kades_page = client.get(url).content.decode()
    client.force_login(sekdes_a)
    sekdes_page = client.get(url).content.decode()
    chosen = re.search(r'name="official" value="([^"]+)"', sekdes_page)
    assert chosen is not None
    client.post(reverse("letters:transition", args=[letter.public_id, "sign"]), {"official": chosen[1]})
    # then: one choice each, so no list; the sekdes' own a.n. record is the one sent
    assert kades_official_a.public_id in kades_page
    assert sekdes_official_a.public_id not in kades_page
    assert kasi.public_id not in kades_page
    assert '<select id="official' not in kades_page
    assert chosen[1] == sekdes_official_a.public_id
    assert kades_official_a.public_id not in sekdes_page
    letter.refresh_from_db()
    assert letter.state == S.SIGNED
    assert letter.signer == sekdes_official_a


def test_signer_without_an_official_sees_the_sign_button_disabled_with_the_reason(
    client, operator_a, sekdes_a, kades_official_a, resident_a
):
    letter = workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))
    client.force_login(sekdes_a)
    page = client.get(reverse("letters:detail", args=[letter.public_id])).content.decode()
    assert "belum terhubung dengan pejabat penanda tangan" in page
    assert re.search(r'<button type="submit" class="primary" disabled[^>]*>Tandatangani', page)
    assert kades_official_a.public_id not in page


def test_queues_follow_the_role(
    client, operator_a, kades_a, resident_a, village_a, django_assert_num_queries
):
    # given: one letter of each kind of work
    other = _other_operator(village_a)
    mine = request_domisili(operator_a, resident_a)
    theirs = request_domisili(other, resident_a)
    to_sign = workflow.letter_verify(actor=other, letter=request_domisili(other, resident_a))
    cancelled = workflow.letter_cancel(
        actor=operator_a, letter=request_domisili(operator_a, resident_a), reason="x"
    )
    # when
    client.force_login(kades_a)
    kades_page = client.get(reverse("letters:queue")).content.decode()
    client.force_login(operator_a)
    operator_page = client.get(reverse("letters:queue")).content.decode()
    everything = client.get(reverse("letters:queue") + "?status=semua").content.decode()
    # then: the kepala desa lands on letters to sign, the operator on their own work
    assert re.search(r'aria-current="page">Menunggu tanda tangan <span class="badge">1</span>', kades_page)
    assert to_sign.public_id in kades_page
    assert mine.public_id not in kades_page
    assert theirs.public_id not in kades_page
    assert "Tugas saya" not in kades_page
    assert re.search(r'aria-current="page">Tugas saya <span class="badge">1</span>', operator_page)
    assert mine.public_id in operator_page
    assert theirs.public_id not in operator_page
    assert cancelled.public_id not in operator_page
    for label in ("Diserahkan", "Ditolak", "Dibatalkan", "Dicabut"):
        assert f">{label} <span" in operator_page
    assert all(x.public_id in everything for x in (mine, theirs, to_sign, cancelled))
    with django_assert_num_queries(1):
        counts = selectors.queue_counts(village=village_a, user=operator_a)
    assert counts[selectors.QUEUE_MINE] == 1
    assert counts[selectors.QUEUE_TO_SIGN] == counts[S.VERIFIED] == 1
    assert counts[S.SUBMITTED] == 2
    assert counts[S.CANCELLED] == 1


def test_unassigned_requests_are_in_every_operators_tasks(client_a, operator_a, resident_a):
    letter = request_domisili(operator_a, resident_a)
    Letter.objects.filter(pk=letter.pk).update(assigned_to=None)  # e.g. from the kiosk
    page = client_a.get(reverse("letters:queue")).content.decode()
    assert letter.public_id in page
    assert "belum ada" in page


def test_kades_gets_a_read_only_notice_instead_of_the_create_form(client, kades_a, resident_a, issued_a):
    client.force_login(kades_a)
    queue_page = client.get(reverse("letters:queue")).content.decode()
    got = client.get(reverse("letters:create") + f"?penduduk={resident_a.public_id}&jenis=domisili")
    posted = client.post(
        reverse("letters:create"),
        {"resident": resident_a.public_id, "type_code": "domisili", "keperluan": "x"},
    )
    correct = client.get(reverse("letters:correct", args=[issued_a.public_id]))
    assert reverse("letters:create") not in queue_page
    assert got.status_code == posted.status_code == correct.status_code == 403
    assert "Hanya dapat dilihat" in got.content.decode()
    assert 'name="keperluan"' not in got.content.decode()
    assert Letter.objects.count() == 1


def test_template_editor_is_read_only_for_kades(client, kades_a, village_a):
    from balai.letters.models import LetterTemplate

    client.force_login(kades_a)
    url = reverse("letters:template_edit") + "?jenis=domisili"
    page = client.get(url)
    posted = client.post(url, {"text": "Kalimat baru [nama]."})
    assert page.status_code == 200
    assert "Simpan sebagai versi baru" not in page.content.decode()
    assert "Hanya dapat dilihat" in page.content.decode()
    assert posted.status_code == 403
    assert not LetterTemplate.objects.filter(village=village_a).exists()


def test_other_operator_sees_who_handles_the_letter_and_disabled_steps(
    client, operator_a, resident_a, village_a
):
    # given
    operator_a.first_name = "Agus"
    operator_a.save()
    letter = request_domisili(operator_a, resident_a)
    client.force_login(_other_operator(village_a))
    # when
    page = client.get(reverse("letters:detail", args=[letter.public_id])).content.decode()
    queue_page = client.get(reverse("letters:queue") + "?status=submitted").content.decode()
    # then
    assert "Ditangani oleh" in page
    assert "Agus" in page
    assert re.search(r'<button type="submit" class="primary" disabled[^>]*>Verifikasi', page)
    assert re.search(r"<button type=\"submit\" disabled[^>]*>Kembalikan untuk perbaikan", page)
    assert "sedang ditangani oleh Agus" in page
    assert reverse("letters:edit", args=[letter.public_id]) not in page
    assert "Ditangani oleh" in queue_page
    assert "Agus" in queue_page


def test_handler_and_sekdes_see_enabled_steps(client, operator_a, sekdes_a, resident_a):
    letter = request_domisili(operator_a, resident_a)
    for user in (operator_a, sekdes_a):
        client.force_login(user)
        page = client.get(reverse("letters:detail", args=[letter.public_id])).content.decode()
        assert re.search(r'<button type="submit" class="primary">Verifikasi', page)
        assert "Ambil alih" not in page


def test_create_form_renders_choices_dates_numbers_and_help(client_a, resident_a):
    page = client_a.get(
        reverse("letters:create") + f"?penduduk={resident_a.public_id}&jenis=pengantar_nikah"
    ).content.decode()
    select = re.search(r'<select id="f-kewarganegaraan_calon_pasangan".*?</select>', page, re.S)
    assert select is not None
    assert '<option value="WNI">WNI</option>' in select[0]
    assert '<option value="WNA">WNA</option>' in select[0]
    assert re.search(r'id="f-tanggal_nikah" name="tanggal_nikah" type="date"', page)
    assert "Tempat pendaftaran kehendak nikah." in page
    assert 'aria-describedby="h-kua"' in page
    kelahiran = client_a.get(
        reverse("letters:create") + f"?penduduk={resident_a.public_id}&jenis=kelahiran"
    ).content.decode()
    assert re.search(r'id="f-anak_ke" name="anak_ke" type="number"', kelahiran)


def test_edit_and_correction_forms_keep_the_widgets_and_values(client_a, operator_a, resident_a, issued_a):
    letter = workflow.letter_request_create(
        actor=operator_a,
        village=resident_a.village,
        type_code="bepergian",
        subject=resident_a,
        fields={"tujuan": "Surabaya", "tanggal_berangkat": "2026-12-20", "keperluan": "Kerja"},
        requirements=["Fotokopi KTP"],
    )
    edit = client_a.get(reverse("letters:edit", args=[letter.public_id])).content.decode()
    correct = client_a.get(reverse("letters:correct", args=[issued_a.public_id])).content.decode()
    assert 'type="date" value="2026-12-20"' in edit
    assert 'name="keperluan"' in correct
    assert "Melamar pekerjaan" in correct


def test_detail_shows_dates_in_words(client_a, operator_a, resident_a):
    letter = workflow.letter_request_create(
        actor=operator_a,
        village=resident_a.village,
        type_code="bepergian",
        subject=resident_a,
        fields={"tujuan": "Surabaya", "tanggal_berangkat": "2026-12-20", "keperluan": "Kerja"},
        requirements=["Fotokopi KTP"],
    )
    page = client_a.get(reverse("letters:detail", args=[letter.public_id])).content.decode()
    assert "20 Desember 2026" in page
    assert "2026-12-20" not in page


def test_template_preview_resident_is_searched_by_name_in_the_village_only(
    client_a, resident_a, resident_b, monkeypatch
):
    # given
    from balai.letters import views

    seen = []
    monkeypatch.setattr(views, "template_preview_png", lambda **kw: seen.append(kw["subject"]) or b"PNG")
    url = reverse("letters:template_edit")
    # when
    found = client_a.get(url, {"jenis": "domisili", "cari": "siti"}).content.decode()
    foreign = client_a.get(url, {"jenis": "domisili", "cari": "budi"}).content.decode()
    chosen = client_a.get(url, {"jenis": "domisili", "penduduk": resident_a.public_id}).content.decode()
    client_a.post(
        reverse("letters:template_preview"), {"jenis": "domisili", "penduduk": resident_a.public_id}
    )
    other = client_a.get(url, {"jenis": "domisili", "penduduk": resident_b.public_id})
    # then: links carry the public id, never the NIK; another village's resident is not found
    assert f"penduduk={resident_a.public_id}" in found
    assert resident_a.nik not in found
    assert "BUDI SANTOSO" not in foreign
    assert resident_b.public_id not in foreign
    assert f'name="penduduk" value="{resident_a.public_id}"' in chosen
    assert seen == [resident_a]
    assert other.status_code == 404


def test_replaced_letter_says_so_in_the_office(client_a, operator_a, kades_a, issued_a):
    detail = reverse("letters:detail", args=[issued_a.public_id])
    # given: a correction under way
    fix = workflow.letter_correction_create(
        actor=operator_a,
        letter=issued_a,
        fields={"keperluan": "Beasiswa"},
        reason="Keperluan salah",
        requirements=issued_a.checked_requirements,
    )
    page = client_a.get(detail).content.decode()
    assert "Koreksi diproses" in page
    assert reverse("letters:correct", args=[issued_a.public_id]) not in page
    # when: it is issued
    fix = workflow.letter_verify(actor=operator_a, letter=fix)
    fix = workflow.letter_issue(actor=operator_a, letter=workflow.letter_sign(actor=kades_a, letter=fix))
    # then: the old letter's page and the queue say it was replaced, and by which letter
    page = client_a.get(detail).content.decode()
    assert "Digantikan oleh" in page
    assert fix.number in page
    queue = client_a.get(reverse("letters:queue"), {"status": "semua"}).content.decode()
    assert f"Digantikan oleh {fix.number}" in queue


def test_death_letter_form_starts_with_the_recorded_death(client_a, operator_a, resident_a):
    import datetime as dt

    from balai.people.services import death_record

    death_record(
        actor=operator_a,
        resident=resident_a,
        event_date=dt.date(2026, 11, 20),
        details={"place": "RSUD Batang", "cause": 1},
    )
    page = client_a.get(
        reverse("letters:create"), {"jenis": "kematian", "penduduk": resident_a.public_id}
    ).content.decode()
    assert 'value="2026-11-20"' in page
    assert 'value="RSUD Batang"' in page
    assert "Sakit biasa/tua" in page
