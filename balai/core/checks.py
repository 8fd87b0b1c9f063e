"""System checks that refuse a production start on development secrets (ids `balai.E0xx`).

With DEBUG off this is production: every management command (`balai migrate`, `runserver`)
stops on these errors, and `config/wsgi.py` runs them before gunicorn serves a request. With
DEBUG on (development) they are silent and the settings fall back to development values.
`balai check --deploy` adds the warnings tagged for deployment (`balai.W0xx`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# The tag under which config/wsgi.py runs the checks before serving.
TAG = "balai_production"

# Values that ship in the repository or its docs: never a production secret.
DEV_SECRET_KEY = "balai-dev-only-insecure-key-change-me-in-production"
KNOWN_DEFAULTS = frozenset({"", DEV_SECRET_KEY, "...", "changeme", "change-me", "secret"})
DEFAULT_PUBLIC_URL = "http://localhost:8000"


def _is_default(value: Any) -> bool:
    return not isinstance(value, str) or value.strip() in KNOWN_DEFAULTS


@checks.register(TAG)
def production_secrets(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    errors: list[checks.CheckMessage] = []
    secret_key = getattr(settings, "SECRET_KEY", "")
    if _is_default(secret_key):
        errors.append(
            checks.Error(
                "SECRET_KEY is unset or the development key: sessions and CSRF tokens could be forged.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; or DEBUG=1 for development.",
                id="balai.E001",
            )
        )
    signing = getattr(settings, "BALAI_SIGNING_SECRET", "")
    if _is_default(signing) or signing == secret_key:
        errors.append(
            checks.Error(
                "BALAI_SIGNING_SECRET is unset, a default or equal to SECRET_KEY: it encrypts the keys "
                "that sign letters and must be a secret of its own.",
                hint="Set BALAI_SIGNING_SECRET (or BALAI_SIGNING_SECRET_FILE) to its own random value. "
                "An installation that signed with the old fallback keeps its keys readable by moving "
                "the old SECRET_KEY value to BALAI_SIGNING_SECRET and giving SECRET_KEY a new one; "
                "otherwise make a new key with `balai letter-keys --rotate`.",
                id="balai.E002",
            )
        )
    pepper = getattr(settings, "BALAI_KIOSK_PEPPER", "")
    if _is_default(pepper) or pepper == secret_key:
        errors.append(
            checks.Error(
                "BALAI_KIOSK_PEPPER is unset, a default or equal to SECRET_KEY: residents' kiosk PINs "
                "and card hashes need a secret kept outside the database.",
                hint="Set BALAI_KIOSK_PEPPER (or BALAI_KIOSK_PEPPER_FILE) to its own random value; to "
                "replace an existing one, rotate it as docs/kiosk.md describes.",
                id="balai.E003",
            )
        )
    public_url = getattr(settings, "BALAI_PUBLIC_URL", "")
    parts = urlsplit(public_url or "")
    if not public_url or public_url == DEFAULT_PUBLIC_URL or parts.scheme != "https" or not parts.netloc:
        errors.append(
            checks.Error(
                f"BALAI_PUBLIC_URL is {public_url!r}: issued letters print this address in their QR "
                "codes for ever, so it must be the public https address of this deployment.",
                hint="Set BALAI_PUBLIC_URL=https://<the address residents reach>, e.g. "
                "https://balai.batangkab.go.id.",
                id="balai.E004",
            )
        )
    return errors


def _script_src_is_strict(policy: str) -> bool:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    sources = directives.get("script-src", directives.get("default-src"))
    if not sources:
        return False
    return not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(sources)


@checks.register(checks.Tags.security, deploy=True)
def deployment_headers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    warnings: list[checks.CheckMessage] = []
    if "balai.core.middleware.SecurityHeadersMiddleware" not in settings.MIDDLEWARE:
        warnings.append(
            checks.Warning(
                "The Content-Security-Policy and Permissions-Policy headers are not sent.",
                hint="Keep balai.core.middleware.SecurityHeadersMiddleware in MIDDLEWARE.",
                id="balai.W001",
            )
        )
    if not _script_src_is_strict(getattr(settings, "BALAI_CONTENT_SECURITY_POLICY", "")):
        warnings.append(
            checks.Warning(
                "BALAI_CONTENT_SECURITY_POLICY lets inline or eval'd script run (or sets no script-src).",
                hint="Keep scripts in static files and script-src 'self'.",
                id="balai.W002",
            )
        )
    if not getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(
        settings, "SECURE_SSL_REDIRECT", False
    ):
        warnings.append(
            checks.Warning(
                "Django cannot tell that requests came over HTTPS, so HSTS is never sent.",
                hint="Behind a TLS-terminating proxy that sets X-Forwarded-Proto, set BALAI_BEHIND_HTTPS_PROXY=1.",
                id="balai.W003",
            )
        )
    return warnings
