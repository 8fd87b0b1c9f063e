"""One posyandu schedule: the health module's, shown on the village's public page, its own
public page and the kiosk home; an announcement repeating it is retired by the migration."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse

from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.health import services as health
from balai.portal import services
from balai.portal.models import Post

pytestmark = pytest.mark.django_db


def test_the_schedule_kept_by_health_is_the_one_the_public_and_the_kiosk_see(client, village_a, operator_a):
    # given a posyandu with its opening day, kept by the health module
    cache.clear()
    posyandu = health.posyandu_create(
        actor=operator_a,
        village=village_a,
        name="Posyandu Mawar",
        dusun="Krajan",
        schedule="Setiap tanggal 10",
    )
    home = reverse("portal:home", args=[village_a.code])
    # then the village's page, the schedule's own page and the kiosk home show it
    assert "Posyandu Mawar (Dusun Krajan): setiap tanggal 10." in client.get(home).content.decode()
    page = client.get(reverse("health_public:schedule", args=[village_a.code])).content.decode()
    assert "Posyandu Mawar" in page
    assert "Setiap tanggal 10" in page
    _device, code = device_services.device_create(actor=operator_a, village=village_a, label="Lobi")
    _device, credential = device_services.device_enrol(code=code)
    kiosk = client.__class__()
    kiosk.cookies[COOKIE_NAME] = credential
    assert "Setiap tanggal 10" in kiosk.get(reverse("kiosk:home")).content.decode()
    # when the kader changes the day in the health module
    health.posyandu_update(
        actor=operator_a,
        posyandu=posyandu,
        name=posyandu.name,
        dusun=posyandu.dusun,
        schedule="Setiap Selasa minggu kedua",
        rts=[],
        cadres=[],
    )
    # then the cached public page shows the new day at once, not the old one
    text = client.get(home).content.decode()
    assert "setiap Selasa minggu kedua" in text
    assert "tanggal 10" not in text


def test_a_village_without_a_schedule_shows_no_empty_section(client, village_a):
    cache.clear()
    text = client.get(reverse("portal:home", args=[village_a.code])).content.decode()
    assert "bagian-posyandu" not in text


def test_the_migration_retires_announcements_repeating_the_schedule(village_a, village_b, operator_a):
    # The kiosk's model by name: the portal and the kiosk are independent interfaces.
    Announcement = apps.get_model("kiosk", "Announcement")  # noqa: N806
    # given both villages announce their schedule by hand; only A keeps it on its posyandu
    health.posyandu_create(actor=operator_a, village=village_a, name="Posyandu Melati", schedule="Tanggal 5")
    for village in (village_a, village_b):
        services.post_create(
            actor=operator_a,
            village=village,
            data={"title": "Jadwal posyandu bulan ini", "body": "Tanggal 12"},
        )
        Announcement.objects.create(
            village=village, title="Jadwal Posyandu", body="Tanggal 12", published_on=dt.date(2026, 1, 1)
        )
    other = services.post_create(
        actor=operator_a, village=village_a, data={"title": "Kerja bakti", "body": "Minggu"}
    )
    # when the data migrations run
    importlib.import_module("balai.portal.migrations.0002_posyandu_schedule_from_health").hide_schedule_posts(
        apps, None
    )
    importlib.import_module(
        "balai.kiosk.migrations.0004_posyandu_schedule_from_health"
    ).hide_schedule_announcements(apps, None)
    # then A's copies are hidden (kept), B's stay (it has no schedule to show instead)
    assert not Post.objects.get(village=village_a, title__startswith="Jadwal").is_published
    assert Post.objects.get(village=village_b, title__startswith="Jadwal").is_published
    assert Post.objects.get(pk=other.pk).is_published
    assert not Announcement.objects.get(village=village_a).is_active
    assert Announcement.objects.get(village=village_b).is_active
