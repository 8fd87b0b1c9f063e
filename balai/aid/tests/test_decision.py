"""Candidates → verification → musyawarah → SK → recipients; double aid and exclusions refused;
changes after the decree need a reason and the head."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from balai.aid import selectors, services
from balai.aid.models import Candidate, DistributionCycle, Entitlement, Recipient, RecipientChange
from balai.aid.rules import Exclusion, Rule, RuleSet
from balai.aid.services import AidError, Attendee
from balai.aid.tests.targeting_fixtures import blt_rules, decile, family, programme
from balai.audit.models import AuditEvent

PEOPLE = [
    Attendee("H. MARZUKI", "Ketua BPD"),
    Attendee("SUTARNO", "Kepala Dusun"),
    Attendee("RUMINAH", "PKK"),
]


@pytest.fixture
def world(village_a):
    pkh = programme(village_a, name="PKH", code="pkh", source="pusat", uses_targeting=False)
    blt = programme(village_a, quota=2)
    families = []
    for n, d in enumerate([1, 2, 3]):
        f = family(village_a, f"KELUARGA {n}")
        decile(f, d)
        families.append(f)
    on_pkh = family(village_a, "PENERIMA PKH")
    decile(on_pkh, 1)
    services.recipient_enrol(actor=None, programme=pkh, family=on_pkh, source="import")
    services.rules_save(actor=None, programme=blt, ruleset=blt_rules(pkh))
    return {"blt": blt, "pkh": pkh, "families": families, "on_pkh": on_pkh}


def _through_deliberation(world, operator):
    blt = world["blt"]
    services.candidates_generate(actor=operator, programme=blt)
    cands = list(selectors.candidate_list(village=blt.village, programme=blt))
    for c in cands[:2]:
        services.candidate_verify(
            actor=operator,
            candidate=c,
            result="valid",
            verified_on=dt.date(2026, 2, 1),
            verifier_name="KASI KESRA",
        )
    services.candidate_verify(
        actor=operator,
        candidate=cands[2],
        result="invalid",
        verified_on=dt.date(2026, 2, 1),
        verifier_name="KASI",
    )
    return services.deliberation_record(
        actor=operator,
        programme=blt,
        held_on=dt.date(2026, 2, 10),
        place="Balai Desa",
        chair="H. MARZUKI",
        minutes="Musdes menyepakati dua KPM BLT Dana Desa 2026.",
        attendees=PEOPLE,
        approved=cands[:2],
        declined=cands[2:],
    )


def test_candidates_are_generated_ranked_without_excluded_families(world, operator_a):
    counts = services.candidates_generate(actor=operator_a, programme=world["blt"])
    cands = list(selectors.candidate_list(village=world["blt"].village, programme=world["blt"]))
    assert [c.family_id for c in cands] == [f.pk for f in world["families"]]
    assert [c.rank for c in cands] == [1, 2, 3]
    assert world["on_pkh"].pk not in {c.family_id for c in cands}
    assert counts["excluded"] == 1
    assert cands[0].explanation["tier"] == 1
    assert cands[0].explanation["rules"]


def test_full_decision_flow_creates_recipients_with_the_decree(world, operator_a, kades_a):
    deliberation = _through_deliberation(world, operator_a)
    assert deliberation.attendees.count() == 3
    decree = services.decree_issue(
        actor=kades_a,
        programme=world["blt"],
        deliberation=deliberation,
        number="141/05/2026",
        title="Penetapan KPM BLT Dana Desa 2026",
        decided_on=dt.date(2026, 2, 12),
    )
    recipients = Recipient.objects.filter(programme=world["blt"])
    assert {r.family_id for r in recipients} == {f.pk for f in world["families"][:2]}
    assert all(r.decree == decree and r.source == "decree" for r in recipients)
    assert Candidate.objects.filter(programme=world["blt"], status="decreed").count() == 2
    assert AuditEvent.objects.filter(action="aid.decree_issued").count() == 1
    assert (
        AuditEvent.objects.filter(action="aid.recipient_enrolled", object_type="aid_recipient").count() == 3
    )


def test_only_the_head_issues_the_decree(world, operator_a):
    deliberation = _through_deliberation(world, operator_a)
    with pytest.raises(AidError, match="Kepala Desa"):
        services.decree_issue(
            actor=operator_a,
            programme=world["blt"],
            deliberation=deliberation,
            number="1",
            title="SK",
            decided_on=dt.date(2026, 2, 12),
        )
    assert not Recipient.objects.filter(programme=world["blt"]).exists()


def test_deliberation_refuses_unverified_candidates_and_quota_overrun(world, operator_a):
    blt = world["blt"]
    services.candidates_generate(actor=operator_a, programme=blt)
    cands = list(selectors.candidate_list(village=blt.village, programme=blt))
    kwargs = {
        "actor": operator_a,
        "programme": blt,
        "held_on": dt.date(2026, 2, 10),
        "place": "Balai Desa",
        "chair": "KETUA",
        "minutes": "Notulen",
        "attendees": PEOPLE,
    }
    with pytest.raises(AidError, match="belum lolos verifikasi"):
        services.deliberation_record(**kwargs, approved=cands[:1])
    for c in cands:
        services.candidate_verify(
            actor=operator_a,
            candidate=c,
            result="valid",
            verified_on=dt.date(2026, 2, 1),
            verifier_name="KASI",
        )
    with pytest.raises(AidError, match=r"melebihi kuota program \(2\)"):
        services.deliberation_record(**kwargs, approved=cands)
    with pytest.raises(AidError, match="minimal 3"):
        services.deliberation_record(**(kwargs | {"attendees": PEOPLE[:2]}), approved=cands[:1])
    assert not blt.deliberations.exists()


def test_double_enrolment_is_refused_by_the_service_with_the_reason(world, operator_a):
    f = world["families"][0]
    services.recipient_enrol(actor=operator_a, programme=world["blt"], family=f, source="manual")
    with pytest.raises(AidError, match="sudah terdaftar sebagai penerima BLT Dana Desa 2026 periode 2026"):
        services.recipient_enrol(actor=operator_a, programme=world["blt"], family=f, source="manual")
    assert Recipient.objects.filter(programme=world["blt"], family=f).count() == 1


def test_double_enrolment_is_impossible_in_the_database(world):
    f = world["families"][0]
    Recipient.objects.create(
        village=f.village,
        programme=world["blt"],
        period="2026",
        family=f,
        source="manual",
        enrolled_on=dt.date.today(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Recipient.objects.create(
            village=f.village,
            programme=world["blt"],
            period="2026",
            family=f,
            source="import",
            status="removed",
            enrolled_on=dt.date.today(),
        )


def test_same_family_may_receive_the_next_period(world):
    f = world["families"][0]
    next_year = programme(
        world["blt"].village,
        period="2027",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
    )
    services.recipient_enrol(actor=None, programme=world["blt"], family=f, source="manual")
    assert (
        services.recipient_enrol(actor=None, programme=next_year, family=f, source="manual").period == "2027"
    )


def test_excluded_family_is_refused_with_the_reason(world, operator_a):
    with pytest.raises(AidError) as exc:
        services.recipient_enrol(
            actor=operator_a, programme=world["blt"], family=world["on_pkh"], source="manual"
        )
    assert exc.value.message.startswith("Keluarga KK ")
    assert "menerima PKH" in exc.value.message
    assert "BLT Dana Desa 2026 tidak untuk penerima PKH" in exc.value.message
    assert not Recipient.objects.filter(programme=world["blt"]).exists()


def test_exclusion_also_blocks_the_other_direction(world, operator_a):
    f = world["families"][0]
    services.recipient_enrol(actor=operator_a, programme=world["blt"], family=f, source="manual")
    with pytest.raises(AidError, match="menerima BLT Dana Desa 2026, yang tidak boleh digabung dengan PKH"):
        services.recipient_enrol(actor=operator_a, programme=world["pkh"], family=f, source="import")


def test_decree_is_refused_whole_when_one_candidate_became_excluded(world, operator_a, kades_a):
    deliberation = _through_deliberation(world, operator_a)
    first = Candidate.objects.get(programme=world["blt"], rank=1)
    services.recipient_enrol(actor=None, programme=world["pkh"], family=first.family, source="import")
    with pytest.raises(
        AidError,
        match=r"SK tidak dapat ditetapkan: 1 calon bermasalah — KELUARGA 0 \(keluarga KK [0-9*]+\): menerima PKH",
    ):
        services.decree_issue(
            actor=kades_a,
            programme=world["blt"],
            deliberation=deliberation,
            number="141/05/2026",
            title="SK",
            decided_on=dt.date(2026, 2, 12),
        )
    assert not Recipient.objects.filter(programme=world["blt"]).exists()
    assert not world["blt"].decrees.exists()


def test_changes_after_decree_need_reason_and_head(world, operator_a, kades_a):
    deliberation = _through_deliberation(world, operator_a)
    services.decree_issue(
        actor=kades_a,
        programme=world["blt"],
        deliberation=deliberation,
        number="141/05/2026",
        title="SK",
        decided_on=dt.date(2026, 2, 12),
    )
    recipient = Recipient.objects.filter(programme=world["blt"]).first()
    assert recipient is not None
    with pytest.raises(AidError, match="Kepala Desa"):
        services.recipient_change_status(
            actor=operator_a, recipient=recipient, status="removed", reason="Pindah"
        )
    with pytest.raises(AidError, match="Alasan"):
        services.recipient_change_status(actor=kades_a, recipient=recipient, status="removed", reason=" ")
    services.recipient_change_status(
        actor=kades_a, recipient=recipient, status="removed", reason="Pindah ke Kendal"
    )
    change = RecipientChange.objects.get(recipient=recipient)
    assert (change.old_value, change.new_value, change.reason) == ("active", "removed", "Pindah ke Kendal")
    assert AuditEvent.objects.filter(
        action="aid.recipient_status_changed", object_id=recipient.public_id
    ).exists()
    # adding a replacement after the decree: head + reason
    third = world["families"][2]
    with pytest.raises(AidError, match="harus disertai alasan"):
        services.recipient_enrol(actor=kades_a, programme=world["blt"], family=third, source="manual")
    added = services.recipient_enrol(
        actor=kades_a,
        programme=world["blt"],
        family=third,
        source="manual",
        reason="Pengganti KPM yang pindah",
    )
    assert added.decree is not None
    assert added.changes.get().reason == "Pengganti KPM yang pindah"


def test_rules_cannot_change_after_the_decree(world, operator_a, kades_a):
    deliberation = _through_deliberation(world, operator_a)
    services.decree_issue(
        actor=kades_a,
        programme=world["blt"],
        deliberation=deliberation,
        number="141/05/2026",
        title="SK",
        decided_on=dt.date(2026, 2, 12),
    )
    with pytest.raises(AidError, match="SK penerima sudah terbit"):
        services.rules_save(
            actor=operator_a,
            programme=world["blt"],
            ruleset=RuleSet(rules=[Rule("eligibility", "desil", "lte", 2)]),
        )


# --- nominations and the family's own view ------------------------------------------------


def test_rt_proposal_joins_the_candidate_list_with_its_source(world, operator_a):
    outsider = family(world["blt"].village, "USULAN RT")
    c = services.candidate_nominate(
        village=outsider.village,
        family=outsider,
        programme=world["blt"],
        source="rt_rw",
        actor=operator_a,
        proposer_name="Ketua RT 03",
        note="Kehilangan pekerjaan",
    )
    assert c.source == "rt_rw"
    assert c.status == "proposed"
    assert c.explanation["rules"]
    assert c.explanation["tier_label"] == "Tanpa prioritas"
    services.candidates_generate(actor=operator_a, programme=world["blt"])
    c.refresh_from_db()
    assert c.source == "rt_rw"
    assert c.status == "listed"
    with pytest.raises(AidError, match="Sudah ada dalam daftar calon"):
        services.candidate_nominate(
            village=outsider.village, family=outsider, programme=world["blt"], source="kiosk"
        )


def test_kiosk_nomination_of_another_village_family_is_refused(world, family_b):
    with pytest.raises(AidError):
        services.candidate_nominate(
            village=world["blt"].village, family=family_b, programme=world["blt"], source="kiosk"
        )


def test_family_aid_status_shows_programmes_and_next_distribution(world):
    on_pkh = world["on_pkh"]
    recipient = Recipient.objects.get(family=on_pkh)
    cycle = DistributionCycle.objects.create(
        village=on_pkh.village,
        programme=world["pkh"],
        period="2026",
        number=1,
        label="Tahap 1",
        covers_start=dt.date(2026, 1, 1),
        covers_end=dt.date(2026, 3, 31),
        planned_on=dt.date(2026, 3, 20),
        amount=750_000,
        status="approved",
    )
    Entitlement.objects.create(village=on_pkh.village, cycle=cycle, recipient=recipient, amount=750_000)
    services.candidate_nominate(
        village=on_pkh.village, family=world["families"][0], programme=world["blt"], source="kiosk"
    )
    status = selectors.family_aid_status(village=on_pkh.village, family=on_pkh, today=dt.date(2026, 3, 1))
    assert [(s.programme_name, s.state, s.next_distribution, s.next_amount) for s in status] == [
        ("PKH", "recipient", dt.date(2026, 3, 20), 750_000)
    ]
    other = selectors.family_aid_status(
        village=on_pkh.village, family=world["families"][0], today=dt.date(2026, 3, 1)
    )
    assert [(s.programme_name, s.state) for s in other] == [("BLT Dana Desa 2026", "proposed")]


def test_family_aid_status_of_another_village_is_empty(world, family_b):
    assert selectors.family_aid_status(village=world["blt"].village, family=family_b) == []


def test_exclusion_between_programmes_needs_recipient_of_excluded_programme_only(world, operator_a):
    # A removed PKH recipient is no longer excluded from BLT.
    pkh_row = Recipient.objects.get(family=world["on_pkh"])
    services.recipient_change_status(actor=operator_a, recipient=pkh_row, status="removed", reason="Graduasi")
    r = services.recipient_enrol(
        actor=operator_a, programme=world["blt"], family=world["on_pkh"], source="manual"
    )
    assert r.status == "active"


def test_set_wise_blockers_for_import_preview(world):
    blt = world["blt"]
    services.recipient_enrol(actor=None, programme=blt, family=world["families"][0], source="manual")
    blockers = selectors.enrolment_blockers(
        village=blt.village,
        programme=blt,
        family_ids=[f.pk for f in world["families"]] + [world["on_pkh"].pk],
    )
    assert set(blockers) == {world["families"][0].pk, world["on_pkh"].pk}
    assert blockers[world["families"][0].pk].startswith("sudah terdaftar")


def test_exclusion_reason_is_shown_with_rule_note(village_a):
    pkh = programme(village_a, name="PKH", code="pkh")
    blt = programme(village_a)
    services.rules_save(
        actor=None,
        programme=blt,
        ruleset=RuleSet(
            exclusions=[Exclusion(pkh.pk, pkh.name, pkh.code, "recipient", "Permendesa 16/2025")]
        ),
    )
    f = family(village_a)
    services.recipient_enrol(actor=None, programme=pkh, family=f, source="import")
    with pytest.raises(AidError, match="Permendesa 16/2025"):
        services.recipient_enrol(actor=None, programme=blt, family=f, source="manual")


def test_recomputing_the_list_keeps_candidates_and_their_verification(world, operator_a):
    blt = world["blt"]
    services.candidates_generate(actor=operator_a, programme=blt)
    first = Candidate.objects.get(programme=blt, rank=1)
    services.candidate_verify(
        actor=operator_a,
        candidate=first,
        result="valid",
        verified_on=dt.date(2026, 2, 1),
        verifier_name="KASI",
    )
    ids_before = set(Candidate.objects.filter(programme=blt).values_list("public_id", flat=True))
    # a family drops out (becomes a civil servant's), the list is recomputed
    last = Candidate.objects.get(programme=blt, rank=3)
    assert last.family is not None
    head = last.family.head
    assert head is not None
    head.occupation = 5
    head.save()
    services.candidates_generate(actor=operator_a, programme=blt)
    after = set(Candidate.objects.filter(programme=blt).values_list("public_id", flat=True))
    assert after == ids_before - {last.public_id}
    first.refresh_from_db()
    assert first.status == "verified"


def test_family_sees_its_application_but_not_an_undecided_rules_listing(world, operator_a):
    blt = world["blt"]
    services.candidates_generate(actor=operator_a, programme=blt)
    listed = Candidate.objects.get(programme=blt, rank=1)
    assert listed.family is not None
    assert selectors.family_aid_status(village=blt.village, family=listed.family) == []
    Candidate.objects.filter(pk=listed.pk).update(status="approved")
    shown = selectors.family_aid_status(village=blt.village, family=listed.family)
    assert [(s.programme_name, s.state) for s in shown] == [("BLT Dana Desa 2026", "candidate")]


def test_nomination_is_refused_for_central_or_decreed_programmes(world, operator_a, kades_a):
    f = family(world["blt"].village, "USULAN")
    with pytest.raises(AidError, match="ditetapkan oleh program asal"):
        services.candidate_nominate(village=f.village, family=f, programme=world["pkh"], source="kiosk")
    deliberation = _through_deliberation(world, operator_a)
    services.decree_issue(
        actor=kades_a,
        programme=world["blt"],
        deliberation=deliberation,
        number="9/2026",
        title="SK",
        decided_on=dt.date(2026, 2, 12),
    )
    with pytest.raises(AidError, match="sudah terbit"):
        services.candidate_nominate(village=f.village, family=f, programme=world["blt"], source="kiosk")
