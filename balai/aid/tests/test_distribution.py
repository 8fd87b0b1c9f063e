# ruff: noqa: F811  (fixtures imported from distribution_fixtures)
import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from balai.aid import selectors as aid_selectors
from balai.aid.models import Distribution, DistributionCycle, Entitlement, Programme, Recipient
from balai.aid.services import distribution as dist
from balai.aid.tests.distribution_fixtures import (  # noqa: F401
    blt_a,
    enrol,
    make_family,
    make_programme,
    photo_jpeg,
    signature_png,
    two_recipients,
)
from balai.audit.models import AuditEvent
from balai.core.errors import NotAllowed

C = DistributionCycle.Status
JAN, MAR = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def _cycle(operator, programme, start=JAN, end=MAR, **kw):
    return dist.cycle_create(
        actor=operator,
        programme=programme,
        covers_start=start,
        covers_end=end,
        planned_on=dt.date(2026, 4, 5),
        **kw,
    )


def _approved(operator, kades, programme):
    cycle = _cycle(operator, programme)
    return dist.cycle_transition(actor=kades, cycle=cycle, action="approve")


def _record(operator, ent, **kw):
    data = {
        "distributed_on": timezone.localdate(),
        "received_by": Distribution.ReceivedBy.RECIPIENT,
        "proof": dist.proof_from_signature(signature_png()),
    } | kw
    return dist.distribution_record(actor=operator, entitlement=ent, **data)


def test_cycle_amount_is_benefit_times_months_covered(operator_a, blt_a):
    # when: a cycle covering January to March of Rp300.000/month
    cycle = _cycle(operator_a, blt_a)
    # then
    assert cycle.amount == 900_000
    assert cycle.number == 1
    assert cycle.status == C.DRAFT
    assert AuditEvent.objects.filter(action="aid.cycle.created", object_id=cycle.public_id).exists()


def test_overlapping_cycle_is_refused(operator_a, blt_a):
    _cycle(operator_a, blt_a)
    with pytest.raises(dist.DistributionError) as exc:
        _cycle(operator_a, blt_a, start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 31))
    assert "tumpang tindih" in str(exc.value)


def test_cycle_outside_programme_period_is_refused(operator_a, blt_a):
    with pytest.raises(dist.DistributionError) as exc:
        _cycle(operator_a, blt_a, start=dt.date(2025, 12, 1), end=MAR)
    assert "periode program" in str(exc.value)


def test_entitlements_generated_for_active_recipients_only(operator_a, blt_a, two_recipients):
    # given: a suspended recipient and one with its own amount
    suspended = enrol(blt_a, make_family(blt_a.village, "TIDAK AKTIF"), status=Recipient.Status.SUSPENDED)
    two_recipients[1].benefit_amount = 200_000
    two_recipients[1].save()
    cycle = _cycle(operator_a, blt_a)
    # when
    counts = dist.cycle_generate(actor=operator_a, cycle=cycle)
    # then
    ents = {e.recipient_id: e.amount for e in Entitlement.objects.filter(cycle=cycle)}
    assert counts["total"] == 2
    assert ents == {two_recipients[0].pk: 900_000, two_recipients[1].pk: 600_000}
    assert suspended.pk not in ents


def test_regenerate_drops_recipients_no_longer_active(operator_a, blt_a, two_recipients):
    cycle = _cycle(operator_a, blt_a)
    dist.cycle_generate(actor=operator_a, cycle=cycle)
    Recipient.objects.filter(pk=two_recipients[0].pk).update(status=Recipient.Status.REMOVED)
    counts = dist.cycle_generate(actor=operator_a, cycle=cycle)
    assert counts["removed"] == 1
    assert list(Entitlement.objects.filter(cycle=cycle).values_list("recipient_id", flat=True)) == [
        two_recipients[1].pk
    ]


def test_state_machine(operator_a, kades_a, blt_a, two_recipients):
    cycle = _cycle(operator_a, blt_a)
    # draft cannot be marked distributed or closed
    for action in ("distributed", "close"):
        with pytest.raises(dist.DistributionError):
            dist.cycle_transition(actor=operator_a, cycle=cycle, action=action)
    # the operator may not approve; the head may
    with pytest.raises(NotAllowed):
        dist.cycle_transition(actor=operator_a, cycle=cycle, action="approve")
    cycle = dist.cycle_transition(actor=kades_a, cycle=cycle, action="approve")
    assert cycle.status == C.APPROVED
    assert cycle.approved_by == kades_a
    assert cycle.approved_at
    # approved: entitlements frozen
    with pytest.raises(dist.DistributionError):
        dist.cycle_generate(actor=operator_a, cycle=cycle)
    # nothing distributed yet: cannot be marked distributed
    with pytest.raises(dist.DistributionError):
        dist.cycle_transition(actor=operator_a, cycle=cycle, action="distributed")
    ent = Entitlement.objects.filter(cycle=cycle).first()
    _record(operator_a, ent)
    # with a distribution: cannot be cancelled any more
    with pytest.raises(dist.DistributionError):
        dist.cycle_transition(actor=operator_a, cycle=cycle, action="cancel", reason="salah")
    cycle = dist.cycle_transition(actor=operator_a, cycle=cycle, action="distributed")
    cycle = dist.cycle_transition(actor=operator_a, cycle=cycle, action="close")
    assert cycle.status == C.CLOSED
    with pytest.raises(dist.DistributionError):
        dist.cycle_transition(actor=operator_a, cycle=cycle, action="cancel", reason="x")
    actions = set(AuditEvent.objects.filter(object_id=cycle.public_id).values_list("action", flat=True))
    assert {"aid.cycle.approved", "aid.cycle.distributed", "aid.cycle.closed"} <= actions


def test_approval_without_recipients_is_refused(operator_a, kades_a, blt_a):
    cycle = _cycle(operator_a, blt_a)
    with pytest.raises(dist.DistributionError) as exc:
        dist.cycle_transition(actor=kades_a, cycle=cycle, action="approve")
    assert "penerima aktif" in str(exc.value)


def test_cancel_needs_reason_and_cancels_entitlements(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    with pytest.raises(dist.DistributionError):
        dist.cycle_transition(actor=operator_a, cycle=cycle, action="cancel")
    dist.cycle_transition(actor=operator_a, cycle=cycle, action="cancel", reason="Dana belum cair")
    assert set(Entitlement.objects.filter(cycle=cycle).values_list("status", flat=True)) == {"cancelled"}


def test_distribution_on_draft_cycle_is_refused(operator_a, blt_a, two_recipients):
    cycle = _cycle(operator_a, blt_a)
    dist.cycle_generate(actor=operator_a, cycle=cycle)
    ent = Entitlement.objects.filter(cycle=cycle).first()
    with pytest.raises(dist.DistributionError) as exc:
        _record(operator_a, ent)
    assert "disetujui" in str(exc.value)


def test_distribution_recorded_with_signature_proof(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    ent = Entitlement.objects.get(cycle=cycle, recipient=two_recipients[0])
    # when
    d = _record(operator_a, ent)
    # then
    ent.refresh_from_db()
    assert ent.status == Entitlement.Status.DISTRIBUTED
    assert d.amount == 900_000
    assert d.receiver_name == "SLAMET RIYADI"
    assert d.proof.name.startswith(f"aid/proof/{blt_a.village.code_digits}/")
    assert default_storage.exists(d.proof.name)
    assert AuditEvent.objects.filter(action="aid.distribution.recorded", object_id=d.public_id).exists()


def test_double_distribution_is_refused(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    ent = Entitlement.objects.get(cycle=cycle, recipient=two_recipients[0])
    _record(operator_a, ent)
    with pytest.raises(dist.DistributionError) as exc:
        _record(operator_a, ent)
    assert "penyaluran ganda" in str(exc.value)
    assert Distribution.objects.filter(entitlement=ent).count() == 1


def test_proxy_needs_name_and_relation(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    ent = Entitlement.objects.get(cycle=cycle, recipient=two_recipients[0])
    with pytest.raises(dist.DistributionError) as exc:
        _record(operator_a, ent, received_by=Distribution.ReceivedBy.PROXY, receiver_name="SITI")
    assert "proxy_relation" in exc.value.message_dict
    d = _record(operator_a, ent, received_by="proxy", receiver_name="SITI", proxy_relation="anak")
    assert d.proxy_relation == "anak"
    assert d.receiver_name == "SITI"


def test_amount_above_entitlement_and_future_date_refused(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    ent = Entitlement.objects.get(cycle=cycle, recipient=two_recipients[0])
    with pytest.raises(dist.DistributionError) as exc:
        _record(operator_a, ent, amount=1_000_000, distributed_on=timezone.localdate() + dt.timedelta(days=1))
    assert set(exc.value.message_dict) == {"amount", "distributed_on"}


def test_suspended_recipient_is_not_paid(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    Recipient.objects.filter(pk=two_recipients[0].pk).update(status=Recipient.Status.SUSPENDED)
    ent = Entitlement.objects.get(cycle=cycle, recipient=two_recipients[0])
    with pytest.raises(dist.DistributionError):
        _record(operator_a, ent)


def test_blank_signature_is_refused():
    with pytest.raises(dist.DistributionError) as exc:
        dist.proof_from_signature(signature_png(blank=True))
    assert "kosong" in str(exc.value)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"GIF89a" + b"\0" * 100],
)
def test_bad_photo_is_refused(data):
    with pytest.raises(dist.DistributionError):
        dist.proof_from_photo(data)


def test_photo_too_large_is_refused():
    with pytest.raises(dist.DistributionError) as exc:
        dist.proof_from_photo(b"\xff\xd8" + b"0" * (dist.PROOF_MAX_BYTES + 1))
    assert "terlalu besar" in str(exc.value)


def test_photo_is_reencoded_and_shrunk():
    proof = dist.proof_from_photo(photo_jpeg((4000, 3000)))
    assert proof.extension == "jpg"
    assert proof.content[:2] == b"\xff\xd8"
    import io

    from PIL import Image

    assert max(Image.open(io.BytesIO(proof.content)).size) == dist.PROOF_MAX_SIDE


def test_undistributed_report(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    ent = Entitlement.objects.get(cycle=cycle, recipient=two_recipients[0])
    _record(operator_a, ent)
    pending = aid_selectors.undistributed(village=blt_a.village)
    assert [e.recipient_id for e in pending] == [two_recipients[1].pk]
    summary = aid_selectors.cycle_summary(village=blt_a.village, cycle=cycle)
    assert (summary.entitlements, summary.distributed, summary.amount_paid) == (2, 1, 900_000)


def test_other_village_cycle_is_not_found(operator_a, blt_a, village_b):
    cycle = _cycle(operator_a, blt_a)
    with pytest.raises(DistributionCycle.DoesNotExist):
        aid_selectors.cycle_get(village=village_b, public_id=cycle.public_id)


def test_closed_programme_refuses_new_cycle(operator_a, blt_a):
    Programme.objects.filter(pk=blt_a.pk).update(status=Programme.Status.CLOSED)
    blt_a.refresh_from_db()
    with pytest.raises(dist.DistributionError):
        _cycle(operator_a, blt_a)


def test_new_cycle_starts_with_current_recipients(operator_a, blt_a, two_recipients):
    cycle = _cycle(operator_a, blt_a)
    assert Entitlement.objects.filter(cycle=cycle).count() == 2
    assert set(Entitlement.objects.filter(cycle=cycle).values_list("status", flat=True)) == {"pending"}


def test_amount_of_quarterly_programme(operator_a, village_a):
    pkh = make_programme(
        village_a, code="pkh", benefit_amount=750_000, benefit_frequency=Programme.Frequency.QUARTERLY
    )
    assert _cycle(operator_a, pkh, start=JAN, end=dt.date(2026, 6, 30)).amount == 1_500_000


def test_cycle_history_says_who_and_when(operator_a, kades_a, blt_a, two_recipients):
    cycle = _approved(operator_a, kades_a, blt_a)
    dist.cycle_transition(actor=operator_a, cycle=cycle, action="cancel", reason="Dana belum cair")
    history = aid_selectors.cycle_history(village=blt_a.village, cycle=cycle)
    assert [(h["who"], str(h["what"])) for h in history] == [
        ("operator_a", "Dibuat"),
        ("kades_a", "Disetujui"),
        ("operator_a", "Dibatalkan"),
    ]
    assert history[-1]["reason"] == "Dana belum cair"
