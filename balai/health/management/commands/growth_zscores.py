"""`balai growth-zscores IN.csv -o OUT.csv`: WHO z-scores and Permenkes categories for a file.

Input columns: sex (1/2 or L/P), age_days, weight_kg, height_cm, measured (l/h, may be empty),
oedema (y/n, may be empty); other columns are copied through. Comma or semicolon separated;
a decimal comma ("12,5") is accepted. Every input row is written back, in order, with the
z-scores (2 decimals), their categories (codes of `balai.health.classify.LABELS`) and
`flags` (indicators WHO marks implausible, separated by ";"). Empty means not applicable.
A row that cannot be used is written with empty results and reported on stderr with its
line number. Exit status: 0 all rows used, 1 some rows reported, 2 usage error.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.health.classify import classify
from balai.health.who import growth_z, parse_sex

REQUIRED = ("sex", "age_days", "weight_kg", "height_cm")
OPTIONAL = ("measured", "oedema")
RESULT_COLUMNS = ("z_lhfa", "z_wfa", "z_wflh", "z_bmi", "cat_lhfa", "cat_wfa", "cat_wflh", "cat_bmi", "flags")


class RowError(ValueError):
    pass


def _number(row: dict[str, str], column: str, *, required: bool) -> float | None:
    text = (row.get(column) or "").strip().replace(",", ".")
    if not text:
        if required:
            raise RowError(f"kolom {column} kosong")
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(f"kolom {column} bukan angka: {text!r}")
    if value != value or value < 0 or value in (float("inf"), float("-inf")):
        raise RowError(f"kolom {column} tidak valid: {text!r}")
    return value


def _z(value: float | None) -> str:
    # + 0.0 turns -0.0 into 0.0 so a rounded zero is never written as "-0.00".
    return "" if value is None else f"{value + 0.0:.2f}"


def score_row(row: dict[str, str]) -> dict[str, str]:
    """The result columns for one input row; raises RowError naming the bad field."""
    sex = parse_sex(row.get("sex"))
    if sex is None:
        raise RowError(f"kolom sex harus 1/2 atau L/P, bukan {(row.get('sex') or '').strip()!r}")
    age = _number(row, "age_days", required=True)
    weight = _number(row, "weight_kg", required=False)
    height = _number(row, "height_cm", required=False)
    if weight is None and height is None:
        raise RowError("weight_kg dan height_cm keduanya kosong")
    measured = (row.get("measured") or "").strip().lower()
    if measured not in {"", "l", "h"}:
        raise RowError(f"kolom measured harus l, h atau kosong, bukan {measured!r}")
    oedema = (row.get("oedema") or "").strip().lower()
    if oedema not in {"", "y", "n"}:
        raise RowError(f"kolom oedema harus y, n atau kosong, bukan {oedema!r}")
    z = growth_z(
        sex=sex,
        age_days=age,
        weight_kg=weight,
        lenhei_cm=height,
        measured=measured or None,
        oedema=oedema == "y",
    )
    cats = classify(z)
    return {
        "z_lhfa": _z(z.lhfa),
        "z_wfa": _z(z.wfa),
        "z_wflh": _z(z.wflh),
        "z_bmi": _z(z.bmifa),
        "cat_lhfa": cats.lhfa or "",
        "cat_wfa": cats.wfa or "",
        "cat_wflh": cats.wflh or "",
        "cat_bmi": cats.bmi or "",
        "flags": ";".join(sorted(z.flags)),
    }


class Command(BaseCommand):
    # A data command: the system checks take time and check nothing it uses.
    requires_system_checks: list[str] = []
    help = "Hitung z-score WHO dan kategori Permenkes 2/2020 untuk berkas CSV pengukuran anak."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", metavar="IN.csv")
        parser.add_argument("-o", "--output", required=True, metavar="OUT.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["input"])
        target = Path(options["output"])
        if not source.is_file():
            raise CommandError(f"Berkas {str(source)!r} tidak ada.", returncode=2)
        if not target.parent.is_dir():
            raise CommandError(f"Folder untuk {str(target)!r} tidak ada.", returncode=2)
        try:
            text = source.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"Berkas {str(source)!r} bukan teks UTF-8.", returncode=2)
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise CommandError(f"Kolom wajib tidak ada: {', '.join(missing)}.", returncode=2)
        clashing = [name for name in RESULT_COLUMNS if name in header]
        if clashing:
            raise CommandError(f"Kolom hasil sudah ada di masukan: {', '.join(clashing)}.", returncode=2)

        used = reported = 0
        empty = dict.fromkeys(RESULT_COLUMNS, "")
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[*header, *RESULT_COLUMNS], delimiter=delimiter)
            writer.writeheader()
            for row in reader:
                values = {name: row.get(name) or "" for name in header}
                try:
                    result = score_row(row)
                    used += 1
                except RowError as error:
                    result = empty
                    reported += 1
                    self.stderr.write(f"baris {reader.line_num}: {error}")
                writer.writerow({**values, **result})
        self.stdout.write(f"{used} baris dihitung, {reported} baris dilaporkan; hasil di {target}.")
        if reported:
            raise SystemExit(1)
