"""The logo on a letter's letterhead: the village's current one for drafts and previews, and
for an issued letter the exact logo it was issued with.

An issued letter's PDF is rendered again from its frozen content whenever it is downloaded,
so the logo must be frozen too: a village that uploads a new logo must not change the letters
it already issued. At issue the logo's SHA-256 goes into the content (and so under the
content hash and the signature), and the bytes are kept in storage under that hash for good.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from balai.regions.models import Village

KEPT_DIR = "logos/issued"
CONTENT_KEY = "logo_sha256"
logger = logging.getLogger(__name__)
_kept: set[str] = set()


def current_logo(village: Village) -> bytes | None:
    """The logo the village's profile holds now, or None."""
    if not village.logo:
        return None
    try:
        # A new file object each time: `village.logo.open()` keeps its file on the shared
        # FieldFile, and threads issuing for the same village closed each other's.
        with village.logo.storage.open(village.logo.name, "rb") as f:
            data: bytes = f.read()
            return data
    except OSError:
        return None


def freeze_logo(village: Village) -> str:
    """Keep the village's current logo under its SHA-256 and return that ("" for no logo).
    The name is the content's hash, so keeping it again is a no-op; two processes racing to
    write the first copy write the same bytes."""
    data = current_logo(village)
    if not data:
        return ""
    sha = hashlib.sha256(data).hexdigest()
    if sha not in _kept:
        name = f"{KEPT_DIR}/{sha}"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))
        _kept.add(sha)
    return sha


@functools.lru_cache(maxsize=64)
def _kept_logo(sha: str) -> bytes | None:
    try:
        with default_storage.open(f"{KEPT_DIR}/{sha}", "rb") as f:
            data: bytes = f.read()
    except OSError:
        logger.error("kept letter logo %s is missing from storage", sha)
        return None
    return data


def issued_logo(village: Village, content: dict[str, object]) -> bytes | None:
    """The logo an issued letter was issued with. Letters issued before logos were kept
    print the village's current one."""
    if CONTENT_KEY not in content:
        return current_logo(village)
    sha = content[CONTENT_KEY]
    if not isinstance(sha, str) or len(sha) != 64 or not all(c in "0123456789abcdef" for c in sha):
        return None
    return _kept_logo(sha)
