import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from balai.audit.models import AuditEvent
from balai.core.dates import Month
from balai.people.models import LifeEvent
from balai.people.tests.factories import ResidentFactory
from balai.regency import selectors
from balai.regency.models import VillageSnapshot
from balai.regency.services import snapshot_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def peopled(village_a, village_b, family_a, family_b):
    today = timezone.localdate()
    for i in range(3):
        ResidentFactory(
            village=village_a, family=family_a, rt=family_a.rt, sex=1, birth_date=dt.date(1980, 1, 1 + i)
        )
    ResidentFactory(
        village=village_a, family=family_a, rt=family_a.rt, sex=2, birth_date=today - dt.timedelta(days=40)
    )
    ResidentFactory(village=village_b, family=family_b, rt=family_b.rt, sex=2, birth_date=dt.date(1950, 5, 5))
    LifeEvent.objects.create(village=village_a, kind=LifeEvent.Kind.BIRTH, event_date=today)
    return village_a, village_b


def test_snapshot_counts_every_village_in_one_pass(peopled):
    # given two villages with residents and a birth this month
    a, b = peopled
    month = Month.of(timezone.localdate())
    # when the month is frozen
    result = snapshot_take(actor=None, month=month)
    # then each village has its figures
    assert result.created == 2
    fa = VillageSnapshot.objects.get(village=a, month=month.first).figures
    fb = VillageSnapshot.objects.get(village=b, month=month.first).figures
    assert (fa["residents"], fa["male"], fa["female"], fa["age_0_4"], fa["age_15_64"]) == (4, 3, 1, 1, 3)
    assert fa["births"] == 1
    assert fa["families"] == 1
    assert (fb["residents"], fb["age_65"]) == (1, 1)
    assert AuditEvent.objects.filter(action="regency.snapshot_taken").count() == 1


def test_snapshot_twice_changes_nothing(peopled):
    a, _b = peopled
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    before = VillageSnapshot.objects.get(village=a).figures
    ResidentFactory(village=a, family=None, rt=None, sex=1)
    # when taken again (cron ran twice)
    again = snapshot_take(actor=None, month=month)
    # then the frozen figures stay as they were
    assert (again.created, again.kept) == (0, 2)
    assert VillageSnapshot.objects.get(village=a).figures == before


def test_snapshot_refuses_future_and_old_months(peopled):
    month = Month.of(timezone.localdate())
    with pytest.raises(ValidationError, match="belum tiba"):
        snapshot_take(actor=None, month=month.next())
    with pytest.raises(ValidationError, match="tidak dapat diambil lagi"):
        snapshot_take(actor=None, month=month.previous().previous())


def test_snapshot_command_is_safe_to_rerun(peopled, capsys):
    call_command("snapshot")
    call_command("snapshot")
    out = capsys.readouterr().out
    assert "2 desa dibekukan" in out
    assert "0 desa dibekukan, 2 sudah ada" in out


def test_figures_page_reads_snapshots_and_camat_sees_own_district(client, peopled, camat_a, regency_viewer):
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    client.force_login(regency_viewer)
    page = client.get(reverse("regency:figures"))
    assert page.status_code == 200
    assert "Brokoh" in page.content.decode()
    assert "Cepagan" in page.content.decode()
    client.force_login(camat_a)
    page = client.get(reverse("regency:figures"))
    html = page.content.decode()
    assert "Brokoh" in html
    assert "Cepagan" not in html
    # another district by URL: refused with a message, not shown
    page = client.get(reverse("regency:figures") + "?kecamatan=33.25.12", follow=True)
    assert "Cepagan" not in page.content.decode()
    assert "di luar wilayah Anda" in page.content.decode()


def test_xlsx_has_as_of_and_the_villages(client, peopled, regency_viewer):
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    client.force_login(regency_viewer)
    got = client.get(reverse("regency:figures_xlsx") + f"?bulan={month}")
    assert got.status_code == 200
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(got.content))
    rows = book.get_sheet_by_index(0).to_python()
    text = " ".join(str(c) for r in rows for c in r)
    assert "Brokoh" in text
    assert "Data per" in text
    assert "Keterangan" in book.sheet_names
    # the time the page shows (local), not the stored UTC
    taken = VillageSnapshot.objects.filter(month=month.first).values_list("taken_at", flat=True).first()
    assert f"Data per: {timezone.localtime(taken):%d-%m-%Y %H:%M}" in text


def test_csv_suppresses_small_cells(client, peopled, regency_viewer):
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    client.force_login(regency_viewer)
    got = client.get(reverse("regency:figures_csv"))
    lines = got.content.decode().splitlines()
    header = lines[0].split(",")
    brokoh = next(line.split(",") for line in lines if "Brokoh" in line)
    assert brokoh[header.index("residents")] == ""  # 4 people: below the threshold


def test_operator_cannot_open_regency_pages(client_a):
    for name in (
        "regency:figures",
        "regency:freshness",
        "regency:rollout",
        "regency:digest",
        "regency:activate",
    ):
        assert client_a.get(reverse(name)).status_code == 403


def test_trend_sums_months(peopled):
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    from balai.regions.models import Village

    assert selectors.trend(villages=Village.objects.all(), key="residents") == [(month, 5)]


def test_api_figures_for_camat_token_only_own_district(client, peopled, camat_a):
    from balai.accounts.services import api_token_create

    snapshot_take(actor=None, month=Month.of(timezone.localdate()))
    key = api_token_create(actor=camat_a, user=camat_a, name="t")
    key = key[1] if isinstance(key, tuple) else key
    got = client.get("/api/v1/regency/figures", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert got.status_code == 200
    names = [v["name"] for v in got.json()["villages"]]
    assert names == ["Brokoh"]
    # only the running month is frozen: it is what the API gives, saying it runs
    assert got.json()["running"] is True
    assert got.json()["villages_reported"] == 1
    assert client.get("/api/v1/regency/rollout", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert client.get("/api/v1/regency/freshness", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_compare_ranks_with_median_and_trend_shows_months(client, peopled, regency_viewer):
    month = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=month)
    client.force_login(regency_viewer)
    page = client.get(reverse("regency:compare") + "?indikator=residents")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Brokoh") < html.index("Cepagan")  # 4 residents before 1
    assert 'id="median">2,5<' in html
    assert client.get(reverse("regency:compare") + "?indikator=xx").status_code == 200
    figures = client.get(reverse("regency:figures")).content.decode()
    assert 'id="trend"' in figures
    assert month.label in figures


def test_pdf_table_and_bupati_report(client, peopled, regency_viewer):
    snapshot_take(actor=None, month=Month.of(timezone.localdate()))
    client.force_login(regency_viewer)
    table = client.get(reverse("regency:figures_pdf"))
    assert table.status_code == 200
    assert table.content.startswith(b"%PDF")
    report = client.get(reverse("regency:report_pdf"))
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF")


# --- Honest periods (issue 21 item 3) ---------------------------------------------------------


def _text(content):
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(content))
    return " ".join(
        str(c) for name in book.sheet_names for r in book.get_sheet_by_name(name).to_python() for c in r
    )


def test_figures_open_on_the_last_complete_month_even_when_the_running_one_is_frozen(
    client, peopled, regency_viewer
):
    a, _b = peopled
    this = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=this.previous())
    snapshot_take(actor=None, month=this, villages=[a])  # one village frozen mid-month
    client.force_login(regency_viewer)

    default = client.get(reverse("regency:figures"))
    running = client.get(reverse("regency:figures") + f"?bulan={this}")

    assert default.context["month"] == this.previous()
    assert "berjalan, data sampai" not in default.content.decode()
    assert "2 dari 2 desa melapor" in default.content.decode()
    html = running.content.decode()
    assert "berjalan, data sampai" in html
    assert "1 dari 2 desa melapor" in html
    assert "berjalan, belum lengkap" in html  # the trend row of the running month


def test_running_month_exports_say_so(client, peopled, regency_viewer):
    this = Month.of(timezone.localdate())
    snapshot_take(actor=None, month=this)
    client.force_login(regency_viewer)

    got = client.get(reverse("regency:figures_xlsx") + f"?bulan={this}")

    assert f"{this.label} (berjalan, data sampai" in _text(got.content)
    assert "2 dari 2 desa melapor" in _text(got.content)
    assert client.get(reverse("regency:report_pdf") + f"?bulan={this}").content.startswith(b"%PDF")


def test_a_month_frozen_before_it_ended_is_marked_partial(client, peopled, regency_viewer):
    last = Month.of(timezone.localdate()).previous()
    mid = dt.datetime.combine(
        last.first + dt.timedelta(days=9), dt.time(10), tzinfo=timezone.get_current_timezone()
    )
    snapshot_take(actor=None, month=last, now=mid)
    client.force_login(regency_viewer)

    page = client.get(reverse("regency:figures"))

    assert page.context["month"] == last
    assert page.context["table"].partial == 2
    assert "dibekukan sebelum" in page.content.decode()


def _parts_add_up(f):
    assert f["male"] + f["female"] == f["residents"]
    assert (
        sum(f[k] for k in ("age_0_4", "age_5_14", "age_15_64", "age_65", "no_birth_date")) == f["residents"]
    )


def test_snapshot_parts_add_up_and_equal_the_live_selectors(peopled):
    # given a past month with a birth, a cancelled birth and an issued letter in it
    from balai.letters.models import Letter
    from balai.people.books import monthly_report

    a, _b = peopled
    today = timezone.localdate()
    month = Month.of(today).previous()
    unknown = ResidentFactory(village=a, family=None, rt=None, sex=2)
    type(unknown).objects.filter(pk=unknown.pk).update(birth_date=None)
    LifeEvent.objects.create(village=a, kind=LifeEvent.Kind.BIRTH, event_date=month.first)
    LifeEvent.objects.create(
        village=a, kind=LifeEvent.Kind.BIRTH, event_date=month.first, cancelled_at=timezone.now()
    )
    subject = ResidentFactory(village=a, family=None, rt=None, sex=1)
    in_month = timezone.make_aware(dt.datetime.combine(month.first, dt.time(0, 30)))
    # issued in the month (dated in the register the month before) and issued after it
    Letter.objects.create(
        village=a,
        type_code="domisili",
        subject=subject,
        state="issued",
        issued_at=in_month,
        issued_on=month.first - dt.timedelta(days=1),
    )
    Letter.objects.create(
        village=a,
        type_code="domisili",
        subject=subject,
        state="issued",
        issued_at=timezone.now(),
        issued_on=month.first,
    )
    # when the month is frozen
    snapshot_take(actor=None, month=month)
    f = VillageSnapshot.objects.get(village=a, month=month.first).figures
    # then the parts add up to the totals
    _parts_add_up(f)
    assert f["no_birth_date"] == 1
    # and births are the monthly population report's births, letters those issued that month
    report = monthly_report(village_ids=[a.pk], year=month.first.year, month=month.first.month)
    assert f["births"] == report.lines["births"].total == 1
    assert f["letters_issued"] == 1


def test_demo_estimates_add_up_and_count_dated_figures_from_the_database(peopled):
    import random

    from balai.regency.demo import past_snapshots

    a, _b = peopled
    today = timezone.localdate()
    month = Month.of(today).previous()
    LifeEvent.objects.create(village=a, kind=LifeEvent.Kind.BIRTH, event_date=month.first)
    past_snapshots(village=a, rnd=random.Random(1), today=today, months=6)
    rows = list(VillageSnapshot.objects.filter(village=a).order_by("-month"))
    assert len(rows) == 6
    assert all(r.estimated for r in rows)
    for r in rows:
        _parts_add_up(r.figures)
        assert r.figures["letters_issued"] == 0  # no letter in the database: none invented
    assert rows[0].figures["births"] == 1
    assert all(r.figures["births"] == 0 for r in rows[1:])


def test_estimated_months_say_so_in_the_downloads(client, peopled, regency_viewer):
    import random

    from balai.regency.demo import past_snapshots

    a, _b = peopled
    past_snapshots(village=a, rnd=random.Random(1), today=timezone.localdate(), months=2)
    month = Month.of(timezone.localdate()).previous()
    client.force_login(regency_viewer)
    got = client.get(reverse("regency:figures_xlsx") + f"?bulan={month}")
    assert "sebagian diperkirakan dari riwayat" in _text(got.content)
    assert client.get(reverse("regency:report_pdf") + f"?bulan={month}").content.startswith(b"%PDF")


def test_a_village_switched_on_after_a_frozen_month_is_not_missing_from_it(client, peopled, regency_viewer):
    # given last month frozen for the two villages, then a third village switched on today
    from balai.people.tests.factories import VillageFactory

    last = Month.of(timezone.localdate()).previous()
    snapshot_take(actor=None, month=last)
    VillageFactory(
        code="33.25.01.2010", name="Silurah", district_code="33.25.01", district_name="Wonotunggal"
    )
    client.force_login(regency_viewer)

    # when the regency reads last month
    page = client.get(reverse("regency:figures") + f"?bulan={last}")
    xlsx = client.get(reverse("regency:figures_xlsx") + f"?bulan={last}")
    table = selectors.regency_table(villages=regency_viewer_villages(), month=last)

    # then the frozen month stays as it was: two of two, no "missing" village, Silurah absent
    html = page.content.decode()
    assert "2 dari 2 desa melapor" in html
    assert "belum punya snapshot" not in html
    assert "Silurah" not in html.split("<table", 1)[-1].split("</table>", 1)[0]
    assert "1 desa baru diaktifkan setelah bulan ini" in html
    assert "Silurah" not in _text(xlsx.content)
    assert "2 dari 2 desa melapor" in _text(xlsx.content)
    assert (table.missing, table.later, [r.name for r in table.rows]) == (0, 1, ["Brokoh", "Cepagan"])
    from balai.accounts.services import api_token_create

    key = api_token_create(actor=regency_viewer, user=regency_viewer, name="t")
    key = key[1] if isinstance(key, tuple) else key
    api = client.get(f"/api/v1/regency/figures?bulan={last}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert (api["missing"], api["not_yet_live"], len(api["villages"])) == (0, 1, 2)
    # and the running month does count it (live now, no snapshot yet)
    running = selectors.regency_table(villages=regency_viewer_villages(), month=last.next())
    assert (running.missing, running.later) == (3, 0)


def regency_viewer_villages():
    from balai.regions.models import Village

    return Village.objects.filter(is_active=True)
