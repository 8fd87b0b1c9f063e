"""The error report of an import as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any


def _csv_cell(value: object) -> str:
    # A cell starting with = + - @ runs as a formula when the CSV is opened in a spreadsheet.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_errors_csv(errors: Iterable[dict[str, Any]], fh: Any) -> None:
    """The error report: one line per problem, `row,column,message` (row empty for the file)."""
    writer = csv.writer(fh)
    writer.writerow(["row", "column", "message"])
    for error in errors:
        writer.writerow(
            [
                error["row"] if error["row"] is not None else "",
                _csv_cell(error["column"]),
                _csv_cell(error["message"]),
            ]
        )
