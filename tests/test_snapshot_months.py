"""Issue 20: the demo's and the bench's estimated months count every month's dated figures in
one grouped pass (village × month bucket) instead of a pass per month and village, which took
minutes on PostgreSQL at a million residents. The grouped pass must give exactly what the
month-by-month count gives, rows on the months' edges included (in the deployment's time zone);
run on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.audit.services import audit_record
from balai.core.dates import Month
from balai.desk.models import Complaint, ServiceCategory, Ticket
from balai.health.models import ChildMeasurement
from balai.letters.models import Letter
from balai.people.models import LifeEvent
from balai.people.tests.factories import ResidentFactory
from balai.regency import figures as F
from balai.regency.demo import past_snapshots, past_snapshots_many
from balai.regency.models import VillageSnapshot

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 15)


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _edges(month: Month) -> list[dt.datetime]:
    """Moments just inside and just outside the month, in local time (UTC is 7 hours behind)."""
    return [
        _local(month.first, 0, 0),
        _local(month.first, 6, 59),  # the previous day in UTC
        _local(month.last, 23, 59),
        _local(month.last, 12),
    ]


def _world(village: object, other: object, rnd: random.Random) -> None:
    category = ServiceCategory.objects.create(village=village, name="Surat", code="A")
    children = [ResidentFactory(village=village, family=None, rt=None, sex=1 + i % 2) for i in range(4)]
    subject = ResidentFactory(village=other, family=None, rt=None, sex=1)
    ticket_number = 0
    for back in range(0, 15):
        month = Month.of(TODAY)
        for _ in range(back):
            month = month.previous()
        for n, moment in enumerate(_edges(month)):
            place = village if (n + back) % 3 else other
            for kind in (LifeEvent.Kind.BIRTH, LifeEvent.Kind.DEATH, LifeEvent.Kind.MOVE_IN):
                LifeEvent.objects.create(
                    village=place,
                    kind=kind,
                    event_date=moment.date(),
                    cancelled_at=timezone.now() if rnd.random() < 0.2 else None,
                )
            Letter.objects.create(
                village=place,
                type_code="domisili",
                subject=subject,
                state="issued" if n % 2 else "handed_over",
                channel=Letter.Channel.KIOSK if rnd.random() < 0.5 else Letter.Channel.OPERATOR,
                issued_at=moment,
                issued_on=moment.date(),
            )
            Letter.objects.filter(pk=Letter.objects.latest("pk").pk).update(created_at=moment)
            complaint = Complaint.objects.create(
                village=place,
                tracking_number=f"t{back:02d}{n}{rnd.randrange(10**6):06d}"[:12],
                subject="Jalan",
                body="…",
                source=Complaint.Source.KIOSK if n % 2 else Complaint.Source.OPERATOR,
            )
            Complaint.objects.filter(pk=complaint.pk).update(created_at=moment)
            ticket_number += 1
            Ticket.objects.create(
                village=village,
                category=category,
                day=moment.date(),
                number=ticket_number,
                created_at=moment,
            )
            child = children[(n + back) % len(children)]
            ChildMeasurement.objects.create(
                village=village,
                child=child,
                measured_on=moment.date(),
                age_days=400,
                weight_kg="9",
                z_lhfa=rnd.choice([-3.1, -1.0, None, -2.5, 0.4]),
            )
            audit_record(
                actor=None,
                village=place,
                action="kiosk.sign_in",
                object_type="resident",
                object_id=subject.pk,
            )
            AuditEvent.objects.filter(pk=AuditEvent.objects.latest("pk").pk).update(occurred_at=moment)


def test_grouped_months_equal_the_month_by_month_count(village_a, village_b):
    # given dated rows of every counted table on the edges of 15 months in two villages
    _world(village_a, village_b, random.Random(7))
    months = Month.of(TODAY).back(16)[:-1]
    ids = [village_a.pk, village_b.pk]
    # when every month is counted in one grouped pass
    grouped = F.count_dated_months(village_ids=ids, months=months)
    # then each month's figures are those of the month's own count, kiosk plug-in included
    assert "kiosk_sign_ins" in F.PLUGIN_MONTH_COUNTS
    some = 0
    for month in months:
        alone = F.count_figures(village_ids=ids, month=month, on=month.last, dated_only=True)
        assert grouped[month] == alone, month
        some += sum(sum(row.values()) for row in alone.values())
    assert some > 100  # the rows were really counted, not two empty answers


def test_many_villages_at_once_store_what_one_at_a_time_stores(village_a, village_b):
    _world(village_a, village_b, random.Random(3))
    ResidentFactory(village=village_a, family=None, rt=None, sex=2)
    ResidentFactory(village=village_b, family=None, rt=None, sex=1)
    past_snapshots(village=village_a, rnd=random.Random(1), today=TODAY)
    past_snapshots(village=village_b, rnd=random.Random(1), today=TODAY)
    one_by_one = {(s.village_id, s.month): s.figures for s in VillageSnapshot.objects.all()}
    VillageSnapshot.objects.all().delete()
    assert past_snapshots_many(villages=[village_a, village_b], today=TODAY) == 48
    together = {(s.village_id, s.month): s.figures for s in VillageSnapshot.objects.all()}
    assert together == one_by_one
    # and a second run adds nothing (months already there are never replaced)
    assert past_snapshots_many(villages=[village_a, village_b], today=TODAY) == 0
