"""Isolation entries of the health module's individual-record pages (see "Modules' own
checks" in tests/test_isolation.py). They are checked there with an operator's session, who
holds no health role: every page with names answers 403 (the entry page 200, without
names). `test_views_isolation.py` checks the same URLs with a kader and a bidan of the other
village, who must get 404 exactly like a missing id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from balai.health import services
from balai.health.models import (
    AntenatalVisit,
    Attendance,
    ChildMeasurement,
    Posyandu,
    PosyanduSession,
    Pregnancy,
)
from balai.people.tests.factories import ResidentFactory
from tests.isolation_checks import Listing, Obj, Public

_DENIED = (403,)
_POSYANDU = {"public_id": "posyandu"}
_SESSION = {"public_id": "posyandu_session"}
_CHILD = {"public_id": "health_child"}
_PREGNANCY = {"public_id": "pregnancy"}

UI_CHECKS: dict[str, Any] = {
    "health_public:schedule": Public(
        "a village's posyandu names, dusun and opening days, by its code",
        (("village_code", "99.99.99.9999"),),
    ),
    "health:home": Listing(),
    "health:posyandu_create": Listing(refused=_DENIED),
    "health:posyandu_detail": Obj(_POSYANDU, refused=_DENIED),
    "health:posyandu_edit": Obj(_POSYANDU, refused=_DENIED),
    "health:session_open": Obj(_POSYANDU, refused=_DENIED),
    "health:session_sheet": Obj(_SESSION, refused=_DENIED),
    "health:session_row": Obj({"public_id": "posyandu_session", "child_id": "health_child"}, refused=_DENIED),
    "health:session_attendance": Obj(
        {"public_id": "posyandu_session", "resident_id": "health_mother"}, refused=_DENIED
    ),
    "health:child_detail": Obj(_CHILD, refused=_DENIED),
    "health:child_chart_pdf": Obj(_CHILD, refused=_DENIED),
    "health:alerts": Listing(refused=_DENIED),
    "health:pregnancy_list": Listing(refused=_DENIED),
    "health:pregnancy_create": Listing(refused=_DENIED),
    "health:pregnancy_detail": Obj(_PREGNANCY, refused=_DENIED),
    "health:pregnancy_visit": Obj(_PREGNANCY, refused=_DENIED),
    "health:pregnancy_outcome": Obj(_PREGNANCY, refused=_DENIED),
    "health:pregnancy_link_birth": Obj(_PREGNANCY, refused=_DENIED),
}

_NONE = "tidakada23456789"
MISSING = {
    "posyandu": _NONE,
    "posyandu_session": _NONE,
    "health_child": _NONE,
    "health_mother": _NONE,
    "pregnancy": _NONE,
}
MISSING_FORM_IDS = {"mother": _NONE, "baby": _NONE}


def populate(*, village: Any, operator: Any, family: Any, resident: Any, tag: str) -> dict[str, Any]:
    today = timezone.localdate()
    posyandu = services.posyandu_create(actor=operator, village=village, name=f"MAWAR {tag}")
    session = services.session_open(
        actor=operator, village=village, posyandu=posyandu, held_on=today - dt.timedelta(days=3)
    )
    child = ResidentFactory(
        village=village,
        family=family,
        rt=family.rt,
        name=f"BALITA {tag}",
        sex=2,
        birth_date=today - dt.timedelta(days=400),
        family_relation=4,
    )
    services.measurement_record(
        actor=operator,
        village=village,
        child=child,
        session=session,
        measured_on=session.held_on,
        weight_kg="9.1",
        lenhei_cm="75.5",
        position="l",
    )
    mother = ResidentFactory(
        village=village,
        family=family,
        rt=family.rt,
        name=f"IBU HAMIL {tag}",
        sex=2,
        birth_date=dt.date(1998, 4, 2),
        family_relation=3,
    )
    pregnancy = services.pregnancy_register(
        actor=operator, village=village, mother=mother, lmp_date=today - dt.timedelta(days=70)
    )
    services.antenatal_visit_record(
        actor=operator, pregnancy=pregnancy, visited_on=today - dt.timedelta(days=10), muac_cm="22.5"
    )
    return {
        "posyandu": posyandu.public_id,
        "posyandu_session": session.public_id,
        "health_child": child.public_id,
        "health_mother": mother.public_id,
        "pregnancy": pregnancy.public_id,
    }


def markers(village: Any) -> list[str]:
    found: list[str] = []
    for name, public_id in Posyandu.objects.filter(village=village).values_list("name", "public_id"):
        found += [name, public_id]
    found += list(PosyanduSession.objects.filter(village=village).values_list("public_id", flat=True))
    found += list(ChildMeasurement.objects.filter(village=village).values_list("public_id", flat=True))
    found += list(Pregnancy.objects.filter(village=village).values_list("public_id", flat=True))
    return found


def form_refs(other: Any) -> dict[str, Any]:
    return {"mother": other.id_of("health_mother"), "baby": other.id_of("health_child")}


def fingerprint(village: Any) -> dict[str, Any]:
    return {
        "posyandu": list(Posyandu.objects.filter(village=village).order_by("pk").values_list()),
        "sessions": list(
            PosyanduSession.objects.filter(village=village).order_by("pk").values_list("pk", "held_on")
        ),
        "measurements": list(
            ChildMeasurement.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "child_id", "weight_kg", "lenhei_cm", "flags", "immunizations")
        ),
        "attendance": Attendance.objects.filter(village=village).count(),
        "pregnancies": list(
            Pregnancy.objects.filter(village=village).order_by("pk").values_list("pk", "outcome", "baby_id")
        ),
        "visits": AntenatalVisit.objects.filter(village=village).count(),
    }


# The reports part of the module (health-reports) keeps its entries in isolation_reports.py;
# the hook loads only this file, so they are merged here.
try:
    from balai.health.tests import isolation_reports as _reports
except ImportError:  # pragma: no cover - before the reports part has entries
    _reports = None  # type: ignore[assignment]
if _reports is not None:
    UI_CHECKS.update(getattr(_reports, "UI_CHECKS", {}))
    MISSING.update(getattr(_reports, "MISSING", {}))
    MISSING_FORM_IDS.update(getattr(_reports, "MISSING_FORM_IDS", {}))
    API_CHECKS: dict[tuple[str, str], Any] = dict(getattr(_reports, "API_CHECKS", {}))
