import pytest
from django.urls import reverse

from balai.staff.models import Official
from balai.staff.tests.factories import OfficialFactory

LIST = reverse("staff:official_list")
CREATE = reverse("staff:official_create")


def test_operator_adds_an_official(client_a, village_a):
    response = client_a.post(
        CREATE,
        {
            "name": "Siti Aminah",
            "position": "Sekretaris Desa",
            "signs_letters": "on",
            "signs_as": "an",
            "on_behalf_of": "Kepala Desa",
            "term_start": "2021-01-01",
            "order": "2",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    official = Official.objects.get(village=village_a)
    assert (official.signs_as, official.term_start.isoformat()) == ("an", "2021-01-01")
    page = client_a.get(LIST).content.decode()
    assert "Siti Aminah" in page
    assert "a.n. Kepala Desa" in page


def test_bad_official_form_names_the_field(client_a, village_a):
    response = client_a.post(
        CREATE,
        {"name": "Siti", "position": "Sekdes", "signs_letters": "on", "signs_as": "ub", "is_active": "on"},
    )

    assert response.status_code == 400
    assert "on_behalf_of" in response.context["form"].errors
    assert not Official.objects.exists()


def test_operator_edits_and_deactivates(client_a, village_a):
    official = OfficialFactory(village=village_a)

    edit = client_a.post(
        reverse("staff:official_edit", args=[official.public_id]),
        {
            "name": "SUTRISNO, S.E.",
            "position": "Kepala Desa",
            "signs_letters": "on",
            "signs_as": "own",
            "is_active": "on",
            "order": "0",
        },
    )
    deactivate = client_a.post(reverse("staff:official_deactivate", args=[official.public_id]))

    assert edit.status_code == 302
    assert deactivate.status_code == 302
    official.refresh_from_db()
    assert official.name == "SUTRISNO, S.E."
    assert not official.is_active


def test_operator_of_a_gets_404_on_b_official(client_a, village_b):
    official_b = OfficialFactory(village=village_b)

    assert client_a.get(reverse("staff:official_edit", args=[official_b.public_id])).status_code == 404
    assert (
        client_a.post(reverse("staff:official_edit", args=[official_b.public_id]), {"name": "X"}).status_code
        == 404
    )
    assert client_a.post(reverse("staff:official_deactivate", args=[official_b.public_id])).status_code == 404
    official_b.refresh_from_db()
    assert official_b.is_active
    assert official_b.name == "SUTRISNO"


def test_kades_reads_officials_but_cannot_change_them(client, kades_a, village_a):
    official = OfficialFactory(village=village_a)
    client.force_login(kades_a)

    assert client.get(LIST).status_code == 200
    assert client.get(CREATE).status_code == 403
    assert client.post(reverse("staff:official_deactivate", args=[official.public_id])).status_code == 403


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_kader_may_not_manage_officials(client, kader_a, url):
    client.force_login(kader_a)

    assert client.get(url).status_code == 403


def test_operator_links_an_official_to_the_signing_account(client_a, village_a, kades_a, operator_b):
    # given: the kepala desa's record without an account
    official = OfficialFactory(village=village_a, name="Suparman", position="Kepala Desa")
    edit = reverse("staff:official_edit", args=[official.public_id])
    form = {"name": "Suparman", "position": "Kepala Desa", "signs_letters": "on", "signs_as": "own"}
    form |= {"order": "1", "is_active": "on"}
    # when: another village's account is offered (forged POST), then the right one
    foreign = client_a.post(edit, form | {"user": operator_b.pk})
    linked = client_a.post(edit, form | {"user": kades_a.pk})
    # then
    assert foreign.status_code == 400
    assert linked.status_code == 302
    official.refresh_from_db()
    assert official.user == kades_a
    assert operator_b.username not in client_a.get(edit).content.decode()
