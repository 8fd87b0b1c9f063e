"""Issue 16 (UU 27/2022): a resident signed in at the kiosk sees which staff read their record."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_resident_sees_who_read_their_record(resident_client_a, client_a, resident_a, family_a, resident_b):
    client_a.get(reverse("people:resident_detail", args=[resident_a.public_id]))
    client_a.get(reverse("people:family_detail", args=[family_a.public_id]))
    page = resident_client_a.get(reverse("kiosk:who_read"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "membuka data Anda" in text
    assert "membuka halaman keluarga Anda" in text
    assert "operator_a" in text or "Operator desa" in text
    assert "no-store" in page["Cache-Control"]


def test_only_the_signed_in_resident_own_reads(resident_client_a, operator_b, resident_b):
    from django.test import Client

    client_b = Client()
    client_b.force_login(operator_b)
    client_b.get(reverse("people:resident_detail", args=[resident_b.public_id]))
    text = resident_client_a.get(reverse("kiosk:who_read")).content.decode()
    assert "Belum ada petugas" in text


def test_needs_a_signed_in_resident(kiosk_client_a):
    assert kiosk_client_a.get(reverse("kiosk:who_read")).status_code == 302


def test_a_list_page_that_showed_the_resident_is_a_read(resident_client_a, client_a, resident_a):
    # The list logs one event for its page (every resident shown in its hashed changes) and
    # one read-index row per resident: the resident finds it like a read of their own page.
    client_a.get(reverse("people:resident_list"))
    text = resident_client_a.get(reverse("kiosk:who_read")).content.decode()
    assert "Belum ada petugas" not in text
    assert "melihat nama Anda di daftar penduduk" in text
