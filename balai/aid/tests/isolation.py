"""Isolation entries of the aid module (see "Modules' own checks" in tests/test_isolation.py).

The targeting/decision part is first; the distribution part adds its entries in the marked
block at the end (UI_CHECKS.update / MISSING.update / its own populate, markers, fingerprint
helpers merged into the functions below through `_DISTRIBUTION_HOOKS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from balai.aid import services
from balai.aid.models import (
    Candidate,
    Criterion,
    Decree,
    Deliberation,
    OfficialDecile,
    Programme,
    Recipient,
    RecipientChange,
    Verification,
    WelfareSurvey,
)
from balai.aid.rules import Rule, RuleSet
from balai.people.models import Family

try:  # the table's own check kinds
    from tests.isolation_checks import Listing, Obj, Public
except ImportError:  # pragma: no cover - imported only by tests/test_isolation.py
    raise

MISSING = {
    "aid_programme": "tidakada23456789",
    "aid_candidate": "tidakada23456789",
    "aid_recipient": "tidakada23456789",
}

UI_CHECKS: dict[str, Any] = {
    "aid:home": Listing(),
    "aid:programme_create": Listing(),
    "aid:programme_detail": Obj({"public_id": "aid_programme"}),
    "aid:programme_edit": Obj({"public_id": "aid_programme"}),
    "aid:rules": Obj({"public_id": "aid_programme"}),
    "aid:candidates": Obj({"public_id": "aid_programme"}),
    "aid:nominate": Obj({"public_id": "aid_programme"}),
    "aid:deliberation_create": Obj({"public_id": "aid_programme"}),
    # The head's decree: an operator is refused whatever the programme.
    "aid:decree_create": Obj({"public_id": "aid_programme"}, refused=(403,)),
    "aid:recipients": Obj({"public_id": "aid_programme"}),
    "aid:recipient_add": Obj({"public_id": "aid_programme"}),
    "aid:candidate_detail": Obj({"public_id": "aid_candidate"}),
    "aid:recipient_detail": Obj({"public_id": "aid_recipient"}),
    "aid:welfare_home": Listing(),
    # Upload of a DTSEN list: another village's KK refuses the whole file (balai/aid/tests/test_views.py).
    "aid:decile_import": Listing(),
    "aid:family_welfare": Obj({"public_id": "family"}),
    "aid:survey_create": Obj({"public_id": "family"}),
    "aid:decile_create": Obj({"public_id": "family"}),
    "aid:public_programmes": Public(
        "published counts and masked names only", (("village_code", "99.99.99.9999"),)
    ),
}
API_CHECKS: dict[tuple[str, str], Any] = {}

# Extra populate/markers/fingerprint/form_refs functions of the distribution part.
_DISTRIBUTION_HOOKS: dict[str, list[Callable[..., Any]]] = {
    "populate": [],
    "markers": [],
    "fingerprint": [],
    "form_refs": [],
}
MISSING_FORM_IDS: dict[str, Any] = {}


def populate(*, village: Any, operator: Any, family: Family, resident: Any, tag: str) -> dict[str, Any]:
    pkh = Programme.objects.create(
        village=village,
        name=f"PKH ISOLASI {tag}",
        code="pkh",
        source=Programme.Source.CENTRAL,
        period="2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        uses_targeting=False,
        privacy=Programme.Privacy.MASKED,
    )
    blt = Programme.objects.create(
        village=village,
        name=f"BLT ISOLASI {tag}",
        code="blt-dd",
        source=Programme.Source.DANA_DESA,
        period="2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        benefit_amount=300_000,
        quota=5,
    )
    services.rules_save(
        actor=operator,
        programme=blt,
        ruleset=RuleSet(rules=[Rule("eligibility", "has_civil_servant", "false")]),
    )
    OfficialDecile.objects.create(
        village=village, family=family, decile=2, received_on=dt.date(2026, 1, 5), source=f"DTSEN {tag}"
    )
    candidate = services.candidate_nominate(
        village=village,
        family=family,
        programme=blt,
        source="rt_rw",
        actor=operator,
        proposer_name=f"RT {tag}",
    )
    recipient = services.recipient_enrol(
        actor=operator, programme=pkh, family=family, source="import", external_id=f"PKH-{tag}"
    )
    extra: dict[str, Any] = {
        "aid_programme": blt.public_id,
        "aid_programme_name": blt.name,
        "aid_candidate": candidate.public_id,
        "aid_recipient": recipient.public_id,
    }
    for hook in _DISTRIBUTION_HOOKS["populate"]:
        extra |= hook(village=village, operator=operator, family=family, resident=resident, tag=tag)
    return extra


def markers(village: Any) -> list[str]:
    found: list[str] = []
    for row in Programme.objects.filter(village=village).values_list("public_id", "name"):
        found += list(row)
    found += list(Candidate.objects.filter(village=village).values_list("public_id", flat=True))
    for row in Recipient.objects.filter(village=village).values_list("public_id", "external_id"):
        found += [x for x in row if x]
    found += list(OfficialDecile.objects.filter(village=village).values_list("source", flat=True))
    for hook in _DISTRIBUTION_HOOKS["markers"]:
        found += hook(village)
    return found


def fingerprint(village: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "programmes": list(Programme.objects.filter(village=village).order_by("pk").values_list()),
        "criteria": list(
            Criterion.objects.filter(village=village).order_by("pk").values_list("pk", "field", "value")
        ),
        "candidates": list(
            Candidate.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "status", "source", "family_id")
        ),
        "verifications": Verification.objects.filter(village=village).count(),
        "deliberations": Deliberation.objects.filter(village=village).count(),
        "decrees": Decree.objects.filter(village=village).count(),
        "recipients": list(
            Recipient.objects.filter(village=village).order_by("pk").values_list("pk", "status", "family_id")
        ),
        "recipient_changes": RecipientChange.objects.filter(village=village).count(),
        "surveys": WelfareSurvey.objects.filter(village=village).count(),
        "deciles": list(
            OfficialDecile.objects.filter(village=village).order_by("pk").values_list("pk", "is_latest")
        ),
    }
    for hook in _DISTRIBUTION_HOOKS["fingerprint"]:
        data |= hook(village)
    return data


def form_refs(other: Any) -> dict[str, Any]:
    family = Family.objects.get(public_id=other.family)
    refs: dict[str, Any] = {
        "kk_number": family.kk_number,
        "setuju": [other.id_of("aid_candidate")],
        "tolak": [other.id_of("aid_candidate")],
        "pilih": [other.id_of("aid_candidate")],
        "deliberation": "",
    }
    for hook in _DISTRIBUTION_HOOKS["form_refs"]:
        refs |= hook(other)
    return refs


# === aid-distribution entries (distribution, import, coverage, API) — below this line ===


def _distribution_populate(
    *, village: Any, operator: Any, family: Family, resident: Any, tag: str
) -> dict[str, Any]:
    from django.utils import timezone

    from balai.aid.models import DistributionCycle, Entitlement, RecipientImport, RecipientImportRow
    from balai.aid.services import distribution as dist
    from balai.aid.tests.distribution_fixtures import make_family, signature_png

    programme = Programme.objects.create(
        village=village,
        name=f"SALUR ISOLASI {tag}",
        code="salur",
        source=Programme.Source.REGENCY,
        period="2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        benefit_amount=100_000,
        status=Programme.Status.ACTIVE,
        uses_targeting=False,
    )
    second = make_family(village, f"PENERIMA KEDUA {tag}")
    for unit in (family, second):
        Recipient.objects.create(
            village=village,
            programme=programme,
            period="2026",
            family=unit,
            source=Recipient.Source.IMPORT,
            enrolled_on=dt.date(2026, 1, 1),
        )
    cycle = dist.cycle_create(
        actor=operator,
        programme=programme,
        covers_start=dt.date(2026, 1, 1),
        covers_end=dt.date(2026, 3, 31),
        planned_on=dt.date(2026, 4, 1),
        label=f"TAHAP ISOLASI {tag}",
    )
    dist.cycle_generate(actor=operator, cycle=cycle)
    DistributionCycle.objects.filter(pk=cycle.pk).update(status=DistributionCycle.Status.APPROVED)
    done, pending = list(Entitlement.objects.filter(cycle=cycle).order_by("pk"))
    distribution = dist.distribution_record(
        actor=operator,
        entitlement=done,
        distributed_on=timezone.localdate(),
        received_by="proxy",
        receiver_name=f"WAKIL {tag}",
        proxy_relation="anak",
        proof=dist.proof_from_signature(signature_png()),
    )
    batch = RecipientImport.objects.create(
        village=village,
        programme=programme,
        file_name=f"impor-bansos-{tag.lower()}.xlsx",
        format=RecipientImport.Format.NIK_LIST,
        uploaded_by=operator,
        rows_total=1,
        rows_problem=1,
    )
    RecipientImportRow.objects.create(
        village=village,
        batch=batch,
        row_number=2,
        name=f"BARIS KONFLIK {tag}",
        match=RecipientImportRow.Match.CONFLICT,
        message=f"KONFLIK {tag}",
    )
    return {
        "aid_cycle": cycle.public_id,
        "aid_entitlement": pending.public_id,
        "aid_distribution": distribution.public_id,
        "aid_import": batch.public_id,
    }


def _distribution_markers(village: Any) -> list[str]:
    from balai.aid.models import (
        Distribution,
        DistributionCycle,
        Entitlement,
        RecipientImport,
        RecipientImportRow,
    )

    found: list[str] = []
    for row in DistributionCycle.objects.filter(village=village).values_list("public_id", "label"):
        found += list(row)
    found += list(Entitlement.objects.filter(village=village).values_list("public_id", flat=True))
    for row in Distribution.objects.filter(village=village).values_list("public_id", "receiver_name"):
        found += list(row)
    for row in RecipientImport.objects.filter(village=village).values_list("public_id", "file_name"):
        found += list(row)
    for row in RecipientImportRow.objects.filter(village=village).values_list("name", "message"):
        found += [x for x in row if x]
    return found


def _distribution_fingerprint(village: Any) -> dict[str, Any]:
    from balai.aid.models import (
        Distribution,
        DistributionCycle,
        Entitlement,
        RecipientImport,
        RecipientImportRow,
    )

    return {
        "cycles": list(
            DistributionCycle.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "status", "approved_by_id", "status_reason")
        ),
        "entitlements": list(
            Entitlement.objects.filter(village=village).order_by("pk").values_list("pk", "status", "amount")
        ),
        "distributions": list(Distribution.objects.filter(village=village).order_by("pk").values_list("pk")),
        "imports": list(
            RecipientImport.objects.filter(village=village).order_by("pk").values_list("pk", "status")
        ),
        "import_rows": list(
            RecipientImportRow.objects.filter(village=village).order_by("pk").values_list("pk", "match")
        ),
    }


def _distribution_form_refs(other: Any) -> dict[str, Any]:
    return {"proxy_resident": other.resident, "program": other.id_of("aid_programme")}


_DISTRIBUTION_HOOKS["populate"].append(_distribution_populate)
_DISTRIBUTION_HOOKS["markers"].append(_distribution_markers)
_DISTRIBUTION_HOOKS["fingerprint"].append(_distribution_fingerprint)
_DISTRIBUTION_HOOKS["form_refs"].append(_distribution_form_refs)

MISSING.update(
    {
        "aid_cycle": "tidakada23456789",
        "aid_entitlement": "tidakada23456789",
        "aid_distribution": "tidakada23456789",
        "aid_import": "tidakada23456789",
    }
)
UI_CHECKS.update(
    {
        "aid:cycles": Obj({"public_id": "aid_programme"}),
        "aid:cycle_detail": Obj({"public_id": "aid_cycle"}),
        "aid:cycle_generate": Obj({"public_id": "aid_cycle"}),
        "aid:cycle_transition": Obj(
            {"public_id": "aid_cycle"},
            tuple({"action": a} for a in ("approve", "distributed", "close", "cancel")),
        ),
        "aid:cycle_xlsx": Obj({"public_id": "aid_cycle"}),
        "aid:cycle_pdf": Obj({"public_id": "aid_cycle"}),
        "aid:distribution_record": Obj({"public_id": "aid_entitlement"}),
        "aid:distribution_proof": Obj({"public_id": "aid_distribution"}),
        "aid:undistributed": Listing(),
        "aid:recipients_xlsx": Obj({"public_id": "aid_programme"}),
        "aid:recipients_pdf": Obj({"public_id": "aid_programme"}),
        "aid:import_start": Obj({"public_id": "aid_programme"}),
        "aid:import_preview": Obj({"public_id": "aid_import"}),
        "aid:import_apply": Obj({"public_id": "aid_import"}),
        "aid:import_discard": Obj({"public_id": "aid_import"}),
        "aid:conflicts": Listing(),
        "aid:coverage": Listing(),
        "aid:targeting_errors": Listing(),
        # A village account is sent to its own village's coverage page.
        "aid:regional": Listing(),
        "aid:regional_xlsx": Listing(),
        "aid:regional_pdf": Listing(),
    }
)

_API = "/api/v1/aid"
API_CHECKS.update(
    {
        ("GET", f"{_API}/programmes"): Listing(),
        ("GET", f"{_API}/programmes/{{public_id}}"): Obj({"public_id": "aid_programme"}),
        ("POST", f"{_API}/programmes/{{public_id}}/evaluate"): Obj({"public_id": "aid_programme"}),
        ("GET", f"{_API}/programmes/{{public_id}}/candidates"): Obj({"public_id": "aid_programme"}),
        ("GET", f"{_API}/programmes/{{public_id}}/recipients"): Obj({"public_id": "aid_programme"}),
        ("GET", f"{_API}/programmes/{{public_id}}/cycles"): Obj({"public_id": "aid_programme"}),
        ("POST", f"{_API}/programmes/{{public_id}}/cycles"): Obj({"public_id": "aid_programme"}),
        ("GET", f"{_API}/cycles/{{public_id}}"): Obj({"public_id": "aid_cycle"}),
        ("POST", f"{_API}/cycles/{{public_id}}/generate"): Obj({"public_id": "aid_cycle"}),
        ("POST", f"{_API}/cycles/{{public_id}}/steps"): Obj({"public_id": "aid_cycle"}),
        ("GET", f"{_API}/cycles/{{public_id}}/entitlements"): Obj({"public_id": "aid_cycle"}),
        ("GET", f"{_API}/cycles/{{public_id}}/distributions"): Obj({"public_id": "aid_cycle"}),
        ("POST", f"{_API}/entitlements/{{public_id}}/distribution"): Obj({"public_id": "aid_entitlement"}),
        ("GET", f"{_API}/coverage"): Listing(),
        # An operator's token reads its own village only; districts and the regency their villages.
        ("GET", f"{_API}/coverage/villages"): Listing(),
    }
)
