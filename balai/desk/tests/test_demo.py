import random

from django.utils import timezone

from balai.desk import selectors, services
from balai.desk.demo import extend_village
from balai.desk.models import Ticket
from balai.staff.models import Attendance
from balai.staff.tests.factories import OfficialFactory


def test_demo_fills_a_village_and_new_tickets_continue_the_numbers(village_a):
    # given
    OfficialFactory(village=village_a, name="SUTRISNO")
    today = timezone.localdate()
    # when
    counts = extend_village(village=village_a, rnd=random.Random(1), today=today)
    # then
    assert counts["desk_tickets"] == Ticket.objects.filter(village=village_a).count() > 0
    assert counts["staff_attendance"] == Attendance.objects.filter(village=village_a).count() > 0
    category = selectors.category_list(village=village_a)[0]
    highest = max(
        Ticket.objects.filter(category=category, day=today).values_list("number", flat=True), default=0
    )
    ticket, _ = services.ticket_take(village=village_a, category=category)
    assert ticket.number == highest + 1
    assert selectors.ikm_report(village=village_a, year=today.year, month=today.month).respondents >= 0
