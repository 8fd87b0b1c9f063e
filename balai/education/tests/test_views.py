import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from balai.audit.models import AuditEvent
from balai.education.models import Enrolment, FollowUp, School


@pytest.fixture
def ats_child(make_child):
    return make_child("ANAK PUTUS SEKOLAH", age=14, education_current=5)


def test_follow_up_page_lists_ats_with_reason_and_masked_nik(client_a, ats_child):
    # when
    page = client_a.get(reverse("education:follow_up")).content.decode()
    # then
    assert "ANAK PUTUS SEKOLAH" in page
    assert "Putus sekolah" in page
    assert ats_child.nik not in page
    assert ats_child.nik[:6] + "******" in page


def test_follow_up_xlsx_is_masked_and_audited(client_a, ats_child):
    # when
    response = client_a.get(reverse("education:follow_up_xlsx"))
    # then
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = [str(c) for row in book.get_sheet_by_name("Tindak lanjut").to_python() for c in row]
    assert "ANAK PUTUS SEKOLAH" in cells
    assert ats_child.nik not in cells
    assert AuditEvent.objects.filter(action="education.followup_exported").count() == 1


def test_home_shows_counts(client_a, ats_child):
    response = client_a.get(reverse("education:home"))
    assert response.status_code == 200
    assert response.context["counts"].out_of_school == 1
    assert "ANAK PUTUS SEKOLAH" not in response.content.decode()


def test_reference_date_changes_the_ages(client_a, make_child):
    make_child("TUJUH TAHUN DEPAN", age=6, education_current=2)
    now = client_a.get(reverse("education:children"))
    later = client_a.get(reverse("education:children"), {"tanggal": "2030-01-01"})
    assert "TUJUH TAHUN DEPAN" not in now.content.decode()
    assert "TUJUH TAHUN DEPAN" in later.content.decode()


def test_followup_note_is_recorded_and_audited(client_a, ats_child):
    url = reverse("education:child_followup", args=[ats_child.public_id])
    response = client_a.post(url, {"noted_on": "2026-11-01", "outcome": "paket", "note": "Ikut paket B"})
    assert response.status_code == 302
    assert FollowUp.objects.get(resident=ats_child).outcome == "paket"
    assert AuditEvent.objects.filter(
        action="education.followup_added", object_id=ats_child.public_id
    ).exists()
    page = client_a.get(reverse("education:follow_up")).content.decode()
    assert "Ikut kejar paket A/B/C" in page


def test_enrol_form_shows_grade_error_in_indonesian(client_a, make_child, school_sd):
    child = make_child("ANAK")
    url = reverse("education:child_enrol", args=[child.public_id])
    response = client_a.post(
        url,
        {
            "school": school_sd.public_id,
            "school_year": "2026",
            "grade": "9",
            "enrolled_year": "2022",
            "status": "aktif",
        },
    )
    assert response.status_code == 400
    assert "Kelas 9 tidak ada di jenjang SD/MI" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_school_form_npsn_error(client_a):
    response = client_a.post(
        reverse("education:schools"), {"name": "SD X", "npsn": "12AB", "level": "sd", "status": "negeri"}
    )
    assert response.status_code == 400
    assert "NPSN harus 8 angka" in response.content.decode()
    assert not School.objects.exists()


def test_other_villages_child_is_404(client, operator_b, ats_child):
    client.force_login(operator_b)
    assert client.get(reverse("education:child", args=[ats_child.public_id])).status_code == 404
    response = client.post(
        reverse("education:child_followup", args=[ats_child.public_id]),
        {"noted_on": "2026-11-01", "outcome": "paket"},
    )
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_kades_reads_but_cannot_write(client, kades_a, ats_child):
    client.force_login(kades_a)
    assert client.get(reverse("education:follow_up")).status_code == 200
    url = reverse("education:child_followup", args=[ats_child.public_id])
    assert client.post(url, {"noted_on": "2026-11-01", "outcome": "paket"}).status_code == 403
    assert client.post(reverse("education:schools"), {"name": "SD"}).status_code == 403


def test_health_roles_see_nothing(client, kader_a):
    client.force_login(kader_a)
    assert client.get(reverse("education:home")).status_code == 403


@pytest.mark.parametrize("user", ["camat_a", "regency_viewer"])
def test_district_and_regency_see_counts_without_names(
    client, request, user, ats_child, make_child, family_b
):
    # given an ATS child in each village
    make_child("ANAK CEPAGAN TIDAK SEKOLAH", family=family_b, education_current=3)
    client.force_login(request.getfixturevalue(user))
    # when
    response = client.get(reverse("education:regional"))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Brokoh" in page
    assert "ANAK PUTUS SEKOLAH" not in page
    assert "ANAK CEPAGAN" not in page
    rows = {r.name: r.counts.out_of_school for r in response.context["data"].rows}
    assert rows["Brokoh"] == 1
    if user == "camat_a":
        assert "Cepagan" not in rows  # another district
    else:
        assert rows["Cepagan"] == 1
        assert response.context["data"].total.out_of_school == 2
    assert client.get(reverse("education:follow_up")).status_code == 403


def test_api_lists_follow_up_and_aggregates(client, operator_a, regency_viewer, ats_child):
    from balai.accounts.services import api_token_create

    _, key = api_token_create(user=operator_a, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    items = client.get("/api/v1/education/follow-up", **auth).json()
    assert [i["name"] for i in items] == ["ANAK PUTUS SEKOLAH"]
    assert items[0]["reason"] == "putus"
    assert ats_child.nik not in str(items)
    assert client.get("/api/v1/education/summary", **auth).json()["out_of_school"] == 1
    _, key = api_token_create(user=regency_viewer, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/education/follow-up", **auth).status_code == 403
    rows = client.get("/api/v1/education/villages", **auth).json()
    assert sum(r["out_of_school"] for r in rows) == 1
    assert "ANAK PUTUS" not in str(rows)


@pytest.mark.parametrize("hal", ["99999999999999999999999", "abc", "-3", "0", "2"])
@pytest.mark.parametrize(
    ("name", "query"),
    [("education:children", {}), ("education:children", {"status": "ats"}), ("education:follow_up", {})],
)
def test_child_lists_give_a_page_for_any_page_number(client_a, ats_child, name, query, hal):
    # when the page number is past the end, not a number, or below one
    response = client_a.get(reverse(name), {**query, "hal": hal})
    # then the one page there is, never an error
    assert response.status_code == 200
    assert "ANAK PUTUS SEKOLAH" in response.content.decode()


def test_child_list_pages_and_links_to_the_next_page(client_a, make_child, monkeypatch):
    # given more children than fit on a page
    monkeypatch.setattr("balai.education.views.PAGE_SIZE", 2)
    for n in range(3):
        make_child(f"ANAK {n}", age=10)
    # when / then
    first = client_a.get(reverse("education:children")).content.decode()
    assert "hal=2" in first
    assert "3 anak" in first
    last = client_a.get(reverse("education:children"), {"hal": "99"}).content.decode()
    assert "hal=1" in last
    assert "hal=3" not in last
