"""The browser every browser test drives: Debian's Chromium, never a downloaded one.

One per test process (a pytest plugin, loaded by the root conftest.py): Playwright's sync API
runs one event loop per thread, so a second browser started beside it (as the desk's test did
with its own) fails when both land in the same xdist worker."""

import os
import shutil
import threading
import time

import pytest


def chromium_path() -> str | None:
    """BALAI_CHROMIUM when set; else Debian's chromium-headless-shell, the same Chromium
    (same Blink, same version) without the desktop browser around it, which drives the same
    pages for about half the CPU of the full browser (whose browser and GPU processes keep a
    window nobody sees); else Debian's chromium."""
    return (
        os.environ.get("BALAI_CHROMIUM")
        or shutil.which("chromium-headless-shell")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("CI must provide Debian's chromium (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
    # make around it are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
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


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """A test that drives the live server ends with every browser page closed and every request
    the server is still answering finished before the database is flushed: a kiosk page's last
    poll or form post, still writing in the server's thread, made the flush fail on a foreign
    key and the next test find its users still there."""
    if "live_server" not in request.fixturenames:
        yield
        return
    # Requested here so that it is torn down (flushed) after this fixture's clean-up.
    request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    httpd = getattr(live_server.thread, "httpd", None)
    if httpd is None:
        return
    deadline = time.monotonic() + 10
    for thread in threading.enumerate():
        # socketserver's ThreadingMixIn answers each connection in a thread running
        # httpd.process_request_thread (the target is dropped once it returns).
        target = getattr(thread, "_target", None)
        if getattr(target, "__self__", None) is httpd:
            thread.join(max(0.0, deadline - time.monotonic()))
