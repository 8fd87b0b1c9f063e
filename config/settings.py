"""Balai settings: one file, driven by the environment (see .env.example).

SQLite in ./var/ unless DATABASE_URL points elsewhere (PostgreSQL in production).
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (container/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


def env_bool(name: str, default: str = "False") -> bool:
    """NAME as a boolean; a value that is no known word is an error, not a quiet False
    (`DEBUG=ture` or `SECURE_COOKIES=y` must not pass unnoticed)."""
    value = os.environ.get(name, default).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ.get(name)!r} is not a boolean: use one of {', '.join(TRUE_WORDS)} "
        f"or {', '.join(w for w in FALSE_WORDS if w)}."
    )


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# DEBUG off is production: balai/core/checks.py then refuses to start on a development secret,
# an unset one or a non-https BALAI_PUBLIC_URL (ids balai.E001-E004).
DEBUG = env_bool("DEBUG", "False")
DEV_SECRET_KEY = "balai-dev-only-insecure-key-change-me-in-production"
SECRET_KEY = envsecret("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The regency this deployment serves (Kemendagri code) — Kabupaten Batang by default.
BALAI_REGENCY_CODE = os.environ.get("BALAI_REGENCY_CODE", "33.25")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "balai.core",
    "balai.audit",
    "balai.regions",
    "balai.accounts",
    "balai.staff",
    "balai.people",
    "balai.health",
    "balai.letters",
    "balai.aid",
    "balai.education",
    "balai.devices",
    "balai.kiosk",
    "balai.desk",
    "balai.finance",
    "balai.economy",
    "balai.dashboard",
    "balai.regency",
    "balai.portal",
    "balai.api",
    "ninja",  # serves the API docs page's Swagger UI from our static files, not a CDN
    "balai.devtools",  # `balai demo` and `balai bench`: above every app, so last
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the signed-in user read with one compiled query (same session, same checks).
    "balai.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "balai.audit.middleware.AuditSourceMiddleware",
    "balai.core.middleware.NoStoreMiddleware",
    "balai.core.middleware.SecurityHeadersMiddleware",
    "balai.accounts.middleware.ScopeMiddleware",
    # Last: it runs the view itself when the view's reads may go to the replica.
    "balai.core.db.replica.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "balai.accounts.context_processors.scope",
            ],
        },
    },
]
if not DEBUG:
    # Cached template loader: parsing templates on every request costs more than the query.
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [  # type: ignore[index]
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]

VAR_DIR = Path(os.environ.get("BALAI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def sqlite_database(name: str) -> dict[str, object]:
    """The project's SQLite engine (balai.core.db.sqlite3) as production runs it."""
    return {
        "ENGINE": "balai.core.db.sqlite3",
        "NAME": name,
        # Kept open between requests, as PostgreSQL's are: opening one runs the PRAGMAs below
        # and maps the file, ~10 ms a request under load, more than a cached public page takes.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE: writers take the lock at BEGIN, so concurrent writers wait
            # instead of failing with "database is locked" mid-transaction; they wait in
            # turn through balai.core.db.sqlite3's queue rather than SQLite's busy sleeps.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA cache_size=-65536;"
                "PRAGMA mmap_size=268435456;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
    }


def database_from_url(url: str) -> dict[str, Any]:
    """DATABASE_URL as Django settings. `sqlite:///path` gets the project's SQLite engine
    (writer queue, WAL, IMMEDIATE transactions), not Django's plain one, which gave
    "database is locked" errors under concurrent writes."""
    if url.split(":", 1)[0].lower() in ("sqlite", "sqlite3"):
        name = str(dj_database_url.parse(url)["NAME"])
        return sqlite_database(name or ":memory:")
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)))
    options: dict[str, Any] = dict(config.get("OPTIONS") or {})
    config["OPTIONS"] = options
    if "postgresql" in str(config.get("ENGINE", "")) and "options" not in options:
        # PostgreSQL's JIT compiles a query's expressions once its estimated cost passes a
        # threshold; Balai's queries are index reads and counts that gain nothing from it, and
        # the compiling cost the regency overview ~100 ms of its ~900 at 5 million residents.
        # `?options=...` in DATABASE_URL replaces this.
        options["options"] = "-c jit=off"
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {"default": sqlite_database(os.environ.get("SQLITE_PATH", str(VAR_DIR / "balai.sqlite3")))}

# Regency dashboards, reports, exports and open data read from a replica when one is set
# (balai/core/db/replica.py); writes and reads inside a transaction stay on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["balai.core.db.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Staff web sign-in throttle (balai/accounts/throttle.py): growing delays per account, per
# client address, and at most this many distinct accounts failing from one address an hour.
BALAI_SIGNIN_ACCOUNTS_PER_ADDRESS = env_int("BALAI_SIGNIN_ACCOUNTS_PER_ADDRESS", 10)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Database sessions as Django keeps them, read with one compiled query (balai/accounts/sessions.py).
SESSION_ENGINE = "balai.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Production (DEBUG off) is served over HTTPS: cookies only travel encrypted, and browsers
# are told to use nothing else for a year (HSTS is sent only on requests Django sees as
# HTTPS: behind a TLS proxy set BALAI_BEHIND_HTTPS_PROXY=1 so X-Forwarded-Proto is believed).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", "False" if DEBUG else "True")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = False
if env_bool("BALAI_BEHIND_HTTPS_PROXY", "False"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent on every response by balai.core.middleware.SecurityHeadersMiddleware. Script only
# from our static files (no inline <script>, no on...= handlers: a test checks the
# templates); inline style attributes remain allowed (charts, swatches). Images also from
# data:/blob: (QR previews, the signature canvas, photo previews).
BALAI_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
BALAI_PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest spreadsheet an operator may upload for import.
BALAI_IMPORT_MAX_BYTES = env_int("BALAI_IMPORT_MAX_BYTES", 64 * 1024 * 1024)
# What an uploaded spreadsheet may hold before it is read, and what the child process that
# parses it may use (balai/core/spreadsheets.py, `Limits`, lists every key).
BALAI_SPREADSHEET_LIMITS = {
    "rows": env_int("BALAI_SPREADSHEET_MAX_ROWS", 200_000),
    "columns": env_int("BALAI_SPREADSHEET_MAX_COLUMNS", 100),
    "cells": env_int("BALAI_SPREADSHEET_MAX_CELLS", 10_000_000),
    "memory_bytes": env_int("BALAI_SPREADSHEET_MEMORY_BYTES", 2 * 1024**3),
    "seconds": env_int("BALAI_SPREADSHEET_SECONDS", 300),
}
# Background jobs (spreadsheet imports) run in a process of their own; tests run them inline.
BALAI_TASKS_INLINE = env_bool("BALAI_TASKS_INLINE", "False")
# An import whose process cannot be inspected (it runs on another app server) and has not
# finished after this long is reported as failed.
BALAI_IMPORT_STALE_SECONDS = env_int("BALAI_IMPORT_STALE_SECONDS", 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Letters: the public address printed in QR codes, and the secret that encrypts the signing key.
# In development (DEBUG on) the signing secret and the kiosk pepper default to values derived
# from SECRET_KEY; in production they must be set, each its own secret (balai.E002/E003).
BALAI_PUBLIC_URL = os.environ.get("BALAI_PUBLIC_URL", "http://localhost:8000" if DEBUG else "").rstrip("/")
BALAI_SIGNING_SECRET = envsecret("BALAI_SIGNING_SECRET", SECRET_KEY if DEBUG else "")
# Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed, so the public
# pages' per-address limits see the visitor, not the proxy. Empty: the header is ignored.
BALAI_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("BALAI_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# Kiosk: secret pepper for residents' PINs and card UIDs, kept outside the database.
BALAI_KIOSK_PEPPER = envsecret("BALAI_KIOSK_PEPPER", "")  # unset with DEBUG on: derived from SECRET_KEY
# Older peppers (comma-separated, newest first) still accepted for PINs and cards hashed before a
# rotation; each is re-hashed under the current pepper at its next sign-in (docs/kiosk.md).
BALAI_KIOSK_PEPPER_PREVIOUS = [
    p.strip() for p in envsecret("BALAI_KIOSK_PEPPER_PREVIOUS", "").replace("\n", ",").split(",") if p.strip()
]

# Audit anchors (balai/audit/anchors.py): the Ed25519 key that signs the chain heads and the file
# the signed heads are appended to, both outside the database; unset: var/keys/ and var/.
BALAI_AUDIT_KEY_FILE = os.environ.get("BALAI_AUDIT_KEY_FILE", "")
BALAI_AUDIT_ANCHOR_FILE = os.environ.get("BALAI_AUDIT_ANCHOR_FILE", "")
BALAI_AUDIT_PUBLIC_KEY_FILE = os.environ.get("BALAI_AUDIT_PUBLIC_KEY_FILE", "")
# `balai backup` writes its encrypted archives here (unset: var/backups/); the passphrase comes
# from BALAI_BACKUP_PASSPHRASE or BALAI_BACKUP_PASSPHRASE_FILE, never from the command line.
BALAI_BACKUP_DIR = os.environ.get("BALAI_BACKUP_DIR", "")
# Where `balai audit-anchor` also sends each signed head, comma-separated: directories or files
# (another disk, the regency's share) or syslog+udp://host:514 / syslog+tcp://host:514.
BALAI_AUDIT_ANCHOR_COPY_TO = os.environ.get("BALAI_AUDIT_ANCHOR_COPY_TO", "")
