"""Regency reads on a read replica, everything else on the primary.

Dashboards, reports, exports and open data read a whole regency at once and can wait a moment
for the newest row; the office's daily work cannot wait behind them. When
`DATABASE_REPLICA_URL` is set, `ReplicaReadsMiddleware` marks GET requests to those pages and
`ReplicaRouter` sends their reads to the `replica` alias. Writes always go to the primary, and
so does every read inside a transaction (a service that reads what it is about to change must
see the primary's rows, and a replica refuses writes anyway).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA_ALIAS = "replica"

_replica_reads: ContextVar[bool] = ContextVar("balai_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may come from the replica (when one is configured)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if not _replica_reads.get() or not replica_configured():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both aliases hold the same rows: an object read from the replica may point to one
        # saved on the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


# Namespaces whose pages only read the regency's aggregates, and URL names of downloads.
DEFAULT_NAMESPACES = ("dashboard", "regency", "portal")
DOWNLOAD_NAME = re.compile(r"(_xlsx|_csv|_pdf|export|exports|_export_.*)$")


def replica_eligible(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    match = request.resolver_match
    if match is None:
        return False
    namespaces = getattr(settings, "BALAI_REPLICA_NAMESPACES", DEFAULT_NAMESPACES)
    if any(ns in namespaces for ns in match.namespaces):
        return True
    return bool(match.url_name and DOWNLOAD_NAME.search(match.url_name))


class ReplicaReadsMiddleware:
    """Last in MIDDLEWARE: runs the view (and renders its template) with replica reads allowed.

    Sessions and the signed-in user are read before this point, from the primary, so a sign-in
    that has not reached the replica yet is never lost."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not replica_configured() or not replica_eligible(request):
            return None
        with replica_reads():
            response = view_func(request, *view_args, **view_kwargs)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                response = render()
        return response
