"""Django's database sessions, read with one compiled query.

Every signed-in page reads its session first; the ORM's `get()` spent more CPU building and
compiling that one-row query than the database spent answering it. Same table, same rows and
the same checks as `django.contrib.sessions.backends.db` (whose `SessionStore` this is, only
the read replaced), so sessions survive switching to it and back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from balai.core.db.compiled import CompiledQuery

_READ = CompiledQuery(
    Session,
    lambda _shape, key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_key", "session_data", "expire_date"
    )[:2],
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        try:
            key = self.session_key
            rows = _READ.rows(key, timezone.now()) if key is not None else []
        except SuspiciousOperation as e:
            logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
            logger.warning(str(e))
            rows = []
        if len(rows) != 1:
            self._session_key = None
            return None
        session_key, session_data, expire_date = rows[0]
        return Session(session_key=session_key, session_data=session_data, expire_date=expire_date)
