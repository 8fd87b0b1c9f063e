"""Security headers on every page (issue 16 item 3) and templates that keep to the
Content-Security-Policy: script only from static files, so no inline <script> and no on...=
handler in any template. If this fails for your template, move the script to
<app>/static/<app>/<name>.js (or use a data attribute handled by static/js/balai.js, e.g.
data-submit-on-change, data-print)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("balai/*/templates"))]
# <script> without src=, unless it is a data block the browser never runs.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.I | re.S)
OTHER_EVAL = re.compile(r"javascript:|\bhx-on[:-]|\bhx-vals=['\"]js:|\bhx-vars=", re.I)


def _templates() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))


def test_templates_are_found():
    assert len(_templates()) > 50


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_in_templates(path):
    text = path.read_text()
    problems = [m.group(0) for m in INLINE_SCRIPT.finditer(text)]
    problems += [f"{m.group(1)}= handler" for m in INLINE_HANDLER.finditer(text)]
    problems += [m.group(0) for m in OTHER_EVAL.finditer(text)]
    assert not problems, (
        f"{path.relative_to(ROOT)}: {problems} would be blocked by the Content-Security-Policy "
        "(script-src 'self'); move the script to a static .js file (see this test's docstring)."
    )


def _assert_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/akun/masuk/", "/api/v1/docs", "/v/tidak-ada/", "/halaman-tidak-ada/"])
def test_headers_on_public_pages_api_docs_and_errors(client, url):
    response = client.get(url)
    assert response.status_code < 500
    _assert_headers(response)


def test_headers_on_a_staff_page(client_a):
    response = client_a.get("/penduduk/")
    assert response.status_code == 200
    _assert_headers(response)


def test_headers_on_the_api(client_a):
    response = client_a.get("/api/v1/residents")
    _assert_headers(response)


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_hsts_on_https_requests(client):
    response = client.get("/akun/masuk/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_hsts_behind_a_tls_proxy(client):
    response = client.get("/akun/masuk/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_and_csrf_cookies_are_secure_and_http_only(client, operator_a):
    page = client.get("/akun/masuk/")
    assert page.cookies["csrftoken"]["secure"]
    assert page.cookies["csrftoken"]["httponly"]
    signed_in = client.post(
        "/akun/masuk/",
        {
            "username": "operator_a",
            "password": "rahasia-demo-123",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"]
    assert signed_in.cookies["sessionid"]["httponly"]


def _deploy_ids() -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=True) if m.id and m.id.startswith("balai.")}


@override_settings(DEBUG=False, SECURE_PROXY_SSL_HEADER=None, SECURE_SSL_REDIRECT=False)
def test_check_deploy_has_balai_checks():
    ids = _deploy_ids()
    assert "balai.W003" in ids  # HSTS can never be sent
    assert "balai.W001" not in ids
    assert "balai.W002" not in ids


@override_settings(
    DEBUG=False,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    BALAI_CONTENT_SECURITY_POLICY="default-src 'self'; script-src 'self' 'unsafe-inline'",
)
def test_check_deploy_flags_a_weakened_policy():
    ids = _deploy_ids()
    assert "balai.W002" in ids
    assert "balai.W003" not in ids
