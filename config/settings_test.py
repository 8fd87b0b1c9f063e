"""Test settings: the real settings plus fast hashing and throwaway media."""

import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="balai-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BALAI_TASKS_INLINE = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# Threads in tests (live server, concurrency tests) must not keep connections open,
# or PostgreSQL refuses to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0
