import datetime as dt

from balai.core.plugins import collect_handlers
from balai.economy import life_events, services
from balai.economy.models import BumdesManager, Business
from balai.people.models import LifeEvent


def test_death_of_an_owner_closes_the_business_and_ends_the_post_and_cancel_undoes(
    village_a, operator_a, resident_a, bumdes_a
):
    business = services.business_create(
        actor=operator_a,
        village=village_a,
        owner=resident_a,
        data={"name": "Batik Tulis", "sector": "C", "address": "RT 1", "listed": True},
        today=dt.date(2026, 1, 1),
    )
    manager = services.manager_appoint(
        actor=operator_a,
        bumdes=bumdes_a,
        resident=resident_a,
        position="bendahara",
        started_on=dt.date(2025, 1, 1),
    )
    event = LifeEvent.objects.create(
        village=village_a, resident=resident_a, kind=LifeEvent.Kind.DEATH, event_date=dt.date(2026, 2, 1)
    )
    handlers = collect_handlers("life_events", "LIFE_EVENT_HANDLERS")["death"]
    assert life_events.on_death in handlers
    changes = life_events.on_death(event=event, actor=operator_a)
    assert len(changes) == 2
    assert not Business.objects.get(pk=business.pk).is_active
    assert BumdesManager.objects.get(pk=manager.pk).ended_on == dt.date(2026, 2, 1)
    assert life_events.on_death(event=event, actor=operator_a) == []  # twice changes nothing

    life_events.undo(event=event, actor=operator_a)
    assert Business.objects.get(pk=business.pk).is_active
    assert BumdesManager.objects.get(pk=manager.pk).ended_on is None
