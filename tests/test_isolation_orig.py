"""An operator of one village gets 404 for every object of another, through every URL.

Every URL pattern of the project and every operation of the API is enumerated, and each must
have an entry in `UI_CHECKS` / `API_CHECKS` saying how it is checked:

- `Obj`: the pattern names an object in its path. The other village's object must give 404
  on GET, and POST (PATCH for the API) must give the same answer as a missing id (404, or 405
  where the view takes no POST).
- `Listing`: no object in the path. The page (or JSON) must not contain any name, NIK, KK
  number or public id of the other village; a POST carrying the other village's ids must not
  change anything there.
- `BodyRefs` (API) / `FormRefs` (UI): the other village's objects named in the JSON body or
  the form answer exactly as missing ones (404) and change nothing.
- `Public`: serves no village data (sign-in page, API schema).

A pattern without an entry fails `test_every_url_pattern_is_checked`: whoever adds a URL
says here how it keeps villages apart. A module may keep its entries in its own
`balai/<app>/tests/isolation.py` (see `MODULE_HOOKS` below): it then also creates its
objects in both villages and says which strings identify them and which rows must not change. Every check runs both ways (A looking at B, B at A),
and after every request the other village's rows and audit chain must be unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from python_calamine import CalamineWorkbook

from balai.accounts.models import Role, User
from balai.accounts.services import api_token_create
from balai.api.api import api
from balai.audit.models import AuditEvent
from balai.core.masking import mask_number, mask_tail
from balai.core.tests.db import rows_for_the_module
from balai.letters.models import Letter
from balai.letters.services.workflow import letter_request_create
from balai.letters.views import ACTIONS as LETTER_ACTIONS
from balai.people import services
from balai.people.models import DuplicateDecision, Family, ImportJob, LifeEvent, Resident
from balai.people.tests.factories import (
    DusunFactory,
    FamilyFactory,
    ResidentFactory,
    RtFactory,
    VillageFactory,
    make_nik,
)
from balai.regions.models import Dusun, Rt
from balai.staff.models import Official
from balai.staff.services import official_create

try:  # the UI's words for the events recorded from a resident's page
    from balai.people.forms import RESIDENT_EVENT_KINDS

    EVENT_WORDS = list(RESIDENT_EVENT_KINDS)
except ImportError:
    EVENT_WORDS = ["mati", "hilang", "pergi", "pindah"]

MISSING = {
    "resident": "tidakada23456789",
    "family": "tidakada23456789",
    "event": "tidakada23456789",
    "import_job": "tidakada23456789",
    "rt": "tidakada23456789",
    "dusun": 987654321,
    "village_code": "99.99.99.9999",
    "official": "tidakada23456789",
    "user": 987654321,
    "letter": "tidakada23456789",
}


# --- How each pattern is checked ----------------------------------------------------------


from tests.export_checks import XLSX_EXPORTS  # noqa: E402
from tests.isolation_checks import API, BodyRefs, Check, FormRefs, Listing, Obj, Public, StatsOwn  # noqa: E402

UI_CHECKS: dict[str, Check] = {
    "home": Listing(),
    "accounts:login": Public("sign-in form"),
    "accounts:logout": Public("signs out; no data"),
    # One's own account: the second sign-in step and enrolment act on the session's pending
    # user only; the others on request.user only (no id of another account in the URL).
    "accounts:two_factor_verify": Public("second sign-in step of the session's own pending user"),
    "accounts:two_factor_setup": Listing(),
    "accounts:two_factor": Listing(),
    "accounts:password_change": Listing(),
    "accounts:tokens": Listing(),
    # Regency administration: a village operator is refused whatever the object.
    "accounts:village_admin": Listing(refused=(403,)),
    "accounts:village_admin_deactivate": Obj({"code": "village_code"}, refused=(403,)),
    "accounts:user_admin_list": Listing(refused=(403,)),
    "accounts:user_admin_create": Listing(refused=(403,)),
    "accounts:user_admin_detail": Obj({"pk": "user"}, refused=(403,)),
    "accounts:user_admin_deactivate": Obj({"pk": "user"}, refused=(403,)),
    "accounts:user_admin_reactivate": Obj({"pk": "user"}, refused=(403,)),
    "accounts:user_admin_password": Obj({"pk": "user"}, refused=(403,)),
    "staff:official_list": Listing(),
    "staff:official_create": Listing(),
    "staff:official_edit": Obj({"public_id": "official"}),
    "staff:official_deactivate": Obj({"public_id": "official"}),
    "people:resident_list": Listing(shows_own="resident_name"),
    "people:resident_create": Listing(),
    "people:family_list": Listing(),
    "people:family_create": Listing(),
    "people:family_detail": Obj({"public_id": "family"}),
    "people:family_birth": Obj({"public_id": "family"}),
    "people:family_split": Obj({"public_id": "family"}),
    "people:family_head": Obj({"public_id": "family"}),
    "people:family_household": Obj({"public_id": "family"}),
    "people:event_list": Listing(),
    "people:move_in": Listing(),
    "people:duplicate_list": Listing(shows_own="twin_name"),
    "people:duplicate_decide": FormRefs(),
    "people:import_start": Listing(),
    "people:import_status": Obj({"public_id": "import_job"}),
    "people:import_errors_csv": Obj({"public_id": "import_job"}),
    "people:export_xlsx": Listing(shows_own="resident_name"),
    "people:resident_detail": Obj({"public_id": "resident"}),
    "people:resident_edit": Obj({"public_id": "resident"}),
    "people:resident_event": Obj({"public_id": "resident"}, tuple({"kind": w} for w in EVENT_WORDS)),
    "people:resident_place": Obj({"public_id": "resident"}),
    "dashboard:overview": Listing(),
    "dashboard:village": Obj({"code": "village_code"}),
    "dashboard:overview_xlsx": Listing(),
    "dashboard:overview_pdf": Listing(),
    "dashboard:village_xlsx": Obj({"code": "village_code"}),
    "dashboard:village_pdf": Obj({"code": "village_code"}),
    "dashboard:reads": Listing(refused=(403,)),
    "regions:profile": Listing(),
    "regions:profile_edit": Listing(),
    "regions:dusun_create": Listing(),
    "regions:dusun_edit": Obj({"pk": "dusun"}),
    "regions:rt_create": Listing(),
    "regions:rt_edit": Obj({"public_id": "rt"}),
    # The API's own routes: its operations are checked one by one in API_CHECKS.
    "api:openapi-json": Public("API schema"),
    "api:openapi-view": Public("API docs page"),
    "api:api-root": Public("API root; no data"),
    "letters:queue": Listing(),
    "letters:create": Listing(),
    "letters:register": Listing(),
    "letters:register_xlsx": Listing(),
    "letters:template_list": Listing(),
    "letters:settings": Listing(),
    "letters:template_edit": Listing(),
    "letters:template_preview": Listing(),
    "letters:detail": Obj({"public_id": "letter"}),
    "letters:edit": Obj({"public_id": "letter"}),
    "letters:correct": Obj({"public_id": "letter"}),
    "letters:pdf": Obj({"public_id": "letter"}),
    "letters:sign_confirm": Obj({"public_id": "letter"}),
    "letters:transition": Obj({"public_id": "letter"}, tuple({"action": a} for a in LETTER_ACTIONS)),
    "verify:letter": Public("public letter verification by token", (("token", "tidakAdaTokenIni12345678"),)),
}


def _person(**kw: Any) -> dict[str, Any]:
    return {"name": "TAMU BARU", "sex": 1, "birth_date": "2000-01-01"} | kw


API_CHECKS: dict[tuple[str, str], Check] = {
    ("GET", f"{API}/residents"): Listing(shows_own="resident_name"),
    ("POST", f"{API}/residents"): BodyRefs(lambda o: _person(family=o.family, rt=o.rt)),
    ("POST", f"{API}/residents/search"): BodyRefs(lambda o: {"q": o.nik}),
    ("GET", f"{API}/residents/{{public_id}}"): Obj({"public_id": "resident"}),
    ("PATCH", f"{API}/residents/{{public_id}}"): Obj({"public_id": "resident"}),
    ("GET", f"{API}/families"): Listing(),
    ("POST", f"{API}/families"): BodyRefs(lambda o: {"rt": o.rt}),
    ("GET", f"{API}/families/{{public_id}}"): Obj({"public_id": "family"}),
    ("GET", f"{API}/events"): Listing(),
    ("GET", f"{API}/events/{{public_id}}"): Obj({"public_id": "event"}),
    ("POST", f"{API}/events/births"): BodyRefs(lambda o: _person(family=o.family, birth_date="2026-01-01")),
    ("POST", f"{API}/events/status"): BodyRefs(
        lambda o: {"resident": o.resident, "kind": "death", "event_date": "2026-01-01"}
    ),
    ("POST", f"{API}/events/move-out"): BodyRefs(
        lambda o: {"residents": [o.resident], "event_date": "2026-01-01", "destination": "Semarang"}
    ),
    ("POST", f"{API}/events/move-in"): BodyRefs(
        lambda o: _person(family=o.family, rt=o.rt, event_date="2026-01-01", origin="Kendal")
    ),
    ("GET", f"{API}/stats/village"): StatsOwn(),
    ("GET", f"{API}/stats/villages"): Listing(),
    ("GET", f"{API}/letters"): Listing(),
    ("GET", f"{API}/letters/types"): Listing(),
    ("POST", f"{API}/letters"): BodyRefs(
        lambda o: {"type_code": "penduduk", "resident": o.resident, "fields": {"keperluan": "x"}}
    ),
    ("GET", f"{API}/letters/{{public_id}}"): Obj({"public_id": "letter"}),
    ("POST", f"{API}/letters/{{public_id}}/steps"): Obj({"public_id": "letter"}),
    ("GET", f"{API}/letters/{{public_id}}/pdf"): Obj({"public_id": "letter"}),
    ("GET", f"{API}/letters/verify/{{token}}"): Public(
        "public letter verification by token", (("token", "tidakAdaTokenIni12345678"),)
    ),
}


# --- Modules' own checks -------------------------------------------------------------------
#
# `balai/<app>/tests/isolation.py` of any Balai app may define, all optional:
#   UI_CHECKS, API_CHECKS   entries as above, merged into the tables
#   MISSING                 kind -> an id that exists nowhere (for Obj params of its kinds)
#   populate(*, village, operator, family, resident, tag) -> dict[kind, id]
#                           create its objects in one village; ids are read with `id_of(kind)`
#                           (API bodies: `lambda o: {"programme": o.id_of("programme")}`)
#   markers(village) -> list[str]       strings identifying that village's objects of the module
#   fingerprint(village) -> dict        rows another village's request must not change or log
#   form_refs(other) -> dict            form fields naming the other village's objects
#   MISSING_FORM_IDS                    the same fields with missing ids
# Pages for kiosk devices or residents (not operators) are checked by the module's own tests;
# here they are `Public` or `Listing(refused=...)` as seen by a signed-in operator.


def _module_hooks() -> list[Any]:
    import importlib
    import importlib.util

    from django.apps import apps

    hooks = []
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.isolation"
        if config.name.startswith("balai.") and importlib.util.find_spec(config.name + ".tests"):
            if importlib.util.find_spec(name) is not None:
                hooks.append(importlib.import_module(name))
    return hooks


MODULE_HOOKS = _module_hooks()
for _hook in MODULE_HOOKS:
    UI_CHECKS.update(getattr(_hook, "UI_CHECKS", {}))
    API_CHECKS.update(getattr(_hook, "API_CHECKS", {}))
    MISSING.update(getattr(_hook, "MISSING", {}))


# --- Enumeration --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Route]:
    routes = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace or "") if x)
            routes += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            key = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
            routes.append(Route(key, route, params))
    return routes


def url_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix=f"{API}/")
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


def _openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_url_pattern_is_checked():
    routes = url_routes()
    operations = set(api_operations())
    api_paths = {path for _method, path in operations}
    unknown = []
    for r in routes:
        if r.key in UI_CHECKS:
            continue
        if r.key.startswith("api:") and _openapi_path(r.route) in api_paths:
            continue  # an API operation's route: checked through API_CHECKS
        unknown.append(f"{r.key} ({r.route})")
    assert not unknown, (
        "URL patterns with no isolation check; add them to UI_CHECKS in tests/test_isolation.py "
        "or in the module's tests/isolation.py: " + ", ".join(unknown)
    )
    unknown_ops = sorted(operations - set(API_CHECKS))
    assert not unknown_ops, (
        "API operations with no isolation check; add them to API_CHECKS in tests/test_isolation.py: "
        + ", ".join(f"{m} {p}" for m, p in unknown_ops)
    )


def test_checks_name_only_existing_patterns():
    keys = {r.key for r in url_routes()}
    assert not set(UI_CHECKS) - keys, f"stale UI_CHECKS entries: {sorted(set(UI_CHECKS) - keys)}"
    stale = set(API_CHECKS) - set(api_operations())
    assert not stale, f"stale API_CHECKS entries: {sorted(stale)}"


# --- The two villages ---------------------------------------------------------------------


@dataclasses.dataclass
class VillageData:
    village: Any
    operator: Any
    resident: str
    family: str
    event: str
    import_job: str
    official: str
    user: int
    rt: str
    dusun: int
    village_code: str
    nik: str
    resident_name: str
    twin_name: str
    letter: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # modules' objects, by kind

    def id_of(self, kind: str) -> Any:
        if kind in self.extra:
            return self.extra[kind]
        return getattr(self, kind)

    def markers(self) -> list[str]:
        """Strings that identify this village's people and objects, lower-cased.

        Every test starts from the same rows (the module's data, rolled back after each test),
        so they are read once."""
        if "_markers" not in self.__dict__:
            self.__dict__["_markers"] = self._read_markers()
        return self.__dict__["_markers"]

    def _read_markers(self) -> list[str]:
        village = self.village
        residents = Resident.objects.filter(village=village)
        families = Family.objects.filter(village=village)
        found: list[str] = []
        for r in residents:
            found += [r.name, r.nik, mask_number(r.nik), mask_tail(r.nik), r.public_id]
        for f in families:
            found += [f.kk_number, mask_number(f.kk_number), mask_tail(f.kk_number), f.public_id]
        found += list(LifeEvent.objects.filter(village=village).values_list("public_id", flat=True))
        found += list(
            ImportJob.objects.filter(village=village).values_list("public_id", "file_name").first() or ()
        )
        found += [self.rt, Dusun.objects.get(pk=self.dusun).name]
        for row in Letter.objects.filter(village=village).values_list("public_id", "number", "token"):
            found += [x for x in row if x]
        found += [
            o
            for row in Official.objects.filter(village=village).values_list("public_id", "name")
            for o in row
        ]
        for hook in MODULE_HOOKS:
            if hasattr(hook, "markers"):
                found += [str(m) for m in hook.markers(village)]
        return [m.lower() for m in found if m]

    def fingerprint(self) -> dict[str, Any]:
        """Everything another village's request could wrongly change or log here: the rows the
        queries of `_fingerprint_queries` read, keyed by the query.

        Building those ~100 querysets costs far more than running them (SQL compilation was
        half of the isolation suite's time), so their SQL is captured the first time and then
        replayed: the same statements with the same parameters read the same rows."""
        if "_fingerprint_sql" not in self.__dict__:
            statements: list[tuple[str, Any]] = []

            def capture(execute, sql, params, many, context):
                statements.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(capture):
                self._fingerprint_queries()
            self.__dict__["_fingerprint_sql"] = statements
        found: dict[str, Any] = {}
        with connection.cursor() as cursor:
            for number, (sql, params) in enumerate(self.__dict__["_fingerprint_sql"]):
                cursor.execute(sql, params)
                found[f"{number}: {sql[:120]}"] = cursor.fetchall()
        return found

    def _fingerprint_queries(self) -> dict[str, Any]:
        village = self.village
        linked = Q(village=village) | Q(family__village=village) | Q(rt__village=village)
        modules = {
            f"{hook.__name__}:{key}": value
            for hook in MODULE_HOOKS
            if hasattr(hook, "fingerprint")
            for key, value in hook.fingerprint(village).items()
        }
        return modules | {
            "residents": list(
                Resident.objects.filter(linked)
                .order_by("pk")
                .values_list("pk", "village_id", "family_id", "rt_id", "status", "name", "nik", "occupation")
            ),
            "families": list(Family.objects.filter(village=village).order_by("pk").values_list()),
            "events": LifeEvent.objects.filter(Q(village=village) | Q(family__village=village)).count(),
            "audit": AuditEvent.objects.filter(village=village).count(),
            "duplicates": DuplicateDecision.objects.filter(village=village).count(),
            "rts": list(Rt.objects.filter(village=village).order_by("pk").values_list()),
            "dusuns": list(Dusun.objects.filter(village=village).order_by("pk").values_list()),
            "village": list(type(village).objects.filter(pk=village.pk).values_list()),
            "officials": list(Official.objects.filter(village=village).order_by("pk").values_list()),
            "letters": list(
                Letter.objects.filter(village=village)
                .order_by("pk")
                .values_list("pk", "state", "number", "fields", "assigned_to_id", "supersedes_id")
            ),
            "users": list(
                User.objects.filter(village=village)
                .order_by("pk")
                .values_list("pk", "is_active", "password", "role")
            ),
        }


def _populate(*, village, operator, family, resident, tag: str) -> VillageData:
    dusun = DusunFactory(village=village, name=f"DUSUN {tag}")
    rt = RtFactory(village=village, dusun=dusun, rw="002", rt="003")
    born = dt.date(1970, 5, 6)
    twins = [
        services.resident_register(
            actor=operator,
            village=village,
            family=family,
            rt=rt,
            data={"name": f"{first} {tag}", "sex": 1, "birth_date": born, "nik": make_nik(village, born, 1)},
        )
        for first in ("ZULKIFLI", "ZULKIFLY")
    ]
    event = LifeEvent.objects.get(resident=twins[0])
    job = ImportJob.objects.create(
        village=village,
        created_by=operator,
        file_name=f"impor-{tag.lower()}.xlsx",
        file_path="/tidak/ada.xlsx",
        state=ImportJob.State.REJECTED,
    )
    official = official_create(
        actor=operator, village=village, data={"name": f"SEKRETARIS {tag}", "position": "Sekretaris Desa"}
    )
    letter = letter_request_create(
        actor=operator,
        village=village,
        type_code="penduduk",
        subject=resident,
        fields={"keperluan": f"ISOLASI {tag}"},
    )
    extra: dict[str, Any] = {}
    for hook in MODULE_HOOKS:
        if hasattr(hook, "populate"):
            extra |= hook.populate(
                village=village, operator=operator, family=family, resident=resident, tag=tag
            )
    return VillageData(
        extra=extra,
        letter=letter.public_id,
        village=village,
        operator=operator,
        resident=resident.public_id,
        family=family.public_id,
        event=event.public_id,
        import_job=job.public_id,
        official=official.public_id,
        user=operator.pk,
        rt=rt.public_id,
        dusun=dusun.pk,
        village_code=village.code,
        nik=resident.nik,
        resident_name=resident.name,
        twin_name=twins[0].name,
    )


def _build_villages() -> dict[str, VillageData]:
    """The two villages of the root conftest (Brokoh and Cepagan), their operators and people."""
    built = {}
    for key, code, name, district, tag, person in (
        ("a", "33.25.01.2007", "Brokoh", ("33.25.01", "Wonotunggal"), "WIJAYAKUSUMA", ("SITI WAHYUNI", 2)),
        ("b", "33.25.12.2007", "Cepagan", ("33.25.12", "Warungasem"), "TIRTAKENCANA", ("BUDI SANTOSO", 1)),
    ):
        village = VillageFactory(code=code, name=name, district_code=district[0], district_name=district[1])
        operator = User.objects.create_user(
            username=f"operator_{key}", password="rahasia-demo-123", role=Role.OPERATOR, village=village
        )
        family = FamilyFactory(village=village, rt=RtFactory(village=village))
        resident = ResidentFactory(
            village=village, family=family, rt=family.rt, name=person[0], sex=person[1]
        )
        built[key] = _populate(village=village, operator=operator, family=family, resident=resident, tag=tag)
    return built


@pytest.fixture(scope="module")
def shared_villages(django_db_setup, django_db_blocker):
    """Both villages, built once for the module's ~500 checks (0.6 s each when built per test);
    each test starts from the same rows (`rows_for_the_module`)."""
    with rows_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = _build_villages()
        yield built


@pytest.fixture
def villages(shared_villages, db):
    return shared_villages


DIRECTIONS = [("a", "b"), ("b", "a")]


def _text(response) -> str:
    """The response as lower-cased text (xlsx cells included); read once, streaming or not."""
    if not hasattr(response, "_isolation_text"):
        if getattr(response, "streaming", False):
            content = b"".join(response.streaming_content)
        else:
            content = response.content
        if content[:2] == b"PK":  # xlsx
            view = response.resolver_match.view_name if response.resolver_match else "?"
            assert view in XLSX_EXPORTS, (
                f"{view} answers with a spreadsheet: list it in tests/export_checks.py"
            )
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            text = "\n".join(
                str(cell)
                for name in book.sheet_names
                for row in book.get_sheet_by_name(name).to_python()
                for cell in row
            )
        else:
            text = content.decode("utf-8", errors="replace")
        response._isolation_text = text.lower()
    return response._isolation_text


def _leaks(response, other: VillageData) -> list[str]:
    text = _text(response)
    return [m for m in other.markers() if m in text]


def _refs_form(other: VillageData) -> dict[str, Any]:
    """A form POST naming the other village's objects under every name our forms use."""
    family = Family.objects.get(public_id=other.family)
    rt = Rt.objects.get(public_id=other.rt)
    resident = Resident.objects.get(public_id=other.resident)
    twin_ids = list(
        Resident.objects.filter(village=other.village, name__startswith="ZULKIF").values_list(
            "public_id", flat=True
        )
    )
    modules: dict[str, Any] = {}
    for hook in MODULE_HOOKS:
        if hasattr(hook, "form_refs"):
            modules |= hook.form_refs(other)
    return modules | {
        "family": other.family,
        "kk_number": family.kk_number,
        "rt": rt.pk,
        "dusun": other.dusun,
        "resident": other.resident,
        "residents": [other.resident],
        "members": [resident.pk],
        "head": resident.pk,
        "first": twin_ids[0],
        "second": twin_ids[1],
        "action": "bukan",
        "keep": "first",
        "nik": "",
        "name": "TAMU BARU",
        "sex": "1",
        "birth_date": "2000-01-01",
        "event_date": "2026-01-01",
        "origin": "Kendal",
        "relation": "4",
        "public_id": other.resident,
        "job": other.import_job,
    }


_MISSING_FORM_IDS = {
    "family": MISSING["family"],
    "resident": MISSING["resident"],
    "residents": [MISSING["resident"]],
    "first": MISSING["resident"],
    "second": "tidakada98765432",
    "job": MISSING["import_job"],
    "public_id": MISSING["resident"],
}
for _hook in MODULE_HOOKS:
    _MISSING_FORM_IDS.update(getattr(_hook, "MISSING_FORM_IDS", {}))


def _kwargs(check: Obj, data: VillageData | None, variant: dict[str, str]) -> dict[str, Any]:
    ids = {
        param: (data.id_of(kind) if data is not None else MISSING[kind])
        for param, kind in check.params.items()
    }
    return ids | variant


# --- UI -----------------------------------------------------------------------------------


def _ui_cases() -> list[Any]:
    cases = []
    for r in url_routes():
        check = UI_CHECKS.get(r.key)
        if check is None:
            continue  # API operations: test_api_keeps_villages_apart
        for viewer, other in DIRECTIONS:
            cases.append(pytest.param(r.key, viewer, other, id=f"{r.key}[{viewer} sees {other}]"))
    return cases


@pytest.mark.parametrize(("name", "viewer", "other"), _ui_cases())
def test_ui_keeps_villages_apart(client, villages, name, viewer, other):
    # given
    me, them = villages[viewer], villages[other]
    client.force_login(me.operator)
    check = UI_CHECKS[name]
    before = them.fingerprint()

    if isinstance(check, Obj):
        allowed = {404, 405, *check.refused}
        for variant in check.variants:
            # when
            url = reverse(name, kwargs=_kwargs(check, them, variant))
            missing_url = reverse(name, kwargs=_kwargs(check, None, variant))
            got, missing_got = client.get(url), client.get(missing_url)
            posted = client.post(url, _refs_form(them))
            missing_posted = client.post(missing_url, _refs_form(them))
            # then: 404 (405 where the method is not taken), and nothing a missing id would not give
            assert got.status_code in allowed, f"GET {url} gave {got.status_code}, not 404"
            assert posted.status_code in allowed, f"POST {url} gave {posted.status_code}, not 404"
            assert {got.status_code, posted.status_code} - {405}, (
                f"{url}: neither GET nor POST reached the view"
            )
            assert got.status_code == missing_got.status_code, f"GET {url}: unlike a missing id"
            assert posted.status_code == missing_posted.status_code, f"POST {url}: unlike a missing id"
            assert them.fingerprint() == before, f"{url} changed or logged the other village's data"
    elif isinstance(check, Listing):
        # when
        url = reverse(name)
        got = client.get(url, follow=check.follow)
        posted = client.post(url, _refs_form(them))
        # then
        assert got.status_code in (200, *check.refused), f"GET {url} gave {got.status_code}"
        assert not _leaks(got, them), f"GET {url} shows the other village's {_leaks(got, them)}"
        if check.shows_own and got.status_code == 200:
            assert getattr(me, check.shows_own).lower() in _text(got), f"GET {url} is missing its own data"
        assert posted.status_code < 500, f"POST {url} gave {posted.status_code}"
        assert them.fingerprint() == before, f"POST {url} changed or logged the other village's data"
    elif isinstance(check, FormRefs):
        # when
        url = reverse(name)
        posted = client.post(url, _refs_form(them))
        missing_posted = client.post(url, _refs_form(them) | _MISSING_FORM_IDS)
        # then
        assert posted.status_code == 404, (
            f"POST {url} naming the other village's objects gave {posted.status_code}"
        )
        assert posted.status_code == missing_posted.status_code, f"POST {url}: unlike missing ids"
        assert them.fingerprint() == before, f"POST {url} changed or logged the other village's data"
    elif isinstance(check, Public):
        got = client.get(reverse(name, kwargs=dict(check.kwargs)))
        assert got.status_code < 500
        assert not _leaks(got, them)
    else:  # pragma: no cover - the table holds only the kinds above for UI patterns
        pytest.fail(f"{name}: no UI check for {type(check).__name__}")


# --- API ----------------------------------------------------------------------------------


def _api_cases() -> list[Any]:
    return [
        pytest.param(method, path, viewer, other, id=f"{method} {path}[{viewer} sees {other}]")
        for method, path in api_operations()
        if (method, path) in API_CHECKS
        for viewer, other in DIRECTIONS
    ]


def _call(client, key: str, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "GET":
        return client.get(path, params or {}, **headers)
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json", **headers)


@pytest.mark.parametrize(("method", "path", "viewer", "other"), _api_cases())
def test_api_keeps_villages_apart(client, villages, method, path, viewer, other):
    # given
    me, them = villages[viewer], villages[other]
    _, key = api_token_create(user=me.operator, name="isolation")
    check = API_CHECKS[(method, path)]
    before = them.fingerprint()

    if isinstance(check, Obj):
        # when
        url = path.format(**_kwargs(check, them, {}))
        missing_url = path.format(**_kwargs(check, None, {}))
        body = {"occupation": 5} if method == "PATCH" else None
        got, missing = _call(client, key, method, url, body), _call(client, key, method, missing_url, body)
        # then
        assert got.status_code == 404, f"{method} {url} gave {got.status_code}"
        assert got.json() == missing.json(), f"{method} {url}: unlike a missing id"
    elif isinstance(check, BodyRefs):
        # when
        got = _call(client, key, method, path, check.body(them))
        # then
        if path.endswith("/search"):
            assert got.status_code == 200
            assert got.json()["items"] == [], "search by the other village's NIK found someone"
        else:
            assert got.status_code == 404, (
                f"{method} {path} with the other village's ids gave {got.status_code}"
            )
            missing_ids = dataclasses.replace(
                them,
                extra={k: MISSING.get(k, "tidakada23456789") for k in them.extra},
                **{k: MISSING[k] for k in ("resident", "family", "rt")},
            )
            assert got.json() == _call(client, key, method, path, check.body(missing_ids)).json()
        assert not _leaks(got, them)
    elif isinstance(check, Listing):
        # when
        got = _call(client, key, method, path)
        # then
        assert got.status_code == 200
        leaks = _leaks(got, them) + ([them.village_code] if them.village_code in got.content.decode() else [])
        assert not leaks, f"{method} {path} shows the other village's {leaks}"
        if check.shows_own:
            assert getattr(me, check.shows_own).lower() in _text(got)
    elif isinstance(check, StatsOwn):
        got = _call(client, key, method, path)
        assert got.status_code == 200
        body = got.json()
        assert body["code"] == me.village_code
        assert body["residents"] == Resident.objects.filter(village=me.village, status=1).count()
    elif isinstance(check, Public):
        # when
        got = _call(client, key, method, path.format(**dict(check.kwargs)))
        # then
        assert got.status_code < 500
        assert not _leaks(got, them)
    else:  # pragma: no cover
        pytest.fail(f"{method} {path}: no API check for {type(check).__name__}")
    assert them.fingerprint() == before, f"{method} {path} changed or logged the other village's data"
