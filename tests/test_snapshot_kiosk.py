"""Issue 23 item 5 / issue 20 item 3: the kiosk's use per village is frozen in the monthly
snapshot (through kiosk/snapshot_figures.py, the regency never imports the kiosk) and shown in
the regency's table and trend."""

from __future__ import annotations

import pytest
from django.utils import timezone

from balai.audit.services import audit_record
from balai.core.dates import Month
from balai.desk.services import complaint_submit
from balai.regency import figures as F
from balai.regency.models import VillageSnapshot
from balai.regency.services import snapshot_take

pytestmark = pytest.mark.django_db


def test_kiosk_use_is_frozen_per_village_and_shown_with_its_trend(
    client, village_a, village_b, resident_a, regency_viewer
):
    # given two sign-ins and a complaint at village A's kiosk this month
    for _n in range(2):
        audit_record(
            actor=None,
            village=village_a,
            action="kiosk.sign_in",
            object_type="resident",
            object_id=resident_a.pk,
        )
    complaint_submit(
        actor=None,
        village=village_a,
        data={"kind": "saran", "subject": "Jalan", "body": "Perbaiki jalan"},
        resident=resident_a,
        device_id="dev",
        submit_key="snap-1",
    )
    assert "kiosk_sign_ins" in F.BY_KEY  # collected at start-up from the kiosk's module
    # when the month is frozen
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    # then each village keeps its own figures
    a = VillageSnapshot.objects.get(village=village_a, month=month.first).figures
    b = VillageSnapshot.objects.get(village=village_b, month=month.first).figures
    assert (a["kiosk_sign_ins"], a["kiosk_letters_self_served"], a["kiosk_complaints"]) == (2, 0, 1)
    assert b["kiosk_sign_ins"] == 0
    # and the regency's page shows them in the table and in the kiosk's trend table
    client.force_login(regency_viewer)
    page = client.get("/kabupaten/", {"bulan": str(month)}).content.decode()
    assert "Masuk di anjungan" in page
    assert "Tren: Anjungan mandiri" in page


def test_demo_months_carry_kiosk_figures_only_since_the_rollout(village_a):
    import datetime as dt
    import random

    from balai.regency.demo import KIOSK_MONTHS, past_snapshots

    today = dt.date(2026, 11, 15)
    past_snapshots(village=village_a, rnd=random.Random(1), today=today)
    rows = list(VillageSnapshot.objects.filter(village=village_a).order_by("-month"))
    assert all("kiosk_sign_ins" in r.figures for r in rows[:KIOSK_MONTHS])
    assert all("kiosk_sign_ins" not in r.figures for r in rows[KIOSK_MONTHS:])
