"""Issue 23 item 5: kiosk use per village per month for the regency."""

from __future__ import annotations

import pytest
from django.utils import timezone

from balai.kiosk.figures import kiosk_use
from balai.kiosk.tests.conftest import GOOD_PIN, give_pin, sign_in
from balai.letters import kiosk as letters_kiosk

pytestmark = pytest.mark.django_db


def test_counts_sign_ins_self_served_letters_and_complaints(
    kiosk_client_a, resident_a, operator_a, village_a, village_b, head_official_a
):
    give_pin(resident_a, operator_a)
    assert sign_in(kiosk_client_a, resident_a, GOOD_PIN).status_code == 302
    letters_kiosk.letter_kiosk_request(
        village=village_a, type_code="penduduk", subject=resident_a, fields={"keperluan": "Kerja"},
        device_label="A", idempotency_key="fig-00000001",
    )  # fmt: skip
    letters_kiosk.letter_kiosk_request(
        village=village_a, type_code="domisili", subject=resident_a, fields={"keperluan": "Kerja"},
        device_label="A", idempotency_key="fig-00000002",
    )  # fmt: skip
    kiosk_client_a.post(
        "/anjungan/layanan/pengaduan/",
        {"kind": "saran", "subject": "Jalan", "body": "Perbaiki", "submit_key": "k1"},
    )
    today = timezone.localdate()
    use = kiosk_use(villages=[village_a, village_b], year=today.year, month=today.month)
    a = use[village_a.pk]
    assert (a.sign_ins, a.letters_requested, a.letters_self_served, a.complaints) == (1, 2, 1, 1)
    assert use[village_b.pk].sign_ins == 0
