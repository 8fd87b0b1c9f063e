"""Browser test (Playwright, Debian's Chromium): a ticket taken at the kiosk is called by an
operator and announced on the TV display, in Indonesian, without any personal data."""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings
from django.test import Client

from balai.devices.device import COOKIE_NAME

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records what the page asks the browser to say (headless Chromium has no voices).
FAKE_SPEECH = """
window.__spoken = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
Object.defineProperty(window, "speechSynthesis", { value: {
  speak: function (u) { window.__spoken.push(u.text + "|" + u.lang); },
  cancel: function () {}, getVoices: function () { return []; }, onvoiceschanged: null
}});
"""


def test_ticket_call_and_voice_announcement(
    browser, live_server, operator_a, device_a, surat_a, loket1_a, resident_a
):
    host = live_server.url.split("//")[1].split(":")[0]
    _device, credential = device_a
    # The kiosk: a browser holding the device credential, in portrait.
    kiosk = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1080, "height": 1920}
    )
    kiosk.add_cookies([{"name": COOKIE_NAME, "value": credential, "domain": host, "path": "/anjungan/"}])
    # The TV: the same device credential, landscape, speech recorded.
    tv = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1920, "height": 1080}
    )
    tv.add_cookies([{"name": COOKIE_NAME, "value": credential, "domain": host, "path": "/anjungan/"}])
    tv.add_init_script(FAKE_SPEECH)
    # The operator at counter 1: a signed-in session.
    client = Client()
    client.force_login(operator_a)
    office = browser.new_context(base_url=live_server.url, locale="id-ID")
    office.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    try:
        display = tv.new_page()
        display.goto("/anjungan/layanan/layar/")
        assert display.locator("#desk-now-number").inner_text() == "—"

        # when: a resident takes a ticket at the kiosk
        page = kiosk.new_page()
        page.goto("/anjungan/layanan/antrean/")
        page.get_by_role("button", name="Surat").click()
        page.wait_for_url("**/anjungan/layanan/antrean/*/**")
        assert page.locator("#ticket-number").inner_text() == "A-001"

        # and the operator calls the next number
        desk = office.new_page()
        desk.goto(f"/layanan/loket/{loket1_a.public_id}/")
        desk.get_by_role("button", name="Panggil berikutnya").click()
        desk.locator(".desk-number", has_text="A-001").wait_for()

        # then: the display shows it and says it in Indonesian
        display.locator("#desk-now-number", has_text="A-001").wait_for(timeout=15000)
        _wait_spoken(display, 1)
        spoken = display.evaluate("window.__spoken")
        assert spoken[0] == "Nomor antrean, A, satu. Silakan ke Loket 1.|id-ID"
        text = display.content()
        assert resident_a.name not in text

        # and a recall announces it again
        desk.get_by_role("button", name="Panggil ulang").click()
        _wait_spoken(display, 3)
        assert all(s.endswith("|id-ID") for s in display.evaluate("window.__spoken"))
    finally:
        kiosk.close()
        tv.close()
        office.close()


def _wait_spoken(page, count: int, seconds: float = 15.0) -> None:
    """Poll from the test: the page's CSP forbids the eval behind page.wait_for_function."""
    for _ in range(int(seconds * 10)):
        if page.evaluate("window.__spoken.length") >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"fewer than {count} announcements spoken")
