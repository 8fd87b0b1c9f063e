import pytest
from django.core.exceptions import ValidationError

from balai.accounts import services
from balai.accounts.models import Role, User
from balai.accounts.scope import scope_for
from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError


def test_user_create_generates_a_password_once(regency_viewer, village_a):
    user, password = services.user_create(
        actor=regency_viewer,
        username=" Operator_Brokoh2 ",
        full_name="Rina  Wati",
        role=Role.OPERATOR,
        village=village_a,
    )

    assert user.username == "operator_brokoh2"
    assert user.get_full_name() == "Rina Wati"
    assert len(password) == 12
    assert user.check_password(password)
    assert scope_for(user).village == village_a
    event = AuditEvent.objects.get(action="user.created")
    assert event.actor == regency_viewer
    assert event.village is None
    assert password not in str(event.changes)


def test_user_create_with_admin_password_returns_none_to_show(regency_viewer, village_a):
    user, shown = services.user_create(
        actor=regency_viewer,
        username="kades_brokoh",
        full_name="Sutrisno",
        role=Role.KADES,
        village=village_a,
        password="sandi-kuat-2025!",
    )

    assert shown == ""
    assert user.check_password("sandi-kuat-2025!")


def test_camat_and_dispermades_accounts(regency_viewer, village_a):
    camat, _ = services.user_create(
        actor=regency_viewer,
        username="camat_wonotunggal",
        full_name="Camat",
        role=Role.CAMAT,
        district_code="33.25.01",
    )
    kabupaten, _ = services.user_create(
        actor=regency_viewer,
        username="dinas2",
        full_name="Staf Dinas",
        role=Role.DISPERMADES,
    )

    assert list(scope_for(camat).readable_villages()) == [village_a]
    assert scope_for(kabupaten).can("villages.manage")


@pytest.mark.parametrize(
    ("role", "scope", "field", "words"),
    [
        (Role.OPERATOR, {}, "village", "pilih desanya"),
        (Role.KADER_POSYANDU, {"district_code": "33.25.01"}, "district_code", "kosongkan"),
        (Role.CAMAT, {}, "district_code", "kecamatannya"),
        (Role.CAMAT, {"village": True, "district_code": "33.25.01"}, "village", "kosongkan"),
        (Role.CAMAT, {"district_code": "33.24.01"}, "district_code", "bukan bagian"),
        (Role.DISPERMADES, {"village": True}, "village", "kosongkan"),
        (Role.DISPERMADES, {"district_code": "33.25.01"}, "district_code", "kosongkan"),
        ("lurah", {}, "role", "Pilih peran"),
    ],
)
def test_user_create_enforces_role_scope_consistency(regency_viewer, village_a, role, scope, field, words):
    if scope.get("village"):
        scope = {**scope, "village": village_a}

    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=regency_viewer, username="baru", full_name="Baru", role=role, **scope)

    assert words in exc.value.message_dict[field][0]
    assert not User.objects.filter(username="baru").exists()


def test_user_create_refuses_inactive_village(regency_viewer, village_a):
    village_a.is_active = False
    village_a.save()

    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=regency_viewer, username="baru", full_name="Baru", role=Role.SEKDES, village=village_a
        )

    assert "village" in exc.value.message_dict


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "OPERATOR_A"}, "username"),
        ({"username": "dua kata"}, "username"),
        ({"username": ""}, "username"),
        ({"full_name": "  "}, "full_name"),
        ({"password": "123"}, "password"),
    ],
)
def test_user_create_names_the_bad_field(regency_viewer, operator_a, village_a, kwargs, field):
    args = {"username": "baru", "full_name": "Baru", "role": Role.OPERATOR, "village": village_a, **kwargs}

    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=regency_viewer, **args)

    assert field in exc.value.message_dict


def test_user_deactivate_locks_out_but_not_oneself(regency_viewer, operator_a):
    services.user_deactivate(actor=regency_viewer, user=operator_a)

    operator_a.refresh_from_db()
    assert not operator_a.is_active
    assert scope_for(operator_a).level == ""
    with pytest.raises(ApplicationError):
        services.user_deactivate(actor=regency_viewer, user=regency_viewer)


def test_user_reactivate_checks_the_village_still_served(regency_viewer, operator_a, village_a):
    services.user_deactivate(actor=regency_viewer, user=operator_a)
    village_a.is_active = False
    village_a.save()

    with pytest.raises(ValidationError):
        services.user_reactivate(actor=regency_viewer, user=operator_a)

    village_a.is_active = True
    village_a.save()
    services.user_reactivate(actor=regency_viewer, user=operator_a)
    assert User.objects.get(pk=operator_a.pk).is_active


def test_password_reset_generates_and_audits_without_the_password(regency_viewer, operator_a):
    password = services.user_password_reset(actor=regency_viewer, user=operator_a)

    operator_a.refresh_from_db()
    assert operator_a.check_password(password)
    event = AuditEvent.objects.get(action="user.password_reset")
    assert password not in str(event.changes)


def test_password_reset_validates_a_typed_password(regency_viewer, operator_a):
    with pytest.raises(ValidationError) as exc:
        services.user_password_reset(actor=regency_viewer, user=operator_a, password="password")

    assert "password" in exc.value.message_dict


def test_superuser_is_left_to_the_command_line(regency_viewer):
    root = User.objects.create_superuser(username="root", password="x-very-long-pass")

    with pytest.raises(ApplicationError):
        services.user_password_reset(actor=regency_viewer, user=root)
    with pytest.raises(ApplicationError):
        services.user_deactivate(actor=regency_viewer, user=root)
