import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from balai.accounts.models import Role, User
from balai.audit.models import AuditEvent
from balai.people.models import LifeEvent
from balai.regency import selectors
from balai.regions.models import Village
from balai.staff.models import Official

pytestmark = pytest.mark.django_db


def test_freshness_red_for_empty_village_green_reasons_listed(
    village_a, village_b, resident_a, regency_viewer, client
):
    # given Brokoh with a resident registered just now and Cepagan with nothing
    LifeEvent.objects.create(village=village_a, kind=LifeEvent.Kind.BIRTH, event_date=timezone.localdate())
    rows = {r.name: r for r in selectors.freshness(villages=Village.objects.all())}
    # then Cepagan is red because it has no data; Brokoh is not red
    assert rows["Cepagan"].status == "red"
    assert "Belum ada data penduduk" in rows["Cepagan"].reasons
    assert rows["Brokoh"].status != "red"
    assert rows["Brokoh"].events_month >= 1
    # and the page sorts and filters
    client.force_login(regency_viewer)
    page = client.get(reverse("regency:freshness") + "?urut=desa&kecamatan=33.25.01")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Brokoh" in html
    assert "Cepagan" not in html
    assert "berjalan, data sampai" in html  # the "this month" columns count a running month


def test_quiet_village_is_red(village_a, resident_a):
    old = timezone.now() - dt.timedelta(days=90)
    LifeEvent.objects.create(village=village_a, kind=LifeEvent.Kind.BIRTH, event_date=old.date())
    LifeEvent.objects.filter(village=village_a).update(recorded_at=old)
    row = selectors.freshness(villages=Village.objects.filter(pk=village_a.pk))[0]
    assert row.status == "red"
    assert any("60 hari" in r for r in row.reasons)


def test_rollout_stage_is_computed_from_data(village_a, operator_a, resident_a):
    # given Brokoh with an operator and residents but no profile/officials yet
    rows = {r.code: r for r in selectors.rollout(district_code="33.25.01").rows}
    brokoh = rows["33.25.01.2007"]
    assert brokoh.stage_key == "preparing"
    assert any("Profil" in m for m in brokoh.missing)
    assert any("Perangkat" in m for m in brokoh.missing)
    # and the district's other villages are not started
    assert sum(1 for r in rows.values() if r.stage_key == "not_started") == len(rows) - 1
    # when the profile and officials are in
    Village.objects.filter(pk=village_a.pk).update(address="Jl. Raya 1", head_name="KADES")
    Official.objects.create(village=village_a, name="KADES", position="Kepala Desa")
    brokoh = {r.code: r for r in selectors.rollout(district_code="33.25.01").rows}["33.25.01.2007"]
    # then the data is loaded and the next step is the first letter
    assert brokoh.stage_key == "data_loaded"
    assert brokoh.missing == ["Surat pertama terbit (atau surat masuk dicatat) di Balai"]


def test_dispermades_switches_a_batch_on_with_printed_credentials(client, regency_viewer):
    client.force_login(regency_viewer)
    page = client.post(reverse("regency:activate"), {"codes": ["33.25.01.2001", "33.25.01.2002"]})
    assert page.status_code == 200
    html = page.content.decode()
    assert Village.objects.filter(code__in=["33.25.01.2001", "33.25.01.2002"], is_active=True).count() == 2
    users = User.objects.filter(village__code="33.25.01.2001")
    assert sorted(users.values_list("role", flat=True)) == sorted([Role.OPERATOR, Role.SEKDES, Role.KADES])
    assert users.first().username in html
    # the first sign-in must set a new password (the hardening work's flag, when present)
    if hasattr(users.first(), "must_change_password"):
        assert all(u.must_change_password for u in users)
    assert page["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="regency.village_activated").count() == 2
    # switching one on again is refused with the village named
    again = client.post(reverse("regency:activate"), {"codes": ["33.25.01.2001"]})
    assert again.status_code == 400


def test_camat_cannot_activate(client, camat_a):
    client.force_login(camat_a)
    assert client.post(reverse("regency:activate"), {"codes": ["33.25.01.2001"]}).status_code == 403


def test_digest_lists_villages_needing_attention(client, village_a, regency_viewer):
    client.force_login(regency_viewer)
    page = client.get(reverse("regency:digest"))
    assert page.status_code == 200
    assert "Brokoh" in page.content.decode()


def test_rollout_village_checklist_and_import(
    client, village_a, village_b, regency_viewer, camat_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from balai.people.models import ImportJob

    client.force_login(camat_a)
    page = client.get(reverse("regency:rollout_village", args=[village_a.code]))
    assert page.status_code == 200
    assert "Akun operator" in page.content.decode()
    assert b"Unggah" not in page.content  # the camat reads, Dispermades imports
    # another district's village answers as a missing one
    assert client.get(reverse("regency:rollout_village", args=[village_b.code])).status_code == 404
    assert client.get(reverse("regency:rollout_village", args=["99.99.99.9999"])).status_code == 404
    # Dispermades: a file that is not xlsx is refused by name, nothing queued
    client.force_login(regency_viewer)
    bad = client.post(
        reverse("regency:rollout_village", args=[village_a.code]),
        {"file": SimpleUploadedFile("penduduk.csv", b"a,b")},
    )
    assert bad.status_code == 400
    assert "harus .xlsx" in bad.content.decode()
    assert not ImportJob.objects.exists()


def test_dispermades_imports_a_villages_opensid_file(client, village_a, regency_viewer, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from balai.people.models import ImportJob, Resident
    from balai.people.tests.xlsx_helpers import kk, person, write_xlsx

    settings.BALAI_TASKS_INLINE = True
    file = write_xlsx(tmp_path / "penduduk.xlsx", [person(11, no_kk=kk(7), kk_level=1, nama="AHMAD FAUZI")])
    client.force_login(regency_viewer)
    got = client.post(
        reverse("regency:rollout_village", args=[village_a.code]),
        {"file": SimpleUploadedFile("penduduk.xlsx", file.read_bytes())},
    )
    assert got.status_code == 302
    job = ImportJob.objects.get(village=village_a)
    assert job.created_by == regency_viewer
    assert job.state == ImportJob.State.APPLIED
    assert Resident.objects.filter(village=village_a, name="AHMAD FAUZI").exists()


def _letter_reason(village):
    row = selectors.freshness(villages=Village.objects.filter(pk=village.pk))[0]
    return any("surat" in r.lower() and "60 hari" in r for r in row.reasons), row


def _live(village):
    Village.objects.filter(pk=village.pk).update(address="Jl. Raya 1", head_name="KADES")
    Official.objects.get_or_create(village=village, name="KADES", position="Kepala Desa")
    rows = {r.code: r for r in selectors.rollout(district_code=village.district_code).rows}
    return rows[village.code].stage >= 3


def test_board_and_rollout_agree_on_the_letter_book(village_a, operator_a, resident_a):
    from balai.letters.models import IncomingLetter, Letter

    # given a draft letter only (nothing issued): not live, and "no letter in 60 days"
    Letter.objects.create(village=village_a, type_code="domisili", subject=resident_a, state="submitted")
    quiet, row = _letter_reason(village_a)
    assert quiet
    assert row.letters_month == 0
    assert not _live(village_a)
    # when an incoming letter is recorded, both count the letter book as running
    today = timezone.localdate()
    IncomingLetter.objects.create(
        village=village_a,
        year=today.year,
        agenda_number=1,
        received_on=today,
        sender="Camat",
        letter_number="1",
        letter_date=today,
        subject="Undangan",
    )
    quiet, row = _letter_reason(village_a)
    assert not quiet
    assert _live(village_a)
    # and a letter issued this month counts in this month's letters
    Letter.objects.create(
        village=village_a,
        type_code="domisili",
        subject=resident_a,
        state="issued",
        issued_at=timezone.now(),
        issued_on=today,
    )
    assert _letter_reason(village_a)[1].letters_month == 1


def test_digest_and_board_count_events_by_one_rule(village_a, resident_a):
    # given events typed in this week: one dated today, one dated long ago, one cancelled
    today = timezone.localdate()
    LifeEvent.objects.create(village=village_a, kind=LifeEvent.Kind.BIRTH, event_date=today)
    LifeEvent.objects.create(village=village_a, kind=LifeEvent.Kind.BIRTH, event_date=dt.date(2001, 1, 1))
    LifeEvent.objects.create(
        village=village_a, kind=LifeEvent.Kind.BIRTH, event_date=today, cancelled_at=timezone.now()
    )
    villages = Village.objects.filter(pk=village_a.pk)
    digest = selectors.weekly_digest(villages=villages, today=today)
    board = selectors.freshness(villages=villages, today=today)[0]
    # then both count the one event dated in their period
    assert digest["rows"][0]["events"] == 1
    assert board.events_month == 1
