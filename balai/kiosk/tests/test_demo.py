import random

import pytest
from django.utils import timezone

from balai.devices.models import KioskDevice
from balai.kiosk.demo import extend_village
from balai.kiosk.models import Announcement
from balai.kiosk.selectors import announcements_current

pytestmark = pytest.mark.django_db


def test_demo_adds_a_device_to_enrol_and_current_announcements(village_a):
    today = timezone.localdate()
    counts = extend_village(village=village_a, rnd=random.Random(1), today=today)
    assert counts == {"kiosk_devices": 1, "announcements": 3}
    device = KioskDevice.objects.get(village=village_a)
    assert not device.is_enrolled
    assert len(announcements_current(village=village_a, today=today)) == 3 == Announcement.objects.count()
