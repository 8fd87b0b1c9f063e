"""The valid rows of one import turned into INSERT and UPDATE rows of families, residents and
life events, and written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from balai.people import opensid
from balai.people.imports.context import Preloaded, rt_key
from balai.people.imports.ids import public_ids, reserve_ids
from balai.people.imports.writer import IN_CHUNK, TableWriter
from balai.people.models import Family, LifeEvent, Resident
from balai.people.validation import nik_check
from balai.regions.models import Dusun, Rt, Village

if TYPE_CHECKING:
    from balai.accounts.models import User


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_RESIDENT_EXTRA = ["id", "public_id", "family_id", "rt_id", "name_key", "nik_mismatch_accepted"]
_FAMILY_INSERT = [
    "id",
    "public_id",
    "village_id",
    "kk_number",
    "head_id",
    "address",
    "rt_id",
    "is_active",
    "created_at",
    "updated_at",
]
_EVENT_INSERT = [
    "public_id",
    "village_id",
    "resident_id",
    "family_id",
    "kind",
    "event_date",
    "details",
    "note",
    "recorded_by_id",
    "recorded_at",
]


class ResidentBatch:
    """The valid rows of one import, turned into INSERT and UPDATE rows and written."""

    def __init__(
        self,
        *,
        village: Village,
        keys: tuple[str, ...],
        rows: list[opensid.ParsedRow],
        ctx: Preloaded,
        actor: User | None,
    ) -> None:
        self.village, self.keys, self.rows, self.ctx, self.actor = village, keys, rows, ctx, actor
        self.now = timezone.now()
        self.now_db = connection.ops.adapt_datetimefield_value(self.now)
        self.at = {key: i for i, key in enumerate(keys)}
        self.created: list[str] = []
        self.changes: dict[str, dict[str, Any]] = {}
        self.unchanged = 0
        self.families_created: list[str] = []
        self.family_changes: dict[str, dict[str, Any]] = {}

    def write(self) -> None:
        nik_at = self.at["nik"]
        by_nik = self.ctx.by_nik
        for row in self.rows:
            if row.temporary_nik:
                row.values[nik_at] = f"0{self.village.code_digits}{self.ctx.next_temporary:05d}"
                self.ctx.next_temporary += 1
        self.existing = [
            None if row.temporary_nik else by_nik.get(row.values[nik_at], (None,))[0] for row in self.rows
        ]
        # New residents are written in NIK order, with ids and public ids rising along it:
        # four of the table's indexes then grow at their end instead of at random places.
        self.new_order = sorted(
            (i for i, pk in enumerate(self.existing) if pk is None), key=lambda i: self.rows[i].values[nik_at]
        )
        self.resident_ids = [pk or 0 for pk in self.existing]
        for i, pk in zip(self.new_order, reserve_ids(Resident, len(self.new_order)), strict=True):
            self.resident_ids[i] = pk
        self.rt_ids = self._resolve_rts()
        family_ids = self._write_families()
        self._write_residents(family_ids)

    def _resolve_rts(self) -> list[int | None]:
        """Each row's RT id, creating missing dusuns and RTs as OpenSID does."""
        if "dusun" not in self.at:
            return [None] * len(self.rows)
        ctx, at = self.ctx, self.at
        empty = len(self.keys)  # index of the "" appended below for absent RW/RT columns
        get = itemgetter(at["dusun"], at.get("rw", empty), at.get("rt", empty))
        raw = [
            get(row.values + [""]) if "rw" not in at or "rt" not in at else get(row.values)
            for row in self.rows
        ]
        # A few hundred distinct addresses at most: normalise those, not every row.
        triple_of: dict[tuple[str, str, str], tuple[str, str, str] | None] = {
            key: (key[0], key[1] or "-", key[2] or "-") if key[0] else None for key in set(raw)
        }
        wanted = {t for t in triple_of.values() if t is not None}
        missing_dusuns = sorted({d for d, _rw, _rt in wanted if d not in ctx.dusuns})
        if missing_dusuns:
            Dusun.objects.bulk_create([Dusun(village=self.village, name=name) for name in missing_dusuns])
            for pk, name in Dusun.objects.filter(village=self.village, name__in=missing_dusuns).values_list(
                "id", "name"
            ):
                ctx.dusuns[name] = pk
        missing_rts = sorted(t for t in wanted if t not in ctx.rts)
        if missing_rts:
            Rt.objects.bulk_create(
                [Rt(village=self.village, dusun_id=ctx.dusuns[d], rw=rw, rt=rt) for d, rw, rt in missing_rts]
            )
            missing = set(missing_rts)
            for pk, dusun_name, rw, rt in Rt.objects.filter(village=self.village).values_list(
                "id", "dusun__name", "rw", "rt"
            ):
                key = rt_key(dusun_name, rw, rt)
                if key in missing:
                    ctx.rts.setdefault(key, pk)
        rt_of = {key: (ctx.rts[t] if t is not None else None) for key, t in triple_of.items()}
        return [rt_of[key] for key in raw]

    def _write_families(self) -> dict[str, int]:
        """KK number -> family id; new families are inserted with their head already set."""
        kk_at, rel_at = self.at["kk_number"], self.at.get("family_relation")
        addr_at, has_region = self.at.get("family_address"), "dusun" in self.at
        # KK -> (row describing the family: its head's, else its first; head row or None)
        plan: dict[str, tuple[int, int | None]] = {}
        for i, row in enumerate(self.rows):
            kk = row.values[kk_at]
            is_head = rel_at is not None and row.values[rel_at] == 1
            if kk not in plan:
                plan[kk] = (i, i if is_head else None)
            elif is_head:
                plan[kk] = (i, i)
        known = self.ctx.families
        new_kks = [kk for kk in plan if kk not in known]
        family_ids = {kk: values[0] for kk, values in known.items()}
        family_ids.update(zip(new_kks, reserve_ids(Family, len(new_kks)), strict=True))
        self.families_created = public_ids(len(new_kks))
        inserts = []
        for kk, public_id in zip(new_kks, self.families_created, strict=True):
            source, head = plan[kk]
            address = self.rows[source].values[addr_at] if addr_at is not None else ""
            head_id = self.resident_ids[head] if head is not None else None
            row_values = (
                family_ids[kk],
                public_id,
                self.village.pk,
                kk,
                head_id,
                address,
                self.rt_ids[source],
            )
            inserts.append((*row_values, True, self.now_db, self.now_db))
        updates = []
        for kk, (source, head) in plan.items():
            if kk not in known:
                continue
            pk, address, rt_id, head_id, active, public_id = known[kk]
            new = (
                self.rows[source].values[addr_at] if addr_at is not None else address,
                self.rt_ids[source] if has_region else rt_id,
                self.resident_ids[head] if head is not None else head_id,
                True,
            )
            old = (address, rt_id, head_id, active)
            if new != old:
                names = ("address", "rt", "head", "is_active")
                self.family_changes[public_id] = {
                    n: [a, b] for n, a, b in zip(names, old, new, strict=True) if a != b
                }
                updates.append((*new, self.now_db, pk))
        writer = TableWriter(Family)
        writer.insert(_FAMILY_INSERT, inserts)
        writer.update(["address", "rt_id", "head_id", "is_active", "updated_at"], updates)
        return family_ids

    def _write_residents(self, family_ids: dict[str, int]) -> None:
        keys, at, rows = self.keys, self.at, self.rows
        present = [k for k in keys if k not in opensid.NON_RESIDENT_KEYS]
        get_present = itemgetter(*[at[k] for k in present])
        kk_at, name_at, has_region = at["kk_number"], at["name"], "dusun" in at
        # Columns absent from the file get the model's default on new residents.
        fixed_fields = [
            f
            for f in Resident._meta.concrete_fields
            if f.attname not in present
            and f.attname not in _RESIDENT_EXTRA
            and f.attname not in ("created_at", "updated_at", "village_id")
        ]
        insert_names = [
            *present,
            *_RESIDENT_EXTRA,
            "village_id",
            "created_at",
            "updated_at",
            *(f.attname for f in fixed_fields),
        ]
        tail = (self.village.pk, self.now_db, self.now_db, *(f.get_default() for f in fixed_fields))
        old = self._old_values(present)
        rt_label = _rt_labels(self.ctx) if has_region else {}
        kk_of_family = {pk: kk for kk, pk in family_ids.items()}
        self.created = public_ids(len(self.new_order))

        def inserts() -> Iterator[tuple[Any, ...]]:
            # Made as they are written: the rows are never all in memory twice.
            for i, public_id in zip(self.new_order, self.created, strict=True):
                values = rows[i].values
                pk, family_id = self.resident_ids[i], family_ids[values[kk_at]]
                extra = (
                    pk,
                    public_id,
                    family_id,
                    self.rt_ids[i],
                    values[name_at].upper(),
                    rows[i].nik_warning,
                )
                yield get_present(values) + extra + tail

        updates: list[tuple[Any, ...]] = []
        for i, row in enumerate(rows):
            if self.existing[i] is None:
                continue
            values = row.values
            family_id = family_ids[values[kk_at]]
            pk = self.resident_ids[i]
            record = old[pk]
            public_id, old_family, old_rt, old_mismatch, old_birth = record[1:6]
            rt_id = self.rt_ids[i] if has_region else old_rt
            mismatch = row.nik_warning
            if "birth_date" not in at:
                # The check while parsing had no birth date to compare: use the stored one.
                check = nik_check(values[at["nik"]], birth_date=old_birth, sex=values[at["sex"]])
                mismatch = bool(check.warnings)
            new_values, old_values = get_present(values), record[6:]
            if (new_values, family_id, rt_id, mismatch) == (old_values, old_family, old_rt, old_mismatch):
                self.unchanged += 1
                continue
            diff = {
                name: [_json(a), _json(b)]
                for name, a, b in zip(present, old_values, new_values, strict=True)
                if a != b
            }
            if family_id != old_family:
                diff["family"] = [kk_of_family.get(old_family), values[kk_at]]
            if rt_id != old_rt:
                diff["rt"] = [rt_label.get(old_rt), rt_label.get(rt_id)]
            if mismatch != old_mismatch:
                diff["nik_mismatch_accepted"] = [old_mismatch, mismatch]
            self.changes[public_id] = diff
            updates.append(
                new_values + (family_id, rt_id, values[name_at].upper(), mismatch, self.now_db, pk)
            )
        writer = TableWriter(Resident)
        writer.insert(insert_names, inserts())
        writer.update(
            [*present, "family_id", "rt_id", "name_key", "nik_mismatch_accepted", "updated_at"], updates
        )
        self._write_events((self.resident_ids[i], family_ids[rows[i].values[kk_at]]) for i in self.new_order)

    def _old_values(self, present: list[str]) -> dict[int, tuple[Any, ...]]:
        existing_ids = [pk for pk in self.existing if pk is not None]
        old: dict[int, tuple[Any, ...]] = {}
        fields = ("id", "public_id", "family_id", "rt_id", "nik_mismatch_accepted", "birth_date", *present)
        qs = Resident.objects.filter(village=self.village)
        if len(existing_ids) > IN_CHUNK:
            # Most of the village: one pass over it is cheaper than long IN lists.
            wanted = set(existing_ids)
            for record in qs.values_list(*fields).iterator(chunk_size=10_000):
                if record[0] in wanted:
                    old[record[0]] = record
        elif existing_ids:
            old = {record[0]: record for record in qs.filter(pk__in=existing_ids).values_list(*fields)}
        return old

    def _write_events(self, events: Iterator[tuple[int, int]]) -> None:
        """A REGISTERED life event (pendataan awal) for every new resident."""
        details = LifeEvent._meta.get_field("details").get_db_prep_save({}, connection)
        head = (self.village.pk,)
        tail = (
            LifeEvent.Kind.REGISTERED.value,
            timezone.localdate(self.now),
            details,
            "",
            self.actor.pk if self.actor is not None else None,
            self.now_db,
        )
        ids = public_ids(len(self.new_order))
        rows = (
            (public_id, *head, resident_pk, family_pk, *tail)
            for public_id, (resident_pk, family_pk) in zip(ids, events, strict=True)
        )
        TableWriter(LifeEvent).insert(_EVENT_INSERT, rows)


def _rt_labels(ctx: Preloaded) -> dict[int | None, str | None]:
    labels: dict[int | None, str | None] = {None: None}
    for (dusun, rw, rt), pk in ctx.rts.items():
        labels[pk] = f"{dusun} RW {rw} RT {rt}"
    return labels
