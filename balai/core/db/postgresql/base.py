"""PostgreSQL with parameters bound on the server.

Django's default for psycopg 3 merges parameters into the SQL text in Python (client-side
binding): every statement is new text to PostgreSQL, parsed and planned again, and the quoting
costs the client too. Bound on the server (`server_side_binding`, on by default in settings),
psycopg prepares the statements a connection repeats. Issuing letters with two processes on
the same two cores went from ~40 to ~48 a second, the client's CPU from ~35 to ~29 ms a letter.

One limit comes with it: a statement takes at most 65,535 bound parameters, which Django 5.2
does not know for PostgreSQL, so large `bulk_update`s (and `bulk_create`s that cannot use
UNNEST) are cut into batches under it here, and `in_bulk` asks in batches, as Django does for
SQLite.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base, features, operations

MAX_PARAMS = 65535


def _binds_on_server(connection: Any) -> bool:
    return connection.settings_dict["OPTIONS"].get("server_side_binding") is True


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields: Any, objs: Any) -> int:
        if not _binds_on_server(self.connection):
            return super().bulk_batch_size(fields, objs)
        # bulk_update binds ~2 values a field and row (CASE WHEN pk = … THEN …) where Django
        # counts one, so the batch leaves room for twice the fields.
        return max(1, min(len(objs), MAX_PARAMS // (2 * max(1, len(fields)))))


class DatabaseFeatures(features.DatabaseFeatures):
    @property
    def max_query_params(self) -> int | None:  # type: ignore[override]
        return MAX_PARAMS if _binds_on_server(self.connection) else None


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    features_class = DatabaseFeatures
