"""The kiosk home on the smallest landscape kiosk screen (1280×800): the sign-in buttons and
every service tile on the first screen, no sideways scroll (review of issue 20: the page was
5,081 px tall with the tiles in one column)."""

from __future__ import annotations

import pytest

from balai.devices import services as device_services
from balai.devices.device import COOKIE_NAME
from balai.people.tests.factories import VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}])
def test_kiosk_home_puts_sign_in_and_tiles_first(browser, live_server, size):
    village = VillageFactory()
    _device, code = device_services.device_create(actor=None, village=village, label="Lobi")
    _device, credential = device_services.device_enrol(code=code)
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=size)
    context.add_cookies([{"name": COOKIE_NAME, "value": credential, "url": live_server.url}])
    screen = context.new_page()

    screen.goto("/anjungan/")

    assert screen.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # A phone-sized window is not a kiosk: it only has to fit sideways.
    if size["width"] >= 1200:
        sign_in = screen.get_by_role("link", name="Masuk Layanan Mandiri").bounding_box()
        assert sign_in["y"] + sign_in["height"] <= size["height"]
        last_tile = screen.locator("#k-home-tiles .k-tile").last.bounding_box()
        assert last_tile["y"] + last_tile["height"] <= size["height"], last_tile
    context.close()
