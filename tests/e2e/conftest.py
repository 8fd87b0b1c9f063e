"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium() -> str | None:
    return os.environ.get("BALAI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Debian's chromium (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _two_factor_only_where_walked(request, settings):
    """The walkthroughs sign in users they create with a password only; two-factor sign-in
    (required for kades, sekdes, camat, Dispermades since issue 16) is walked through in
    test_accounts.py, marked `two_factor`, which keeps the real rule."""
    if request.node.get_closest_marker("two_factor") is None:
        settings.BALAI_2FA_REQUIRED_ROLES = []
