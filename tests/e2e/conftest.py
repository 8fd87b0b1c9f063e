"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser); the
`browser` fixture is balai/core/tests/browser.py's, one per test process."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
