"""The office home (Beranda) per role, and the project's own error pages (issue 21, items 1–2)."""

import pyotp
import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from balai.accounts import two_factor
from balai.accounts.models import Role, User
from balai.people.models import LifeEvent

pytestmark = pytest.mark.django_db

# By name: the letters app's tests drive the demo, which reads the dashboard, so an import
# from here would close a circle between the apps.
Letter = apps.get_model("letters", "Letter")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "role", [Role.OPERATOR, Role.SEKDES, Role.KADES, Role.KADER_POSYANDU, Role.BIDAN, Role.BENDAHARA]
)
def test_every_village_role_lands_on_a_home_it_may_open(village_a, role):
    # given a village user of any role
    user = User.objects.create_user(f"u.{role}", password="x-rahasia-123", role=role, village=village_a)

    secret = pyotp.random_base32()
    if two_factor.required_for(user):  # kades, sekdes: two-factor sign-in (issue 16)
        two_factor.demo_enrol(user=user, secret=secret)

    # when they sign in (the sign-in page sends them to `home`)
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "x-rahasia-123"}, follow=True
    )
    if two_factor.required_for(user):
        response = client.post(
            reverse("accounts:two_factor_verify"), {"code": pyotp.TOTP(secret).now()}, follow=True
        )

    # then they see their Beranda, not a 403
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Beranda" in response.content.decode()


def test_regional_roles_land_on_the_overview(camat_a, regency_viewer):
    for user in (camat_a, regency_viewer):
        response = _client(user).get(reverse("home"))
        assert response.status_code == 302
        assert response.url == reverse("dashboard:overview")


def test_home_lists_the_letters_waiting_for_each_role(village_a, resident_a, operator_a, kades_a):
    # given one letter submitted for verification and one verified, waiting for the signature
    for state in (Letter.State.SUBMITTED, Letter.State.VERIFIED):
        Letter.objects.create(village=village_a, type_code="domisili", subject=resident_a, state=state)

    # when the operator and the kades open their home
    operator_page = _client(operator_a).get(reverse("home")).content.decode()
    kades_page = _client(kades_a).get(reverse("home")).content.decode()

    # then each sees the step that is theirs, with its count and a link to the queue
    assert "Permohonan surat untuk diverifikasi" in operator_page
    assert "?status=submitted" in operator_page
    assert "Surat menunggu tanda tangan" in kades_page
    assert "?status=ttd" in kades_page
    assert "Surat menunggu tanda tangan" not in operator_page


def test_home_headline_counts_residents_and_this_months_events(operator_a, village_a, resident_a):
    # given a birth recorded this month
    from django.utils import timezone

    LifeEvent.objects.create(
        village=village_a, resident=resident_a, kind=LifeEvent.Kind.BIRTH, event_date=timezone.localdate()
    )

    # when the operator opens the home
    page = _client(operator_a).get(reverse("home")).content.decode()

    # then the running month is labelled as running and the change since last month shows the birth
    assert "berjalan, data sampai" in page
    assert "+1 sejak akhir bulan lalu" in page


def test_kader_home_offers_only_pages_the_role_may_open(kader_a):
    page = _client(kader_a).get(reverse("home")).content.decode()
    assert reverse("health:home") in page
    assert reverse("people:resident_list") not in page


def test_error_pages_are_our_own_and_in_indonesian(kader_a, operator_a):
    # a page outside the role's work: 403 in Indonesian with a way back
    forbidden = _client(kader_a).get(reverse("people:resident_list"))
    assert forbidden.status_code == 403
    assert "Tidak diizinkan" in forbidden.content.decode()
    assert 'href="/"' in forbidden.content.decode()

    # an address that does not exist: 404
    missing = _client(operator_a).get("/tidak-ada/")
    assert missing.status_code == 404
    assert "Halaman tidak ditemukan" in missing.content.decode()

    # a form sent without its CSRF token: the expired-form page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator_a)
    csrf = strict.post(reverse("accounts:logout"))
    assert csrf.status_code == 403
    assert "Formulir kedaluwarsa" in csrf.content.decode()


def test_server_error_page_renders_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.content.decode()


def test_a_new_village_home_guides_through_its_rollout_checklist(village_a, operator_a):
    # given a village switched on today: no profile address, no officials, no residents, no letters
    village_a.address = ""
    village_a.save(update_fields=["address"])

    # when its operator opens Beranda
    html = _client(operator_a).get(reverse("home")).content.decode()

    # then the page does not thank them for an empty queue but lists the village's next steps, linked
    assert "Tidak ada pekerjaan yang menunggu" not in html
    assert "Persiapan desa" in html
    assert reverse("people:import_start") in html
    assert reverse("regions:profile_edit") in html
    assert reverse("staff:official_create") in html
    assert "Data penduduk diimpor" in html


def test_a_live_village_home_has_no_rollout_checklist(village_a, operator_a, resident_a):
    from balai.staff.models import Official

    village_a.address, village_a.head_name = "Jl. Raya 1", "Bapak Kades"
    village_a.save(update_fields=["address", "head_name"])
    Official.objects.create(village=village_a, name="Sekdes", position="Sekretaris Desa")
    Letter.objects.create(
        village=village_a,
        type_code="domisili",
        subject=resident_a,
        state="issued",
        issued_at=__import__("django.utils.timezone").utils.timezone.now(),
    )

    html = _client(operator_a).get(reverse("home")).content.decode()

    assert "Persiapan desa" not in html
