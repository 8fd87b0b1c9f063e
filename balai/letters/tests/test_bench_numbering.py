"""The letters bench's "200 concurrent issues" on PostgreSQL: threads start together but hold no
more connections than the server has free (it ran 200 at once into max_connections = 100)."""

import pytest
from django.db import connection

from balai.letters import bench


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads on the test database: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_on_postgresql_stays_within_free_connections(
    operator_a, kades_a, kades_official_a, resident_a, monkeypatch
):
    monkeypatch.setattr(bench, "_actors", lambda _code: (operator_a, kades_a, [resident_a]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        free = cursor.fetchone()[0]

    result = bench.measure_concurrent_numbering(resident_a.village.code, n=12)

    assert result["errors"] == []
    assert result["issued"] == result["distinct_numbers"] == 12
    assert result["consecutive"]
    assert 2 <= result["connections"] <= max(2, free - 10)
