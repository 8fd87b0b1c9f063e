"""Service performance per official: counted from desk tickets and complaints, no extra typing."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balai.core.dates import Month
from balai.dashboard.staff_performance import staff_performance
from balai.desk.models import Complaint, ServiceCategory, Ticket
from balai.staff.tests.factories import OfficialFactory


def test_tickets_served_and_complaints_answered_count_for_the_officials_account(
    village_a, operator_a, kades_a
):
    # given an official linked to the operator's account, who served two tickets and answered a complaint
    official = OfficialFactory(village=village_a, name="RINA", position="Kaur Umum", user=operator_a)
    OfficialFactory(village=village_a, name="TANPA AKUN", position="Kasi")
    category = ServiceCategory.objects.create(village=village_a, name="Surat", code="A")
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    for n, minutes in enumerate([6, 10], start=1):
        Ticket.objects.create(
            village=village_a,
            category=category,
            day=now.date(),
            number=n,
            state=Ticket.State.DONE,
            created_at=now,
            called_at=now,
            finished_at=now + dt.timedelta(minutes=minutes),
            called_by=operator_a,
        )
    complaint = Complaint.objects.create(
        village=village_a,
        tracking_number="abcdefghij",
        subject="Jalan rusak",
        body="…",
        source=Complaint.Source.KIOSK,
        state=Complaint.State.ANSWERED,
        responded_at=now,
        handled_by=operator_a,
    )
    Complaint.objects.filter(pk=complaint.pk).update(created_at=now - dt.timedelta(days=2))

    # when the month's performance is computed
    rows = staff_performance(village=village_a, month=Month.of(now.date()))

    # then the official's row counts them with median times; the one without an account is listed
    row = next(r for r in rows if r.official == official)
    assert (row.tickets_served, row.ticket_median_min) == (2, 8.0)
    assert (row.complaints_answered, row.complaint_median_d) == (1, 2.0)
    assert any(r.official.name == "TANPA AKUN" and r.total == 0 for r in rows)
    # and the kades sees the page
    client = Client()
    client.force_login(kades_a)
    page = client.get(reverse("dashboard:staff_performance")).content.decode()
    assert "RINA" in page


def test_performance_opens_on_the_last_complete_month_and_labels_a_running_one(kades_a):
    client = Client()
    client.force_login(kades_a)
    this = Month.of(timezone.localdate())

    default = client.get(reverse("dashboard:staff_performance"))
    running = client.get(reverse("dashboard:staff_performance"), {"bulan": str(this)})

    assert default.context["period"].month == this.previous()
    assert "berjalan, data sampai" not in default.content.decode()
    assert "berjalan, data sampai" in running.content.decode()
