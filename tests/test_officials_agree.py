"""The kiosk home and the public profile name the same officials: those serving today (issue 21
review, item 5: a kepala dusun whose term ended in 2023 was on the kiosk, not on the profile)."""

import datetime as dt

import pytest

from balai.kiosk.home import officials_today
from balai.portal.selectors import officials
from balai.staff.tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db


def test_kiosk_and_public_profile_list_the_same_serving_officials(village_a):
    OfficialFactory(village=village_a, name="SERVING", term_end=None)
    OfficialFactory(village=village_a, name="ENDED", term_end=dt.date(2023, 7, 8))

    kiosk = [o["name"] for o in officials_today(village=village_a)[0]]
    public = [name for name, _position in officials(village=village_a)]
    assert kiosk == public == ["SERVING"]
