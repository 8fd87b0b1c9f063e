"""Demo data of the letters module (`demo.extend_village`): incoming letters with dispositions."""

from __future__ import annotations

import datetime as dt
import random
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balai.accounts.models import User
from balai.audit.models import AuditEvent
from balai.audit.services import audit_verify
from balai.devtools import demo as core_demo
from balai.letters import demo, render
from balai.letters.models import Disposition, IncomingLetter
from balai.letters.services import incoming as incoming_services
from balai.letters.tests.conftest import issue_domisili
from balai.people import codes
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.models import Official


@pytest.fixture
def officials_a(village_a):
    return [
        Official.objects.create(village=village_a, name=name, position=position, order=i)
        for i, (name, position) in enumerate(
            [
                ("Suparman", "Kepala Desa"),
                ("Dwi Lestari", "Sekretaris Desa"),
                ("Bambang", "Kasi Pemerintahan"),
                ("Sri Wahyuni", "Kaur Keuangan (Bendahara)"),
            ],
            start=1,
        )
    ]


def _extend(village):
    return demo.extend_village(village=village, rnd=random.Random(3), today=timezone.localdate())


def test_demo_records_incoming_letters_with_dispositions(village_a, officials_a):
    # when
    counts = _extend(village_a)
    # then
    letters = list(IncomingLetter.objects.filter(village=village_a))
    assert 10 <= counts["incoming_letters"] == len(letters) <= 20
    dispositions = list(Disposition.objects.filter(village=village_a).select_related("incoming"))
    assert counts["dispositions"] == len(dispositions) > 0
    assert all(d.instruction and d.due_on and d.due_on >= d.incoming.received_on for d in dispositions)
    assert {d.to_official.position for d in dispositions} <= {
        "Sekretaris Desa",
        "Kasi Pemerintahan",
        "Kaur Keuangan (Bendahara)",
    }
    done = [d for d in dispositions if d.status == Disposition.Status.DONE]
    assert done
    assert all(d.follow_up and d.done_at for d in done)
    today = timezone.localdate()
    for letter in letters:
        assert letter.letter_date <= letter.received_on <= today
        assert letter.received_on >= today - dt.timedelta(days=demo.MONTHS_BACK * 31)
        states = {d.status for d in dispositions if d.incoming_id == letter.pk}
        expected = (
            IncomingLetter.Status.NEW
            if not states
            else IncomingLetter.Status.DONE
            if states == {Disposition.Status.DONE}
            else IncomingLetter.Status.DISPOSED
        )
        assert letter.status == expected, letter


def test_demo_agenda_numbers_continue_and_are_audited(village_a, officials_a, operator_a):
    # given
    _extend(village_a)
    by_year: dict[int, list[int]] = {}
    for year, number in IncomingLetter.objects.filter(village=village_a).values_list("year", "agenda_number"):
        by_year.setdefault(year, []).append(number)
    # then: gapless from 1 in every year
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
    recorded = AuditEvent.objects.filter(village=village_a, action="incoming_letter.recorded")
    assert recorded.count() == sum(len(n) for n in by_year.values())
    assert AuditEvent.objects.filter(village=village_a, action="incoming_letter.disposed").count() == (
        Disposition.objects.filter(village=village_a).count()
    )
    assert audit_verify()[1] == []
    # when: the operator records the next letter of this year
    today = timezone.localdate()
    incoming = incoming_services.incoming_create(
        actor=operator_a,
        village=village_a,
        data={
            "sender": "Camat Wonotunggal",
            "letter_number": "005/1/2026",
            "letter_date": today.isoformat(),
            "received_on": today.isoformat(),
            "subject": "Undangan",
        },
    )
    # then
    assert incoming.agenda_number == len(by_year.get(today.year, [])) + 1


def test_demo_runs_once(village_a, officials_a):
    _extend(village_a)
    before = (IncomingLetter.objects.count(), Disposition.objects.count(), AuditEvent.objects.count())
    # when
    again = _extend(village_a)
    # then
    assert again == {}
    assert (
        IncomingLetter.objects.count(),
        Disposition.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_demo_village_operator_sees_the_incoming_letters(db):
    # given: the real demo, one village with its accounts
    core_demo.generate(villages=1, residents_per_village=60, seed=7)
    core_demo.ensure_accounts()
    brokoh = Village.objects.get(code=core_demo.PILOT_CODES[0])
    letters = IncomingLetter.objects.filter(village=brokoh)
    assert letters.count() >= 10
    assert Disposition.objects.filter(village=brokoh).exists()
    latest = letters.order_by("-received_on", "-agenda_number").first()
    assert latest is not None
    client = Client()
    client.force_login(User.objects.get(username="operator.brokoh"))
    # when
    response = client.get(reverse("letters:incoming_list"), {"tahun": latest.year})
    # then
    assert response.status_code == 200
    page = response.content.decode()
    shown = letters.filter(year=latest.year)
    for letter in shown:
        assert f"{letter.agenda_number}/{letter.year}" in page
    assert latest.subject in page
    open_one = Disposition.objects.filter(village=brokoh).exclude(status=Disposition.Status.DONE).first()
    if open_one is not None:
        assert open_one.instruction in page


def test_demo_villages_print_a_crest_on_their_letterhead(db):
    # given: the real demo, one village with its accounts
    core_demo.generate(villages=1, residents_per_village=60, seed=7)
    core_demo.ensure_accounts()
    brokoh = Village.objects.get(code=core_demo.PILOT_CODES[0])
    resident = Resident.objects.filter(village=brokoh, status=codes.STATUS_ALIVE).first()
    operator = User.objects.get(username="operator.brokoh")
    kades = User.objects.get(username="kades.brokoh")
    # when
    letter = issue_domisili(operator, kades, resident)
    page = render.issued_letter_pdf(village=brokoh, letter=letter)
    # then: the crest came through the profile service (audited) and is printed
    assert brokoh.logo.name.endswith(".png")
    assert AuditEvent.objects.filter(village=brokoh, action="village.profile_updated").exists()
    images = subprocess.run(["pdfimages", "-list", "-"], input=page, capture_output=True, check=True)
    kinds = [line.split()[2] for line in images.stdout.decode().splitlines()[2:]]
    assert kinds.count("image") == 2  # the crest and the QR
