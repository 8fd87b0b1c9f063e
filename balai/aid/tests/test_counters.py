"""Every counter on the aid pages equals the length of the list it labels (issue 21 item 6:
"Verifikasi: 0 lolos" after five were verified; "56 calon" against "Calon (57)"; "()")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from balai.aid import selectors, services
from balai.aid.models import Candidate, Recipient
from balai.aid.services import Attendee
from balai.aid.tests.targeting_fixtures import blt_rules, decile, family, programme

PEOPLE = [
    Attendee("H. MARZUKI", "Ketua BPD"),
    Attendee("SUTARNO", "Kepala Dusun"),
    Attendee("RUMINAH", "PKK"),
]


@pytest.fixture
def decided(village_a, operator_a, kades_a):
    """Six candidates: five verified (three approved and decreed, one declined, one waiting),
    one failed; one proposed by hand; and an old period's candidate that must not count."""
    pkh = programme(village_a, name="PKH", code="pkh", source="pusat", uses_targeting=False)
    blt = programme(village_a, name="BLT Dana Desa 2026", quota=10)
    services.rules_save(actor=None, programme=blt, ruleset=blt_rules(pkh))
    for n in range(6):
        decile(family(village_a, f"WARGA {n}"), 1 + n % 3)
    services.candidates_generate(actor=operator_a, programme=blt)
    cands = list(selectors.candidate_list(village=village_a, programme=blt))
    assert len(cands) == 6
    for c in cands[:5]:
        services.candidate_verify(
            actor=operator_a,
            candidate=c,
            result="valid",
            verified_on=dt.date(2026, 2, 1),
            verifier_name="KASI",
        )
    services.candidate_verify(
        actor=operator_a,
        candidate=cands[5],
        result="invalid",
        verified_on=dt.date(2026, 2, 1),
        verifier_name="KASI",
    )
    deliberation = services.deliberation_record(
        actor=operator_a, programme=blt, held_on=dt.date(2026, 2, 10), place="Balai Desa", chair="H. MARZUKI",
        minutes="Disepakati.", attendees=PEOPLE, approved=cands[:3], declined=cands[3:4],
    )  # fmt: skip
    services.decree_issue(
        actor=kades_a, programme=blt, deliberation=deliberation, number="141/1/2026",
        title="Penetapan KPM", decided_on=dt.date(2026, 2, 11),
    )  # fmt: skip
    Candidate.objects.create(
        village=village_a,
        programme=blt,
        period="2025",
        family=cands[0].family,
        source="rules",
        status="listed",
    )
    return blt


def _number(html: str, href_end: str) -> int:
    found = re.search(re.escape(href_end) + r'">(\d+)', html)
    assert found, href_end
    return int(found.group(1))


def test_programme_steps_count_the_lists_they_link_to(client_a, decided):
    village = decided.village
    html = client_a.get(reverse("aid:programme_detail", args=[decided.public_id])).content.decode()

    def listed(status):
        return len(selectors.candidate_list(village=village, programme=decided, status=status))

    assert _number(html, "?status=calon") == listed("calon") == 6
    assert _number(html, "?status=proposed") == listed("proposed") == 0
    # Five passed the field visit, though three are now decreed and one was declined.
    assert _number(html, "?status=lolos") == listed("lolos") == 5
    assert _number(html, "?status=not_verified") == listed("not_verified") == 1
    assert _number(html, "?status=verified") == listed("verified") == 1
    assert _number(html, "?status=disetujui") == listed("disetujui") == 3
    assert _number(html, "?status=declined") == listed("declined") == 1
    active = len(selectors.recipient_list(village=village, programme=decided, status="active"))
    assert _number(html, "?status=active") == active == 3


def test_filter_counts_are_the_filtered_lists_and_never_empty(client_a, decided):
    village = decided.village
    html = client_a.get(reverse("aid:candidates", args=[decided.public_id])).content.decode()
    assert "()" not in html
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>[^<]*\((\d+)\)</option>', html))
    assert options[""] == str(len(selectors.candidate_list(village=village, programme=decided)))
    for value, _label in selectors.candidate_filters():
        assert int(options[value]) == len(
            selectors.candidate_list(village=village, programme=decided, status=value)
        ), value
    assert options["withdrawn"] == "0"
    # The filter shows the list it counted.
    page = client_a.get(reverse("aid:candidates", args=[decided.public_id]) + "?status=lolos")
    assert len(page.context["candidates"]) == int(options["lolos"])

    html = client_a.get(reverse("aid:recipients", args=[decided.public_id])).content.decode()
    assert "()" not in html
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>[^<]*\((\d+)\)</option>', html))
    for value in ["", *Recipient.Status.values]:
        assert int(options[value]) == len(
            selectors.recipient_list(village=village, programme=decided, status=value)
        ), value


def test_home_counts_are_the_programme_lists(client_a, decided):
    village = decided.village
    html = client_a.get(reverse("aid:home")).content.decode()
    candidates_url = reverse("aid:candidates", args=[decided.public_id])
    recipients_url = reverse("aid:recipients", args=[decided.public_id])
    assert _number(html, candidates_url + "?status=calon") == len(
        selectors.candidate_list(village=village, programme=decided, status="calon")
    )
    assert _number(html, recipients_url + "?status=active") == len(
        selectors.recipient_list(village=village, programme=decided, status="active")
    )
    # The API's programme list gives the same figure as the page.
    row = next(r for r in selectors.programme_overview(village=village) if r["programme"] == decided)
    assert row["recipients"] == selectors.recipient_counts(village=village, programme=decided)["active"]


def test_every_musdes_refusal_names_each_family_and_its_problem(client_a, village_a, operator_a):
    pkh = programme(village_a, name="PKH", code="pkh", source="pusat", uses_targeting=False)
    blt = programme(village_a, name="BLT Dana Desa 2026", quota=1)
    services.rules_save(actor=None, programme=blt, ruleset=blt_rules(pkh))
    for name in ("SLAMET RIYADI", "WARSINAH", "PAIJO"):
        decile(family(village_a, name), 1)
    services.candidates_generate(actor=operator_a, programme=blt)
    cands = {c.family.head.name: c for c in selectors.candidate_list(village=village_a, programme=blt)}
    services.candidate_verify(
        actor=operator_a, candidate=cands["SLAMET RIYADI"], result="valid", verified_on=dt.date(2026, 2, 1),
        verifier_name="KASI",
    )  # fmt: skip
    url = reverse("aid:deliberation_create", args=[blt.public_id])
    form = {
        "held_on": "2026-02-10", "place": "Balai Desa", "chair": "KETUA BPD", "minutes": "Disepakati.",
        "attendees": "KETUA BPD; BPD\nKADUS; Kepala Dusun\nRUMINAH; PKK",
    }  # fmt: skip

    def refusal(**choices):
        page = client_a.post(url, form | choices)
        assert page.status_code == 200
        return page.content.decode()

    # Two not verified: both named, each with the masked KK and the reason.
    html = refusal(setuju=[cands[n].public_id for n in ("WARSINAH", "PAIJO")])
    for name in ("WARSINAH", "PAIJO"):
        kk = cands[name].family.kk_number
        assert re.search(name + r" \(keluarga KK [0-9*]+\): belum lolos verifikasi \(status: Calon\)", html)
        assert kk not in html
        assert kk[-4:] in html
    # Ticked both ways.
    slamet = cands["SLAMET RIYADI"].public_id
    html = refusal(setuju=[slamet], tolak=[slamet])
    assert "SLAMET RIYADI (keluarga KK" in html
    assert "dicentang setuju dan tolak sekaligus" in html
    # Over the quota: who to drop is named.
    services.candidate_verify(
        actor=operator_a, candidate=cands["PAIJO"], result="valid", verified_on=dt.date(2026, 2, 1),
        verifier_name="KASI",
    )  # fmt: skip
    html = refusal(setuju=[slamet, cands["PAIJO"].public_id])
    assert "melebihi kuota program (1)" in html
    assert re.search(r"terbawah: (SLAMET RIYADI|PAIJO) \(keluarga KK", html)
    assert not blt.deliberations.exists()


def test_cycle_counts_are_the_rows_of_its_list(client_a, operator_a, kades_a, village_a):
    from django.utils import timezone

    from balai.aid.models import Entitlement
    from balai.aid.services import distribution as dist
    from balai.aid.tests.distribution_fixtures import enrol, make_family, make_programme, signature_png

    blt = make_programme(village_a)
    recipients = [enrol(blt, make_family(village_a, name)) for name in ("SLAMET", "WARSINAH", "PAIJO")]
    cycle = dist.cycle_create(
        actor=operator_a, programme=blt, covers_start=dt.date(2026, 1, 1), covers_end=dt.date(2026, 3, 31),
        planned_on=dt.date(2026, 4, 5),
    )  # fmt: skip
    cycle = dist.cycle_transition(actor=kades_a, cycle=cycle, action="approve")
    ents = {e.recipient_id: e for e in Entitlement.objects.filter(cycle=cycle)}
    dist.distribution_record(
        actor=operator_a, entitlement=ents[recipients[0].pk], distributed_on=timezone.localdate(),
        received_by="recipient", proof=dist.proof_from_signature(signature_png()),
    )  # fmt: skip
    # The recipient died: the entitlement is cancelled but still a row of the list (issue 15).
    Entitlement.objects.filter(pk=ents[recipients[2].pk].pk).update(status=Entitlement.Status.CANCELLED)

    page = client_a.get(reverse("aid:cycle_detail", args=[cycle.public_id]))
    rows = page.context["entitlements"]
    summary = page.context["summary"]
    assert summary.entitlements + summary.cancelled == len(rows) == 3
    assert summary.distributed == len([e for e in rows if e.status == "distributed"]) == 1
    assert summary.pending == len([e for e in rows if e.status == "pending"]) == 1
    assert summary.cancelled == len([e for e in rows if e.status == "cancelled"]) == 1
    assert "Dibatalkan" in page.content.decode()
