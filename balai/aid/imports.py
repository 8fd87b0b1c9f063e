"""Recipient lists of central programmes (PKH, BPNT, PIP, PBI…) from spreadsheets.

Two formats: OpenSID's aid export (sheet "Program" of label/value rows, sheet "Peserta" with
`Peserta | No. Peserta | NIK | Nama | Tempat Lahir | Tanggal Lahir | Alamat`, where "Peserta"
is the NIK, No. KK, household number or group code depending on the programme's target), and
a simple list with a header row naming at least a `NIK` or `No KK` column.

Upload → preview (every row matched to the registry by NIK/KK and classified, problems named
by spreadsheet row in Indonesian) → apply. Apply re-checks every row against the database as
it is then, and writes all matched rows or nothing; only when the operator explicitly asks
are the matched rows applied and the problem rows left out. Rows already enrolled are
reported and skipped, so a list can be imported again after an update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.aid.models import Programme, ProgrammeExclusion, Recipient, RecipientImport, RecipientImportRow
from balai.audit.services import PendingEvent, audit_record, audit_record_many
from balai.core import spreadsheets
from balai.core.masking import mask_number
from balai.people import codes
from balai.people.models import Family, Household, Resident
from balai.people.validation import clean_number
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

M = RecipientImportRow.Match
# Rows that stop an all-or-nothing import. ALREADY is not one: re-importing an updated list
# must not fail on the families that were on the previous one.
PROBLEMS = frozenset({M.UNMATCHED, M.OTHER_VILLAGE, M.DUPLICATE, M.CONFLICT, M.INVALID})
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
END_MARKER = "###"
IN_CHUNK = 2000

# OpenSID's "sasaran" code -> our target unit.
SASARAN = {
    1: Programme.TargetUnit.PERSON,
    2: Programme.TargetUnit.FAMILY,
    3: Programme.TargetUnit.HOUSEHOLD,
    4: Programme.TargetUnit.GROUP,
}
OPENSID_HEADERS = ("Peserta", "No. Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir", "Alamat")
PROGRAM_LABELS = (
    "id",
    "Nama Program",
    "Sasaran Program",
    "Keterangan",
    "Asal Dana",
    "Rentang Waktu (Awal)",
    "Rentang Waktu (Akhir)",
)
_NIK_HEADERS = {"nik", "no nik", "nomor nik", "nik penerima", "nik kpm"}
_KK_HEADERS = {
    "no kk",
    "nokk",
    "no_kk",
    "nomor kk",
    "kk",
    "no. kk",
    "nomor kartu keluarga",
    "no kartu keluarga",
}
_NAME_HEADERS = {"nama", "nama penerima", "nama kpm", "nama lengkap"}
_EXTERNAL_HEADERS = {"no peserta", "no. peserta", "no_peserta", "nomor peserta", "id peserta", "id kpm", "id"}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; nothing was stored."""


@dataclass
class SheetRow:
    row: int  # spreadsheet row number (header = 1)
    peserta: str = ""
    nik: str = ""
    kk: str = ""
    name: str = ""
    external_id: str = ""
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedList:
    format: str
    rows: list[SheetRow]
    target_unit: str | None = None  # from OpenSID's Program sheet
    programme_name: str = ""


# --- Parsing ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return "1" if value else "0"
    text = " ".join(str(value).split())
    return text[1:].strip() if text.startswith("'") else text


def _key(header: Any) -> str:
    return " ".join(_text(header).lower().replace("_", " ").split())


def _number(value: Any) -> str:
    # Dukcapil/Kemensos exports carry spaces and invisible characters inside numbers.
    text = _text(value)
    if text.startswith("="):
        return text  # a formula: reported as invalid below
    digits = clean_number(text)
    return "".join(ch for ch in digits if "0" <= ch <= "9")


@contextmanager
def _open(data: bytes) -> Iterator[spreadsheets.Workbook]:
    """The uploaded workbook, read by `core.spreadsheets` (limits first, then a child
    process); any refusal becomes an ImportFileError with the reader's message."""
    if not data:
        raise ImportFileError(_("Berkas kosong."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("Berkas terlalu besar (paling besar 10 MB)."))
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError(_("Berkas bukan spreadsheet .xlsx; simpan ulang sebagai .xlsx."))
    try:
        with spreadsheets.open_workbook(data) as book:
            yield book
    except spreadsheets.Refused as exc:
        raise ImportFileError(exc.message)


def _sheet_rows(book: spreadsheets.Workbook, name: str, *, max_rows: int | None = None) -> list[list[Any]]:
    # From A1: the row numbers in messages are the sheet's own.
    return book.table(name, from_a1=True, max_rows=max_rows)


def parse_opensid(data: bytes) -> ParsedList:
    with _open(data) as book:
        return _parse_opensid(book)


def _parse_opensid(book: spreadsheets.Workbook) -> ParsedList:
    peserta = book.sheet_named("Peserta")
    if peserta is None:
        raise ImportFileError(
            _('Lembar "Peserta" tidak ada; format bantuan OpenSID berisi lembar "Program" dan "Peserta".')
        )
    target: str | None = None
    name = ""
    program = book.sheet_named("Program")
    if program is not None:
        for i, row in enumerate(_sheet_rows(book, program, max_rows=len(PROGRAM_LABELS))):
            label = _text(row[0]) if row else ""
            value = _text(row[1]) if len(row) > 1 else ""
            if label == END_MARKER:
                break
            if i == 1:
                name = value
            if i == 2 and value:
                try:
                    target = SASARAN[int(float(value))]
                except (ValueError, KeyError):
                    raise ImportFileError(
                        _('Lembar "Program" baris 3: sasaran program "%(value)s" bukan 1, 2, 3 atau 4.')
                        % {"value": value[:20]}
                    )
    table = _sheet_rows(book, peserta)
    if not table:
        raise ImportFileError(_('Lembar "Peserta" kosong.'))
    header = [_key(h) for h in table[0]]
    at = {h: header.index(h.lower()) for h in OPENSID_HEADERS if h.lower() in header}
    missing = [h for h in ("Peserta", "NIK") if h not in at]
    if missing:
        raise ImportFileError(
            _('Lembar "Peserta" baris 1: kolom %(cols)s tidak ada. Judul kolom yang diharapkan: %(all)s.')
            % {"cols": ", ".join(missing), "all": " | ".join(OPENSID_HEADERS)}
        )
    rows: list[SheetRow] = []
    for n, cells in enumerate(table[1:], start=2):
        values = {h: (_text(cells[i]) if i < len(cells) else "") for h, i in at.items()}
        if values["Peserta"] == END_MARKER:
            break
        if not any(values.values()):
            continue
        cell = cells[at["Peserta"]] if at["Peserta"] < len(cells) else ""
        rows.append(
            SheetRow(
                row=n,
                peserta=values["Peserta"] if target == Programme.TargetUnit.GROUP else _number(cell),
                nik=_number(cells[at["NIK"]]) if at["NIK"] < len(cells) else "",
                name=values.get("Nama", ""),
                external_id=values.get("No. Peserta", "")[:64],
                raw=values,
            )
        )
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("Terlalu banyak baris (paling banyak %(n)d).") % {"n": MAX_ROWS})
    return ParsedList(
        format=RecipientImport.Format.OPENSID, rows=rows, target_unit=target, programme_name=name
    )


def parse_nik_list(data: bytes) -> ParsedList:
    with _open(data) as book:
        return _parse_nik_list(book)


def _parse_nik_list(book: spreadsheets.Workbook) -> ParsedList:
    names = book.sheet_names
    if not names:
        raise ImportFileError(_("Berkas tidak berisi lembar data."))
    table = _sheet_rows(book, str(names[0]))
    if not table:
        raise ImportFileError(_("Lembar pertama kosong."))
    header = [_key(h) for h in table[0]]

    def find(options: set[str]) -> int | None:
        return next((i for i, h in enumerate(header) if h in options), None)

    nik_at, kk_at = find(_NIK_HEADERS), find(_KK_HEADERS)
    name_at, ext_at = find(_NAME_HEADERS), find(_EXTERNAL_HEADERS)
    if nik_at is None and kk_at is None:
        raise ImportFileError(
            _("Baris 1 harus berisi judul kolom, sedikitnya NIK atau No KK (ditemukan: %(found)s).")
            % {"found": ", ".join(h for h in header if h)[:200] or "-"}
        )
    rows: list[SheetRow] = []
    for n, cells in enumerate(table[1:], start=2):

        def cell(i: int | None, cells: list[Any] = cells) -> Any:
            return cells[i] if i is not None and i < len(cells) else ""

        raw = {header[i]: _text(v) for i, v in enumerate(cells) if i < len(header) and header[i]}
        if _text(cell(0)) == END_MARKER:
            break
        if not any(raw.values()):
            continue
        rows.append(
            SheetRow(
                row=n,
                nik=_number(cell(nik_at)),
                kk=_number(cell(kk_at)),
                name=_text(cell(name_at))[:100],
                external_id=_text(cell(ext_at))[:64],
                raw=raw,
            )
        )
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("Terlalu banyak baris (paling banyak %(n)d).") % {"n": MAX_ROWS})
    return ParsedList(format=RecipientImport.Format.NIK_LIST, rows=rows)


def parse(data: bytes, fmt: str) -> ParsedList:
    if fmt == RecipientImport.Format.OPENSID:
        return parse_opensid(data)
    if fmt == RecipientImport.Format.NIK_LIST:
        return parse_nik_list(data)
    raise ImportFileError(_("Format berkas tidak dikenal."))


# --- Matching --------------------------------------------------------------------------------


@dataclass
class Verdict:
    match: str
    message: str = ""
    family_id: int | None = None
    resident_id: int | None = None
    household_id: int | None = None
    group_name: str = ""

    def unit(self) -> tuple[str, Any] | None:
        if self.group_name:
            return ("group", self.group_name.lower())
        if self.resident_id is not None and self.family_id is None and self.household_id is None:
            return ("person", self.resident_id)
        if self.household_id is not None:
            return ("household", self.household_id)
        if self.family_id is not None:
            return ("family", self.family_id)
        return None


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i : i + IN_CHUNK] for i in range(0, len(items), IN_CHUNK)]


def _number_problem(number: str, label: str) -> str | None:
    if number.startswith("="):
        return _("%(label)s berisi rumus (formula), bukan angka.") % {"label": label}
    if not number:
        return _("%(label)s kosong.") % {"label": label}
    if len(number) != 16:
        return _("%(label)s harus 16 angka (tertulis %(n)d angka).") % {"label": label, "n": len(number)}
    return None


class _Registry:
    """The registry's answers for the NIKs and KK numbers of one file, read in a few queries."""

    def __init__(self, village: Village, niks: set[str], kks: set[str], households: set[str]) -> None:
        self.village = village
        # nik -> (resident id, village id, family id, household id)
        self.residents: dict[str, tuple[int, int, int | None, int | None]] = {}
        for chunk in _chunks(sorted(niks)):
            for pk, nik, vid, fid, hid in Resident.objects.filter(
                nik__in=chunk, status=codes.STATUS_ALIVE
            ).values_list("id", "nik", "village_id", "family_id", "household_id"):
                if nik not in self.residents or vid == village.pk:
                    self.residents[nik] = (pk, vid, fid, hid)
        # kk -> (family id, village id)
        self.families: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(sorted(kks)):
            for pk, kk, vid in Family.objects.filter(kk_number__in=chunk, is_active=True).values_list(
                "id", "kk_number", "village_id"
            ):
                if kk not in self.families or vid == village.pk:
                    self.families[kk] = (pk, vid)
        self.households: dict[str, int] = dict(
            Household.objects.filter(village=village, number__in=sorted(households)).values_list(
                "number", "id"
            )
        )


def _verdict(row: SheetRow, unit: str, fmt: str, reg: _Registry) -> Verdict:
    village_id = reg.village.pk
    other = _(
        "terdaftar sebagai warga desa lain; catat pindah datang lebih dahulu bila sudah pindah ke sini."
    )
    if unit == Programme.TargetUnit.GROUP:
        group = (row.peserta if fmt == RecipientImport.Format.OPENSID else row.name).strip()
        if not group:
            return Verdict(M.INVALID, _("Nama/kode kelompok kosong."))
        if row.nik:
            found = reg.residents.get(row.nik)
            if found is None:
                return Verdict(
                    M.UNMATCHED,
                    _("NIK ketua kelompok %(nik)s tidak ditemukan.") % {"nik": mask_number(row.nik)},
                )
            if found[1] != village_id:
                return Verdict(
                    M.OTHER_VILLAGE, _("NIK ketua kelompok %(nik)s ") % {"nik": mask_number(row.nik)} + other
                )
        return Verdict(M.MATCHED, group_name=group[:150])
    if unit == Programme.TargetUnit.HOUSEHOLD and fmt == RecipientImport.Format.OPENSID:
        number = row.peserta
        hid = reg.households.get(number)
        if hid is None:
            return Verdict(
                M.UNMATCHED, _("Nomor rumah tangga %(n)s tidak ditemukan di desa ini.") % {"n": number or "-"}
            )
        return Verdict(M.MATCHED, household_id=hid)
    # Person, family, household-by-NIK: find the KK and/or the person.
    kk = (
        row.peserta
        if (fmt == RecipientImport.Format.OPENSID and unit == Programme.TargetUnit.FAMILY)
        else row.kk
    )
    nik = (
        row.peserta
        if (fmt == RecipientImport.Format.OPENSID and unit == Programme.TargetUnit.PERSON)
        else row.nik
    )
    if (
        fmt == RecipientImport.Format.OPENSID
        and unit == Programme.TargetUnit.PERSON
        and row.nik
        and row.nik != nik
    ):
        return Verdict(
            M.INVALID, _("Kolom Peserta dan NIK berbeda; untuk sasaran perorangan keduanya NIK yang sama.")
        )
    person = None
    if nik:
        problem = _number_problem(nik, "NIK")
        if problem:
            return Verdict(M.INVALID, problem)
        person = reg.residents.get(nik)
        if person is None and not kk:
            return Verdict(
                M.UNMATCHED, _("NIK %(nik)s tidak ditemukan di data penduduk.") % {"nik": mask_number(nik)}
            )
        if person is not None and person[1] != village_id:
            return Verdict(M.OTHER_VILLAGE, _("NIK %(nik)s ") % {"nik": mask_number(nik)} + other)
    family = None
    if kk:
        problem = _number_problem(kk, _("No. KK"))
        if problem:
            return Verdict(M.INVALID, problem)
        family = reg.families.get(kk)
        if family is None:
            return Verdict(
                M.UNMATCHED, _("No. KK %(kk)s tidak ditemukan di data keluarga.") % {"kk": mask_number(kk)}
            )
        if family[1] != village_id:
            return Verdict(M.OTHER_VILLAGE, _("No. KK %(kk)s ") % {"kk": mask_number(kk)} + other)
    if not nik and not kk:
        return Verdict(M.INVALID, _("NIK dan No. KK kosong."))
    if person is not None and family is not None and person[2] != family[0]:
        return Verdict(
            M.INVALID,
            _("NIK %(nik)s bukan anggota KK %(kk)s.") % {"nik": mask_number(nik), "kk": mask_number(kk)},
        )
    if unit == Programme.TargetUnit.PERSON:
        if person is None:
            return Verdict(M.INVALID, _("Program perorangan: NIK penerima wajib diisi."))
        return Verdict(M.MATCHED, resident_id=person[0], family_id=None)
    if unit == Programme.TargetUnit.HOUSEHOLD:
        if person is None or person[3] is None:
            return Verdict(M.UNMATCHED, _("Penerima tidak tercatat dalam rumah tangga mana pun."))
        return Verdict(M.MATCHED, household_id=person[3])
    family_id = family[0] if family is not None else (person[2] if person is not None else None)
    if family_id is None:
        return Verdict(
            M.UNMATCHED, _("Penduduk dengan NIK %(nik)s tidak punya KK.") % {"nik": mask_number(nik)}
        )
    return Verdict(M.MATCHED, family_id=family_id, resident_id=person[0] if person else None)


def _already(programme: Programme, verdicts: list[Verdict]) -> set[tuple[str, Any]]:
    base = Recipient.objects.filter(programme=programme, period=programme.period)
    found: set[tuple[str, Any]] = set()
    fam = [v.family_id for v in verdicts if v.unit() and v.unit()[0] == "family"]  # type: ignore[index]
    per = [v.resident_id for v in verdicts if v.unit() and v.unit()[0] == "person"]  # type: ignore[index]
    hh = [v.household_id for v in verdicts if v.unit() and v.unit()[0] == "household"]  # type: ignore[index]
    grp = [v.group_name for v in verdicts if v.group_name]
    for ids, kind, lookup in (
        (fam, "family", "family_id"),
        (per, "person", "resident_id"),
        (hh, "household", "household_id"),
    ):
        for chunk in [ids[i : i + IN_CHUNK] for i in range(0, len(ids), IN_CHUNK)]:
            qs = base.filter(**{f"{lookup}__in": chunk})
            if kind == "family":
                qs = qs.filter(resident__isnull=True)
            found.update((kind, pk) for pk in qs.values_list(lookup, flat=True))
    if grp:
        names = {g.lower() for g in grp}
        for g in base.filter(family__isnull=True, household__isnull=True, resident__isnull=True).values_list(
            "group_name", flat=True
        ):
            if g.lower() in names:
                found.add(("group", g.lower()))
    return found


def classify(*, programme: Programme, parsed: ParsedList) -> list[Verdict]:
    """One verdict per row, in file order."""
    from balai.aid.services.recipients import enrolment_problems

    unit = programme.target_unit
    reg = _Registry(
        programme.village,
        niks={r.nik for r in parsed.rows if len(r.nik) == 16}
        | {r.peserta for r in parsed.rows if len(r.peserta) == 16},
        kks={r.kk for r in parsed.rows if len(r.kk) == 16}
        | {r.peserta for r in parsed.rows if len(r.peserta) == 16},
        households={r.peserta for r in parsed.rows if r.peserta},
    )
    verdicts = [_verdict(r, unit, parsed.format, reg) for r in parsed.rows]
    seen: dict[tuple[str, Any], int] = {}
    for row, v in zip(parsed.rows, verdicts, strict=True):
        key = v.unit()
        if v.match != M.MATCHED or key is None:
            continue
        if key in seen:
            v.match, v.message = (
                M.DUPLICATE,
                _("Baris ganda: penerima yang sama dengan baris %(n)d.") % {"n": seen[key]},
            )
        else:
            seen[key] = row.row
    matched = [v for v in verdicts if v.match == M.MATCHED]
    already = _already(programme, matched)
    for v in matched:
        if v.unit() in already:
            v.match = M.ALREADY
            v.message = _("Sudah terdaftar sebagai penerima %(name)s periode %(period)s; dilewati.") % {
                "name": programme.name,
                "period": programme.period,
            }
    # Cross-programme exclusions (double aid), with aid-targeting's rules and wording.
    families = [v.family_id for v in verdicts if v.match == M.MATCHED and v.family_id is not None]
    problems = enrolment_problems(programme=programme, family_ids=families, check_enrolled=False)
    for v in verdicts:
        if v.match == M.MATCHED and v.family_id in problems:
            v.match, v.message = M.CONFLICT, _("Keluarga ini %(reason)s") % {"reason": problems[v.family_id]}
    return verdicts


# --- Services --------------------------------------------------------------------------------


def _check_programme(programme: Programme) -> None:
    if programme.status == Programme.Status.CLOSED:
        raise ImportFileError(_("Program sudah selesai; daftar penerima tidak dapat diimpor."))
    if programme.uses_targeting:
        raise ImportFileError(
            _(
                "Penerima program ini ditetapkan lewat penjaringan, musyawarah desa dan SK Kepala Desa; "
                "daftar penerimanya tidak diimpor."
            )
        )


@transaction.atomic
def import_preview(
    *, actor: User, programme: Programme, data: bytes, fmt: str, file_name: str
) -> RecipientImport:
    """Read the file, classify every row, and store the preview (nothing is enrolled yet)."""
    _check_programme(programme)
    parsed = parse(data, fmt)
    if not parsed.rows:
        raise ImportFileError(_("Berkas tidak berisi baris penerima."))
    if parsed.target_unit is not None and parsed.target_unit != programme.target_unit:
        raise ImportFileError(
            _('Sasaran di lembar "Program" (%(file)s) berbeda dengan sasaran program ini (%(ours)s).')
            % {
                "file": Programme.TargetUnit(parsed.target_unit).label,
                "ours": programme.get_target_unit_display(),
            }
        )
    verdicts = classify(programme=programme, parsed=parsed)
    batch = RecipientImport.objects.create(
        village=programme.village,
        programme=programme,
        file_name=file_name[:255],
        format=parsed.format,
        uploaded_by=actor,
        rows_total=len(parsed.rows),
        rows_matched=sum(v.match == M.MATCHED for v in verdicts),
        rows_problem=sum(v.match in PROBLEMS for v in verdicts),
    )
    RecipientImportRow.objects.bulk_create(
        [
            RecipientImportRow(
                village=programme.village,
                batch=batch,
                row_number=r.row,
                raw={
                    "peserta": r.peserta,
                    "nik": r.nik,
                    "kk": r.kk,
                    "name": r.name,
                    "external_id": r.external_id,
                }
                | {"cells": r.raw},
                nik=r.nik[:16] if len(r.nik) <= 16 else "",
                kk_number=(
                    r.kk or (r.peserta if programme.target_unit == Programme.TargetUnit.FAMILY else "")
                )[:16],
                name=r.name[:100],
                match=v.match,
                family_id=v.family_id,
                resident_id=v.resident_id,
                message=v.message[:255],
            )
            for r, v in zip(parsed.rows, verdicts, strict=True)
        ],
        batch_size=1000,
    )
    audit_record(
        actor=actor,
        village=programme.village,
        action="aid.import.previewed",
        object_type="aid.import",
        object_id=batch.public_id,
        changes={
            "programme": programme.public_id,
            "file_name": file_name[:255],
            "format": parsed.format,
            "rows": batch.rows_total,
            "matched": batch.rows_matched,
            "problems": batch.rows_problem,
        },
    )
    return batch


def _rows_as_parsed(batch: RecipientImport) -> tuple[list[RecipientImportRow], ParsedList]:
    rows = list(batch.rows.order_by("row_number"))
    parsed = ParsedList(
        format=batch.format,
        rows=[
            SheetRow(
                row=r.row_number,
                peserta=r.raw.get("peserta", ""),
                nik=r.raw.get("nik", ""),
                kk=r.raw.get("kk", ""),
                name=r.raw.get("name", ""),
                external_id=r.raw.get("external_id", ""),
            )
            for r in rows
        ],
    )
    return rows, parsed


@dataclass
class ApplyResult:
    enrolled: int
    skipped_already: int
    left_out: int
    recipients: list[str]


class ImportRejected(ValidationError):
    """All-or-nothing: some rows have problems; nothing was written. Messages name the rows."""

    # (row pk, match, message, family id, resident id) as re-checked at the refused apply.
    rechecked: list[tuple[int, str, str, int | None, int | None]] = []


def import_apply(*, actor: User, batch: RecipientImport, apply_matched: bool = False) -> ApplyResult:
    """Enrol the matched rows. Every row is checked again first (the registry or other lists
    may have changed since the preview); with any problem row the import is refused unless
    `apply_matched` says to leave the problem rows out. A refusal writes no recipient but
    keeps the re-checked verdicts, so the preview shows what the refusal names."""
    try:
        return _apply(actor=actor, batch=batch, apply_matched=apply_matched)
    except ImportRejected as exc:
        if exc.rechecked:
            with transaction.atomic():
                for pk, match, message, family_id, resident_id in exc.rechecked:
                    RecipientImportRow.objects.filter(pk=pk, batch=batch).update(
                        match=match, message=message, family_id=family_id, resident_id=resident_id
                    )
                RecipientImport.objects.filter(pk=batch.pk, status=RecipientImport.Status.PREVIEW).update(
                    rows_matched=sum(r[1] == M.MATCHED for r in exc.rechecked),
                    rows_problem=sum(r[1] in PROBLEMS for r in exc.rechecked),
                    updated_at=timezone.now(),
                )
        raise


@transaction.atomic
def _apply(*, actor: User, batch: RecipientImport, apply_matched: bool) -> ApplyResult:
    from balai.aid.services.common import AidError
    from balai.aid.services.recipients import recipient_insert

    batch = (
        RecipientImport.objects.select_for_update(of=("self",)).select_related("programme").get(pk=batch.pk)
    )
    if batch.status != RecipientImport.Status.PREVIEW:
        raise ImportRejected(
            _("Impor ini sudah %(status)s.") % {"status": batch.get_status_display().lower()}
        )
    programme = batch.programme
    _check_programme(programme)
    rows, parsed = _rows_as_parsed(batch)
    verdicts = classify(programme=programme, parsed=parsed)
    for row, v in zip(rows, verdicts, strict=True):
        if (row.match, row.message, row.family_id, row.resident_id) != (
            v.match,
            v.message[:255],
            v.family_id,
            v.resident_id,
        ):
            row.match, row.message, row.family_id, row.resident_id = (
                v.match,
                v.message[:255],
                v.family_id,
                v.resident_id,
            )
            row.save(update_fields=["match", "message", "family", "resident"])
    bad = [(r, v) for r, v in zip(rows, verdicts, strict=True) if v.match in PROBLEMS]
    if bad and not apply_matched:
        lines = [_("Baris %(n)d: %(msg)s") % {"n": r.row_number, "msg": v.message} for r, v in bad[:50]]
        if len(bad) > 50:
            lines.append(_("… dan %(n)d baris lain.") % {"n": len(bad) - 50})
        rejected = ImportRejected(
            [_("%(n)d baris bermasalah; tidak ada penerima yang disimpan.") % {"n": len(bad)}, *lines]
        )
        rejected.rechecked = [
            (r.pk, v.match, v.message[:255], v.family_id, v.resident_id)
            for r, v in zip(rows, verdicts, strict=True)
        ]
        raise rejected
    families = {f.pk: f for f in Family.objects.filter(pk__in=[v.family_id for v in verdicts if v.family_id])}
    residents = {
        r.pk: r for r in Resident.objects.filter(pk__in=[v.resident_id for v in verdicts if v.resident_id])
    }
    households = {
        h.pk: h for h in Household.objects.filter(pk__in=[v.household_id for v in verdicts if v.household_id])
    }
    enrolled: list[str] = []
    events: list[PendingEvent] = []
    today = max(timezone.localdate(), programme.period_start)
    person = programme.target_unit == Programme.TargetUnit.PERSON
    for row, sheet_row, v in zip(rows, parsed.rows, verdicts, strict=True):
        if v.match != M.MATCHED:
            continue
        family = families.get(v.family_id) if (v.family_id and not person) else None
        resident = residents.get(v.resident_id) if (v.resident_id and person) else None
        household = households.get(v.household_id) if v.household_id else None
        try:
            # Every row was checked set-wise just above, in this transaction, with aid-targeting's
            # rules (double enrolment, exclusions both ways): per-row re-checks and per-row audit
            # locks cost ~18 ms a row, so the rows go straight to the enrolment writer and the
            # audit trail gets them in one append.
            recipient = recipient_insert(
                actor=actor,
                programme=programme,
                family=family,
                resident=resident,
                household=household if family is None else None,
                group_name=v.group_name if not (family or resident or household) else "",
                source=Recipient.Source.IMPORT,
                decree=None,
                candidate=None,
                enrolled_on=min(today, programme.period_end),
                external_id=sheet_row.external_id.strip(),
                audit=False,
            )
        except AidError as exc:
            if not apply_matched:
                raise ImportRejected(
                    [
                        _("Baris %(n)d: %(msg)s Tidak ada penerima yang disimpan.")
                        % {"n": row.row_number, "msg": exc.message}
                    ]
                )
            row.match, row.message = M.CONFLICT, exc.message[:255]
            row.save(update_fields=["match", "message"])
            continue
        enrolled.append(recipient.public_id)
        events.append(
            PendingEvent(
                "aid.recipient_enrolled",
                "aid_recipient",
                recipient.public_id,
                {
                    "programme": programme.public_id,
                    "family": family.public_id if family else None,
                    "resident": resident.public_id if resident else None,
                    "source": Recipient.Source.IMPORT,
                    "decree": None,
                    "external_id": sheet_row.external_id.strip(),
                    "import": batch.public_id,
                    "row": row.row_number,
                },
            )
        )
    audit_record_many(actor=actor, village=batch.village, events=events)
    all_rows = list(batch.rows.values_list("match", flat=True))
    RecipientImport.objects.filter(pk=batch.pk).update(
        status=RecipientImport.Status.APPLIED,
        applied_at=timezone.now(),
        rows_matched=len(enrolled),
        rows_problem=sum(m in PROBLEMS for m in all_rows),
        updated_at=timezone.now(),
    )
    result = ApplyResult(
        enrolled=len(enrolled),
        skipped_already=sum(m == M.ALREADY for m in all_rows),
        left_out=sum(m in PROBLEMS for m in all_rows),
        recipients=enrolled,
    )
    audit_record(
        actor=actor,
        village=batch.village,
        action="aid.import.applied",
        object_type="aid.import",
        object_id=batch.public_id,
        changes={
            "programme": programme.public_id,
            "apply_matched": apply_matched,
            "enrolled": result.enrolled,
            "skipped_already": result.skipped_already,
            "left_out": result.left_out,
            "recipients": enrolled,
        },
    )
    return result


@transaction.atomic
def import_discard(*, actor: User, batch: RecipientImport) -> None:
    batch = RecipientImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != RecipientImport.Status.PREVIEW:
        raise ImportRejected(
            _("Impor ini sudah %(status)s.") % {"status": batch.get_status_display().lower()}
        )
    batch.status = RecipientImport.Status.DISCARDED
    batch.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        village=batch.village,
        action="aid.import.discarded",
        object_type="aid.import",
        object_id=batch.public_id,
    )


# --- Selectors -------------------------------------------------------------------------------


def import_qs(*, village: Village) -> QuerySet[RecipientImport]:
    return RecipientImport.objects.filter(village=village).select_related("programme", "uploaded_by")


def import_get(*, village: Village, public_id: str) -> RecipientImport:
    """Raises RecipientImport.DoesNotExist for another village's import, exactly as for none."""
    return import_qs(village=village).get(public_id=public_id)


def import_rows(*, village: Village, batch: RecipientImport) -> list[RecipientImportRow]:
    return list(RecipientImportRow.objects.filter(village=village, batch=batch).order_by("row_number"))


@dataclass
class CurrentConflict:
    family_id: int
    family_label: str
    programme: str
    excluded: str
    sources: str
    reason: str


def conflicts_report(*, village: Village) -> tuple[list[RecipientImportRow], list[CurrentConflict]]:
    """(a) rows of imported lists refused or left out for conflicts, duplicates, other
    villages; (b) families now active in two programmes that exclude each other, where at
    least one of the two enrolments came from an imported list."""
    rows = list(
        RecipientImportRow.objects.filter(
            village=village,
            match__in=[M.CONFLICT, M.DUPLICATE, M.OTHER_VILLAGE],
        )
        .exclude(batch__status=RecipientImport.Status.DISCARDED)
        .select_related("batch__programme")
        .order_by("-batch__created_at", "row_number")[:2000]
    )
    current: list[CurrentConflict] = []
    active = Recipient.objects.filter(village=village, status=Recipient.Status.ACTIVE, family__isnull=False)
    for ex in ProgrammeExclusion.objects.filter(
        village=village, basis=ProgrammeExclusion.Basis.RECIPIENT
    ).select_related("programme", "excluded"):
        mine = dict(
            active.filter(programme=ex.programme, period=ex.programme.period).values_list(
                "family_id", "source"
            )
        )
        theirs = dict(active.filter(programme=ex.excluded).values_list("family_id", "source"))
        both = [f for f in mine if f in theirs and Recipient.Source.IMPORT in (mine[f], theirs[f])]
        families = Family.objects.filter(pk__in=both).select_related("head")
        for fam in families:
            current.append(
                CurrentConflict(
                    family_id=fam.pk,
                    family_label=(fam.head.name if fam.head else "") + f" (KK {mask_number(fam.kk_number)})",
                    programme=ex.programme.name,
                    excluded=ex.excluded.name,
                    sources=f"{Recipient.Source(mine[fam.pk]).label} / {Recipient.Source(theirs[fam.pk]).label}",
                    reason=ex.reason,
                )
            )
    return rows, current


def problem_rows_of(batch_rows: list[RecipientImportRow]) -> list[RecipientImportRow]:
    return [r for r in batch_rows if r.match in PROBLEMS]
