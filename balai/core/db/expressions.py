"""Query expressions that steer SQLite's planner."""

from __future__ import annotations

from typing import Any

from django.db.models import Func


class Unindexed(Func):
    """A column as a filter term that no index may answer: `+col` on SQLite, the plain column
    elsewhere (PostgreSQL's cost model already weighs a LIMIT against a sort).

    SQLite picks an index on a filtered column (a birth-date range, say) and sorts the matches
    even when the query wants the first 50 rows in the order of another index that covers the
    filter too; a keyset page then costs milliseconds instead of a fraction of one.
    """

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
