"""Issue 16: a regency officer answers "who read what between t1 and t2"."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_regency_sees_who_read_what_between_two_days(client_a, regency_viewer, operator_a, resident_a):
    client_a.get(reverse("people:resident_detail", args=[resident_a.public_id]))
    officer = Client()
    officer.force_login(regency_viewer)
    page = officer.get(reverse("dashboard:reads"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "operator_a" in text
    assert resident_a.public_id in text
    empty = officer.get(reverse("dashboard:reads"), {"dari": "2020-01-01", "sampai": "2020-01-31"})
    assert resident_a.public_id not in empty.content.decode()
    assert officer.get(reverse("dashboard:reads"), {"dari": "kemarin"}).status_code == 400


def test_village_operator_is_refused(client_a):
    assert client_a.get(reverse("dashboard:reads")).status_code == 403


def test_regency_narrows_the_reads_to_one_officer_or_one_resident(
    client_a, regency_viewer, operator_a, resident_a, village_a
):
    from balai.people.tests.factories import ResidentFactory

    other = ResidentFactory(village=village_a)
    client_a.get(reverse("people:resident_detail", args=[resident_a.public_id]))
    client_a.get(reverse("people:resident_detail", args=[other.public_id]))
    officer = Client()
    officer.force_login(regency_viewer)

    one = officer.get(reverse("dashboard:reads"), {"penduduk": resident_a.public_id}).content.decode()
    assert resident_a.public_id in one
    assert other.public_id not in one
    by_operator = officer.get(reverse("dashboard:reads"), {"petugas": "operator_a"}).content.decode()
    assert resident_a.public_id in by_operator
    assert other.public_id in by_operator
    assert "petugas=operator_a" in by_operator  # each row links to the officer's reads
    nobody = officer.get(reverse("dashboard:reads"), {"petugas": "tidak_ada"})
    assert nobody.status_code == 400
    assert "Petugas" in nobody.content.decode()
    assert resident_a.public_id not in nobody.content.decode()


def test_each_row_shows_time_officer_village_record_purpose_and_source(regency_viewer, operator_a, village_a):
    from balai.audit.selectors import READ_ACTIONS
    from balai.audit.services import audit_record

    audit_record(
        actor=operator_a,
        village=village_a,
        action=READ_ACTIONS[0],
        object_type="resident",
        object_id="rec-123",
        changes={"purpose": "verifikasi bantuan"},
        source="10.0.0.9",
    )
    officer = Client()
    officer.force_login(regency_viewer)
    text = officer.get(reverse("dashboard:reads")).content.decode()
    for shown in ("operator_a", village_a.name, "rec-123", "verifikasi bantuan", "10.0.0.9"):
        assert shown in text


def test_narrowed_to_one_resident_the_list_and_family_pages_that_showed_them(
    client_a, regency_viewer, resident_a, family_a, village_a
):
    from balai.people.tests.factories import ResidentFactory

    other = ResidentFactory(village=village_a, name="ZAINAL ARIFIN")
    client_a.get(reverse("people:resident_list"))
    client_a.get(reverse("people:family_detail", args=[family_a.public_id]))
    officer = Client()
    officer.force_login(regency_viewer)

    one = officer.get(reverse("dashboard:reads"), {"penduduk": resident_a.public_id}).content.decode()
    assert one.count(f"<code>{resident_a.public_id}</code>") == 2  # the list page and the family page
    assert other.public_id not in one
    # Unnarrowed, a page of the list is one row per resident it showed.
    everything = officer.get(reverse("dashboard:reads")).content.decode()
    assert f"<code>{other.public_id}</code>" in everything
    assert everything.count(f"<code>{resident_a.public_id}</code>") == 2


def test_pages_follow_each_other_without_a_count(regency_viewer, operator_a, village_a):
    from balai.audit.services import audit_record_read

    ids = [f"rec-{i:03d}" for i in range(150)]
    audit_record_read(
        actor=operator_a, village=village_a, action="resident.viewed", object_type="resident", object_ids=ids
    )
    officer = Client()
    officer.force_login(regency_viewer)
    first = officer.get(reverse("dashboard:reads")).content.decode()
    second = officer.get(reverse("dashboard:reads"), {"hal": "2"}).content.decode()
    assert "hal=2" in first
    assert "hal=3" not in second
    shown = [i for i in ids if f"<code>{i}</code>" in first] + [
        i for i in ids if f"<code>{i}</code>" in second
    ]
    assert sorted(shown) == ids  # every record once, over the two pages
    assert officer.get(reverse("dashboard:reads"), {"hal": "99999999999"}).status_code == 200
