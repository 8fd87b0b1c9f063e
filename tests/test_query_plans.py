"""Query plans: every village-owned table is read through an index that starts with the village.

A regency holds 1,000,000–5,000,000 residents in a few hundred villages, and every page of the
office reads one village. A query on a village-owned table that the planner cannot start at the
village reads every village's rows. Two checks:

1. Every model with a `village` key has, in the database, an index whose first column is the
   village (both databases; a model that turns the foreign key's own index off must declare one).
2. On PostgreSQL, the registry's hot queries as its pages run them (the list, a deep filtered
   list page, name and number search, the family list and a family's page) are EXPLAINed with
   sequential scans off: each scan of a village-owned table that has a condition must use such
   an index (or one whose leading columns are all matched by equality, the village among them),
   or look rows up by a key that is already inside one village (`lookup_indexes`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balai.devtools import demo
from balai.people.models import Family, Resident
from balai.regions.models import Village

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL")


def village_models() -> list[Any]:
    return [
        m
        for m in apps.get_models()
        if not m._meta.proxy
        and m._meta.managed
        and any(f.name == "village" and f.is_relation for f in m._meta.concrete_fields)
    ]


def village_first_indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name
        for name, c in constraints.items()
        if c["index"] or c["unique"]
        if c["columns"] and c["columns"][0] == "village_id"
    }


def lookup_indexes(model: Any) -> set[str]:
    """Indexes that find rows already bounded to one village: the primary key, a unique column
    (one row: a public id, a chain's key), or a key to a village-owned parent (a family's
    members, a dusun's RTs) reached from a row the query already found in the village."""
    owned = set(village_models())
    unique = {f.column for f in model._meta.concrete_fields if f.unique or f.primary_key}
    parent_keys = {
        f.column
        for f in model._meta.concrete_fields
        if f.is_relation and f.name != "village" and f.related_model in owned
    }
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name
        for name, c in constraints.items()
        if (c["index"] or c["unique"] or c["primary_key"])
        and c["columns"]
        and (c["columns"][0] in unique or c["columns"][0] in parent_keys)
    }


@pytest.mark.django_db
def test_every_village_owned_table_has_an_index_starting_with_the_village():
    missing = [m._meta.db_table for m in village_models() if not village_first_indexes(m._meta.db_table)]
    assert village_models()
    assert missing == []


def _scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan] if "Relation Name" in plan else []
    for child in plan.get("Plans", []):
        found += _scans(child)
    return found


def _bitmap_indexes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The index scans under a Bitmap Heap Scan (its Bitmap Index Scans, through BitmapAnd/Or)."""
    found = [plan] if plan.get("Node Type") == "Bitmap Index Scan" else []
    for child in plan.get("Plans", []):
        found += _bitmap_indexes(child)
    return found


def _bounded_to_village(scan: dict[str, Any]) -> bool:
    # An index whose leading columns are all matched by equality, the village among them
    # (resident_stats_idx: status, village, ...), reads one village's rows just the same.
    return "(village_id = " in (scan.get("Index Cond") or "")


def _plan(sql: str, params: Any = None) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def _bad_scans(sql: str, params: Any, tables: dict[str, tuple[set[str], set[str]]]) -> list[str]:
    plan = _plan(sql, params)
    bad = []
    for scan in _scans(plan):
        table = scan["Relation Name"]
        if table not in tables:
            continue
        village_first, pkey = tables[table]
        if scan["Node Type"] == "Bitmap Heap Scan":
            used = _bitmap_indexes(scan)
            if used and all(
                u["Index Name"] in village_first or u["Index Name"] in pkey or _bounded_to_village(u)
                for u in used
            ):
                continue
            names = ", ".join(u["Index Name"] for u in used)
            bad.append(f"{table}: Bitmap Heap Scan on {names} {scan.get('Recheck Cond') or ''}")
            continue
        index = scan.get("Index Name")
        if index in village_first or index in pkey or _bounded_to_village(scan):
            continue
        if scan["Node Type"] == "Seq Scan" and not scan.get("Filter"):
            continue  # a whole small table joined in, with nothing to look up (never on sizeable data)
        bad.append(
            f"{table}: {scan['Node Type']} {index or ''} {scan.get('Index Cond') or scan.get('Filter') or ''}"
        )
    return bad


@pytest.fixture
def small_regency(db):
    demo.generate(villages=2, residents_per_village=300, seed=5)
    demo.ensure_accounts()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _tables() -> dict[str, tuple[set[str], set[str]]]:
    return {
        m._meta.db_table: (village_first_indexes(m._meta.db_table), lookup_indexes(m))
        for m in village_models()
    }


def _explain_all(queries: list[dict[str, Any]], tables: dict[str, tuple[set[str], set[str]]]) -> list[str]:
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for q in queries:
                sql = q["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                # The captured text has the parameters in it; EXPLAIN it as run.
                problems += [f"{p}\n    in {sql[:300]}" for p in _bad_scans(sql, None, tables)]
        finally:
            cursor.execute("SET enable_seqscan = on")
    return problems


@postgres_only
def test_registry_pages_read_through_village_indexes(small_regency, client):
    from balai.accounts.models import User

    village = Village.objects.order_by("pk").first()
    operator = User.objects.filter(village=village, role="operator").order_by("pk").first()
    client.force_login(operator)
    resident = Resident.objects.filter(village=village, status=1).order_by("name_key", "id")[100]
    family = Family.objects.filter(village=village).order_by("pk")[10]
    base = reverse("people:resident_list")
    pages = [
        base,
        f"{base}?age_min=20&age_max=45&sex={resident.sex}&dusun={resident.rt.dusun_id if resident.rt else ''}&after={resident.public_id}",
        f"{base}?q={resident.name.split()[0][:4]}",
        f"{base}?q={resident.nik}",
        f"{base}?q={resident.nik[:8]}",
        reverse("people:family_list"),
        reverse("people:family_detail", args=[family.public_id]),
    ]
    tables = _tables()
    problems = []
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        problems += [f"{url}: {p}" for p in _explain_all(captured.captured_queries, tables)]
    assert problems == [], "\n".join(problems)


# Pages whose queries read many villages by design (the regency's and the district's views) or
# no village data at all; every other listing page of the office is a village's hot path.
NOT_ONE_VILLAGE = ("regency:", "regency_public:", "dashboard:", "portal:", "accounts:", "admin:")


@postgres_only
def test_every_office_listing_page_reads_through_village_indexes(small_regency, client):
    """Issue 22 item 4: beyond the registry, every module's listing page (each URL without an
    object in its path that tests/test_isolation.py checks as a `Listing`) as the village's
    operator sees it on the demo: each village-owned table it reads is entered at the village."""
    from django.urls import NoReverseMatch

    from balai.accounts.models import User
    from tests.isolation_checks import Listing
    from tests.test_isolation import UI_CHECKS

    village = Village.objects.order_by("pk").first()
    operator = User.objects.filter(village=village, role="operator").order_by("pk").first()
    client.force_login(operator)
    tables = _tables()
    problems, seen = [], []
    for name, check in sorted(UI_CHECKS.items()):
        if not isinstance(check, Listing) or name.startswith(NOT_ONE_VILLAGE):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            continue  # another role's page (kades, ketua RT) or a form answering with a redirect
        seen.append(name)
        problems += [f"{name}: {p}" for p in _explain_all(captured.captured_queries, tables)]
    assert len(seen) > 30, seen  # the modules' pages were really read
    assert problems == [], "\n".join(problems)


@postgres_only
def test_next_temporary_number_reads_a_range_of_the_nik_index(small_regency):
    """The village's highest temporary NIK is looked up as a range of the NIK index. As
    `startswith` (LIKE 'prefix%', no index range outside the C collation) PostgreSQL answered
    MAX by walking the whole NIK index backwards: 0.8 s at 1,000,000 residents, for every
    resident registered without a NIK and at the start of every import."""
    from balai.people.services import next_temporary_number

    village = Village.objects.order_by("pk").first()
    with CaptureQueriesContext(connection) as captured:
        number = next_temporary_number(village=village, model=Resident)
    assert number.startswith("0" + village.code_digits)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    plan = _plan(sql)
    conditions = [s.get("Index Cond") or "" for s in _scans(plan) if s["Relation Name"] == "people_resident"]
    prefix = "0" + village.code_digits
    assert any(f"(nik)::text >= '{prefix}00000'" in c for c in conditions), conditions
