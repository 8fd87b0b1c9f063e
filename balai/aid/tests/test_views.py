"""The targeting and decision pages: who may see them, audited list views, the operator's flow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from balai.aid import services
from balai.aid.models import Candidate, Criterion, Decree, OfficialDecile, Programme, Recipient, WelfareSurvey
from balai.aid.tests.targeting_fixtures import blt_rules, decile, family, programme, survey
from balai.audit.models import AuditEvent


@pytest.fixture
def blt(village_a):
    pkh = programme(village_a, name="PKH", code="pkh", source="pusat", uses_targeting=False)
    blt = programme(village_a, quota=10)
    services.rules_save(actor=None, programme=blt, ruleset=blt_rules(pkh))
    for n, d in enumerate([1, 3, 6]):
        f = family(village_a, f"WARGA {n}")
        decile(f, d)
        survey(f, elderly_alone=n == 1)
    return blt


def _viewed(what: str) -> int:
    return AuditEvent.objects.filter(action="aid.recipient_list_viewed", changes__what=what).count()


def test_home_lists_programmes(client_a, blt):
    page = client_a.get(reverse("aid:home"))
    assert page.status_code == 200
    assert "BLT Dana Desa 2026" in page.content.decode()


@pytest.mark.parametrize("persona", ["kader_a", "bidan_a", "camat_a", "regency_viewer"])
def test_recipient_pages_are_refused_to_roles_without_aid_read(client, blt, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("aid:home"),
        reverse("aid:candidates", args=[blt.public_id]),
        reverse("aid:recipients", args=[blt.public_id]),
    ):
        assert client.get(url).status_code == 403


def test_programme_create_form(client_a, village_a):
    data = {
        "name": "BLT Dana Desa 2027",
        "code": "blt-dd",
        "source": "dana_desa",
        "target_unit": "family",
        "period": "2027",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "benefit_kind": "cash",
        "benefit_amount": "300000",
        "benefit_frequency": "monthly",
        "quota": "40",
        "privacy": "private",
        "status": "draft",
        "uses_targeting": "on",
    }
    response = client_a.post(reverse("aid:programme_create"), data)
    assert response.status_code == 302
    p = Programme.objects.get(period="2027")
    assert (p.benefit_amount, p.privacy, p.village) == (300_000, "private", village_a)
    again = client_a.post(reverse("aid:programme_create"), data)
    assert "sudah ada" in again.content.decode()


def test_rules_page_what_if_does_not_save_and_is_audited(client_a, blt):
    url = reverse("aid:rules", args=[blt.public_id])
    before = list(Criterion.objects.filter(programme=blt).values_list("pk", flat=True))
    page = client_a.get(url)
    assert page.status_code == 200
    form = {
        "aturan-TOTAL_FORMS": "1",
        "aturan-INITIAL_FORMS": "0",
        "aturan-0-kind": "eligibility",
        "aturan-0-field": "desil",
        "aturan-0-operator": "lte",
        "aturan-0-value": "4",
        "kecuali-TOTAL_FORMS": "0",
        "kecuali-INITIAL_FORMS": "0",
        "aksi": "coba",
    }
    response = client_a.post(url, form)
    text = response.content.decode()
    assert "Hasil coba" in text
    assert "WARGA 0" in text
    assert "WARGA 2" not in text  # decile 6
    assert list(Criterion.objects.filter(programme=blt).values_list("pk", flat=True)) == before
    assert _viewed("what_if") == 1


def test_rules_page_shows_clear_errors_and_saves_nothing(client_a, blt):
    url = reverse("aid:rules", args=[blt.public_id])
    form = {
        "aturan-TOTAL_FORMS": "2",
        "aturan-INITIAL_FORMS": "0",
        "aturan-0-kind": "score",
        "aturan-0-field": "elderly_alone",
        "aturan-0-operator": "true",
        "aturan-0-weight": "60",
        "aturan-1-kind": "eligibility",
        "aturan-1-field": "desil",
        "aturan-1-operator": "lte",
        "aturan-1-value": "sebelas",
        "kecuali-TOTAL_FORMS": "0",
        "kecuali-INITIAL_FORMS": "0",
        "aksi": "simpan",
    }
    response = client_a.post(url, form)
    text = response.content.decode()
    assert response.status_code == 200
    assert "bukan angka" in text
    assert Criterion.objects.filter(programme=blt).count() == 6


def test_candidates_list_generation_and_audit(client_a, blt):
    url = reverse("aid:candidates", args=[blt.public_id])
    assert client_a.post(url).status_code == 302
    assert Candidate.objects.filter(programme=blt).count() == 3
    page = client_a.get(url)
    text = page.content.decode()
    assert text.index("WARGA 0") < text.index("WARGA 1") < text.index("WARGA 2")
    assert "Prioritas 1" in text
    assert _viewed("candidates") == 1


def test_kades_walks_the_decision_through_the_pages(client, blt, operator_a, kades_a):
    client.force_login(operator_a)
    client.post(reverse("aid:candidates", args=[blt.public_id]))
    cands = list(Candidate.objects.filter(programme=blt).order_by("rank"))
    for c in cands[:2]:
        r = client.post(
            reverse("aid:candidate_detail", args=[c.public_id]),
            {"result": "valid", "verified_on": "2026-02-01", "verifier_name": "KASI KESRA"},
        )
        assert r.status_code == 302
    r = client.post(
        reverse("aid:deliberation_create", args=[blt.public_id]),
        {
            "held_on": "2026-02-10",
            "place": "Balai Desa",
            "chair": "KETUA BPD",
            "minutes": "Disepakati.",
            "attendees": "KETUA BPD; BPD\nKADUS; Kepala Dusun\nRUMINAH; PKK",
            "setuju": [c.public_id for c in cands[:2]],
        },
    )
    assert r.status_code == 302
    # the operator cannot issue the decree
    assert client.get(reverse("aid:decree_create", args=[blt.public_id])).status_code == 403
    client.force_login(kades_a)
    deliberation = blt.deliberations.get()
    r = client.post(
        reverse("aid:decree_create", args=[blt.public_id]),
        {
            "deliberation": deliberation.public_id,
            "number": "141/07/2026",
            "title": "Penetapan KPM BLT DD 2026",
            "decided_on": "2026-02-11",
        },
    )
    assert r.status_code == 302
    assert Decree.objects.get(programme=blt).number == "141/07/2026"
    page = client.get(reverse("aid:recipients", args=[blt.public_id]))
    assert "WARGA 0" in page.content.decode()
    assert Recipient.objects.filter(programme=blt, status="active").count() == 2
    assert _viewed("recipients") == 1
    recipient = Recipient.objects.filter(programme=blt).first()
    assert recipient is not None
    r = client.post(
        reverse("aid:recipient_detail", args=[recipient.public_id]), {"status": "removed", "reason": "Pindah"}
    )
    assert r.status_code == 302
    recipient.refresh_from_db()
    assert recipient.status == "removed"


def test_operator_cannot_change_a_decreed_recipient(client_a, blt, kades_a):
    f = family(blt.village, "PENERIMA")
    decree = Decree.objects.create(
        village=blt.village,
        programme=blt,
        period="2026",
        number="1",
        title="SK",
        decided_on=dt.date(2026, 2, 1),
        decided_by=kades_a,
    )
    r = Recipient.objects.create(
        village=blt.village,
        programme=blt,
        period="2026",
        family=f,
        source="decree",
        decree=decree,
        enrolled_on=dt.date(2026, 2, 1),
    )
    response = client_a.post(
        reverse("aid:recipient_detail", args=[r.public_id]), {"status": "removed", "reason": "x"}
    )
    assert response.status_code == 403
    r.refresh_from_db()
    assert r.status == "active"


def test_welfare_pages_record_survey_and_decile_with_history(client_a, village_a):
    f = family(village_a, "SURVEI")
    assert client_a.post(reverse("aid:welfare_home"), {"kk_number": f.kk_number}).status_code == 302
    data = {
        "surveyed_on": "2026-03-01",
        "enumerator_name": "PENDATA",
        "ownership": "1",
        "floor_area_m2": "30",
        "floor": "6",
        "wall": "4",
        "roof": "2",
        "water": "4",
        "sanitation": "4",
        "energy": "2",
        "cooking_fuel": "5",
        "land_m2": "0",
        "livestock_units": "0",
        "income_sources": ["labour", "farming"],
        "monthly_income": "900000",
        "elderly_alone": "on",
    }
    url = reverse("aid:survey_create", args=[f.public_id])
    assert client_a.post(url, data).status_code == 302
    assert client_a.post(url, data | {"surveyed_on": "2026-04-01", "floor": "3"}).status_code == 302
    surveys = WelfareSurvey.objects.filter(family=f).order_by("surveyed_on")
    assert [(s.floor, s.is_latest) for s in surveys] == [(6, False), (3, True)]
    assert surveys[0].income_sources == ["labour", "farming"]
    r = client_a.post(
        reverse("aid:decile_create", args=[f.public_id]),
        {"decile": "2", "received_on": "2026-03-05", "source": "DTSEN Dinsos", "reference_period": "2026-Q1"},
    )
    assert r.status_code == 302
    page = client_a.get(reverse("aid:family_welfare", args=[f.public_id]))
    assert "DTSEN Dinsos" in page.content.decode()
    assert AuditEvent.objects.filter(action="aid.welfare_viewed", object_id=f.public_id).exists()


def test_public_page_respects_privacy(client, village_a):
    hidden = programme(village_a, name="PROGRAM TERTUTUP", code="tutup")
    shown = programme(village_a, name="PROGRAM TERBUKA", code="buka", privacy="masked")
    f = family(village_a, "SITI AMINAH")
    services.recipient_enrol(actor=None, programme=shown, family=f, source="manual")
    services.recipient_enrol(
        actor=None, programme=hidden, family=family(village_a, "RAHASIA"), source="manual"
    )
    text = client.get(reverse("aid:public_programmes", args=[village_a.code])).content.decode()
    assert "PROGRAM TERBUKA" in text
    assert "PROGRAM TERTUTUP" not in text
    assert "S*** A*****" in text
    assert "SITI AMINAH" not in text
    assert f.kk_number not in text


def _upload(text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("desil.csv", text.encode(), content_type="text/csv")


def test_decile_import_applies_whole_file(client_a, village_a):
    a, b = family(village_a, "SATU"), family(village_a, "DUA")
    decile(a, 5)
    csv_text = f"No KK;Desil\n{a.kk_number};2\n{b.kk_number};7\n"
    r = client_a.post(
        reverse("aid:decile_import"),
        {
            "file": _upload(csv_text),
            "received_on": "2026-04-01",
            "source": "DTSEN Dinsos",
            "reference_period": "2026-Q1",
        },
    )
    assert r.status_code == 302
    latest = dict(OfficialDecile.objects.filter(is_latest=True).values_list("family_id", "decile"))
    assert latest == {a.pk: 2, b.pk: 7}
    assert OfficialDecile.objects.filter(family=a).count() == 2


def test_decile_import_with_unknown_duplicate_or_foreign_kk_saves_nothing(client_a, village_a, family_b):
    a = family(village_a, "SATU")
    csv_text = f"No KK,Desil\n{a.kk_number},2\n{a.kk_number},3\n{family_b.kk_number},1\n3325010000000000,4\n{a.kk_number}9,11\n"
    r = client_a.post(
        reverse("aid:decile_import"),
        {"file": _upload(csv_text), "received_on": "2026-04-01", "source": "DTSEN Dinsos"},
    )
    text = r.content.decode()
    assert r.status_code == 200
    assert "Berkas ditolak" in text
    assert "Baris 3" in text  # duplicate
    assert "Baris 4" in text  # another village's KK: "not found in this village"
    assert family_b.kk_number not in text
    assert not OfficialDecile.objects.exists()


def test_programme_form_errors_are_indonesian(client_a):
    response = client_a.post(
        reverse("aid:programme_create"),
        {
            "name": "X",
            "code": "x",
            "source": "dana_desa",
            "target_unit": "family",
            "period": "2026",
            "period_start": "2026-12-31",
            "period_end": "2026-01-01",
            "benefit_kind": "cash",
            "benefit_amount": "0",
            "benefit_frequency": "monthly",
            "privacy": "private",
            "status": "draft",
        },
    )
    text = response.content.decode()
    assert "Akhir periode tidak boleh sebelum awal periode." in text
    assert "Isi nilai tunai untuk manfaat uang." in text
    assert "Constraint" not in text
    assert not Programme.objects.exists()


def test_verifying_several_candidates_from_the_list(client_a, blt):
    client_a.post(reverse("aid:candidates", args=[blt.public_id]))
    chosen = list(
        Candidate.objects.filter(programme=blt).order_by("rank").values_list("public_id", flat=True)
    )[:2]
    r = client_a.post(
        reverse("aid:candidates", args=[blt.public_id]),
        {
            "aksi": "verifikasi",
            "pilih": chosen,
            "result": "valid",
            "verified_on": "2026-02-01",
            "verifier_name": "KASI",
        },
    )
    assert r.status_code == 302
    assert set(Candidate.objects.filter(status="verified").values_list("public_id", flat=True)) == set(chosen)


def test_verifying_another_village_candidate_from_the_list_is_404(client_a, blt, village_b, operator_b):
    other_programme = programme(village_b)
    other_family = family(village_b, "LAIN")
    other = services.candidate_nominate(
        village=village_b, family=other_family, programme=other_programme, source="rt_rw", actor=operator_b
    )
    r = client_a.post(
        reverse("aid:candidates", args=[blt.public_id]),
        {
            "aksi": "verifikasi",
            "pilih": [other.public_id],
            "result": "valid",
            "verified_on": "2026-02-01",
            "verifier_name": "K",
        },
    )
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.status == "proposed"


@pytest.mark.parametrize("hal", ["99999999999999999999999", "abc", "-3", "0", "2"])
def test_candidate_and_recipient_lists_give_a_page_for_any_page_number(client_a, blt, hal):
    # given three candidates and one recipient: one page of each
    client_a.post(reverse("aid:candidates", args=[blt.public_id]))
    services.recipient_enrol(
        actor=None, programme=blt, source=Recipient.Source.MANUAL, family=family(blt.village)
    )
    # when the page number is past the end, not a number, or below one
    candidates = client_a.get(reverse("aid:candidates", args=[blt.public_id]), {"hal": hal})
    recipients = client_a.get(reverse("aid:recipients", args=[blt.public_id]), {"hal": hal})
    # then the first (and last) page, never an error
    assert candidates.status_code == recipients.status_code == 200
    assert "WARGA 0" in candidates.content.decode()
    assert "KEPALA" in recipients.content.decode()
