"""Open data for the regency's Satu Data portal: aggregated monthly village figures, small
cells suppressed, as CSV and through a CKAN-compatible action API (`package_list`,
`package_show`, `datastore_search`) that a CKAN harvester reads like any other CKAN site.

Nothing personal: the figures are counts per village and month from the frozen snapshots, and
every count between 1 and SMALL_CELL−1 is blank (see `exports.table_csv`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import QuerySet

from balai.core.dates import Month
from balai.regency import exports
from balai.regency import figures as F
from balai.regency.selectors import regency_table, snapshot_months
from balai.regions.models import Village
from balai.regions.selectors import deployment_regency_code, region_names, village_list

PACKAGE = "angka-desa-bulanan"


def _villages() -> QuerySet[Village]:
    return village_list()


def months() -> list[Month]:
    return snapshot_months(villages=_villages())


def month_csv(month: Month) -> str:
    return exports.table_csv(regency_table(villages=_villages(), month=month), suppress=True)


def month_records(month: Month) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(month_csv(month))))


def package(base_url: str) -> dict[str, Any]:
    regency = region_names().get(deployment_regency_code(), deployment_regency_code())
    found = months()
    return {
        "id": PACKAGE,
        "name": PACKAGE,
        "title": f"Angka desa bulanan {regency}",
        "notes": (
            "Jumlah penduduk, peristiwa, layanan dan kesehatan per desa per bulan, dari snapshot bulanan Balai "
            f"yang dibekukan tiap tanggal 1. Angka 1–{exports.SMALL_CELL - 1} disamarkan (kosong) demi privasi."
        ),
        "license_id": "cc-by",
        "organization": {"name": "dispermades", "title": f"Dispermades {regency}"},
        "metadata_modified": max((m.first.isoformat() for m in found), default=None),
        "extras": [
            {"key": "frekuensi", "value": "bulanan"},
            {"key": "sumber", "value": exports.SOURCE},
            {"key": "ms_var", "value": exports.metadata()},
        ],
        "resources": [
            {
                "id": f"{PACKAGE}-{m}",
                "name": f"Angka desa {m.label}",
                "format": "CSV",
                "url": f"{base_url}angka-{m}.csv",
                "datastore_active": True,
            }
            for m in found
        ],
        "num_resources": len(found),
    }


def fields() -> list[dict[str, str]]:
    base = [
        ("bulan", "text"),
        ("kode_kecamatan", "text"),
        ("kecamatan", "text"),
        ("kode_desa", "text"),
        ("desa", "text"),
    ]
    return [{"id": k, "type": t} for k, t in base] + [
        {"id": f.key, "type": "numeric" if f.kind == "rate" else "int"} for f in F.FIGURES
    ]
