import datetime as dt

import pytest
from django.urls import reverse

from balai.audit.models import AuditEvent
from balai.health import services
from balai.health.models import Attendance, ChildMeasurement, Pregnancy
from balai.health.tests.conftest import make_child
from balai.people import codes
from balai.people.tests.factories import ResidentFactory

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def kader(client, kader_a):
    client.force_login(kader_a)
    return client


@pytest.fixture
def bidan(client, bidan_a):
    client.force_login(bidan_a)
    return client


def _row_url(session, child):
    return reverse("health:session_row", args=[session.public_id, child.public_id])


def _row_post(child, **values):
    prefix = f"c{child.public_id}-"
    return {prefix + k: v for k, v in values.items()}


# --- Entry page ---------------------------------------------------------------------------


def test_home_for_a_kader_lists_posyandu_and_alerts(kader, posyandu_a):
    got = kader.get(reverse("health:home"))

    assert got.status_code == 200
    assert "MAWAR" in got.content.decode()
    assert reverse("health:alerts") in got.content.decode()
    assert reverse("health:eppgbm_export") in got.content.decode()


def test_home_for_an_operator_shows_no_names_only_the_reports(client, operator_a, posyandu_a, child_a):
    client.force_login(operator_a)

    got = client.get(reverse("health:home"))

    text = got.content.decode()
    assert got.status_code == 200
    assert "MAWAR" not in text
    assert child_a.name not in text
    assert "hanya untuk kader posyandu dan bidan" in text
    assert reverse("health:report_monthly") in text
    assert reverse("health:eppgbm_export") not in text


def test_camat_is_refused_the_village_entry_page(client, camat_a):
    client.force_login(camat_a)

    assert client.get(reverse("health:home")).status_code == 403


@pytest.mark.parametrize(
    "name",
    ["health:alerts", "health:posyandu_create", "health:pregnancy_list", "health:pregnancy_create"],
)
@pytest.mark.parametrize("user", ["operator_a", "kades_a", "sekdes_a"])
def test_non_health_roles_get_403_on_individual_pages(client, request, name, user):
    client.force_login(request.getfixturevalue(user))

    assert client.get(reverse(name)).status_code == 403


def test_a_kader_may_not_open_pregnancy_records(kader):
    assert kader.get(reverse("health:pregnancy_list")).status_code == 403


# --- Posyandu -----------------------------------------------------------------------------


def test_kader_creates_a_posyandu_with_area_and_opens_a_session(kader, kader_a, village_a, rt_a1, today):
    got = kader.post(
        reverse("health:posyandu_create"),
        {
            "name": "Melati 2",
            "dusun": "KRAJAN",
            "schedule": "Tanggal 10",
            "rts": [rt_a1.public_id],
            "cadres": [kader_a.pk],
            "is_active": "on",
        },
    )
    assert got.status_code == 302
    detail = kader.get(got["Location"])
    assert "RT 001/RW 001" in detail.content.decode()

    opened = kader.post(got["Location"] + "sesi/", {"held_on": today.isoformat()})

    assert opened.status_code == 302
    assert "/kesehatan/sesi/" in opened["Location"]


def test_session_in_the_future_is_refused(kader, posyandu_a, today):
    got = kader.post(
        reverse("health:session_open", args=[posyandu_a.public_id]),
        {"held_on": (today + dt.timedelta(days=3)).isoformat()},
        follow=True,
    )

    assert "masa depan" in got.content.decode()
    assert not posyandu_a.sessions.exists()


# --- Session sheet ------------------------------------------------------------------------


def test_sheet_lists_one_row_per_expected_child(kader, session_a, child_a, village_a, family_a1):
    other = make_child(village_a, family_a1, days=900, name="KAKAK BALITA")

    got = kader.get(reverse("health:session_sheet", args=[session_a.public_id]))

    text = got.content.decode()
    assert got.status_code == 200
    assert text.count('class="sheet-row') == 2
    assert child_a.name in text
    assert other.name in text
    assert f'hx-post="{_row_url(session_a, child_a)}"' in text


def test_row_save_shows_zscores_and_category_immediately(kader, session_a, child_a):
    got = kader.post(
        _row_url(session_a, child_a),
        _row_post(child_a, weight_kg="9,1", lenhei_cm="75.5", position="l"),
        **HX,
    )

    text = got.content.decode()
    assert got.status_code == 200
    assert 'data-saved="1"' in text
    assert "BB/U" in text
    assert "Berat badan normal" in text
    assert "badge ok" in text
    m = ChildMeasurement.objects.get(child=child_a)
    assert m.session == session_a
    assert float(m.weight_kg) == 9.1


def test_implausible_row_asks_for_confirmation_then_saves_with_flag(kader, session_a, village_a, family_a1):
    # given: 2 kg at 24 months
    child = make_child(village_a, family_a1, days=731, sex=1, name="DUA TAHUN")
    data = _row_post(child, weight_kg="2", lenhei_cm="", position="h")

    # when: first submit
    first = kader.post(_row_url(session_a, child), data, **HX)

    # then: nothing saved, the row asks to confirm
    assert first.status_code == 200
    assert first["X-Balai-Row-Status"] == "409"
    assert "Nilai tidak wajar" in first.content.decode()
    assert "confirm" in first.content.decode()
    assert not ChildMeasurement.objects.filter(child=child).exists()

    # when: second submit with the confirmation
    second = kader.post(_row_url(session_a, child), data | {f"c{child.public_id}-confirm": "on"}, **HX)

    # then
    assert 'data-saved="1"' in second.content.decode()
    assert ChildMeasurement.objects.get(child=child).flags == "wfa"


def test_row_errors_name_the_field(kader, session_a, child_a):
    got = kader.post(_row_url(session_a, child_a), _row_post(child_a, weight_kg="sembilan"), **HX)

    assert "Harus berupa angka" in got.content.decode()
    assert got["X-Balai-Row-Status"] == "400"
    assert not ChildMeasurement.objects.exists()


def test_dead_child_is_refused_with_a_clear_message(kader, session_a, village_a, family_a1):
    dead = make_child(village_a, family_a1, days=300, name="ALMARHUM", status=codes.STATUS_DEAD)

    htmx = kader.post(_row_url(session_a, dead), _row_post(dead, weight_kg="8"), **HX)
    plain = kader.post(_row_url(session_a, dead), _row_post(dead, weight_kg="8"))

    assert "tidak tercatat hidup" in htmx.content.decode()
    assert plain.status_code == 409
    assert not ChildMeasurement.objects.exists()


def test_row_without_htmx_redirects_back_to_the_sheet(kader, session_a, child_a):
    got = kader.post(_row_url(session_a, child_a), _row_post(child_a, weight_kg="9.1"))

    assert got.status_code == 302
    assert got["Location"].endswith(f"#r-{child_a.public_id}")


def test_due_vaccines_are_offered_and_saved(kader, session_a, village_a, family_a1):
    child = make_child(village_a, family_a1, days=70, name="DUA BULAN")

    sheet = kader.get(reverse("health:session_sheet", args=[session_a.public_id])).content.decode()
    assert "DPT-HB-Hib 1" in sheet
    assert "MR" not in sheet.split("DUA BULAN")[1].split("</form>")[0]

    kader.post(
        _row_url(session_a, child),
        _row_post(child, weight_kg="5.6", immunizations=["dpt1", "pcv1"], exclusive_breastfeeding="ya"),
        **HX,
    )

    m = ChildMeasurement.objects.get(child=child)
    assert m.immunizations == ["dpt1", "pcv1"]
    assert m.exclusive_breastfeeding is True


def test_attendance_of_elderly_toggles(kader, session_a, village_a, family_a1):
    elder = ResidentFactory(
        village=village_a,
        family=family_a1,
        rt=family_a1.rt,
        birth_date=dt.date(1950, 1, 1),
        name="MBAH SARIP",
    )
    url = reverse("health:session_attendance", args=[session_a.public_id, elder.public_id])

    sheet = kader.get(reverse("health:session_sheet", args=[session_a.public_id])).content.decode()
    on = kader.post(url, {"target": "elderly", "present": "on"}, **HX)

    assert "MBAH SARIP" in sheet
    assert on.status_code == 200
    assert "checked" in on.content.decode()
    assert Attendance.objects.filter(session=session_a, resident=elder, target="elderly").exists()


# --- Child page, chart, PDF ---------------------------------------------------------------


def test_child_page_shows_the_chart_inline_and_is_audited(kader, kader_a, village_a, child_a, today):
    services.measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=today,
        weight_kg="9.1",
        lenhei_cm="75.5",
        position="l",
    )

    got = kader.get(reverse("health:child_detail", args=[child_a.public_id]))

    text = got.content.decode()
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert "Berat badan menurut umur" in text
    assert AuditEvent.objects.filter(action="child_growth.viewed", object_id=child_a.public_id).exists()


def test_child_pdf(kader, kader_a, village_a, child_a, today):
    services.measurement_record(
        actor=kader_a, village=village_a, child=child_a, measured_on=today, weight_kg="9.1"
    )

    got = kader.get(reverse("health:child_chart_pdf", args=[child_a.public_id]))

    assert got["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF")


def test_alerts_page_lists_and_filters(kader, kader_a, village_a, child_a, today):
    services.measurement_record(
        actor=kader_a,
        village=village_a,
        child=child_a,
        measured_on=today - dt.timedelta(days=31),
        weight_kg="8.5",
    )
    services.measurement_record(
        actor=kader_a, village=village_a, child=child_a, measured_on=today, weight_kg="6.5"
    )

    all_alerts = kader.get(reverse("health:alerts")).content.decode()
    missed_only = kader.get(reverse("health:alerts"), {"kind": "missed"}).content.decode()

    assert child_a.name in all_alerts
    assert child_a.name not in missed_only
    assert AuditEvent.objects.filter(action="health_alerts.viewed").count() == 2


# --- Mothers ------------------------------------------------------------------------------


def test_bidan_records_a_pregnancy_visit_and_outcome(bidan, village_a, family_a1, today):
    mother = ResidentFactory(
        village=village_a,
        family=family_a1,
        rt=family_a1.rt,
        name="RATNA SARI",
        sex=2,
        birth_date=dt.date(1997, 2, 2),
    )

    search = bidan.get(reverse("health:pregnancy_create"), {"q": "ratna"})
    assert mother.public_id in search.content.decode()
    created = bidan.post(
        reverse("health:pregnancy_create"),
        {"mother": mother.public_id, "lmp_date": (today - dt.timedelta(days=90)).isoformat(), "gravida": "1"},
    )
    assert created.status_code == 302
    p = Pregnancy.objects.get(mother=mother)

    visit = bidan.post(
        reverse("health:pregnancy_visit", args=[p.public_id]),
        {"visited_on": today.isoformat(), "muac_cm": "22", "iron_tablets": "30"},
    )
    assert visit.status_code == 302
    page = bidan.get(reverse("health:pregnancy_detail", args=[p.public_id])).content.decode()
    assert "KEK" in page
    assert "K1" in page

    bad = bidan.post(
        reverse("health:pregnancy_outcome", args=[p.public_id]),
        {"outcome": "hidup", "outcome_date": (today + dt.timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 400
    done = bidan.post(
        reverse("health:pregnancy_outcome", args=[p.public_id]),
        {"outcome": "keguguran", "outcome_date": today.isoformat()},
    )
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.outcome == "keguguran"


def test_home_opens_todays_session_in_one_click(kader, posyandu_a, today):
    home = kader.get(reverse("health:home")).content.decode()
    assert reverse("health:session_open", args=[posyandu_a.public_id]) in home

    got = kader.post(
        reverse("health:session_open", args=[posyandu_a.public_id]), {"held_on": today.isoformat()}
    )

    assert got.status_code == 302
    assert posyandu_a.sessions.get().held_on == today


def test_child_page_says_not_applicable_past_five_years(kader, kader_a, village_a, family_a1, today):
    child = make_child(village_a, family_a1, days=365 * 6, name="ENAM TAHUN")
    services.measurement_record(
        actor=kader_a,
        village=village_a,
        child=child,
        measured_on=today,
        weight_kg="20",
        lenhei_cm="115",
        position="h",
    )

    got = kader.get(reverse("health:child_detail", args=[child.public_id]))

    assert got.status_code == 200
    assert "tidak berlaku" in got.content.decode()


def test_sheet_shows_pregnant_women_to_mark_but_the_due_date_only_to_the_bidan(
    client, kader_a, bidan_a, village_a, session_a, family_a1, today
):
    mother = ResidentFactory(
        village=village_a,
        family=family_a1,
        rt=family_a1.rt,
        name="WATI HAMIL",
        sex=2,
        birth_date=dt.date(1995, 5, 5),
    )
    p = services.pregnancy_register(
        actor=bidan_a, village=village_a, mother=mother, lmp_date=today - dt.timedelta(days=100)
    )
    url = reverse("health:session_sheet", args=[session_a.public_id])

    client.force_login(kader_a)
    as_kader = client.get(url).content.decode()
    client.force_login(bidan_a)
    as_bidan = client.get(url).content.decode()

    assert "WATI HAMIL" in as_kader
    assert str(p.due_date) not in as_kader
    assert str(p.due_date) in as_bidan
