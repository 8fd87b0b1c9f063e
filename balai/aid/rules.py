"""Targeting rules in data: the fields rules may name, validation, and set-wise evaluation.

A programme's rules are rows (`Criterion`): `field operator value`. Kinds:

- eligibility: all must pass;
- priority: a family passing a tier-n rule is ranked in tier n (the lowest passing tier wins;
  families passing none come after every tier);
- score: indicators whose weights sum to exactly 100; a family scores the weights of the
  indicators it passes (0–100), a proxy-means-test style ranking inside a tier.

Exclusions name other programmes: their active recipients (or the families passing their
rules) are excluded. Ranking: tier, then score (high first), then official decile (low first).

Evaluation is columnar: one SQL aggregate per group of fields over the families in scope,
then one Python pass per rule over each column, never a query per family. A value that is
not known (no survey, no decile) fails every rule that reads it, and the explanation says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from balai.aid.models import Criterion, OfficialDecile, Recipient, WelfareSurvey
from balai.people import codes
from balai.people.models import Family, Resident

Op = Criterion.Operator
Kind = Criterion.Kind

CIVIL_SERVICE_OCCUPATIONS = (5, 6, 7)  # PNS, TNI, Polri (people.codes.OCCUPATION)
DISABLED_CODES = (1, 2, 3, 4, 5, 6)  # every DISABILITY code but 7 "TIDAK CACAT"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: Any  # lazy translation
    kind: str  # int | number | bool | choice | set
    group: str  # registry | welfare | decile | programme
    choices: dict[Any, str] | None = None
    minimum: float | None = None
    maximum: float | None = None


def _choices(enum: Any) -> dict[Any, str]:
    return {value: str(label) for value, label in enum.choices}


W = WelfareSurvey
FIELDS: dict[str, FieldSpec] = {
    f.key: f
    for f in [
        FieldSpec("desil", _lazy("Desil DTSEN"), "int", "decile", minimum=1, maximum=10),
        FieldSpec("member_count", _lazy("Jumlah anggota keluarga"), "int", "registry", minimum=0),
        FieldSpec("children_under5", _lazy("Jumlah anak balita (< 5 th)"), "int", "registry", minimum=0),
        FieldSpec("has_child_under5", _lazy("Ada anak balita"), "bool", "registry"),
        FieldSpec(
            "school_age_children", _lazy("Jumlah anak usia sekolah (6–18 th)"), "int", "registry", minimum=0
        ),
        FieldSpec("elderly_count", _lazy("Jumlah lansia (≥ 60 th)"), "int", "registry", minimum=0),
        FieldSpec("has_elderly_70", _lazy("Ada lansia ≥ 70 th"), "bool", "registry"),
        FieldSpec(
            "has_disabled_registry", _lazy("Ada penyandang disabilitas (data penduduk)"), "bool", "registry"
        ),
        FieldSpec("has_pregnant", _lazy("Ada ibu hamil"), "bool", "registry"),
        FieldSpec("has_civil_servant", _lazy("Ada anggota PNS/TNI/Polri"), "bool", "registry"),
        FieldSpec(
            "occupations",
            _lazy("Pekerjaan anggota keluarga"),
            "set",
            "registry",
            choices=dict(codes.OCCUPATION),
        ),
        FieldSpec(
            "head_sex", _lazy("Jenis kelamin kepala keluarga"), "choice", "registry", choices=dict(codes.SEX)
        ),
        FieldSpec("head_age", _lazy("Umur kepala keluarga"), "int", "registry", minimum=0),
        FieldSpec(
            "head_occupation",
            _lazy("Pekerjaan kepala keluarga"),
            "choice",
            "registry",
            choices=dict(codes.OCCUPATION),
        ),
        FieldSpec("surveyed", _lazy("Sudah didata kesejahteraan"), "bool", "welfare"),
        FieldSpec("floor", _lazy("Jenis lantai"), "choice", "welfare", choices=_choices(W.Floor)),
        FieldSpec("wall", _lazy("Jenis dinding"), "choice", "welfare", choices=_choices(W.Wall)),
        FieldSpec("roof", _lazy("Jenis atap"), "choice", "welfare", choices=_choices(W.Roof)),
        FieldSpec(
            "ownership", _lazy("Status kepemilikan rumah"), "choice", "welfare", choices=_choices(W.Ownership)
        ),
        FieldSpec("water", _lazy("Sumber air minum"), "choice", "welfare", choices=_choices(W.Water)),
        FieldSpec("sanitation", _lazy("Fasilitas BAB"), "choice", "welfare", choices=_choices(W.Sanitation)),
        FieldSpec("energy", _lazy("Sumber penerangan"), "choice", "welfare", choices=_choices(W.Energy)),
        FieldSpec(
            "cooking_fuel", _lazy("Bahan bakar memasak"), "choice", "welfare", choices=_choices(W.CookingFuel)
        ),
        FieldSpec("floor_area_m2", _lazy("Luas lantai (m²)"), "number", "welfare", minimum=0),
        FieldSpec(
            "floor_area_per_person", _lazy("Luas lantai per orang (m²)"), "number", "welfare", minimum=0
        ),
        FieldSpec("has_motorcycle", _lazy("Punya sepeda motor"), "bool", "welfare"),
        FieldSpec("has_car", _lazy("Punya mobil"), "bool", "welfare"),
        FieldSpec("has_refrigerator", _lazy("Punya kulkas"), "bool", "welfare"),
        FieldSpec("has_gold_savings", _lazy("Punya emas/tabungan ≥ Rp500.000"), "bool", "welfare"),
        FieldSpec("land_m2", _lazy("Luas lahan dimiliki (m²)"), "number", "welfare", minimum=0),
        FieldSpec("livestock_units", _lazy("Jumlah ternak besar"), "int", "welfare", minimum=0),
        FieldSpec("monthly_income", _lazy("Penghasilan per bulan (Rp)"), "number", "welfare", minimum=0),
        FieldSpec(
            "income_per_person", _lazy("Penghasilan per orang per bulan (Rp)"), "number", "welfare", minimum=0
        ),
        FieldSpec(
            "income_sources", _lazy("Sumber penghasilan"), "set", "welfare", choices=_choices(W.Income)
        ),
        FieldSpec("has_disabled_member", _lazy("Ada anggota disabilitas (survei)"), "bool", "welfare"),
        FieldSpec("has_chronic_illness", _lazy("Ada anggota sakit kronis"), "bool", "welfare"),
        FieldSpec("elderly_alone", _lazy("Lansia tinggal sendiri"), "bool", "welfare"),
        FieldSpec("female_head", _lazy("Kepala keluarga perempuan (survei)"), "bool", "welfare"),
        FieldSpec("programmes", _lazy("Program yang sedang diterima (kode)"), "set", "programme"),
    ]
}

OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {
    "int": (Op.EQ, Op.NE, Op.LT, Op.LTE, Op.GT, Op.GTE, Op.IN, Op.NOT_IN),
    "number": (Op.EQ, Op.NE, Op.LT, Op.LTE, Op.GT, Op.GTE),
    "bool": (Op.IS_TRUE, Op.IS_FALSE),
    "choice": (Op.EQ, Op.NE, Op.IN, Op.NOT_IN),
    # On a set: IN = any member is one of the values; NOT_IN = none is.
    "set": (Op.IN, Op.NOT_IN),
}
OPERATOR_WORDS: dict[str, Any] = {
    Op.EQ: "=",
    Op.NE: "≠",
    Op.LT: "<",
    Op.LTE: "≤",
    Op.GT: ">",
    Op.GTE: "≥",
    Op.IN: _lazy("salah satu dari"),
    Op.NOT_IN: _lazy("bukan"),
    Op.IS_TRUE: _lazy("ya"),
    Op.IS_FALSE: _lazy("tidak"),
}
SCORE_TOTAL = 100


class RuleError(Exception):
    """The rules as given cannot be saved or evaluated; `messages` are Indonesian, per row."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Rule:
    kind: str
    field: str
    operator: str
    value: Any = None
    weight: int = 0
    tier: int = 0
    label: str = ""

    def describe(self) -> str:
        spec = FIELDS.get(self.field)
        name = str(spec.label) if spec else self.field
        if self.operator in (Op.IS_TRUE, Op.IS_FALSE):
            text = f"{name}: {OPERATOR_WORDS[self.operator]}"
        else:
            text = (
                f"{name} {OPERATOR_WORDS.get(self.operator, self.operator)} {display_value(spec, self.value)}"
            )
        return self.label or text


@dataclass(frozen=True)
class Exclusion:
    programme_id: int
    name: str
    code: str
    basis: str  # recipient | eligible
    reason: str = ""


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)

    def of(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


def display_value(spec: FieldSpec | None, value: Any) -> str:
    if value is None:
        return _("(tidak ada data)")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(display_value(spec, v) for v in sorted(value, key=str)) or "—"
    if spec is not None and spec.choices and value in spec.choices:
        return str(spec.choices[value])
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "·").replace(".", ",").replace("·", ".")
    return str(value)


# --- Validation ---------------------------------------------------------------------------


def _coerce(spec: FieldSpec, raw: Any, where: str) -> Any:
    """The value as the field's type, or RuleError naming the row."""

    def number(x: Any) -> float:
        try:
            v = float(str(x).replace(",", "."))
        except ValueError:
            raise RuleError(
                [_("%(where)s: nilai \u201c%(value)s\u201d bukan angka.") % {"where": where, "value": x}]
            )
        if (spec.minimum is not None and v < spec.minimum) or (spec.maximum is not None and v > spec.maximum):
            bounds = (
                f"{spec.minimum:g}–{spec.maximum:g}" if spec.maximum is not None else f"≥ {spec.minimum:g}"
            )
            raise RuleError(
                [
                    _("%(where)s: nilai %(field)s harus %(bounds)s.")
                    % {"where": where, "field": spec.label, "bounds": bounds}
                ]
            )
        return int(v) if spec.kind == "int" and v == int(v) else v

    def choice(x: Any) -> Any:
        assert spec.choices is not None
        for key in spec.choices:
            if str(key) == str(x).strip():
                return key
        raise RuleError(
            [
                _("%(where)s: \u201c%(value)s\u201d bukan pilihan yang sah untuk %(field)s.")
                % {"where": where, "value": x, "field": spec.label}
            ]
        )

    def one(x: Any) -> Any:
        if spec.kind in ("int", "number"):
            return number(x)
        if spec.choices:
            return choice(x)
        text = str(x).strip()
        if not text:
            raise RuleError([_("%(where)s: nilai kosong.") % {"where": where}])
        return text

    if isinstance(raw, str) and spec.kind in ("set", "choice", "int") and "," in raw:
        raw = [p for p in raw.split(",") if p.strip()]
    if isinstance(raw, (list, tuple)):
        values = [one(x) for x in raw]
        if not values:
            raise RuleError([_("%(where)s: nilai kosong.") % {"where": where}])
        return sorted(set(values), key=str)
    if raw is None or raw == "":
        raise RuleError([_("%(where)s: nilai harus diisi.") % {"where": where}])
    return one(raw)


def normalise(rule: Rule, position: int) -> Rule:
    """The rule with its value coerced; RuleError for an unknown field, operator or value."""
    where = _("Aturan %(n)s") % {"n": position}
    spec = FIELDS.get(rule.field)
    if spec is None:
        raise RuleError(
            [
                _("%(where)s: data \u201c%(field)s\u201d tidak dikenal.")
                % {"where": where, "field": rule.field}
            ]
        )
    where = f"{where} ({spec.label})"
    if rule.kind not in Kind.values:
        raise RuleError(
            [
                _("%(where)s: jenis aturan \u201c%(kind)s\u201d tidak dikenal.")
                % {"where": where, "kind": rule.kind}
            ]
        )
    if rule.operator not in OPERATORS_BY_KIND[spec.kind]:
        raise RuleError(
            [
                _("%(where)s: operator \u201c%(op)s\u201d tidak berlaku untuk data ini.")
                % {"where": where, "op": OPERATOR_WORDS.get(rule.operator, rule.operator)}
            ]
        )
    value: Any = None
    if rule.operator not in (Op.IS_TRUE, Op.IS_FALSE):
        value = _coerce(spec, rule.value, where)
        if rule.operator in (Op.IN, Op.NOT_IN):
            value = value if isinstance(value, list) else [value]
        elif isinstance(value, list):
            if len(value) != 1:
                raise RuleError([_("%(where)s: operator ini hanya menerima satu nilai.") % {"where": where}])
            value = value[0]
    if rule.kind == Kind.SCORE and not 0 < rule.weight <= SCORE_TOTAL:
        raise RuleError([_("%(where)s: bobot indikator harus 1–100.") % {"where": where}])
    if rule.kind == Kind.PRIORITY and not 1 <= rule.tier <= 9:
        raise RuleError([_("%(where)s: tingkat prioritas harus 1–9.") % {"where": where}])
    return Rule(
        kind=rule.kind,
        field=rule.field,
        operator=rule.operator,
        value=value,
        weight=rule.weight if rule.kind == Kind.SCORE else 0,
        tier=rule.tier if rule.kind == Kind.PRIORITY else 0,
        label=rule.label.strip(),
    )


def _interval(rule: Rule) -> tuple[float, bool, float, bool] | None:
    """(low, low_inclusive, high, high_inclusive) of a numeric comparison."""
    inf = float("inf")
    v = rule.value
    intervals: dict[str, tuple[float, bool, float, bool]] = {
        Op.EQ: (v, True, v, True),
        Op.LT: (-inf, False, v, False),
        Op.LTE: (-inf, False, v, True),
        Op.GT: (v, False, inf, False),
        Op.GTE: (v, True, inf, False),
    }
    return intervals.get(rule.operator)


def contradictions(rules: Sequence[Rule], exclusions: Sequence[Exclusion] = ()) -> list[str]:
    """Eligibility rules no family could pass together, in words."""
    problems: list[str] = []
    by_field: dict[str, list[Rule]] = {}
    for r in rules:
        if r.kind == Kind.ELIGIBILITY:
            by_field.setdefault(r.field, []).append(r)
    for key, group in by_field.items():
        spec = FIELDS[key]
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _clash(spec, a, b):
                    problems.append(
                        _(
                            "Syarat bertentangan: \u201c%(a)s\u201d dan \u201c%(b)s\u201d tidak mungkin dipenuhi bersama."
                        )
                        % {"a": a.describe(), "b": b.describe()}
                    )
        if spec.kind in ("int", "number"):
            low, high = -float("inf"), float("inf")
            low_in = high_in = True
            for r in group:
                iv = _interval(r)
                if iv is None:
                    continue
                if iv[0] > low or (iv[0] == low and not iv[1]):
                    low, low_in = iv[0], iv[1]
                if iv[2] < high or (iv[2] == high and not iv[3]):
                    high, high_in = iv[2], iv[3]
            if low > high or (low == high and not (low_in and high_in)):
                msg = _("Syarat atas %(field)s bertentangan: tidak ada nilai yang memenuhi semuanya.") % {
                    "field": spec.label
                }
                if not problems or all(str(spec.label) not in p for p in problems):
                    problems.append(msg)
    codes_required = {
        v
        for r in by_field.get("programmes", [])
        if r.operator == Op.IN and len(r.value) == 1
        for v in r.value
    }
    for ex in exclusions:
        if ex.basis == "recipient" and ex.code in codes_required:
            problems.append(
                _(
                    "Syarat bertentangan: calon wajib penerima %(name)s, padahal penerima %(name)s dikecualikan."
                )
                % {"name": ex.name}
            )
    return problems


def _clash(spec: FieldSpec, a: Rule, b: Rule) -> bool:
    ops = {a.operator, b.operator}
    if spec.kind == "bool":
        return ops == {Op.IS_TRUE, Op.IS_FALSE}
    if spec.kind in ("int", "number"):
        ia, ib = _interval(a), _interval(b)
        if ia and ib:
            low = max((ia[0], not ia[1]), (ib[0], not ib[1]))
            high = min((ia[2], ia[3]), (ib[2], ib[3]))
            return low[0] > high[0] or (low[0] == high[0] and (low[1] or not high[1]))
    if spec.kind == "set":
        if a.operator == Op.IN and b.operator == Op.NOT_IN:
            return set(a.value) <= set(b.value)
        if b.operator == Op.IN and a.operator == Op.NOT_IN:
            return set(b.value) <= set(a.value)
        return False
    allowed = []
    for r in (a, b):
        if r.operator == Op.EQ:
            allowed.append(({r.value}, True))
        elif r.operator == Op.IN:
            allowed.append((set(r.value), True))
        elif r.operator == Op.NE:
            allowed.append(({r.value}, False))
        elif r.operator == Op.NOT_IN:
            allowed.append((set(r.value), False))
        else:
            return False
    (sa, pa), (sb, pb) = allowed
    if pa and pb:
        return not (sa & sb)
    if pa and not pb:
        return sa <= sb
    if pb and not pa:
        return sb <= sa
    return False


def validate(ruleset: RuleSet) -> RuleSet:
    """The rule set with values coerced, or RuleError listing every problem found."""
    errors: list[str] = []
    rules: list[Rule] = []
    for n, r in enumerate(ruleset.rules, start=1):
        try:
            rules.append(normalise(r, n))
        except RuleError as e:
            errors += e.messages
    if errors:
        raise RuleError(errors)
    weights = [r.weight for r in rules if r.kind == Kind.SCORE]
    if weights and sum(weights) != SCORE_TOTAL:
        errors.append(
            _("Jumlah bobot indikator skor harus tepat %(total)s, sekarang %(sum)s.")
            % {"total": SCORE_TOTAL, "sum": sum(weights)}
        )
    seen: set[tuple[str, str, str, int]] = set()
    for r in rules:
        key = (r.kind, r.field, r.operator, hash(str(r.value)))
        if key in seen:
            errors.append(
                _("Aturan ganda: \u201c%(rule)s\u201d tercantum dua kali.") % {"rule": r.describe()}
            )
        seen.add(key)
    errors += contradictions(rules, ruleset.exclusions)
    if errors:
        raise RuleError(errors)
    return RuleSet(rules=rules, exclusions=list(ruleset.exclusions))


def find_cycle(edges: dict[int, list[int]], start: int) -> list[int] | None:
    """A path start → … → start through `edges`, if any (programmes excluding by eligibility)."""
    path: list[int] = []
    on_path: set[int] = set()
    done: set[int] = set()

    def visit(node: int) -> list[int] | None:
        path.append(node)
        on_path.add(node)
        for nxt in edges.get(node, []):
            if nxt == start:
                return [*path, start]
            if nxt not in on_path and nxt not in done:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    return visit(start)


# --- Columnar data ------------------------------------------------------------------------


@dataclass
class Table:
    """Families in scope, one row each; columns are loaded only for the fields rules read."""

    ids: list[int]
    index: dict[int, int]
    village_ids: list[int]
    today: dt.date
    columns: dict[str, list[Any]] = field(default_factory=dict)
    programme_codes: dict[int, str] = field(default_factory=dict)


def families_table(
    *, village_ids: Iterable[int], family_ids: Iterable[int] | None = None, today: dt.date
) -> Table:
    qs = Family.objects.filter(village_id__in=list(village_ids), is_active=True)
    if family_ids is not None:
        qs = qs.filter(pk__in=list(family_ids))
    rows = list(qs.order_by("pk").values_list("pk", "village_id"))
    ids = [r[0] for r in rows]
    return Table(
        ids=ids,
        index={fid: i for i, fid in enumerate(ids)},
        village_ids=[r[1] for r in rows],
        today=today,
    )


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _family_filter(table: Table) -> Q:
    """Rows of the table's villages; for a regency-wide table, every row (the table's own
    index drops other villages' families), which lets the database scan instead of seek."""
    villages = sorted(set(table.village_ids))
    if len(villages) > WIDE_SCOPE_VILLAGES:
        return Q()
    return Q(village_id__in=villages)


# Past this many villages a sequential scan of the resident table beats the village index
# (whose order makes every row a random read); rows of other villages are skipped in Python.
WIDE_SCOPE_VILLAGES = 20


def _registry_sql(table: Table, parts: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """One GROUP BY family over living residents, a conditional count per part. Raw SQL for
    the one planner hint the ORM cannot give (SQLite: no index for a regency-wide scan)."""
    columns = []
    params: list[Any] = []
    for condition, args in parts:
        if condition == "COUNT(*)":
            columns.append(condition)
        else:
            columns.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
            params += args
    villages = sorted(set(table.village_ids))
    source = connection.ops.quote_name(Resident._meta.db_table)
    where = ["status = %s", "family_id IS NOT NULL"]
    params.append(codes.STATUS_ALIVE)
    if len(villages) > WIDE_SCOPE_VILLAGES:
        if connection.vendor == "sqlite":
            source += " NOT INDEXED"
    else:
        where.append("village_id IN ({})".format(", ".join(["%s"] * len(villages))))
        params += villages
    sql = "SELECT family_id, {} FROM {} WHERE {} GROUP BY family_id".format(
        ", ".join(columns), source, " AND ".join(where)
    )
    return sql, params


def _load_registry(table: Table, needed: set[str]) -> None:
    n = len(table.ids)
    today = table.today
    alive = Q(status=codes.STATUS_ALIVE)
    day = connection.ops.adapt_datefield_value
    aggregates: dict[str, tuple[str, list[Any]]] = {"member_count": ("COUNT(*)", [])}
    if needed & {"children_under5", "has_child_under5"}:
        aggregates["children_under5"] = ("birth_date > %s", [day(_years_ago(today, 5))])
    if "school_age_children" in needed:
        aggregates["school_age_children"] = (
            "birth_date <= %s AND birth_date > %s",
            [day(_years_ago(today, 6)), day(_years_ago(today, 19))],
        )
    if "elderly_count" in needed:
        aggregates["elderly_count"] = ("birth_date <= %s", [day(_years_ago(today, 60))])
    if "has_elderly_70" in needed:
        aggregates["elderly70"] = ("birth_date <= %s", [day(_years_ago(today, 70))])
    if "has_disabled_registry" in needed:
        aggregates["disabled"] = ("disability IN ({})".format(", ".join(map(str, DISABLED_CODES))), [])
    if "has_pregnant" in needed:
        aggregates["pregnant"] = ("pregnant = 1", [])
    if "has_civil_servant" in needed:
        aggregates["civil"] = (
            "occupation IN ({})".format(", ".join(map(str, CIVIL_SERVICE_OCCUPATIONS))),
            [],
        )
    keys = list(aggregates)
    cols: dict[str, list[Any]] = {k: [0] * n for k in keys}
    index = table.index
    with connection.cursor() as cursor:
        cursor.execute(*_registry_sql(table, [aggregates[k] for k in keys]))
        for row in cursor.fetchall():
            i = index.get(row[0])
            if i is None:
                continue  # a family of another village (whole-table scan) or an inactive one
            for k, v in zip(keys, row[1:], strict=True):
                cols[k][i] = v
    c = table.columns
    c["member_count"] = cols["member_count"]
    if "children_under5" in cols:
        c["children_under5"] = cols["children_under5"]
        c["has_child_under5"] = [v > 0 for v in cols["children_under5"]]
    for key in ("school_age_children", "elderly_count"):
        if key in cols:
            c[key] = cols[key]
    for key, src in (
        ("has_elderly_70", "elderly70"),
        ("has_disabled_registry", "disabled"),
        ("has_pregnant", "pregnant"),
        ("has_civil_servant", "civil"),
    ):
        if src in cols:
            c[key] = [v > 0 for v in cols[src]]
    if "occupations" in needed:
        occ: list[Any] = [frozenset()] * n
        sets: dict[int, set[int]] = {}
        for fid, o in (
            Resident.objects.filter(
                _family_filter(table), alive, family__isnull=False, occupation__isnull=False
            )
            .values_list("family_id", "occupation")
            .distinct()
        ):
            sets.setdefault(fid, set()).add(int(o or 0))
        for fid, s in sets.items():
            i = index.get(fid)
            if i is not None:
                occ[i] = frozenset(s)
        c["occupations"] = occ


def _load_heads(table: Table) -> list[int | None]:
    """Head facts; returns each family's household id (for surveys kept per household)."""
    n = len(table.ids)
    sex: list[Any] = [None] * n
    age: list[Any] = [None] * n
    occ: list[Any] = [None] * n
    household: list[int | None] = [None] * n
    today = table.today
    for fid, s, birth, o, hh in Family.objects.filter(pk__in=_ids_filter(table)).values_list(
        "pk", "head__sex", "head__birth_date", "head__occupation", "head__household_id"
    ):
        i = table.index.get(fid)
        if i is None:
            continue
        sex[i], occ[i], household[i] = s, o, hh
        if birth is not None:
            age[i] = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    table.columns.update(head_sex=sex, head_age=age, head_occupation=occ)
    return household


def _load_households(table: Table) -> list[int | None]:
    """Each family's household where that household has a current survey: the household of
    the family's head (surveys are kept per household). Reads only surveyed households."""
    column: list[int | None] = [None] * len(table.ids)
    surveyed = WelfareSurvey.objects.filter(
        _family_filter(table), is_latest=True, household__isnull=False
    ).values("household_id")
    for fid, hh in Resident.objects.filter(household_id__in=surveyed, family__head_id=F("id")).values_list(
        "family_id", "household_id"
    ):
        i = table.index.get(fid)
        if i is not None:
            column[i] = hh
    return column


def _ids_filter(table: Table) -> Any:
    # Small sets by id; a whole village or regency by village (one index range, not a huge IN).
    if len(table.ids) <= 500:
        return table.ids
    return Family.objects.filter(village_id__in=sorted(set(table.village_ids)), is_active=True).values("pk")


SURVEY_FIELDS = (
    "floor",
    "wall",
    "roof",
    "ownership",
    "water",
    "sanitation",
    "energy",
    "cooking_fuel",
    "floor_area_m2",
    "has_motorcycle",
    "has_car",
    "has_refrigerator",
    "has_gold_savings",
    "land_m2",
    "livestock_units",
    "monthly_income",
    "income_sources",
    "has_disabled_member",
    "has_chronic_illness",
    "elderly_alone",
    "female_head",
)


def _load_welfare(table: Table, needed: set[str]) -> None:
    n = len(table.ids)
    households: list[int | None] | None = table.columns.get("_household")
    if households is None:
        households = _load_households(table)
        table.columns["_household"] = households
    wanted = [f for f in SURVEY_FIELDS if f in needed]
    if needed & {"floor_area_per_person"}:
        wanted.append("floor_area_m2")
    if needed & {"income_per_person"}:
        wanted.append("monthly_income")
    wanted = list(dict.fromkeys(wanted))
    by_family: dict[int, tuple[Any, ...]] = {}
    by_household: dict[int, tuple[Any, ...]] = {}
    for row in WelfareSurvey.objects.filter(_family_filter(table), is_latest=True).values_list(
        "family_id", "household_id", *wanted
    ):
        if row[0] is not None:
            by_family[row[0]] = row[2:]
        if row[1] is not None:
            by_household[row[1]] = row[2:]
    found: list[tuple[Any, ...] | None] = [None] * n
    for i, fid in enumerate(table.ids):
        hit = by_family.get(fid)
        if hit is None and households[i] is not None:
            hit = by_household.get(households[i])  # type: ignore[arg-type]
        found[i] = hit
    c = table.columns
    c["surveyed"] = [f is not None for f in found]
    for j, key in enumerate(wanted):
        col = [None if f is None else f[j] for f in found]
        c[key] = [frozenset(v) if isinstance(v, list) else v for v in col] if key == "income_sources" else col
    if "floor_area_per_person" in needed or "income_per_person" in needed:
        if "member_count" not in c:
            _load_registry(table, {"member_count"})
        members = c["member_count"]
        if "floor_area_per_person" in needed:
            area = c["floor_area_m2"]
            c["floor_area_per_person"] = [
                None if a is None or not m else round(a / m, 1) for a, m in zip(area, members, strict=True)
            ]
        if "income_per_person" in needed:
            income = c["monthly_income"]
            c["income_per_person"] = [
                None if a is None or not m else round(a / m) for a, m in zip(income, members, strict=True)
            ]


def _load_deciles(table: Table) -> None:
    col: list[Any] = [None] * len(table.ids)
    for fid, d in OfficialDecile.objects.filter(_family_filter(table), is_latest=True).values_list(
        "family_id", "decile"
    ):
        i = table.index.get(fid)
        if i is not None:
            col[i] = d
    table.columns["desil"] = col


def _load_programmes(table: Table) -> None:
    col: list[Any] = [frozenset()] * len(table.ids)
    sets: dict[int, set[str]] = {}
    for fid, code in Recipient.objects.filter(
        _family_filter(table), status=Recipient.Status.ACTIVE, family__isnull=False
    ).values_list("family_id", "programme__code"):
        sets.setdefault(fid, set()).add(code)
    for fid, s in sets.items():
        i = table.index.get(fid)
        if i is not None:
            col[i] = frozenset(s)
    table.columns["programmes"] = col


def load(table: Table, fields: Iterable[str]) -> None:
    """Load the columns for `fields` that are not loaded yet, one query per source."""
    needed = {f for f in fields if f not in table.columns}
    if not needed:
        return
    groups = {FIELDS[f].group for f in needed}
    if "registry" in groups:
        registry = {f for f in needed if FIELDS[f].group == "registry"}
        if registry & {"head_sex", "head_age", "head_occupation"}:
            table.columns["_household"] = _load_heads(table)
        if registry - {"head_sex", "head_age", "head_occupation"}:
            _load_registry(table, registry)
    if "welfare" in groups:
        _load_welfare(table, needed)
    if "decile" in groups:
        _load_deciles(table)
    if "programme" in groups:
        _load_programmes(table)


# --- Evaluation ---------------------------------------------------------------------------


def _predicate(rule: Rule) -> Callable[[Any], bool]:
    op, v = rule.operator, rule.value
    spec = FIELDS[rule.field]
    if spec.kind == "set":
        values = frozenset(v)
        if op == Op.IN:
            return lambda x: x is not None and not values.isdisjoint(x)
        return lambda x: x is not None and values.isdisjoint(x)
    if op == Op.IS_TRUE:
        return lambda x: x is True
    if op == Op.IS_FALSE:
        return lambda x: x is False
    if op == Op.IN:
        inside = frozenset(v)
        return lambda x: x is not None and x in inside
    if op == Op.NOT_IN:
        outside = frozenset(v)
        return lambda x: x is not None and x not in outside
    compare: dict[str, Callable[[Any], bool]] = {
        Op.EQ: lambda x: x is not None and x == v,
        Op.NE: lambda x: x is not None and x != v,
        Op.LT: lambda x: x is not None and x < v,
        Op.LTE: lambda x: x is not None and x <= v,
        Op.GT: lambda x: x is not None and x > v,
        Op.GTE: lambda x: x is not None and x >= v,
    }
    return compare[op]


@dataclass
class Evaluation:
    """Columnar result over `table`: per family, per rule."""

    table: Table
    ruleset: RuleSet
    results: list[list[bool]]  # one column per rule, in ruleset.rules order
    eligible: list[bool]
    excluded: list[str | None]  # reason, or None
    tier: list[int]
    score: list[int]
    order: list[int]  # row indexes of eligible, not excluded families, best first
    _described: list[str] | None = None
    _shown: dict[tuple[str, Any], str] = field(default_factory=dict)

    @property
    def ranked_ids(self) -> list[int]:
        return [self.table.ids[i] for i in self.order]

    def counts(self) -> dict[str, int]:
        eligible = sum(self.eligible)
        excluded = sum(1 for e, x in zip(self.eligible, self.excluded, strict=True) if e and x)
        return {
            "families": len(self.table.ids),
            "eligible": eligible,
            "excluded": excluded,
            "candidates": len(self.order),
        }

    def explain(self, i: int) -> dict[str, Any]:
        """Why family row `i` is where it is: every rule with the family's value, and the score."""
        cols = self.table.columns
        # Words are the same for every family: computed once per evaluation, not per row.
        if self._described is None:
            self._described = [r.describe() for r in self.ruleset.rules]
        shown = self._shown
        rows = []
        for r, res, described in zip(self.ruleset.rules, self.results, self._described, strict=True):
            value = cols[r.field][i]
            key = (r.field, value)
            text = shown.get(key)
            if text is None:
                text = shown[key] = display_value(FIELDS[r.field], value)
            rows.append(
                {
                    "kind": r.kind,
                    "field": r.field,
                    "rule": described,
                    "value": text,
                    "known": value is not None,
                    "passed": res[i],
                    "weight": r.weight,
                    "points": r.weight if (r.kind == Kind.SCORE and res[i]) else 0,
                    "tier": r.tier,
                }
            )
        return {
            "rules": rows,
            "eligible": self.eligible[i],
            "excluded": self.excluded[i],
            "tier": self.tier[i],
            "tier_label": tier_label(self.tier[i]),
            "score": self.score[i],
            "decile": cols.get("desil", [None] * len(self.table.ids))[i],
        }


def tier_label(tier: int) -> str:
    return _("Prioritas %(n)s") % {"n": tier} if tier < LAST_TIER else _("Tanpa prioritas")


LAST_TIER = 99

ExclusionResolver = Callable[[Exclusion, Table], list[bool]]


def evaluate(ruleset: RuleSet, table: Table, *, excluded_by: ExclusionResolver | None = None) -> Evaluation:
    """Evaluate validated rules over every family of `table`, set-wise."""
    load(table, {r.field for r in ruleset.rules} | {"desil"})
    n = len(table.ids)
    results: list[list[bool]] = []
    for r in ruleset.rules:
        pred = _predicate(r)
        results.append([pred(x) for x in table.columns[r.field]])
    eligible = [True] * n
    tier = [LAST_TIER] * n
    score = [0] * n
    for r, res in zip(ruleset.rules, results, strict=True):
        if r.kind == Kind.ELIGIBILITY:
            eligible = [e and p for e, p in zip(eligible, res, strict=True)]
        elif r.kind == Kind.PRIORITY:
            t = r.tier
            tier = [t if (p and t < cur) else cur for cur, p in zip(tier, res, strict=True)]
        else:
            w = r.weight
            score = [s + w if p else s for s, p in zip(score, res, strict=True)]
    excluded: list[str | None] = [None] * n
    if ruleset.exclusions and excluded_by is not None:
        for ex in ruleset.exclusions:
            hits = excluded_by(ex, table)
            reason = ex.reason or exclusion_reason(ex)
            excluded = [cur if cur or not h else reason for cur, h in zip(excluded, hits, strict=True)]
    deciles = table.columns["desil"]
    ids = table.ids
    order = sorted(
        (i for i in range(n) if eligible[i] and excluded[i] is None),
        key=lambda i: (tier[i], -score[i], deciles[i] or 11, ids[i]),
    )
    return Evaluation(table, ruleset, results, eligible, excluded, tier, score, order)


def exclusion_reason(ex: Exclusion) -> str:
    if ex.basis == "eligible":
        return _("Memenuhi syarat %(name)s, yang dikecualikan dari program ini.") % {"name": ex.name}
    return _("Penerima %(name)s, yang dikecualikan dari program ini.") % {"name": ex.name}
