"""The valid rows of one import turned into INSERT and UPDATE rows of families, residents and
life events, and written batch by batch."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from balai.people import opensid
from balai.people.imports.context import Preloaded, rt_key
from balai.people.imports.ids import IdPool, public_ids
from balai.people.imports.writer import BulkForeignKeys, TableWriter, chunks
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


class ResidentStream:
    """The valid rows of one import, written batch by batch as the file is read.

    Residents and their life events go in with each batch; families are written once the
    whole file is read (`finish`), because the row that describes a family (its head's, else
    its first) may come after its members. Members point at their family's id, reserved when
    its KK is first seen: foreign keys are checked at commit (Django declares them
    deferrable), when every family is there.
    """

    def __init__(
        self,
        *,
        village: Village,
        keys: tuple[str, ...],
        ctx: Preloaded,
        actor: User | None,
        foreign_keys: BulkForeignKeys | None = None,
    ) -> None:
        self.village, self.keys, self.ctx, self.actor = village, keys, ctx, actor
        self.foreign_keys = foreign_keys
        self.now = timezone.now()
        # On PostgreSQL the time as ISO text, the same in every row: psycopg dumped the
        # datetime again for each of them, a third of the COPY's formatting of a resident row
        # (0.45 of 1.3 CPU-s per 100,000 residents, the import's writer being its longest chain).
        self.now_db = (
            self.now.isoformat()
            if connection.vendor == "postgresql"
            else connection.ops.adapt_datetimefield_value(self.now)
        )
        self.at = at = {key: i for i, key in enumerate(keys)}
        self.created: list[str] = []
        self.changes: dict[str, dict[str, Any]] = {}
        self.unchanged = 0
        self.families_created: list[str] = []
        self.family_changes: dict[str, dict[str, Any]] = {}
        self.resident_pool, self.family_pool = IdPool(Resident), IdPool(Family)
        self.family_ids = {kk: values[0] for kk, values in ctx.families.items()}
        self.kk_of_family = {pk: kk for kk, pk in self.family_ids.items()}
        # KK -> (address on the row describing the family, that row's RT id, head's id):
        # the family's head row once seen, else its first row.
        self.plan: dict[str, tuple[Any, int | None, int | None]] = {}
        self.inserted: dict[str, tuple[Any, int | None, int | None]] = {}  # new KK -> plan as written
        self.present = [k for k in keys if k not in opensid.NON_RESIDENT_KEYS]
        self.get_present = itemgetter(*[at[k] for k in self.present])
        # Columns absent from the file get the model's default on new residents.
        fixed_fields = [
            f
            for f in Resident._meta.concrete_fields
            if f.attname not in self.present
            and f.attname not in _RESIDENT_EXTRA
            and f.attname not in ("created_at", "updated_at", "village_id")
        ]
        self.insert_names = [
            *self.present,
            *_RESIDENT_EXTRA,
            "village_id",
            "created_at",
            "updated_at",
            *(f.attname for f in fixed_fields),
        ]
        self.tail = (village.pk, self.now_db, self.now_db, *(f.get_default() for f in fixed_fields))
        self.residents = TableWriter(Resident)
        self.families = TableWriter(Family)
        self.events = TableWriter(LifeEvent)

    def write(self, rows: list[opensid.ParsedRow]) -> None:
        """Write one batch of rows (none repeats a NIK of an earlier batch)."""
        if not rows:
            return
        nik_at = self.at["nik"]
        by_nik = self.ctx.by_nik
        existing = [None if row.temporary_nik else by_nik.get(row.values[nik_at], (None,))[0] for row in rows]
        # New residents are written in NIK order, with ids and public ids rising along it:
        # four of the table's indexes then grow at their end instead of at random places.
        new_order = sorted(
            (i for i, pk in enumerate(existing) if pk is None), key=lambda i: rows[i].values[nik_at]
        )
        resident_ids = [pk or 0 for pk in existing]
        for i, pk in zip(new_order, self.resident_pool.take(len(new_order)), strict=True):
            resident_ids[i] = pk
        rt_ids = self._resolve_rts(rows)
        self._plan_families(rows, resident_ids, rt_ids)
        self._write_residents(rows, existing, new_order, resident_ids, rt_ids)

    def _resolve_rts(self, rows: list[opensid.ParsedRow]) -> list[int | None]:
        """Each row's RT id, creating missing dusuns and RTs as OpenSID does."""
        if "dusun" not in self.at:
            return [None] * len(rows)
        ctx, at = self.ctx, self.at
        empty = len(self.keys)  # index of the "" appended below for absent RW/RT columns
        get = itemgetter(at["dusun"], at.get("rw", empty), at.get("rt", empty))
        raw = [
            get(row.values + [""]) if "rw" not in at or "rt" not in at else get(row.values) for row in rows
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

    def _plan_families(
        self, rows: list[opensid.ParsedRow], resident_ids: list[int], rt_ids: list[int | None]
    ) -> None:
        kk_at, rel_at, addr_at = (
            self.at["kk_number"],
            self.at.get("family_relation"),
            self.at.get("family_address"),
        )
        plan, family_ids = self.plan, self.family_ids
        new_kks: list[str] = []
        for i, row in enumerate(rows):
            values = row.values
            kk = values[kk_at]
            is_head = rel_at is not None and values[rel_at] == 1
            if kk not in plan:
                if kk not in family_ids:
                    new_kks.append(kk)
            elif not is_head:
                continue
            address = values[addr_at] if addr_at is not None else None
            plan[kk] = (address, rt_ids[i], resident_ids[i] if is_head else None)
        family_ids.update(zip(new_kks, self.family_pool.take(len(new_kks)), strict=True))
        # New families go in before their members, as far as the file has described them;
        # what a later batch changes (a head after its members) is updated in `finish`.
        created = public_ids(len(new_kks))
        self.families_created += created
        inserts = []
        for kk, public_id in zip(new_kks, created, strict=True):
            address, rt_id, head_id = self.inserted[kk] = plan[kk]
            row_values = (family_ids[kk], public_id, self.village.pk, kk, head_id, address or "", rt_id)
            inserts.append((*row_values, True, self.now_db, self.now_db))
        if inserts:
            self.families.insert(_FAMILY_INSERT, inserts, keys=self.foreign_keys)

    def finish(self) -> None:
        """The families as the whole file describes them, once every row has been written."""
        has_region = "dusun" in self.at
        known, plan, family_ids = self.ctx.families, self.plan, self.family_ids
        described_later = []
        for kk, written in self.inserted.items():
            address, rt_id, head_id = plan[kk]
            if (address, rt_id, head_id) != written:
                described_later.append((address or "", rt_id, head_id, family_ids[kk]))
        self.families.update(["address", "rt_id", "head_id"], described_later)
        updates = []
        for kk, (address, rt_id, head_id) in plan.items():
            if kk not in known:
                continue
            pk, old_address, old_rt, old_head, active, public_id = known[kk]
            new = (
                address if address is not None else old_address,
                rt_id if has_region else old_rt,
                head_id if head_id is not None else old_head,
                True,
            )
            old = (old_address, old_rt, old_head, active)
            if new != old:
                names = ("address", "rt", "head", "is_active")
                self.family_changes[public_id] = {
                    n: [a, b] for n, a, b in zip(names, old, new, strict=True) if a != b
                }
                updates.append((*new, self.now_db, pk))
        self.families.update(["address", "rt_id", "head_id", "is_active", "updated_at"], updates)

    def _write_residents(
        self,
        rows: list[opensid.ParsedRow],
        existing: list[int | None],
        new_order: list[int],
        resident_ids: list[int],
        rt_ids: list[int | None],
    ) -> None:
        at, present, get_present, tail = self.at, self.present, self.get_present, self.tail
        kk_at, name_at, has_region = at["kk_number"], at["name"], "dusun" in at
        family_ids = self.family_ids
        old = self._old_values(existing)
        created = public_ids(len(new_order))
        self.created += created

        def inserts() -> Iterator[tuple[Any, ...]]:
            # Made as they are written: the rows are never all in memory twice.
            for i, public_id in zip(new_order, created, strict=True):
                values = rows[i].values
                extra = (
                    resident_ids[i],
                    public_id,
                    family_ids[values[kk_at]],
                    rt_ids[i],
                    values[name_at].upper(),
                    rows[i].nik_warning,
                )
                yield get_present(values) + extra + tail

        updates: list[tuple[Any, ...]] = []
        rt_label = _rt_labels(self.ctx) if has_region and old else {}
        for i, row in enumerate(rows):
            if existing[i] is None:
                continue
            values = row.values
            family_id = family_ids[values[kk_at]]
            pk = resident_ids[i]
            record = old[pk]
            public_id, old_family, old_rt, old_mismatch, old_birth = record[1:6]
            rt_id = rt_ids[i] if has_region else old_rt
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
                diff["family"] = [self.kk_of_family.get(old_family), values[kk_at]]
            if rt_id != old_rt:
                diff["rt"] = [rt_label.get(old_rt), rt_label.get(rt_id)]
            if mismatch != old_mismatch:
                diff["nik_mismatch_accepted"] = [old_mismatch, mismatch]
            self.changes[public_id] = diff
            updates.append(
                new_values + (family_id, rt_id, values[name_at].upper(), mismatch, self.now_db, pk)
            )
        self.residents.insert(self.insert_names, inserts(), keys=self.foreign_keys)
        self.residents.update(
            [*present, "family_id", "rt_id", "name_key", "nik_mismatch_accepted", "updated_at"], updates
        )
        self._write_events((resident_ids[i], family_ids[rows[i].values[kk_at]]) for i in new_order)
        if self.foreign_keys is not None:
            self.foreign_keys.verify()

    def _old_values(self, existing: list[int | None]) -> dict[int, tuple[Any, ...]]:
        existing_ids = [pk for pk in existing if pk is not None]
        fields = (
            "id",
            "public_id",
            "family_id",
            "rt_id",
            "nik_mismatch_accepted",
            "birth_date",
            *self.present,
        )
        qs = Resident.objects.filter(village=self.village)
        # The file's dates come as ISO text (see residents._plain): the stored ones too, to compare.
        dates = [6 + i for i, key in enumerate(self.present) if key in opensid.DATE_KEYS]
        old: dict[int, tuple[Any, ...]] = {}
        for chunk in chunks(existing_ids):
            for record in qs.filter(pk__in=chunk).values_list(*fields):
                if dates:
                    values = list(record)
                    for i in dates:
                        if values[i] is not None:
                            values[i] = values[i].isoformat()
                    record = tuple(values)
                old[record[0]] = record
        return old

    def _write_events(self, events: Iterator[tuple[int, int]]) -> None:
        """A REGISTERED life event (pendataan awal) for every new resident."""
        # The empty details as JSON text, the same in every row: Django's value for
        # PostgreSQL is an adapter object that COPY dumped again for each of 100,000 rows.
        details = json.dumps({})
        head = (self.village.pk,)
        tail = (
            LifeEvent.Kind.REGISTERED.value,
            timezone.localdate(self.now).isoformat(),  # as text: no adapter call per row
            details,
            "",
            self.actor.pk if self.actor is not None else None,
            self.now_db,
        )
        rows = list(events)
        ids = public_ids(len(rows))
        self.events.insert(
            _EVENT_INSERT,
            (
                (public_id, *head, resident_pk, family_pk, *tail)
                for public_id, (resident_pk, family_pk) in zip(ids, rows, strict=True)
            ),
            keys=self.foreign_keys,
        )


def _rt_labels(ctx: Preloaded) -> dict[int | None, str | None]:
    labels: dict[int | None, str | None] = {None: None}
    for (dusun, rw, rt), pk in ctx.rts.items():
        labels[pk] = f"{dusun} RW {rw} RT {rt}"
    return labels
