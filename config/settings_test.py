"""Test settings: the real settings plus fast hashing and throwaway media."""

import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="balai-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BALAI_TASKS_INLINE = True
# DEBUG is off in tests, as in production, so the production checks (balai/core/checks.py)
# apply: tests get their own secrets. Cookies stay non-Secure because the test client and
# the browser tests' live server speak plain http.
SECRET_KEY = "balai-test-secret-key-not-for-production-0123456789abcdef"
BALAI_SIGNING_SECRET = "balai-test-signing-secret"
BALAI_KIOSK_PEPPER = "balai-test-kiosk-pepper"
BALAI_PUBLIC_URL = "https://balai.test"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# Threads in tests (live server, concurrency tests) must not keep connections open,
# or PostgreSQL refuses to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The audit anchors' key and file (balai/audit/anchors.py): never the developer's var/ ones.
BALAI_AUDIT_KEY_FILE = str(Path(tempfile.mkdtemp(prefix="balai-test-keys-")) / "audit-ed25519.pem")
BALAI_AUDIT_ANCHOR_FILE = str(Path(tempfile.mkdtemp(prefix="balai-test-anchors-")) / "audit-anchors.jsonl")
# Backups in tests: scrypt at 2^12 instead of 2^17 (the format and every check are the same).
BALAI_BACKUP_SCRYPT_LOG_N = 12
