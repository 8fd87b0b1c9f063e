from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from balai.core.db.compiled import CompiledQuery
from balai.regions.models import Dusun, Region, Rt, Village

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read_codes(name: str) -> list[tuple[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        return [(row["kode"], row["nama"]) for row in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def nik_region_prefixes() -> frozenset[str]:
    """Six-digit province+regency+district prefixes, current and historic.

    Read from the shipped CSV files rather than the database so NIK validation works
    before `load-regions` ran and costs no query.
    """
    prefixes: set[str] = set()
    for name in ("wilayah.csv", "wilayah_historic.csv"):
        for code, _ in _read_codes(name):
            parts = code.split(".")
            if len(parts) >= 3:
                prefixes.add("".join(parts[:3]))
    return frozenset(prefixes)


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    return dict(_read_codes("wilayah.csv"))


def deployment_regency_code() -> str:
    return str(settings.BALAI_REGENCY_CODE)


def village_list(*, district_code: str | None = None) -> QuerySet[Village]:
    qs = Village.objects.filter(regency_code=deployment_regency_code(), is_active=True)
    if district_code:
        qs = qs.filter(district_code=district_code)
    return qs.order_by("code")


def dusun_list(*, village: Village) -> QuerySet[Dusun]:
    return Dusun.objects.filter(village=village).order_by("name")


def rt_list(*, village: Village) -> QuerySet[Rt]:
    return Rt.objects.filter(village=village).select_related("dusun").order_by("dusun__name", "rw", "rt")


# Every resident list page asks: compiled once (balai/core/db/compiled.py).
_RT_CHOICES = CompiledQuery(
    Rt,
    lambda _shape, village_id: (
        Rt.objects.filter(village_id=village_id)
        .order_by("dusun__name", "rw", "rt")
        .values_list("pk", "dusun_id", "dusun__name", "rw", "rt")
    ),
)


def rt_choices(*, village: Village) -> list[tuple[int, int, str, str, str]]:
    """(rt id, dusun id, dusun name, rw, rt) for filter menus, without building models."""
    return _RT_CHOICES.rows(village.pk)


def regency_districts() -> list[tuple[str, str]]:
    prefix = deployment_regency_code() + "."
    return [
        (code, name)
        for code, name in region_names().items()
        if code.startswith(prefix) and code.count(".") == 2
    ]


def region_villages_of_regency() -> QuerySet[Region]:
    return Region.objects.filter(
        level=Region.Level.VILLAGE, is_current=True, code__startswith=deployment_regency_code() + "."
    )


def deployment_villages() -> QuerySet[Village]:
    """Every village the deployment has served, deactivated ones included (for Dispermades)."""
    return Village.objects.filter(regency_code=deployment_regency_code()).order_by("code")


def regency_village_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The regency's villages from the region list, grouped by district: (district, [(code, name)])."""
    names = region_names()
    prefix = deployment_regency_code() + "."
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name in names.items():
        if code.startswith(prefix) and code.count(".") == 3:
            groups.setdefault(code.rsplit(".", 1)[0], []).append((code, name))
    return [(f"{names.get(d, d)} ({d})", sorted(v)) for d, v in sorted(groups.items())]
