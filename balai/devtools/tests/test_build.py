"""Issue 22 item 4: the bench's build of 5,000,000 residents. A village's rows are made away
from the database (ids given out by the demo), in the bench by a worker process, and stored
while the registry's tables are without their secondary indexes; the data is the same."""

import datetime as dt
import random

import pytest
from django.db import connection, transaction
from psycopg.types.json import Jsonb

from balai.core.db import bulk
from balai.devtools import demo
from balai.people import codes
from balai.people.models import Family, Household, LifeEvent, Resident
from balai.regions.models import Rt, Village
from balai.staff.models import Official


class _Rollback(Exception):
    pass


def _registry() -> tuple:
    """What the demo wrote, without ids, public ids and timestamps (which differ by run)."""
    return (
        list(
            Resident.objects.order_by("id").values_list(
                "village__code",
                "nik",
                "name",
                "name_key",
                "birth_date",
                "family__kk_number",
                "family__head__nik",
                "household__number",
                "household__head__nik",
                "household_relation",
                "rt__dusun__name",
                "rt__rw",
                "rt__rt",
                "status",
                "insurance_type",
                "marriage_date",
                "citizenship",
            )
        ),
        list(Family.objects.order_by("id").values_list("kk_number", "address", "issued_on", "rt__rt")),
        list(Household.objects.order_by("id").values_list("number", "address")),
        list(
            LifeEvent.objects.order_by("id").values_list(
                "resident__nik", "family__kk_number", "kind", "details"
            )
        ),
        list(
            Official.objects.order_by("id").values_list(
                "village__code", "resident__nik", "name", "term_start"
            )
        ),
        list(Village.objects.order_by("code").values_list("code", "address", "postal_code", "head_name")),
        list(Rt.objects.order_by("id").values_list("dusun__name", "rw", "rt", "head_name")),
    )


def _generated(*, parallel: bool) -> tuple:
    try:
        with transaction.atomic():
            demo.generate(villages=2, residents_per_village=80, seed=4, extensions=False, parallel=parallel)
            registry = _registry()
            raise _Rollback
    except _Rollback:
        return registry


@pytest.mark.django_db
def test_a_worker_process_prepares_the_same_villages_as_the_writer_would():
    in_process = _generated(parallel=False)
    assert len(in_process[0]) >= 160
    assert in_process[4]
    assert _generated(parallel=True) == in_process


@pytest.mark.django_db
def test_ids_given_out_by_the_demo_leave_the_sequences_past_them():
    demo.generate(villages=1, residents_per_village=50, seed=2, extensions=False, parallel=True)
    family = Family.objects.order_by("id").first()
    # the heads written in the same COPY as the rows point at the village's own people
    assert family.head.family_id == family.pk
    book = demo.IdBook.from_database()
    top = Resident.objects.order_by("-id").values_list("id", flat=True).first()
    assert book.next["people_resident"] > top
    # the application's next row gets a free id
    created = Resident.objects.create(
        village=family.village,
        family=family,
        nik="3325010101900001",
        name="BARU",
        sex=1,
        status=codes.STATUS_MOVED,
    )
    assert created.pk > top


def test_copy_text_escapes_what_copy_would_misread():
    text = bulk.copy_text(
        [
            ("a\tb", "line\nbreak\\", None, True, 7, dt.date(2024, 2, 29)),
            ("", "\r", False, None, -1, Jsonb({"place": "RUMAH"})),
        ],
        suffix="\tend",
    )
    assert text == (
        'a\\tb\tline\\nbreak\\\\\t\\N\tt\t7\t2024-02-29\tend\n\t\\r\tf\t\\N\t-1\t{"place": "RUMAH"}\tend\n'
    )


def _schema(tables: list[str] | tuple[str, ...]) -> set:
    """The tables' indexes and constraints, by name and definition (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
            " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[])",
            [list(tables), list(tables)],
        )
        return set(cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL only")
def test_deferred_indexes_are_made_again_after_the_load_and_after_an_interrupted_one(tmp_path):
    tables = ["people_resident", "people_family"]

    def schema() -> set:
        return _schema(tables)

    before = schema()
    state = tmp_path / "deferred.json"
    with bulk.deferred_indexes(tables, state=state) as timing:
        during = schema()
        assert {"people_resident_pkey", "people_family_pkey"} <= {name for name, _d in during}
        assert "resident_nik_once_alive" not in {name for name, _d in during}
        assert state.exists()
    assert schema() == before
    assert timing["restore_s"] >= 0
    assert not state.exists()

    # A load killed halfway leaves the list behind: the next build makes them again first.
    def killed() -> None:
        with bulk.deferred_indexes(tables, state=state):
            saved.append(state.read_text())
            raise KeyboardInterrupt

    saved: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        killed()
    state_copy = saved[0]
    assert schema() == before
    for item in reversed(bulk._deferrable(tables)):
        if item["kind"] == "index":
            connection.cursor().execute(f'DROP INDEX "{item["name"]}"')
        else:
            connection.cursor().execute(f'ALTER TABLE "{item["table"]}" DROP CONSTRAINT "{item["name"]}"')
    state.write_text(state_copy)
    assert bulk.restore_deferred(state) > 0
    assert schema() == before
    assert not state.exists()


@pytest.mark.django_db
def test_every_village_gets_the_lambang_the_profile_service_made_of_the_crest(settings, tmp_path):
    from balai.audit.models import AuditEvent

    settings.MEDIA_ROOT = tmp_path
    demo.generate(villages=3, residents_per_village=20, seed=1, extensions=False)
    villages = list(Village.objects.order_by("code"))
    files = {v.code: v.logo.read() for v in villages}
    assert len(set(files.values())) == 1
    assert len({v.logo.name for v in villages}) == 3
    audited = AuditEvent.objects.filter(action="village.profile_updated").values_list("object_id", flat=True)
    assert sorted(audited) == sorted(files)


def _module_demo_rows() -> tuple:
    """What the aid and education demos wrote, without ids, public ids and timestamps."""
    from balai.aid.models import Entitlement, OfficialDecile, Recipient, WelfareSurvey
    from balai.education.models import AbsenceReport, Enrolment, FollowUp, Scholarship

    return (
        list(
            Enrolment.objects.order_by("resident_id", "school_year", "level").values_list(
                "resident_id",
                "school__npsn",
                "level",
                "school_year",
                "grade",
                "status",
                "is_latest",
                "repeated",
            )
        ),
        list(
            AbsenceReport.objects.order_by("resident_id").values_list(
                "resident_id", "reported_on", "reporter"
            )
        ),
        list(Scholarship.objects.order_by("resident_id").values_list("resident_id", "year", "status")),
        list(FollowUp.objects.order_by("resident_id").values_list("resident_id", "noted_on", "outcome")),
        list(OfficialDecile.objects.order_by("family_id").values_list("family_id", "decile", "is_latest")),
        list(WelfareSurvey.objects.order_by("family_id").values_list("family_id", "floor", "monthly_income")),
        list(
            Recipient.objects.order_by("programme__code", "family_id").values_list(
                "programme__code", "family_id"
            )
        ),
        list(
            Entitlement.objects.order_by("recipient__family_id").values_list(
                "recipient__family_id", "cycle__label", "amount", "status"
            )
        ),
    )


# Committed rows: the bench loads outside a transaction (pending foreign-key checks on the
# residents would forbid dropping the constraints that refer to them).
@pytest.mark.django_db(transaction=True)
def test_module_demo_load_writes_the_same_rows_and_leaves_the_schema_as_it_was(
    village_a, village_b, tmp_path
):
    from balai.aid import bench as aid_bench
    from balai.aid import demo as aid_demo
    from balai.devtools.bench import module_demo_load, module_demo_state, module_demo_villages
    from balai.education import bench as education_bench
    from balai.education import demo as education_demo

    villages = [village_a, village_b]
    for n, village in enumerate(villages):
        demo.populate_village(village=village, records=300, seed=5 + n)
    today = dt.date(2026, 11, 20)
    tables = (*aid_bench.DEMO_TABLES, *education_bench.DEMO_TABLES)

    def write(village) -> str:
        with transaction.atomic():
            aid_demo.extend_village(village=village, rnd=random.Random(village.code), today=today)
            education_demo.extend_village(village=village, rnd=random.Random(village.code), today=today)
        return village.code

    def extend(*, together: bool = False) -> tuple:
        if together:  # two connections at once on PostgreSQL
            assert module_demo_villages(villages, write) == [v.code for v in villages]
        else:
            for village in villages:
                write(village)
        return _module_demo_rows()

    def schema() -> set:
        return _schema(tables)

    # given the rows the demos write as `balai demo` does
    try:
        with transaction.atomic():
            plain = extend()
            raise _Rollback
    except _Rollback:
        pass
    assert all(plain[i] for i in (0, 2, 4, 6, 7))  # enrolments, PIP, deciles, recipients, entitlements
    postgres = connection.vendor == "postgresql"
    before = schema() if postgres else set()

    # when the bench writes them with the tables' indexes and constraints deferred
    with module_demo_load(tables, phase_dir=tmp_path, module="demo") as timing:
        if postgres:
            names = {name for name, _d in schema()}
            assert "enrolment_one_latest" not in names
            assert "education_enrolment_pkey" in names
        loaded = extend(together=True)

    # then the rows are the same, and so is the schema afterwards
    assert loaded == plain
    assert not module_demo_state(tmp_path, "demo").exists()
    if postgres:
        assert schema() == before
        assert timing["restore_s"] >= 0
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
