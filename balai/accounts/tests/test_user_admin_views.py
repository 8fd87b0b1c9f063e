import pytest
from django.test import Client
from django.urls import reverse

from balai.accounts.models import Role, User
from balai.regions.models import Village

VILLAGES = reverse("accounts:village_admin")
USERS = reverse("accounts:user_admin_list")
CREATE = reverse("accounts:user_admin_create")


@pytest.fixture
def admin_client(client, regency_viewer):
    client.force_login(regency_viewer)
    return client


@pytest.mark.parametrize("persona", ["operator_a", "kades_a", "camat_a"])
@pytest.mark.parametrize("url", [VILLAGES, USERS, CREATE])
def test_only_dispermades_administers(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_village_list_offers_unserved_villages_only(admin_client, village_a, village_b):
    response = admin_client.get(VILLAGES)

    body = response.content.decode()
    assert response.status_code == 200
    assert village_a.name in body
    assert village_b.name in body
    offered = {
        code for _group, options in response.context["form"].fields["code"].choices[1:] for code, _ in options
    }
    assert "33.25.08.2008" in offered
    assert village_a.code not in offered
    assert len(offered) > 200


def test_dispermades_adds_and_deactivates_a_village(admin_client, village_b):
    added = admin_client.post(VILLAGES, {"code": "33.25.08.2008"})
    stopped = admin_client.post(reverse("accounts:village_admin_deactivate", args=[village_b.code]))

    assert added.status_code == 302
    assert stopped.status_code == 302
    assert Village.objects.get(code="33.25.08.2008").name == "Kepuh"
    village_b.refresh_from_db()
    assert not village_b.is_active


def test_adding_a_code_outside_the_list_is_a_form_error(admin_client):
    response = admin_client.post(VILLAGES, {"code": "33.26.01.2001"})

    assert response.status_code == 400
    assert "code" in response.context["form"].errors


def test_create_user_shows_generated_password_once(admin_client, village_a):
    response = admin_client.post(
        CREATE,
        {"username": "sekdes_brokoh", "full_name": "Ani", "role": Role.SEKDES, "village": village_a.code},
    )

    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="sekdes_brokoh")
    assert user.village == village_a
    assert user.check_password(password)
    # not retrievable afterwards
    assert (
        password
        not in admin_client.get(reverse("accounts:user_admin_detail", args=[user.pk])).content.decode()
    )


def test_create_user_with_mismatched_scope_shows_field_error(admin_client, village_a):
    response = admin_client.post(
        CREATE,
        {"username": "camat2", "full_name": "Camat", "role": Role.CAMAT, "village": village_a.code},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "village" in errors
    assert "district_code" in errors
    assert not User.objects.filter(username="camat2").exists()


def test_user_list_and_detail(admin_client, operator_a, camat_a):
    body = admin_client.get(USERS, {"q": "operator"}).content.decode()

    assert "operator_a" in body
    assert "camat_a" not in body
    assert admin_client.get(reverse("accounts:user_admin_detail", args=[camat_a.pk])).status_code == 200
    assert admin_client.get(reverse("accounts:user_admin_detail", args=[999999])).status_code == 404


def test_deactivate_and_reset_password(admin_client, operator_a):
    deactivated = admin_client.post(reverse("accounts:user_admin_deactivate", args=[operator_a.pk]))
    reset = admin_client.post(reverse("accounts:user_admin_password", args=[operator_a.pk]), {"password": ""})

    assert deactivated.status_code == 302
    operator_a.refresh_from_db()
    assert not operator_a.is_active
    assert reset.status_code == 200
    assert operator_a.check_password(reset.context["password"])
    assert "no-store" in reset["Cache-Control"]


def test_weak_typed_password_is_a_form_error(admin_client, operator_a):
    response = admin_client.post(
        reverse("accounts:user_admin_password", args=[operator_a.pk]), {"password": "123"}
    )

    assert response.status_code == 400
    assert "password" in response.context["password_form"].errors


def test_admin_cannot_deactivate_self(admin_client, regency_viewer):
    admin_client.post(reverse("accounts:user_admin_deactivate", args=[regency_viewer.pk]))

    regency_viewer.refresh_from_db()
    assert regency_viewer.is_active


def test_nav_shows_admin_links_to_dispermades_only(regency_viewer, operator_a, village_a):
    admin, operator = Client(), Client()
    admin.force_login(regency_viewer)
    operator.force_login(operator_a)

    admin_page = admin.get(reverse("dashboard:overview")).content.decode()
    operator_page = operator.get(reverse("dashboard:village", args=[village_a.code])).content.decode()

    assert VILLAGES in admin_page
    assert USERS in admin_page
    assert VILLAGES not in operator_page
    assert USERS not in operator_page
    assert f'href="{reverse("regions:profile")}"' in operator_page
    assert f'href="{reverse("staff:official_list")}"' in operator_page
    assert f'href="{reverse("regions:profile")}"' not in admin_page


@pytest.mark.parametrize("hal", ["99999999999999999999999", "abc", "-3", "0", "2"])
def test_user_list_gives_a_page_for_any_page_number(admin_client, operator_a, hal):
    response = admin_client.get(USERS, {"hal": hal})
    assert response.status_code == 200
    assert operator_a.username in response.content.decode()
