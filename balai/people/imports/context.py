"""What the database already holds for an import (NIKs, families, RTs, dusuns), read up
front in a few queries, and the keys an address unit is matched by."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from balai.people import codes, opensid
from balai.people.imports.writer import chunks
from balai.people.models import Family, Resident
from balai.people.services import next_temporary_sequence
from balai.regions.models import Dusun, Rt, Village


@dataclass
class Preloaded:
    """What the database already holds for this import, read up front."""

    by_nik: dict[str, tuple[int, int]]  # nik -> (resident id, status) in this village
    families: dict[
        str, tuple[int, str, int | None, int | None, bool, str]
    ]  # kk -> id, address, rt, head, active, public_id
    rts: dict[tuple[str, str, str], int]
    dusuns: dict[str, int]
    next_temporary: int  # the village's next temporary NIK number, before the file is read


def preload(village: Village) -> Preloaded:
    by_nik: dict[str, tuple[int, int]] = {}
    for nik, pk, status in Resident.objects.filter(village=village).values_list("nik", "id", "status"):
        known = by_nik.get(nik)
        # Prefer the living record; otherwise the latest one.
        if known is None or (
            known[1] != codes.STATUS_ALIVE and (status == codes.STATUS_ALIVE or pk > known[0])
        ):
            by_nik[nik] = (pk, status)
    families: dict[str, tuple[int, str, int | None, int | None, bool, str]] = {
        kk: (pk, address, rt_id, head_id, active, public_id)
        for kk, pk, address, rt_id, head_id, active, public_id in Family.objects.filter(
            village=village
        ).values_list("kk_number", "id", "address", "rt_id", "head_id", "is_active", "public_id")
    }
    dusuns: dict[str, int] = {}
    for pk, name in Dusun.objects.filter(village=village).values_list("id", "name").order_by("id"):
        dusuns.setdefault(dusun_key(name), pk)
    rts: dict[tuple[str, str, str], int] = {}
    for pk, dusun_name, rw, rt in (
        Rt.objects.filter(village=village).values_list("id", "dusun__name", "rw", "rt").order_by("id")
    ):
        rts.setdefault(rt_key(dusun_name, rw, rt), pk)
    start = next_temporary_sequence(village=village, model=Resident)
    return Preloaded(by_nik, families, rts, dusuns, start)


def alive_elsewhere(village: Village, ctx: Preloaded, niks: list[str]) -> set[str]:
    """Those of `niks` (not temporary) that belong to a living resident of another village."""
    outside = [nik for nik in niks if ctx.by_nik.get(nik, (0, 0))[1] != codes.STATUS_ALIVE]
    # Raw SQL: Django prepares each element of a large IN list in Python, which cost more
    # than the query itself (about 1 s for 100,000 NIKs).
    table = connection.ops.quote_name(Resident._meta.db_table)
    found: set[str] = set()
    with connection.cursor() as cursor:
        for chunk in chunks(outside):
            if connection.vendor == "postgresql":
                # One text parameter, split by the server: psycopg dumped the list element by
                # element, a fifth of a second of the writer's time per 100,000 NIKs. A NIK
                # here is 16 digits (opensid's check), never a comma.
                where, params = "nik = ANY(string_to_array(%s, ','))", [",".join(chunk)]
            else:
                where, params = f"nik IN ({', '.join(['%s'] * len(chunk))})", list(chunk)
            cursor.execute(
                # Unary plus keeps SQLite on the NIK index instead of scanning all living residents.
                f"SELECT nik FROM {table} WHERE {where} AND +status = %s AND +village_id <> %s",
                [*params, codes.STATUS_ALIVE, village.pk],
            )
            found.update(nik for (nik,) in cursor.fetchall())
    return found


def dusun_key(name: str) -> str:
    try:
        return str(opensid._dusun_converter(name))
    except opensid.CellError:
        return name


def rt_key(dusun: str, rw: str, rt: str) -> tuple[str, str, str]:
    """An address unit as the file spells it, so "Krajan"/"1"/"2" typed in the UI matches
    "KRAJAN"/"001"/"002" from a spreadsheet."""
    try:
        return (dusun_key(dusun), opensid._rw_rt_converter(rw) or "-", opensid._rw_rt_converter(rt) or "-")
    except opensid.CellError:
        return (dusun_key(dusun), rw, rt)
