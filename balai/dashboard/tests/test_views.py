import re

import pytest
from django.urls import reverse

from balai.accounts.models import Role, User
from balai.people.tests.factories import VillageFactory

OVERVIEW = reverse("dashboard:overview")


def _village_url(village):
    return reverse("dashboard:village", args=[village.code])


def test_regency_viewer_sees_every_village(
    client, regency_viewer, resident_a, resident_b, village_a, village_b
):
    client.force_login(regency_viewer)

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    body = response.content.decode()
    assert village_a.name in body
    assert village_b.name in body
    assert _village_url(village_a) in body
    assert _village_url(village_b) in body
    assert response.context["data"].counts.residents == 2


def test_camat_sees_only_their_district(client, camat_a, resident_a, resident_b, village_a, village_b):
    # given: a second village in A's district
    neighbour = VillageFactory(
        code="33.25.01.2008",
        name="Kemligi",
        district_code=village_a.district_code,
        district_name=village_a.district_name,
    )
    client.force_login(camat_a)

    # when
    response = client.get(OVERVIEW)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert village_a.name in body
    assert neighbour.name in body
    assert village_b.name not in body
    assert response.context["data"].counts.residents == 1


def test_camat_drill_down_is_404_outside_their_district(client, camat_a, village_a, village_b):
    client.force_login(camat_a)

    assert client.get(_village_url(village_a)).status_code == 200
    assert client.get(_village_url(village_b)).status_code == 404
    assert client.get(reverse("dashboard:village", args=["99.99.99.9999"])).status_code == 404


def test_village_operator_is_sent_to_own_village_page(client_a, village_a):
    response = client_a.get(OVERVIEW)

    assert response.status_code == 302
    assert response.url == _village_url(village_a)


def test_village_operator_gets_404_on_another_villages_drill_down(client_a, village_a, village_b):
    assert client_a.get(_village_url(village_a)).status_code == 200
    assert client_a.get(_village_url(village_b)).status_code == 404


def test_kader_may_not_read_aggregates(client, kader_a, village_a):
    client.force_login(kader_a)

    assert client.get(OVERVIEW).status_code == 403
    assert client.get(_village_url(village_a)).status_code == 403


def test_anonymous_is_sent_to_login(client, village_a):
    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_deactivated_village_disappears_from_the_overview(client, regency_viewer, village_a, village_b):
    village_b.is_active = False
    village_b.save()
    client.force_login(regency_viewer)

    body = client.get(OVERVIEW).content.decode()

    assert village_a.name in body
    assert village_b.name not in body
    assert client.get(_village_url(village_b)).status_code == 404


@pytest.mark.parametrize("page", ["overview", "village"])
def test_pages_show_no_personal_data(client, regency_viewer, resident_a, resident_b, village_a, page):
    # given: a named RT head and family address exist in A
    resident_a.rt.head_name = "KETUA RAHASIA"
    resident_a.rt.save()
    client.force_login(regency_viewer)
    url = OVERVIEW if page == "overview" else _village_url(village_a)

    # when
    body = client.get(url).content.decode()

    # then
    for secret in (
        resident_a.name,
        resident_b.name,
        resident_a.nik,
        resident_a.family.kk_number,
        "KETUA RAHASIA",
    ):
        assert secret not in body
    assert resident_a.public_id not in body


def test_pyramid_is_an_accessible_inline_svg(client, regency_viewer, resident_a, resident_b):
    client.force_login(regency_viewer)

    body = client.get(OVERVIEW).content.decode()

    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert "75+" in svg
    assert "0–4" in svg
    # Coordinates stay machine-readable under the Indonesian locale (no decimal commas).
    shapes = re.findall(r"<(?:rect|text) [^>]*>", svg)
    values = [v for tag in shapes for v in re.findall(r'\b(?:x|y|width)="([^"]*)"', tag)]
    assert len(shapes) > 32
    for value in values:
        float(value)


def test_village_page_lists_dusun(client_a, resident_a):
    body = client_a.get(_village_url(resident_a.village)).content.decode()

    assert resident_a.rt.dusun.name in body


def test_camat_of_a_district_without_villages_sees_an_empty_overview(client, village_a, resident_a):
    camat = User.objects.create_user(
        username="camat_reban", password="x", role=Role.CAMAT, district_code="33.25.04"
    )
    client.force_login(camat)

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    assert response.context["data"].counts.residents == 0
    assert village_a.name not in response.content.decode()
    assert "Reban" in response.content.decode()
