"""`balai import-residents FILE.xlsx --village CODE`: exit 0 applied, 1 rejected, 2 usage error."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.audit.services import audit_source
from balai.core.digits import only_digits
from balai.people.imports.report import write_errors_csv
from balai.people.imports.residents import ImportResult, import_residents
from balai.regions.models import Village
from balai.regions.selectors import village_list

SHOWN_ERRORS = 50


def village_by_code(code: str) -> Village:
    """`33.25.01.2007` or `3325012007`; usage error (exit 2) when it is not an active village."""
    digits = only_digits(code)
    dotted = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}" if len(digits) == 10 else code
    village = village_list().filter(code=dotted).first()
    if village is None:
        raise CommandError(f"Desa dengan kode {code!r} tidak ada atau tidak aktif.", returncode=2)
    return village


class Command(BaseCommand):
    # A data command: the system checks (URLconf, templates) take half a second and check
    # nothing it uses.
    requires_system_checks: list[str] = []
    help = "Impor penduduk dari spreadsheet format OpenSID (43 kolom) ke satu desa."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="berkas .xlsx format OpenSID")
        parser.add_argument("--village", required=True, help="kode desa, mis. 33.25.01.2007")
        parser.add_argument(
            "--apply-valid",
            action="store_true",
            help="simpan baris yang valid dan laporkan sisanya (bawaan: semua atau tidak sama sekali)",
        )
        parser.add_argument("--errors", metavar="FILE.csv", help="tulis laporan galat (row,column,message)")
        parser.add_argument("--json", action="store_true", help="cetak ringkasan JSON saja ke stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {str(path)!r} tidak ditemukan.", returncode=2)
        village = village_by_code(options["village"])
        errors_path = Path(options["errors"]) if options["errors"] else None
        if errors_path is not None and not errors_path.parent.is_dir():
            raise CommandError(f"Folder untuk {str(errors_path)!r} tidak ada.", returncode=2)
        progress = _TerminalProgress() if sys.stderr.isatty() else None
        with audit_source("cli"):
            result = import_residents(
                village=village,
                path=path,
                actor=None,
                apply_valid=options["apply_valid"],
                progress=progress,
                file_name=path.name,
            )
        if progress is not None:
            progress.done()
        if errors_path is not None:
            with errors_path.open("w", newline="", encoding="utf-8") as fh:
                write_errors_csv(result.errors, fh)
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            self._report(result, village, errors_path)
        if not result.applied:
            sys.exit(1)

    def _report(self, result: ImportResult, village: Village, errors_path: Path | None) -> None:
        out = self.stdout
        for error in result.errors[:SHOWN_ERRORS]:
            where = f"Baris {error['row']}" if error["row"] is not None else "Berkas"
            column = f", kolom {error['column']}" if error["column"] else ""
            out.write(f"{where}{column}: {error['message']}")
        hidden = len(result.errors) - SHOWN_ERRORS + result.errors_not_listed
        if hidden > 0:
            out.write(
                f"... dan {hidden} galat lain"
                + (f" (lihat {errors_path})." if errors_path else " (pakai --errors FILE.csv).")
            )
        if result.warnings:
            out.write(
                f"{len(result.warnings)} peringatan NIK (tanggal lahir/jenis kelamin tidak sesuai NIK); data tetap diterima."
            )
        if result.applied:
            out.write(
                self.style.SUCCESS(
                    f"Impor ke desa {village.name} berhasil: {result.imported} penduduk baru, "
                    f"{result.updated} diperbarui, {result.unchanged} tidak berubah, {result.rejected} baris ditolak."
                )
            )
        else:
            out.write(
                self.style.ERROR(
                    f"Impor ditolak: {result.rejected} dari {result.total_rows} baris bermasalah; tidak ada data yang disimpan."
                )
            )


class _TerminalProgress:
    """One self-overwriting line on the terminal (stderr, so --json output stays clean)."""

    def __init__(self) -> None:
        self.saving = False

    def __call__(self, done: int, total: int) -> None:
        if self.saving:
            return
        percent = 100 * done // total if total else 100
        sys.stderr.write(f"\rMemeriksa baris {_number(done)}/{_number(total)} ({percent}%)")
        if done >= total:
            self.saving = True
            sys.stderr.write("\nMenyimpan ke basis data...")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write(" selesai.\n")
        sys.stderr.flush()


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")
