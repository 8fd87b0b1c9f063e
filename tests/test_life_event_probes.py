"""The life-event probes (people.consequences): one query tells which modules have nothing to
act on, and skipping those handlers changes nothing — the same consequences, review items and
rows as running every handler (issue 15: recording a death ≤ 50 ms)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from balai.economy.models import Business
from balai.people import consequences, services
from balai.people.models import LifeEvent, ReviewItem
from balai.people.tests.factories import ResidentFactory
from tests.test_life_event_consequences import everything  # noqa: F401  (the fixture)

TODAY = timezone.localdate()


class _Undo(Exception):
    pass


def _outcome(record, *, probes: bool, monkeypatch):
    """What recording the event leaves behind (then rolled back)."""
    if not probes:
        monkeypatch.setattr(consequences, "probe_skips", lambda event, key: set())
    found = {}
    try:
        with transaction.atomic():
            events = record()
            found["consequences"] = [LifeEvent.objects.get(pk=e.pk).consequences for e in events]
            found["reviews"] = sorted(ReviewItem.objects.values_list("module", "title", "village_id"))
            raise _Undo
    except _Undo:
        pass
    monkeypatch.undo()
    return found


@pytest.mark.parametrize("who", ["woman", "head", "plain"])
@pytest.mark.parametrize("kind", ["death", "missing", "transfer"])
def test_skipping_by_probe_gives_what_every_handler_gives(
    everything,  # noqa: F811 (the fixture imported above)
    who,
    kind,
    operator_a,
    village_a,
    village_b,
    monkeypatch,
):
    d = everything
    resident = ResidentFactory(village=village_a) if who == "plain" else d[who]
    if who == "head":  # an open business: only the economy module acts
        Business.objects.create(village=village_a, owner=resident, name="Warung", sector="G")

    def record():
        resident.refresh_from_db()
        if kind == "transfer":
            return services.move_out_record(
                actor=operator_a, residents=[resident], event_date=TODAY, destination_village=village_b
            )
        k = LifeEvent.Kind.DEATH if kind == "death" else LifeEvent.Kind.MISSING
        return [services.status_event_record(actor=operator_a, resident=resident, kind=k, event_date=TODAY)]

    everything_run = _outcome(record, probes=False, monkeypatch=monkeypatch)
    probed = _outcome(record, probes=True, monkeypatch=monkeypatch)
    assert probed == everything_run
    if who == "woman":
        modules = {c["module"] for c in probed["consequences"][0]}
        assert {"aid", "health", "education", "staff", "devices", "letters"} <= modules


def test_the_probe_finds_what_each_module_keeps(everything, operator_a):  # noqa: F811 (the fixture)
    woman = everything["woman"]
    event = LifeEvent(
        village_id=woman.village_id, resident=woman, family_id=woman.family_id, kind=LifeEvent.Kind.DEATH
    )
    assert consequences.probe_skips(event, "death") == {"economy", "finance"}
    nobody = LifeEvent(
        village_id=woman.village_id, resident_id=None, family_id=None, kind=LifeEvent.Kind.DEATH
    )
    assert consequences.probe_skips(nobody, "death") >= {"aid", "health", "education", "staff", "letters"}


def test_a_death_with_nothing_in_any_module_costs_few_queries(
    operator_a, village_a, django_assert_max_num_queries
):
    first, resident = (ResidentFactory(village=village_a, birth_date=dt.date(1950, 1, 1)) for _ in range(2))
    # The first one also creates the village's audit chain and compiles the probe.
    services.death_record(actor=operator_a, resident=first, event_date=TODAY)
    # Savepoint, status, event, audit (chain, event, chain), the probe, release: no handler runs.
    with django_assert_max_num_queries(8):
        services.death_record(actor=operator_a, resident=resident, event_date=TODAY)
