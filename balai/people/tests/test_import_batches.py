"""The import writes the file batch by batch while it is read: what crosses a batch boundary
(a family's head after its members, temporary NIKs, an error further down) ends as if the
file had been written in one go."""

import pytest

from balai.audit.models import AuditEvent
from balai.people import opensid
from balai.people.imports.residents import import_residents
from balai.people.models import Family, LifeEvent, Resident
from balai.people.tests.xlsx_helpers import kk, person, write_xlsx
from balai.regions.models import Dusun, Rt


@pytest.fixture(autouse=True)
def _two_rows_per_batch(monkeypatch):
    monkeypatch.setattr(opensid, "BATCH_ROWS", 2)


def test_a_family_whose_head_comes_in_a_later_batch_gets_the_head_and_its_address(village_a, tmp_path):
    # given: two members of KK 1 in the first batch, its head two batches later
    rows = [
        person(1, kk_level=3, alamat="RUMAH LAMA", dusun="KRAJAN"),
        person(2, kk_level=4, alamat="RUMAH LAMA", dusun="KRAJAN"),
        person(3, no_kk=kk(2), kk_level=1, alamat="JL. LAIN"),
        person(4, no_kk=kk(2), kk_level=3, alamat="JL. LAIN"),
        person(5, nama="KEPALA KELUARGA", kk_level=1, alamat="JL. MAWAR 3", dusun="SIDOREJO", rw="", rt=""),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    result = import_residents(village=village_a, path=path, actor=None)

    # then
    assert result.applied, result.errors
    assert (result.imported, result.rejected) == (5, 0)
    family = Family.objects.get(village=village_a, kk_number=kk(1))
    assert family.head.name == "KEPALA KELUARGA"
    assert family.address == "JL. MAWAR 3"
    assert (family.rt.dusun.name, family.rt.rw, family.rt.rt) == ("SIDOREJO", "-", "-")
    assert family.members.count() == 3
    assert Family.objects.get(village=village_a, kk_number=kk(2)).head.nik == rows[2]["nik"]
    audit = AuditEvent.objects.get(action="residents.imported").changes
    assert len(audit["families_created"]) == 2
    assert sorted(audit["created"]) == sorted(Resident.objects.values_list("public_id", flat=True))
    assert LifeEvent.objects.filter(village=village_a, kind=LifeEvent.Kind.REGISTERED).count() == 5


def test_an_existing_family_gets_its_head_from_a_later_batch(village_a, tmp_path):
    # given: KK 1 imported without a head
    first = [person(1, kk_level=3), person(2, kk_level=4)]
    import_residents(village=village_a, path=write_xlsx(tmp_path / "a.xlsx", first), actor=None)
    assert Family.objects.get(village=village_a).head is None
    again = [
        *first,
        person(3, no_kk=kk(2), kk_level=1),
        person(4, nama="KEPALA BARU", kk_level=1, alamat="JL. BARU"),
    ]

    # when
    result = import_residents(village=village_a, path=write_xlsx(tmp_path / "b.xlsx", again), actor=None)

    # then
    assert (result.imported, result.updated, result.unchanged) == (2, 0, 2)
    family = Family.objects.get(village=village_a, kk_number=kk(1))
    assert (family.head.name, family.address) == ("KEPALA BARU", "JL. BARU")
    changes = AuditEvent.objects.filter(action="residents.imported").latest("seq").changes
    assert changes["families_updated"][family.public_id]["head"] == [None, family.head_id]


def test_temporary_niks_come_after_a_temporary_number_used_further_down_the_file(village_a, tmp_path):
    # given: a NIK to be numbered in the first batch; the file itself uses number 5 later
    rows = [
        person(1, nik="0", tanggallahir="", kk_level=1),
        person(2),
        person(3),
        person(4, nik="0332501200700005", tanggallahir="", no_kk=kk(2)),
        person(5, nik="0", tanggallahir="", no_kk=kk(2)),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    result = import_residents(village=village_a, path=path, actor=None)

    # then
    assert result.applied, result.errors
    temporary = sorted(
        Resident.objects.filter(village=village_a, nik__startswith="0").values_list("name", "nik")
    )
    assert temporary == [
        (rows[0]["nama"], "0332501200700006"),
        (rows[3]["nama"], "0332501200700005"),
        (rows[4]["nama"], "0332501200700007"),
    ]
    assert Family.objects.get(village=village_a, kk_number=kk(1)).head.nik == "0332501200700006"


def test_an_error_in_a_later_batch_rejects_the_rows_already_written(village_a, tmp_path):
    # given: four good rows (two batches), then a bad one
    rows = [person(1, kk_level=1), person(2), person(3), person(4, dusun="SIDOREJO"), person(5, sex=7)]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    strict = import_residents(village=village_a, path=path, actor=None)

    # then nothing at all was kept
    assert not strict.applied
    assert (strict.imported, strict.rejected, strict.total_rows) == (0, 1, 5)
    assert [(e["row"], e["column"]) for e in strict.errors] == [(6, "sex")]
    assert not Resident.objects.exists()
    assert not Family.objects.exists()
    assert not LifeEvent.objects.exists()
    assert not Dusun.objects.filter(village=village_a).exists()
    assert not Rt.objects.filter(village=village_a).exists()
    assert not AuditEvent.objects.filter(action="residents.imported").exists()

    # when the valid rows are wanted
    lenient = import_residents(village=village_a, path=path, actor=None, apply_valid=True)

    # then
    assert lenient.applied
    assert (lenient.imported, lenient.rejected) == (4, 1)
    assert Resident.objects.filter(village=village_a).count() == 4


def test_a_nik_living_elsewhere_in_a_later_batch(village_a, resident_b, tmp_path):
    # given
    rows = [
        person(1),
        person(2),
        person(3),
        person(4, nik=resident_b.nik, tanggallahir=resident_b.birth_date),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    # when
    strict = import_residents(village=village_a, path=path, actor=None)
    lenient = import_residents(village=village_a, path=path, actor=None, apply_valid=True)

    # then
    assert not strict.applied
    assert [(e["row"], e["column"]) for e in strict.errors] == [(5, "nik")]
    assert lenient.applied
    assert (lenient.imported, lenient.rejected) == (3, 1)
    assert not Resident.objects.filter(village=village_a, nik=resident_b.nik).exists()


def test_a_repeated_nik_in_a_later_batch_is_refused_on_the_later_row(village_a, tmp_path):
    rows = [person(1), person(2), person(3), person(4, nama="ORANG LAIN", nik=person(1)["nik"])]
    path = write_xlsx(tmp_path / "a.xlsx", rows)

    result = import_residents(village=village_a, path=path, actor=None, apply_valid=True)

    assert (result.imported, result.rejected) == (3, 1)
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "nik")]
    assert not Resident.objects.filter(name="ORANG LAIN").exists()


def test_progress_is_reported_batch_by_batch(village_a, tmp_path, monkeypatch):
    monkeypatch.setattr(opensid, "PROGRESS_EVERY", 2)
    calls = []
    path = write_xlsx(tmp_path / "a.xlsx", [person(i) for i in range(1, 6)])

    import_residents(village=village_a, path=path, actor=None, progress=lambda d, t: calls.append((d, t)))

    assert calls == sorted(calls)
    assert calls[-1] == (5, 5)


def test_planner_statistics_are_refreshed_after_the_commit(
    village_a, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    import threading

    from balai.people.imports import residents

    monkeypatch.setattr(residents, "STATISTICS_AFTER_ROWS", 1)
    refreshed = []
    monkeypatch.setattr(residents, "refresh_statistics", lambda **kw: refreshed.append(kw["tables"]))
    path = write_xlsx(tmp_path / "a.xlsx", [person(1)])

    with django_capture_on_commit_callbacks(execute=True):
        import_residents(village=village_a, path=path, actor=None)
    for thread in threading.enumerate():
        if thread.name == "balai-import-statistics":
            thread.join()

    assert refreshed == [[Resident._meta.db_table, Family._meta.db_table]]


def test_postgres_a_key_gone_wrong_in_a_later_batch_is_caught_by_that_batchs_check(
    village_a, tmp_path, monkeypatch
):
    # given: the set-wise key checks (PostgreSQL, a role that may skip the row triggers), and
    # a writer that points the third batch's last event at no resident
    from django.db import connection

    from balai.people.imports import writer

    if connection.vendor != "postgresql" or not writer._may_skip_row_triggers():
        pytest.skip("PostgreSQL's set-wise key checks")
    insert, calls = writer.TableWriter.insert, []

    def wrong_resident(self, names, rows, **kwargs):
        if self.model is LifeEvent:
            calls.append(1)
            if len(calls) == 3:
                rows = list(rows)
                at = list(names).index("resident_id")
                rows[-1] = tuple(2**40 if i == at else v for i, v in enumerate(rows[-1]))
        return insert(self, names, rows, **kwargs)

    monkeypatch.setattr(writer.TableWriter, "insert", wrong_resident)
    checked = []
    verify = writer.BulkForeignKeys.verify

    def counted(self):
        checked.append(len(calls))
        return verify(self)

    monkeypatch.setattr(writer.BulkForeignKeys, "verify", counted)
    rows = [person(n, no_kk=kk(n)) for n in range(1, 8)]

    # when
    result = import_residents(village=village_a, path=write_xlsx(tmp_path / "a.xlsx", rows), actor=None)

    # then: refused at the third batch's check, nothing kept
    assert not result.applied
    assert checked[-1] == 3
    assert not Resident.objects.filter(village=village_a).exists()
    assert not LifeEvent.objects.exists()
