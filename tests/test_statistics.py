import pytest
from django.db import connection

from balai.core.db.statistics import refresh_statistics
from balai.regions.models import Village

pytestmark = pytest.mark.django_db(transaction=True)


def _has_statistics(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0] > 0


def test_refresh_statistics_gives_the_planner_figures_for_the_tables_named():
    # given a table the planner has never measured
    table = Village._meta.db_table
    Village.objects.create(code="33.25.01.2099", name="Uji Statistik")
    assert not _has_statistics(table)

    # when statistics are refreshed for it
    refresh_statistics(tables=[table])

    # then the planner has them
    assert _has_statistics(table)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM of PostgreSQL")
def test_vacuum_after_a_build_marks_the_table_visible_for_index_only_scans():
    # given freshly written rows (their pages not yet all-visible)
    table = Village._meta.db_table
    Village.objects.create(code="33.25.01.2098", name="Uji Vacuum")

    # when the demo's build refreshes statistics with vacuum
    refresh_statistics(tables=[table], vacuum=True)

    # then the table was vacuumed, not only analysed
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vacuum_count, analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table]
        )
        vacuumed, analysed = cursor.fetchone()
    assert vacuumed >= 1
    assert analysed >= 1
