"""Programme rules as stored rows ↔ the rule engine (rules.py), and programme evaluation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from balai.aid import rules
from balai.aid.models import Criterion, Programme, ProgrammeExclusion, Recipient
from balai.aid.rules import Evaluation, Exclusion, Rule, RuleError, RuleSet, Table


def ruleset_for(programme: Programme) -> RuleSet:
    """The programme's saved rules (already validated when saved)."""
    stored = [
        Rule(
            kind=c.kind,
            field=c.field,
            operator=c.operator,
            value=c.value,
            weight=c.weight,
            tier=c.tier,
            label=c.label,
        )
        for c in Criterion.objects.filter(programme=programme).order_by("kind", "position", "id")
    ]
    ordered = [r for kind in rules.Kind.values for r in stored if r.kind == kind]
    exclusions = [
        Exclusion(
            programme_id=e.excluded_id,
            name=e.excluded.name,
            code=e.excluded.code,
            basis=e.basis,
            reason=e.reason,
        )
        for e in ProgrammeExclusion.objects.filter(programme=programme).select_related("excluded")
    ]
    return RuleSet(rules=ordered, exclusions=exclusions)


def exclusion_edges(village_id: int) -> dict[int, list[int]]:
    """Programme → programmes whose *eligibility* it reads (only these can form a cycle)."""
    edges: dict[int, list[int]] = {}
    for src, dst in ProgrammeExclusion.objects.filter(
        village_id=village_id, basis=ProgrammeExclusion.Basis.ELIGIBLE
    ).values_list("programme_id", "excluded_id"):
        edges.setdefault(src, []).append(dst)
    return edges


def check(programme: Programme, ruleset: RuleSet) -> RuleSet:
    """Validate a proposed rule set for `programme`: fields, operators, values, weights,
    contradictions, and cycles through other programmes' rules. RuleError lists them all."""
    errors: list[str] = []
    try:
        checked = rules.validate(ruleset)
    except RuleError as e:
        errors += e.messages
        checked = ruleset
    names = dict(Programme.objects.filter(village_id=programme.village_id).values_list("pk", "name"))
    for ex in ruleset.exclusions:
        if ex.programme_id == programme.pk:
            errors.append(_("Program tidak dapat mengecualikan dirinya sendiri."))
        elif ex.programme_id not in names:
            errors.append(_("Program yang dikecualikan tidak ditemukan di desa ini."))
    seen = [ex.programme_id for ex in ruleset.exclusions]
    if len(seen) != len(set(seen)):
        errors.append(_("Satu program tercantum dua kali di pengecualian."))
    if programme.pk is not None:
        edges = exclusion_edges(programme.village_id)
        edges[programme.pk] = [ex.programme_id for ex in ruleset.exclusions if ex.basis == "eligible"]
        cycle = rules.find_cycle(edges, programme.pk)
        if cycle:
            errors.append(
                _(
                    "Aturan melingkar: %(path)s. Syarat program saling bergantung sehingga tidak dapat dihitung."
                )
                % {"path": " → ".join(names.get(p, programme.name) for p in cycle)}
            )
    if errors:
        raise RuleError(errors)
    return checked


def _recipients_mask(ex: Exclusion, table: Table) -> list[bool]:
    # By programme code, so one rule set evaluates over many villages (each has its own PKH row).
    hit = set(
        Recipient.objects.filter(
            village_id__in=sorted(set(table.village_ids)),
            programme__code=ex.code,
            status=Recipient.Status.ACTIVE,
            family__isnull=False,
        ).values_list("family_id", flat=True)
    )
    return [fid in hit for fid in table.ids]


def _resolver(depth: int) -> rules.ExclusionResolver:
    def resolve(ex: Exclusion, table: Table) -> list[bool]:
        if ex.basis == ProgrammeExclusion.Basis.RECIPIENT:
            return _recipients_mask(ex, table)
        if depth > 8:  # saved rules have no cycles; this only guards against a corrupt database
            raise RuleError([_("Aturan melingkar antarprogram.")])
        other = Programme.objects.get(pk=ex.programme_id)
        result = rules.evaluate(ruleset_for(other), table, excluded_by=_resolver(depth + 1))
        return [e and x is None for e, x in zip(result.eligible, result.excluded, strict=True)]

    return resolve


def evaluate_programme(
    *,
    programme: Programme,
    ruleset: RuleSet | None = None,
    village_ids: Sequence[int] | None = None,
    family_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> Evaluation:
    """Evaluate the programme's rules (or a proposed `ruleset`, validated here: "what if")
    over its village's families, or over `village_ids` (a regency-wide run)."""
    checked = check(programme, ruleset) if ruleset is not None else ruleset_for(programme)
    table = rules.families_table(
        village_ids=village_ids or [programme.village_id],
        family_ids=family_ids,
        today=today or timezone.localdate(),
    )
    return rules.evaluate(checked, table, excluded_by=_resolver(0))


def ruleset_from_rows(rows: Sequence[dict[str, Any]], exclusions: Sequence[dict[str, Any]]) -> RuleSet:
    """Plain dicts (form rows, API bodies) into a RuleSet; integers where given as text."""

    def num(v: Any) -> int:
        try:
            return int(str(v or 0).strip() or 0)
        except ValueError:
            return -1

    ex_objs = []
    programmes = {
        p.pk: p
        for p in Programme.objects.filter(
            pk__in=[e["programme_id"] for e in exclusions if e.get("programme_id")]
        )
    }
    for e in exclusions:
        p = programmes.get(e.get("programme_id") or 0)
        ex_objs.append(
            Exclusion(
                programme_id=e.get("programme_id") or 0,
                name=p.name if p else "?",
                code=p.code if p else "",
                basis=e.get("basis") or ProgrammeExclusion.Basis.RECIPIENT,
                reason=(e.get("reason") or "").strip(),
            )
        )
    return RuleSet(
        rules=[
            Rule(
                kind=r.get("kind", ""),
                field=(r.get("field") or "").strip(),
                operator=r.get("operator", ""),
                value=r.get("value"),
                weight=num(r.get("weight")),
                tier=num(r.get("tier")),
                label=(r.get("label") or "").strip(),
            )
            for r in rows
        ],
        exclusions=ex_objs,
    )
