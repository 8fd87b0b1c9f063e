"""The kiosk and the public page keep to one village, and refuse bad photos."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.economy import services


def _business(village, operator, owner, name):
    return services.business_create(
        actor=operator,
        village=village,
        owner=owner,
        data={"name": name, "sector": "C", "address": "RT 1", "listed": True},
        today=dt.date(2026, 1, 1),
    )


def test_a_kiosk_shows_only_its_own_villages_businesses(
    client, village_a, operator_a, resident_a, village_b, operator_b, resident_b
):
    mine = _business(village_a, operator_a, resident_a, "Gula Aren Brokoh")
    theirs = _business(village_b, operator_b, resident_b, "Kerupuk Cepagan")
    _device, code = device_services.device_create(actor=operator_a, village=village_a, label="Lobi")
    _device, credential = device_services.device_enrol(code=code)
    client.cookies[COOKIE_NAME] = credential
    page = client.get(reverse("economy_kiosk:businesses")).content.decode()
    assert "Gula Aren Brokoh" in page
    assert "Kerupuk Cepagan" not in page
    assert client.get(reverse("economy_kiosk:business", args=[mine.public_id])).status_code == 200
    assert client.get(reverse("economy_kiosk:business", args=[theirs.public_id])).status_code == 404
    # and the public page of village A does not open B's business either
    other = reverse("economy_public:business", args=[village_a.code, theirs.public_id])
    assert client.get(other).status_code == 404


def test_the_kiosk_refuses_a_browser_that_is_no_enrolled_device(client):
    assert client.get(reverse("economy_kiosk:businesses")).status_code == 403


def test_a_closed_or_unlisted_business_is_not_public(client, village_a, operator_a, resident_a):
    business = _business(village_a, operator_a, resident_a, "Tempe Mendoan")
    services.business_close(actor=operator_a, business=business, reason="Tutup")
    page = client.get(reverse("economy_public:businesses", args=[village_a.code])).content.decode()
    assert "Tempe Mendoan" not in page


def test_a_photo_over_the_limit_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.reencode_photo(b"\xff\xd8" + b"0" * (services.PHOTO_MAX_BYTES + 1))
    assert "5 MB" in exc.value.message_dict["photo"][0]
