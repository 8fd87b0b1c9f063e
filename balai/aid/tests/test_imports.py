# ruff: noqa: F811  (fixtures imported from distribution_fixtures)
import io

import pytest
import xlsxwriter

from balai.aid import imports
from balai.aid.models import Programme, ProgrammeExclusion, Recipient, RecipientImport
from balai.aid.tests.distribution_fixtures import blt_a, enrol, make_family, make_programme  # noqa: F401
from balai.audit.models import AuditEvent

M = imports.M


def opensid_file(rows, *, sasaran=2, headers=imports.OPENSID_HEADERS):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    program = book.add_worksheet("Program")
    for i, (label, value) in enumerate(
        zip(
            imports.PROGRAM_LABELS,
            ["7", "PKH", str(sasaran), "", "Pusat", "2026-01-01", "2026-12-31"],
            strict=False,
        )
    ):
        program.write_string(i, 0, label)
        program.write_string(i, 1, value)
    sheet = book.add_worksheet("Peserta")
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def nik_list_file(header, rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Daftar")
    for c, h in enumerate(header):
        sheet.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def _row(family, card="PKH-1"):
    return [family.kk_number, card, family.head.nik, family.head.name, "BATANG", "", "Jl. Raya"]


@pytest.fixture
def pkh_a(village_a):
    return make_programme(
        village_a,
        name="PKH",
        code="pkh",
        source=Programme.Source.CENTRAL,
        benefit_frequency=Programme.Frequency.QUARTERLY,
        uses_targeting=False,
    )


@pytest.fixture
def families(village_a):
    return [make_family(village_a, n) for n in ("SLAMET", "WARSINAH", "KUSNADI")]


def test_opensid_list_previewed_and_applied(operator_a, pkh_a, families):
    # given
    data = opensid_file([_row(f, f"PKH-{i}") for i, f in enumerate(families)])
    # when
    batch = imports.import_preview(
        actor=operator_a, programme=pkh_a, data=data, fmt="opensid", file_name="pkh.xlsx"
    )
    # then: nothing enrolled yet
    assert (batch.rows_total, batch.rows_matched, batch.rows_problem) == (3, 3, 0)
    assert not Recipient.objects.filter(programme=pkh_a).exists()
    # when
    result = imports.import_apply(actor=operator_a, batch=batch)
    # then
    assert result.enrolled == 3
    recipients = Recipient.objects.filter(programme=pkh_a).order_by("id")
    assert [r.family_id for r in recipients] == [f.pk for f in families]
    assert {r.source for r in recipients} == {Recipient.Source.IMPORT}
    assert recipients[0].external_id == "PKH-0"
    batch.refresh_from_db()
    assert batch.status == RecipientImport.Status.APPLIED
    assert AuditEvent.objects.filter(action="aid.import.applied", object_id=batch.public_id).exists()
    enrolled = AuditEvent.objects.filter(action="aid.recipient_enrolled", changes__import=batch.public_id)
    assert sorted(enrolled.values_list("object_id", flat=True)) == sorted(r.public_id for r in recipients)


def test_problem_rows_named_and_nothing_applied(operator_a, pkh_a, families, family_b):
    # given: row 2 fine, row 3 unknown KK, row 4 a duplicate of row 2, row 5 another village, row 6 bad KK
    unknown = families[1].kk_number[:-4] + "9999"
    rows = [
        _row(families[0]),
        [unknown, "", "", "X", "", "", ""],
        _row(families[0]),
        [family_b.kk_number, "", "", "Y", "", "", ""],
        ["12345", "", "", "Z", "", "", ""],
    ]
    batch = imports.import_preview(
        actor=operator_a, programme=pkh_a, data=opensid_file(rows), fmt="opensid", file_name="pkh.xlsx"
    )
    by_row = {r.row_number: r for r in imports.import_rows(village=pkh_a.village, batch=batch)}
    assert by_row[2].match == M.MATCHED
    assert by_row[3].match == M.UNMATCHED
    assert by_row[4].match == M.DUPLICATE
    assert "baris 2" in by_row[4].message
    assert by_row[5].match == M.OTHER_VILLAGE
    assert "desa lain" in by_row[5].message
    assert by_row[6].match == M.INVALID
    assert "16 angka" in by_row[6].message
    # when: all or nothing
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_apply(actor=operator_a, batch=batch)
    # then
    messages = exc.value.messages
    assert any(m.startswith("Baris 3:") for m in messages)
    assert any(m.startswith("Baris 5:") for m in messages)
    assert not Recipient.objects.filter(programme=pkh_a).exists()
    # when: the operator explicitly applies the matched rows
    result = imports.import_apply(actor=operator_a, batch=batch, apply_matched=True)
    # then
    assert result.enrolled == 1
    assert result.left_out == 4
    assert list(Recipient.objects.filter(programme=pkh_a).values_list("family_id", flat=True)) == [
        families[0].pk
    ]


def test_nik_list_matches_families_by_nik(operator_a, pkh_a, families):
    data = nik_list_file(["NIK", "Nama"], [[f.head.nik, f.head.name] for f in families[:2]])
    batch = imports.import_preview(
        actor=operator_a, programme=pkh_a, data=data, fmt="nik_list", file_name="a.xlsx"
    )
    rows = imports.import_rows(village=pkh_a.village, batch=batch)
    assert [r.family_id for r in rows] == [families[0].pk, families[1].pk]
    assert batch.rows_problem == 0


def test_nik_not_member_of_kk_is_invalid(operator_a, pkh_a, families):
    data = nik_list_file(["No KK", "NIK"], [[families[0].kk_number, families[1].head.nik]])
    batch = imports.import_preview(
        actor=operator_a, programme=pkh_a, data=data, fmt="nik_list", file_name="a.xlsx"
    )
    [row] = imports.import_rows(village=pkh_a.village, batch=batch)
    assert row.match == M.INVALID
    assert "bukan anggota" in row.message


def test_already_enrolled_rows_are_skipped_not_blocking(operator_a, pkh_a, families):
    enrol(pkh_a, families[0], source=Recipient.Source.IMPORT)
    data = opensid_file([_row(f) for f in families[:2]])
    batch = imports.import_preview(
        actor=operator_a, programme=pkh_a, data=data, fmt="opensid", file_name="a.xlsx"
    )
    result = imports.import_apply(actor=operator_a, batch=batch)
    assert (result.enrolled, result.skipped_already) == (1, 1)
    assert Recipient.objects.filter(programme=pkh_a).count() == 2


def test_excluded_family_is_a_conflict_and_reported(operator_a, pkh_a, blt_a, families):
    # given: BLT Dana Desa excludes PKH recipients, and family 0 already receives BLT
    ProgrammeExclusion.objects.create(
        village=blt_a.village, programme=blt_a, excluded=pkh_a, reason="Permendesa"
    )
    enrol(blt_a, families[0])
    data = opensid_file([_row(f) for f in families[:2]])
    # when
    batch = imports.import_preview(
        actor=operator_a, programme=pkh_a, data=data, fmt="opensid", file_name="a.xlsx"
    )
    rows = imports.import_rows(village=pkh_a.village, batch=batch)
    # then
    assert rows[0].match == M.CONFLICT
    assert "BLT Dana Desa" in rows[0].message
    assert rows[1].match == M.MATCHED
    with pytest.raises(imports.ImportRejected):
        imports.import_apply(actor=operator_a, batch=batch)
    report_rows, _current = imports.conflicts_report(village=pkh_a.village)
    assert [r.row_number for r in report_rows] == [2]


def test_current_conflicts_listed_when_an_import_created_them(operator_a, pkh_a, blt_a, families):
    ProgrammeExclusion.objects.create(village=blt_a.village, programme=blt_a, excluded=pkh_a)
    enrol(blt_a, families[0])
    enrol(pkh_a, families[0], source=Recipient.Source.IMPORT)
    _rows, current = imports.conflicts_report(village=pkh_a.village)
    assert [c.family_id for c in current] == [families[0].pk]


def test_target_mismatch_is_a_file_error(operator_a, pkh_a, families):
    data = opensid_file([_row(families[0])], sasaran=1)
    with pytest.raises(imports.ImportFileError) as exc:
        imports.import_preview(
            actor=operator_a, programme=pkh_a, data=data, fmt="opensid", file_name="a.xlsx"
        )
    assert "Sasaran" in exc.value.messages[0]
    assert not RecipientImport.objects.exists()


@pytest.mark.parametrize(
    ("data", "fmt", "words"),
    [
        (b"", "opensid", "kosong"),
        (b"hello world", "opensid", ".xlsx"),
        (nik_list_file(["Nama", "Alamat"], [["A", "B"]]), "nik_list", "NIK atau No KK"),
        (nik_list_file(["NIK"], []), "nik_list", "tidak berisi baris"),
    ],
)
def test_bad_files_are_refused(operator_a, pkh_a, data, fmt, words):
    with pytest.raises(imports.ImportFileError) as exc:
        imports.import_preview(actor=operator_a, programme=pkh_a, data=data, fmt=fmt, file_name="a.xlsx")
    assert words in " ".join(exc.value.messages)


def test_opensid_without_peserta_sheet(operator_a, pkh_a):
    data = nik_list_file(["NIK"], [["3325010101010001"]])
    with pytest.raises(imports.ImportFileError) as exc:
        imports.import_preview(
            actor=operator_a, programme=pkh_a, data=data, fmt="opensid", file_name="a.xlsx"
        )
    assert "Peserta" in exc.value.messages[0]


def test_targeted_programme_refuses_import(operator_a, blt_a, families):
    data = opensid_file([_row(families[0])])
    with pytest.raises(imports.ImportFileError):
        imports.import_preview(
            actor=operator_a, programme=blt_a, data=data, fmt="opensid", file_name="a.xlsx"
        )


def test_person_programme_matches_by_nik(operator_a, village_a, families):
    pip = make_programme(village_a, name="PIP", code="pip", target_unit="person", uses_targeting=False)
    head = families[0].head
    data = opensid_file([[head.nik, "PIP-9", head.nik, head.name, "", "", ""]], sasaran=1)
    batch = imports.import_preview(
        actor=operator_a, programme=pip, data=data, fmt="opensid", file_name="a.xlsx"
    )
    imports.import_apply(actor=operator_a, batch=batch)
    recipient = Recipient.objects.get(programme=pip)
    assert recipient.resident_id == head.pk


def test_discard_then_apply_is_refused(operator_a, pkh_a, families):
    batch = imports.import_preview(
        actor=operator_a,
        programme=pkh_a,
        data=opensid_file([_row(families[0])]),
        fmt="opensid",
        file_name="a",
    )
    imports.import_discard(actor=operator_a, batch=batch)
    with pytest.raises(imports.ImportRejected):
        imports.import_apply(actor=operator_a, batch=batch)
    assert not Recipient.objects.exists()


def test_apply_checks_again_what_changed_since_preview(operator_a, pkh_a, blt_a, families):
    # given: a clean preview
    data = opensid_file([_row(f) for f in families[:2]])
    batch = imports.import_preview(
        actor=operator_a, programme=pkh_a, data=data, fmt="opensid", file_name="a.xlsx"
    )
    assert batch.rows_problem == 0
    # when: meanwhile family 1 gets BLT, which excludes PKH recipients
    ProgrammeExclusion.objects.create(village=blt_a.village, programme=blt_a, excluded=pkh_a)
    enrol(blt_a, families[1])
    # then: the apply sees it and writes nothing
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_apply(actor=operator_a, batch=batch)
    assert any(m.startswith("Baris 3:") for m in exc.value.messages)
    assert not Recipient.objects.filter(programme=pkh_a).exists()
    # and the preview now shows it
    rows = imports.import_rows(village=pkh_a.village, batch=batch)
    assert [r.match for r in rows] == [M.MATCHED, M.CONFLICT]
    batch.refresh_from_db()
    assert (batch.status, batch.rows_problem) == (RecipientImport.Status.PREVIEW, 1)
