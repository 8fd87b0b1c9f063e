import csv
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from balai.audit.models import AuditEvent
from balai.core import ids
from balai.people import codes
from balai.people.exports import export_residents
from balai.people.imports.residents import import_residents
from balai.people.models import Family, LifeEvent, Resident
from balai.people.services import RESIDENT_FIELDS
from balai.people.tests.factories import DusunFactory, FamilyFactory, ResidentFactory, RtFactory
from balai.people.tests.xlsx_helpers import kk, nik, person, write_xlsx
from balai.regions.models import Dusun, Rt


def _family_rows():
    b1, b2, b3 = dt.date(1975, 4, 10), dt.date(1978, 9, 2), dt.date(2005, 1, 20)
    return [
        person(1, nama="SLAMET RIYADI", nik=nik(b1, 1, 1), tanggallahir=b1, kk_level=1, alamat="JL. MAWAR 3"),
        person(
            2, nama="SRI LESTARI", sex=2, nik=nik(b2, 2, 2), tanggallahir=b2, kk_level=3, alamat="JL. MAWAR 3"
        ),
        person(
            3,
            nama="EKO PRASETYO",
            nik=nik(b3, 1, 3),
            tanggallahir=b3,
            kk_level=4,
            status_kawin=1,
            dusun="Dusun Krajan",
            rw="1",
            rt="2",
        ),
        person(
            4, nama="BUDI", nik="0", tanggallahir="", no_kk=kk(2), kk_level=1, dusun="SIDOREJO", rw="", rt=""
        ),
        person(
            5,
            nama="WATI",
            nik="0",
            sex=2,
            tanggallahir="",
            no_kk=kk(2),
            kk_level=3,
            dusun="SIDOREJO",
            rw="",
            rt="",
        ),
    ]


def test_import_creates_residents_families_addresses_events_and_one_audit_event(village_a, tmp_path):
    # given
    path = write_xlsx(tmp_path / "a.xlsx", _family_rows())

    # when
    result = import_residents(village=village_a, path=path, actor=None)

    # then
    assert result.applied, result.errors
    assert (result.imported, result.updated, result.rejected) == (5, 0, 0)
    slamet = Resident.objects.get(village=village_a, name="SLAMET RIYADI")
    family = slamet.family
    assert family.kk_number == kk(1)
    assert family.address == "JL. MAWAR 3"
    assert family.head_id == slamet.pk
    assert family.members.count() == 3
    assert (slamet.rt.dusun.name, slamet.rt.rw, slamet.rt.rt) == ("KRAJAN", "001", "002")
    assert slamet.name_key == "SLAMET RIYADI"
    assert Rt.objects.filter(village=village_a).count() == 2
    assert Dusun.objects.filter(village=village_a).count() == 2
    sidorejo = Rt.objects.get(village=village_a, dusun__name="SIDOREJO")
    assert (sidorejo.rw, sidorejo.rt) == ("-", "-")
    temporary = sorted(
        Resident.objects.filter(village=village_a, nik__startswith="0").values_list("nik", flat=True)
    )
    assert temporary == ["0332501200700001", "0332501200700002"]
    assert LifeEvent.objects.filter(village=village_a, kind=LifeEvent.Kind.REGISTERED).count() == 5
    assert [e.details for e in LifeEvent.objects.filter(village=village_a)] == [{}] * 5
    event = AuditEvent.objects.get(action="residents.imported")
    assert event.village_id == village_a.pk
    assert event.changes["imported"] == 5
    assert len(event.changes["file_sha256"]) == 64
    assert sorted(event.changes["created"]) == sorted(Resident.objects.values_list("public_id", flat=True))
    assert AuditEvent.objects.count() == 1
    # Rows written together share the first characters of their public ids (one place in
    # each unique index; see core.ids.clustered_public_ids), and only those: the residents
    # with their own NIK and their events, then those given a temporary one and theirs.
    residents = Resident.objects.filter(village=village_a)
    events = LifeEvent.objects.filter(village=village_a)
    groups = [
        residents.exclude(nik__startswith="0"),
        residents.filter(nik__startswith="0"),
        events.exclude(resident__nik__startswith="0"),
        events.filter(resident__nik__startswith="0"),
    ]
    for rows in groups:
        public = list(rows.values_list("public_id", flat=True))
        assert len({p[: ids.CLUSTER_PREFIX] for p in public}) == 1, public
        assert len({p[ids.CLUSTER_PREFIX :] for p in public}) == len(public)


def test_existing_nik_of_the_village_is_updated_with_changes_audited(village_a, tmp_path):
    # given
    rt = RtFactory(village=village_a)
    family = FamilyFactory(village=village_a, rt=rt, kk_number=kk(1))
    birth = dt.date(1975, 4, 10)
    resident = ResidentFactory(
        village=village_a,
        family=family,
        rt=rt,
        nik=nik(birth, 1, 1),
        birth_date=birth,
        name="SLAMET",
        occupation=9,
        religion=1,
    )
    rows = [
        person(
            1,
            nama="SLAMET RIYADI",
            nik=resident.nik,
            tanggallahir=birth,
            pekerjaan_id=88,
            kk_level=1,
            dusun=rt.dusun.name,
            rw=rt.rw,
            rt=rt.rt,
            alamat=family.address,
        )
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    result = import_residents(village=village_a, path=path, actor=None)

    # then
    assert result.applied
    assert (result.imported, result.updated) == (0, 1)
    resident.refresh_from_db()
    assert (resident.name, resident.occupation, resident.name_key) == ("SLAMET RIYADI", 88, "SLAMET RIYADI")
    assert Resident.objects.count() == 1
    changes = AuditEvent.objects.get(action="residents.imported").changes["updated_residents"][
        resident.public_id
    ]
    assert changes["name"] == ["SLAMET", "SLAMET RIYADI"]
    assert changes["occupation"] == [9, 88]
    assert "religion" not in changes

    # when the same file comes again
    again = import_residents(village=village_a, path=path, actor=None)

    # then nothing changes
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1)


def test_nik_living_in_another_village_is_an_error_and_nothing_is_written(village_a, resident_b, tmp_path):
    # given
    rows = [person(1), person(2, nik=resident_b.nik, tanggallahir=resident_b.birth_date)]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    result = import_residents(village=village_a, path=path, actor=None)

    # then
    assert not result.applied
    assert result.rejected == 1
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "nik")]
    assert "desa lain" in result.errors[0]["message"]
    assert resident_b.nik not in result.errors[0]["message"]
    assert not Resident.objects.filter(village=village_a).exists()
    assert not Family.objects.filter(village=village_a).exists()
    assert not AuditEvent.objects.filter(action="residents.imported").exists()


def test_all_or_nothing_by_default_and_valid_rows_with_apply_valid(village_a, tmp_path):
    # given
    rows = [person(1), person(2, sex=7), person(3), person(4, nik=person(1)["nik"])]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    strict = import_residents(village=village_a, path=path, actor=None)

    # then
    assert not strict.applied
    assert (strict.imported, strict.rejected) == (0, 2)
    assert [(e["row"], e["column"]) for e in strict.errors] == [(3, "sex"), (5, "nik")]
    assert Resident.objects.count() == 0

    # when
    lenient = import_residents(village=village_a, path=path, actor=None, apply_valid=True)

    # then
    assert lenient.applied
    assert (lenient.imported, lenient.rejected) == (2, 2)
    assert len(lenient.errors) == 2
    assert Resident.objects.filter(village=village_a).count() == 2


def test_a_bad_file_writes_nothing(village_a, tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 5000)

    result = import_residents(village=village_a, path=path, actor=None)

    assert not result.applied
    assert result.errors[0]["row"] is None
    assert Resident.objects.count() == 0


def test_nik_mismatch_is_a_warning_and_marks_the_resident(village_a, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [person(1, tanggallahir="02-02-1950")])

    result = import_residents(village=village_a, path=path, actor=None)

    assert result.applied
    assert [(w["row"], w["column"]) for w in result.warnings] == [(2, "nik")]
    assert Resident.objects.get().nik_mismatch_accepted


def test_progress_is_reported(village_a, tmp_path):
    calls = []
    path = write_xlsx(tmp_path / "a.xlsx", [person(i) for i in range(1, 4)])

    import_residents(village=village_a, path=path, actor=None, progress=lambda d, t: calls.append((d, t)))

    assert calls[-1] == (3, 3)


def _full_resident(village, family, rt, serial, **kw):
    birth = dt.date(1970 + serial, 1 + serial, 1 + serial)
    sex = kw.pop("sex", 1 + serial % 2)
    data = {
        "nik": nik(birth, sex, serial + 1),
        "name": f"WARGA {'ABCDEFGH'[serial]}",
        "sex": sex,
        "birth_place": "BATANG",
        "birth_date": birth,
        "religion": 1 + serial % 7,
        "education_kk": 1 + serial,
        "education_current": 18 - serial,
        "occupation": 80 + serial,
        "marital_status": 1 + serial % 4,
        "family_relation": 1 + serial,
        "citizenship": 1 + serial % 3,
        "residence_status": 1,
        "father_nik": nik(dt.date(1940, 1, 1), 1, 90 + serial),
        "father_name": "AYAH",
        "mother_nik": "",
        "mother_name": "IBU O'HARA",
        "blood_type": 1 + serial,
        "disability": 7,
        "kb_method": 99,
        "pregnant": 2,
        "ktp_el": 1 + serial % 3,
        "ktp_record_status": 1 + serial,
        "birth_certificate_no": f"AKTA/{serial}",
        "passport_no": "X123",
        "passport_expiry": dt.date(2030, 5, 6),
        "kitas_no": "K-1",
        "marriage_certificate_no": "NIKAH 1",
        "marriage_date": dt.date(1999, 9, 9),
        "divorce_certificate_no": "",
        "divorce_date": None,
        "current_address": "RUMAH BARU",
        "ethnicity": "JAWA",
        "card_uid": f"CARD{serial:08d}",
        "insurance_type": 99,
        "insurance_no": "BPJS-1",
        "lat": "-6.91",
        "lng": "109.7",
        "status": codes.STATUS_ALIVE,
    }
    data.update(kw)
    return ResidentFactory(village=village, family=family, rt=rt, **data)


def _snapshot(village):
    rows = {}
    for r in Resident.objects.filter(village=village).select_related("family", "rt__dusun", "family__head"):
        rows[r.nik] = {
            **{f: getattr(r, f) for f in RESIDENT_FIELDS},
            "status": r.status,
            "nik_mismatch_accepted": r.nik_mismatch_accepted,
            "kk": r.family.kk_number,
            "family_address": r.family.address,
            "head": r.family.head.nik if r.family.head else None,
            "family_rt": (r.family.rt.dusun.name, r.family.rt.rw, r.family.rt.rt) if r.family.rt else None,
            "rt": (r.rt.dusun.name, r.rt.rw, r.rt.rt) if r.rt else None,
        }
    return rows


def test_export_then_import_into_an_empty_village_reproduces_every_field(village_a, village_b, tmp_path):
    # given: a village with two families, every field filled, a dead resident and a temporary NIK
    rt1 = RtFactory(
        village=village_a, dusun=Dusun.objects.create(village=village_a, name="KRAJAN"), rw="001", rt="003"
    )
    rt2 = RtFactory(
        village=village_a, dusun=Dusun.objects.create(village=village_a, name="SIDO MULYO"), rw="-", rt="-"
    )
    f1 = FamilyFactory(village=village_a, rt=rt1, kk_number=kk(1), address="JL. MAWAR 3")
    f2 = FamilyFactory(village=village_a, rt=rt2, kk_number=kk(2), address="")
    head = _full_resident(village_a, f1, rt1, 0, family_relation=1)
    _full_resident(village_a, f1, rt1, 1)
    _full_resident(village_a, f1, rt2, 2, status=codes.STATUS_DEAD, lat="", lng="", card_uid="")
    temp = _full_resident(village_a, f2, rt2, 3, nik="0332501200700001", family_relation=1)
    _full_resident(village_a, f2, None, 4, sex=2, pregnant=1, education_current=None, occupation=None)
    Resident.objects.filter(pk=head.pk).update(nik_mismatch_accepted=False)
    f1.head, f2.head = head, temp
    f1.save()
    f2.save()
    before = _snapshot(village_a)
    path = tmp_path / "export.xlsx"

    # when: export A, move A's people out of the way (their NIKs live in A), import into B
    assert export_residents(village=village_a, path=path) == 5
    Resident.objects.filter(village=village_a).update(status=codes.STATUS_MOVED)
    result = import_residents(village=village_b, path=path, actor=None)

    # then
    assert result.applied, result.errors
    assert result.imported == 5
    after = _snapshot(village_b)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    assert Resident.objects.get(village=village_b, name=temp.name).nik == "0332501200700001"


def test_reimporting_an_export_into_the_same_village_changes_nothing(village_a, tmp_path):
    # given
    path = write_xlsx(tmp_path / "a.xlsx", _family_rows())
    import_residents(village=village_a, path=path, actor=None)
    exported = tmp_path / "export.xlsx"
    export_residents(village=village_a, path=exported)

    # when
    result = import_residents(village=village_a, path=exported, actor=None)

    # then
    assert result.applied
    assert (result.imported, result.updated, result.unchanged) == (0, 0, 5)
    assert Resident.objects.filter(village=village_a).count() == 5


def test_export_writes_codes_as_ids_dates_as_text_and_no_formulas(village_a, tmp_path):
    # given
    import python_calamine

    ResidentFactory(village=village_a, name="=CMD()", birth_date=dt.date(1985, 3, 14), religion=3)
    path = tmp_path / "e.xlsx"

    # when
    export_residents(village=village_a, path=path)

    # then
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Data Penduduk", "Keterangan"]  # the notes come after the data
    header, row = book.get_sheet_by_name("Data Penduduk").to_python()
    values = dict(zip(header, row, strict=True))
    assert values["tanggallahir"] == "14-03-1985"
    assert values["agama_id"] == 3
    assert values["nama"] == "=CMD()"
    assert AuditEvent.objects.filter(action="residents.exported", village=village_a).exists()


# --- The command ------------------------------------------------------------------------------


def test_command_json_summary_and_exit_code_zero(village_a, tmp_path, capsys):
    path = write_xlsx(tmp_path / "a.xlsx", _family_rows())

    call_command("import_residents", str(path), "--village", village_a.code, "--json")

    summary = json.loads(capsys.readouterr().out)
    assert summary["applied"] is True
    assert (summary["imported"], summary["updated"], summary["rejected"], summary["errors"]) == (5, 0, 0, [])
    assert AuditEvent.objects.get(action="residents.imported").source == "cli"


def test_command_rejects_with_exit_one_json_and_error_csv(village_a, tmp_path, capsys):
    # given
    path = write_xlsx(tmp_path / "a.xlsx", [person(1), person(2, agama_id=99)])
    report = tmp_path / "galat.csv"

    # when
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_residents",
            str(path),
            "--village",
            village_a.code_digits,
            "--json",
            "--errors",
            str(report),
        )

    # then
    assert exit_info.value.code == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["applied"] is False
    assert summary["imported"] == 0
    assert summary["errors"] == [{"row": 3, "column": "agama_id", "message": summary["errors"][0]["message"]}]
    with report.open(newline="", encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["row", "column", "message"]
    assert lines[1][:2] == ["3", "agama_id"]
    assert Resident.objects.count() == 0


def test_command_apply_valid_prints_a_summary(village_a, tmp_path, capsys):
    path = write_xlsx(tmp_path / "a.xlsx", [person(1), person(2, agama_id=99)])

    call_command("import_residents", str(path), "--village", village_a.code, "--apply-valid")

    out = capsys.readouterr().out
    assert "Baris 3, kolom agama_id" in out
    assert "1 penduduk baru" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xlsx", "--village", "33.25.01.2007"], "tidak ditemukan"),
        (["FILE", "--village", "99.99"], "tidak ada"),
    ],
)
def test_command_usage_errors_exit_two(village_a, tmp_path, args, message):
    path = write_xlsx(tmp_path / "a.xlsx", [person(1)])
    args = [str(path) if a == "FILE" else str(tmp_path / a) if a.endswith(".xlsx") else a for a in args]

    with pytest.raises(CommandError, match=message) as exc_info:
        call_command("import_residents", *args)

    assert exc_info.value.returncode == 2


def test_export_command_writes_the_file(village_a, resident_a, tmp_path, capsys):
    path = tmp_path / "out.xlsx"

    call_command("export_residents", "--village", village_a.code, "-o", str(path))

    assert path.stat().st_size > 0
    assert "1 penduduk" in capsys.readouterr().out
    assert AuditEvent.objects.get(action="residents.exported").source == "cli"


def test_many_changed_rows_are_all_updated(village_a, tmp_path):
    # given: more rows than the small-update path handles (PostgreSQL switches to COPY)
    rows = [person(i, no_kk=kk(i), kk_level=1) for i in range(1, 151)]
    import_residents(village=village_a, path=write_xlsx(tmp_path / "a.xlsx", rows), actor=None)
    changed = [{**row, "pekerjaan_id": 88, "tempatlahir": "PEKALONGAN"} for row in rows]

    # when
    result = import_residents(village=village_a, path=write_xlsx(tmp_path / "b.xlsx", changed), actor=None)

    # then
    assert (result.imported, result.updated, result.unchanged) == (0, 150, 0)
    assert set(Resident.objects.values_list("occupation", "birth_place")) == {(88, "PEKALONGAN")}
    audit = AuditEvent.objects.filter(action="residents.imported").latest("seq").changes
    assert all(c["occupation"] == [9, 88] for c in audit["updated_residents"].values())


def test_address_units_typed_differently_in_the_ui_are_matched(village_a, tmp_path):
    # given an RT created by hand as "Krajan", RW "1", RT "2"
    existing = RtFactory(
        village=village_a, dusun=Dusun.objects.create(village=village_a, name="Krajan"), rw="1", rt="2"
    )
    path = write_xlsx(tmp_path / "a.xlsx", [person(1, dusun="DUSUN KRAJAN", rw="001", rt=2)])

    # when
    import_residents(village=village_a, path=path, actor=None)

    # then
    assert Resident.objects.get().rt == existing
    assert Rt.objects.count() == 1
    assert Dusun.objects.count() == 1


def _foreign_keys_seen_while_writing(monkeypatch) -> list[int]:
    from django.db import connection

    from balai.people.imports import batch

    seen: list[int] = []
    write = batch.ResidentStream.write

    def spy(self, rows):
        with connection.cursor() as cursor:
            seen.append(cursor.execute("PRAGMA foreign_keys").fetchone()[0])
        return write(self, rows)

    monkeypatch.setattr(batch.ResidentStream, "write", spy)
    return seen


@pytest.mark.django_db(transaction=True)
def test_sqlite_import_writes_unchecked_foreign_keys_that_all_hold(village_a, tmp_path, monkeypatch):
    # given: a first import, then a file moving a resident to a new family whose head comes last
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's foreign key pragma")
    assert import_residents(
        village=village_a, path=write_xlsx(tmp_path / "a.xlsx", _family_rows()), actor=None
    ).applied
    b = dt.date(1990, 6, 1)
    moved = person(
        3,
        nama="EKO PRASETYO",
        nik=nik(dt.date(2005, 1, 20), 1, 3),
        tanggallahir=dt.date(2005, 1, 20),
        no_kk=kk(7),
        kk_level=4,
        dusun="DUSUN BARU",
        rw="3",
        rt="4",
    )
    head = person(
        9,
        nama="HARTONO",
        nik=nik(b, 1, 9),
        tanggallahir=b,
        no_kk=kk(7),
        kk_level=1,
        dusun="DUSUN BARU",
        rw="3",
        rt="4",
    )
    seen = _foreign_keys_seen_while_writing(monkeypatch)

    # when
    result = import_residents(
        village=village_a, path=write_xlsx(tmp_path / "b.xlsx", [moved, head]), actor=None
    )

    # then: written without SQLite's per-row checks, every key holds, the checks are back on
    assert result.applied, result.errors
    assert (result.imported, result.updated) == (1, 1)
    assert seen
    assert set(seen) == {0}
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA foreign_key_check").fetchall() == []
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    family = Family.objects.get(village=village_a, kk_number=kk(7))
    assert family.head.name == "HARTONO"
    assert sorted(family.members.values_list("name", flat=True)) == ["EKO PRASETYO", "HARTONO"]


def test_inside_a_callers_transaction_foreign_keys_stay_checked(village_a, tmp_path, monkeypatch):
    # given: pytest-django's test transaction around the import
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's foreign key pragma")
    seen = _foreign_keys_seen_while_writing(monkeypatch)

    # when
    result = import_residents(
        village=village_a, path=write_xlsx(tmp_path / "a.xlsx", _family_rows()), actor=None
    )

    # then
    assert result.applied, result.errors
    assert seen
    assert set(seen) == {1}


def _postgres_or_skip():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's foreign key triggers")


def _key_checks(monkeypatch, *, row_triggers: bool = False) -> None:
    """PostgreSQL with its row triggers (forced), or with the set-wise checks (skipped where
    the test database's role may not set session_replication_role)."""
    from balai.people.imports import writer

    _postgres_or_skip()
    if row_triggers:
        monkeypatch.setattr(writer, "_may_skip_row_triggers", lambda: False)
    elif not writer._may_skip_row_triggers():
        pytest.skip("the test database's role may not set session_replication_role")


def test_postgres_import_writes_new_rows_without_row_triggers_and_checks_their_keys_set_wise(
    village_a, tmp_path, monkeypatch
):
    # given: a role that may set session_replication_role (the tests' superuser)
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _key_checks(monkeypatch)

    # when
    with CaptureQueriesContext(connection) as queries:
        result = import_residents(
            village=village_a, path=write_xlsx(tmp_path / "a.xlsx", _family_rows()), actor=None
        )

    # then: the families', residents' and events' COPYs ran without triggers, their keys were
    # checked and their parents locked after (but the rows the import wrote itself: the new
    # families its residents name, the new residents its events name), and the setting is back
    assert result.applied, result.errors
    sql = [q["sql"] for q in queries.captured_queries]
    roles = [
        m.group(1)
        for q in sql
        for m in [re.search(r"set_config\('session_replication_role', '(\w+)'", q)]
        if m
    ]
    assert len(roles) >= 6
    assert roles == ["replica", "origin"] * (len(roles) // 2)
    checks = [q for q in sql if q.startswith("SELECT (SELECT count(*) FROM (SELECT 1 FROM")]
    assert checks
    assert all('FROM "regions_village" AS p' in q for q in checks)
    assert any('FROM "regions_rt" AS p' in q for q in checks)
    assert not any('FROM "people_family" AS p' in q or 'FROM "people_resident" AS p' in q for q in checks)
    assert all("FOR KEY SHARE" in q for q in checks)
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    assert Resident.objects.filter(village=village_a).count() == 5
    assert LifeEvent.objects.filter(village=village_a).count() == 5


@pytest.mark.parametrize("row_triggers", [False, True], ids=["set-wise", "row-triggers"])
@pytest.mark.parametrize(
    ("model_name", "column"),
    [("Resident", "family_id"), ("Family", "rt_id"), ("Family", "head_id")],
    ids=["resident-family", "family-rt", "family-head"],
)
def test_postgres_import_refuses_a_new_row_pointing_at_no_parent(
    village_a, tmp_path, monkeypatch, row_triggers, model_name, column
):
    if (model_name, column) == ("Family", "head_id") and row_triggers:
        pytest.skip("the head's key is deferred to a commit this test's transaction never reaches")
    # given: a writer that gets the first new row's key wrong (a resident's family, a family's RT)
    from balai.people.imports import writer

    _key_checks(monkeypatch, row_triggers=row_triggers)
    insert = writer.TableWriter.insert
    model = {"Resident": Resident, "Family": Family}[model_name]

    def wrong_key(self, names, rows, **kwargs):
        if self.model is model:
            at = list(names).index(column)
            rows = [
                tuple(2**40 if i == at else v for i, v in enumerate(row)) if n == 0 else row
                for n, row in enumerate(rows)
            ]
        return insert(self, names, rows, **kwargs)

    monkeypatch.setattr(writer.TableWriter, "insert", wrong_key)

    # when
    result = import_residents(
        village=village_a, path=write_xlsx(tmp_path / "a.xlsx", _family_rows()), actor=None
    )

    # then: refused as a failed constraint is, nothing kept
    assert not result.applied
    assert "tidak ada yang disimpan" in result.errors[-1]["message"]
    assert not Resident.objects.filter(village=village_a).exists()
    assert not Family.objects.filter(village=village_a).exists()
    assert not LifeEvent.objects.exists()


def test_rows_past_the_villages_last_temporary_nik_are_refused(village_a, tmp_path):
    # given: the village's last temporary NIK taken, and a file with two residents without one
    ResidentFactory(village=village_a, nik="0" + village_a.code_digits + "99999")
    path = write_xlsx(tmp_path / "a.xlsx", _family_rows())

    # when
    refused = import_residents(village=village_a, path=path, actor=None)
    applied = import_residents(village=village_a, path=path, actor=None, apply_valid=True)

    # then: those rows are named, and the rest goes in only when asked
    assert not refused.applied
    assert [(e["row"], e["column"]) for e in refused.errors] == [(5, "nik"), (6, "nik")]
    assert "sudah habis" in refused.errors[0]["message"]
    assert applied.applied
    assert (applied.imported, applied.rejected) == (3, 2)


def test_postgres_set_wise_checks_refuse_writes_at_another_savepoint_level(village_a, monkeypatch):
    # given: the checks of an import, and a savepoint after them (one rolled back would take
    # rows along that the checks trust as written)
    from django.db import transaction

    from balai.people.imports import writer

    _key_checks(monkeypatch)
    keys = writer.BulkForeignKeys((Family, Resident, LifeEvent))

    # when / then
    with transaction.atomic(), pytest.raises(RuntimeError, match="savepoint"):
        keys.verify()
    keys.verify()  # at its own level: nothing to check


def test_set_wise_checks_refuse_a_key_left_to_a_database_default(monkeypatch):
    # given: an event's key the COPY leaves out, given a database default
    from django.db.models import Value

    from balai.people.imports import writer

    monkeypatch.setattr(LifeEvent._meta.get_field("cancelled_by"), "db_default", Value(1))

    # when / then: no row would carry the key to be checked
    with pytest.raises(ValueError, match="cancelled_by"):
        writer._TrackedRows(LifeEvent, ["public_id", "village_id", "resident_id"])
    writer._TrackedRows(LifeEvent, ["public_id", "village_id", "resident_id", "cancelled_by_id"])


def test_postgres_import_keeps_the_row_triggers_when_the_tables_have_a_trigger_of_their_own(
    village_a, monkeypatch
):
    # given: a trigger of its own on the residents' table, which session_replication_role =
    # replica would skip along with the foreign key checks
    from django.db import connection

    from balai.people.imports import writer

    _key_checks(monkeypatch)
    assert writer.BulkForeignKeys((Family, Resident, LifeEvent)).enabled
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION balai_test_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"
        )
        cursor.execute(
            "CREATE TRIGGER balai_test_noop BEFORE INSERT ON people_resident "
            "FOR EACH ROW EXECUTE FUNCTION balai_test_noop()"
        )

    # when / then (the test's transaction takes the trigger away again)
    assert not writer.BulkForeignKeys((Family, Resident, LifeEvent)).enabled


def _other_connection():
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def _in_another_session(make) -> None:
    """`make()` on a connection of its own (Django's are per thread), committed."""
    import threading

    from django.db import connection

    def run():
        try:
            make()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _orphans() -> tuple[int, int, int]:
    with _other_connection() as other:
        return other.execute(
            "SELECT (SELECT count(*) FROM people_resident r WHERE r.rt_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM regions_rt t WHERE t.id = r.rt_id)), "
            "(SELECT count(*) FROM people_resident r WHERE r.family_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM people_family f WHERE f.id = r.family_id)), "
            "(SELECT count(*) FROM people_lifeevent e WHERE e.family_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM people_family f WHERE f.id = e.family_id))"
        ).fetchone()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("row_triggers", [False, True], ids=["set-wise", "row-triggers"])
def test_postgres_import_holds_the_parents_it_points_at_until_it_commits(
    village_a, tmp_path, monkeypatch, row_triggers
):
    # given: the RT and family the file names, made by another session just before the import
    # reads the village, and deleted by it after the import's last check, before its commit
    import psycopg

    from balai.people.imports import residents

    _key_checks(monkeypatch, row_triggers=row_triggers)
    made: dict[str, int] = {}
    preload, audit = residents.preload, residents.audit_record

    def made_meanwhile(village):
        def make():
            dusun = DusunFactory(village=village, name="KRAJAN")
            rt = RtFactory(village=village, dusun=dusun, rw="001", rt="002")
            made.update(rt=rt.pk, family=FamilyFactory(village=village, rt=rt, kk_number=kk(1)).pk)

        _in_another_session(make)
        return preload(village)

    outcome: list[str] = []

    def deleted_before_the_commit(**kwargs):
        with _other_connection() as other:
            other.execute("SET lock_timeout = '300ms'")
            for table, key in (("people_family", "family"), ("regions_rt", "rt")):
                try:
                    other.execute(f"DELETE FROM {table} WHERE id = %s", [made[key]])
                    outcome.append(f"{table} deleted")
                except psycopg.errors.LockNotAvailable:
                    outcome.append(f"{table} waits")
        return audit(**kwargs)

    monkeypatch.setattr(residents, "preload", made_meanwhile)
    monkeypatch.setattr(residents, "audit_record", deleted_before_the_commit)
    rows = [person(n, dusun="KRAJAN", rw="1", rt="2") for n in range(1, 4)]

    # when
    result = import_residents(village=village_a, path=write_xlsx(tmp_path / "a.xlsx", rows), actor=None)

    # then: the deletes waited for the import, as they wait for the row triggers' locks
    assert result.applied, result.errors
    assert Resident.objects.filter(family_id=made["family"], rt_id=made["rt"]).count() == 3
    assert outcome == ["people_family waits", "regions_rt waits"]
    assert _orphans() == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_postgres_a_wrong_key_in_a_later_batch_is_refused_while_other_sessions_write(
    village_a, tmp_path, monkeypatch
):
    # given: a resident whose id is far ahead of the sequence (a manual fix-up, a restore), one
    # more written by another session between the import's batches, and a writer that gets
    # the second batch's families wrong (its own earlier rows must not vouch for them)
    from balai.people import opensid
    from balai.people.imports import writer

    _key_checks(monkeypatch)
    monkeypatch.setattr(opensid, "BATCH_ROWS", 2)
    ResidentFactory(village=village_a, id=10**9, status=codes.STATUS_DEAD)
    insert, calls = writer.TableWriter.insert, []

    def wrong_family(self, names, rows, **kwargs):
        if self.model is Resident:
            calls.append(1)
            if len(calls) == 1:
                _in_another_session(
                    lambda: ResidentFactory(village=village_a, id=10**9 + 1, status=codes.STATUS_DEAD)
                )
            if len(calls) == 2:
                at = list(names).index("family_id")
                rows = [tuple(2**40 if i == at else v for i, v in enumerate(row)) for row in rows]
        return insert(self, names, rows, **kwargs)

    monkeypatch.setattr(writer.TableWriter, "insert", wrong_family)
    rows = [person(n, no_kk=kk(n)) for n in range(1, 5)]

    # when
    result = import_residents(village=village_a, path=write_xlsx(tmp_path / "a.xlsx", rows), actor=None)

    # then
    assert not result.applied
    assert len(calls) == 2
    assert _orphans() == (0, 0, 0)
    assert Resident.objects.filter(village=village_a).count() == 2


def test_a_file_read_in_pieces_parses_as_read_whole(tmp_path, monkeypatch):
    # given: 500 residents, a bad row among them, read in pieces of some 100 rows
    from balai.core import spreadsheets
    from balai.people import opensid

    rows = [person(i, no_kk=kk(1 + i // 4)) for i in range(1, 501)]
    rows[150]["nama"] = ""
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    whole = opensid.parse_file(path)
    monkeypatch.setattr(spreadsheets, "PIECE_BYTES", 4000)

    # when
    in_pieces = opensid.parse_file(path)

    # then
    assert in_pieces.data_rows == whole.data_rows == 500
    assert [(r.row, r.values) for r in in_pieces.rows] == [(r.row, r.values) for r in whole.rows]
    assert [p.as_dict() for p in in_pieces.errors] == [p.as_dict() for p in whole.errors]
    assert len(in_pieces.errors) == 1


def test_the_write_ahead_log_is_checkpointed_after_the_import_not_in_its_commit(
    tmp_path, monkeypatch, django_db_blocker
):
    # given: a SQLite database file in WAL mode, reached as the import reaches its own
    import threading

    from django.db import connection, connections, transaction
    from django.utils.connection import ConnectionProxy

    from balai.people.imports import residents

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    path = tmp_path / "wal.sqlite3"
    monkeypatch.setitem(connections.settings, "walcheck", {**connection.settings_dict, "NAME": str(path)})
    wal = ConnectionProxy(connections, "walcheck")
    monkeypatch.setattr(residents, "connection", wal)
    with django_db_blocker.unblock():
        try:
            with wal.cursor() as cursor:
                assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                cursor.execute("CREATE TABLE t (x TEXT)")
            before = path.stat().st_size

            # when: a transaction of some 4 MB commits inside the block
            with residents._checkpoint_after():
                with transaction.atomic(using="walcheck"), wal.cursor() as cursor:
                    assert cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
                    cursor.executemany("INSERT INTO t VALUES (?)", [("x" * 400,)] * 10_000)
                in_log_only = path.stat().st_size
            for thread in threading.enumerate():
                if thread.name == "balai-import-checkpoint":
                    thread.join()

            # then: the commit left the pages in the log; the thread copied them into the file
            assert in_log_only == before
            assert path.stat().st_size > before + 4_000_000
            with wal.cursor() as cursor:
                assert cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        finally:
            connections["walcheck"].close()
            del connections["walcheck"]
