import datetime as dt
import random

import pyotp
import pytest
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from balai.accounts.models import User
from balai.audit.models import AuditEvent
from balai.core.tests.db import rows_for_the_module
from balai.devtools import demo
from balai.people import codes
from balai.people.models import Family, Household, Resident
from balai.people.selectors import possible_duplicates
from balai.people.validation import kk_check, nik_check
from balai.regions.models import Dusun, Village
from balai.staff.models import Official
from balai.staff.selectors import dusun_heads


@pytest.fixture(scope="module")
def _small_demo_rows(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            result = demo.generate(villages=2, residents_per_village=200, seed=7)
            logins = demo.ensure_accounts()
        yield result, logins


@pytest.fixture
def small_demo(_small_demo_rows, db):
    """Two demo villages, generated once for the module (each test rolls back to them)."""
    return _small_demo_rows


def test_demo_villages_are_the_pilots_in_order():
    codes_ = demo.demo_village_codes(10)
    assert codes_[:8] == demo.PILOT_CODES
    assert codes_[8:] == sorted(codes_[8:])
    assert len(demo.demo_village_codes(248)) == 248
    with pytest.raises(ValueError, match="248"):
        demo.demo_village_codes(249)


def test_village_sizes_add_up_and_differ():
    sizes = demo.village_sizes(count=10, per_village=1000, seed=1)
    assert sum(sizes) == 10_000
    assert len(set(sizes)) > 1
    assert all(600 <= s <= 1400 for s in sizes)


def test_demo_creates_the_villages_with_their_people(small_demo):
    result, _logins = small_demo
    # then
    assert result.villages_created == ["33.25.01.2007", "33.25.12.2007"]
    assert set(Village.objects.values_list("name", flat=True)) == {"Brokoh", "Cepagan"}
    alive = Resident.objects.filter(status=codes.STATUS_ALIVE).count()
    # 2 × 200 living residents, plus the planted duplicates (a second record of a person), less
    # the one death per village the registry's demo records to show its consequences
    assert alive == 400 + 2 * 3 - 2
    assert Household.objects.exists()
    assert AuditEvent.objects.filter(action="demo.generated").count() == 2


def test_demo_niks_and_kk_numbers_are_valid_and_unique(small_demo):
    residents = list(Resident.objects.values_list("nik", "birth_date", "sex", "village__code"))
    for nik, birth_date, sex, village_code in residents:
        check = nik_check(nik, birth_date=birth_date, sex=sex)
        assert check.errors == [], nik
        assert check.warnings == [], nik
        assert nik[:6] == village_code.replace(".", "")[:6]
    assert len({r[0] for r in residents}) == len(residents)
    kk_numbers = list(Family.objects.values_list("kk_number", flat=True))
    assert all(kk_check(kk).ok for kk in kk_numbers)
    assert len(set(kk_numbers)) == len(kk_numbers)


def test_every_family_has_exactly_one_head(small_demo):
    heads = Family.objects.annotate(n=Count("members", filter=Q(members__family_relation=1)))
    assert set(heads.values_list("n", flat=True)) == {1}
    for family in Family.objects.select_related("head"):
        assert family.head is not None
        assert family.head.family_id == family.pk
        assert family.head.family_relation == 1
    assert not Family.objects.filter(members__isnull=True).exists()


def test_children_carry_their_parents(small_demo):
    children = Resident.objects.filter(family_relation=4).select_related("family")
    assert children.exists()
    for child in children:
        assert child.father_name
        assert child.mother_name
        members = {m.nik: m for m in child.family.members.all()}
        for nik, name in ((child.father_nik, child.father_name), (child.mother_nik, child.mother_name)):
            if nik:  # a parent in the family: name and NIK are that member's
                assert members[nik].name == name
                assert members[nik].birth_date < child.birth_date
    # Families with both parents name them by NIK.
    assert children.exclude(father_nik="").exclude(mother_nik="").count() > children.count() / 2


def test_people_are_consistent_with_their_age(small_demo):
    today = dt.date.today()
    for r in Resident.objects.all():
        age = r.age_on(today)
        assert 0 <= age <= 100
        if age < 17 and r.marital_status == 1:
            assert r.ktp_record_status == 1
            assert r.ktp_el in (1, 3)
        if r.family_relation in (2, 3):
            assert r.marital_status == 2
        if r.marriage_date:
            assert r.birth_date < r.marriage_date <= today
        if age < 5:
            assert r.occupation == 1
            assert r.education_kk == 1


def test_planted_duplicates_show_on_the_duplicates_page(small_demo):
    for village in Village.objects.all():
        pairs = possible_duplicates(village=village)
        assert len(pairs) >= 3
        assert all(p.first.nik != p.second.nik for p in pairs)


def test_officials_sign_as_the_rules_say(small_demo):
    brokoh = Village.objects.get(code="33.25.01.2007")
    officials = list(Official.objects.filter(village=brokoh).order_by("order"))
    # the fifth is the Kasi Pelayanan the staffing demo adds, who signs nothing; then the
    # kepala dusun, one per dusun, who sign nothing either and head their dusun by their post
    assert [o.signs_as for o in officials[:5]] == ["own", "an", "ub", "", ""]
    kadus = officials[5:]
    assert kadus
    assert all(o.position.startswith("Kepala Dusun") and o.signs_as == "" for o in kadus)
    heads = dusun_heads(village=brokoh)
    assert sorted(heads.values()) == sorted(o.name for o in kadus)
    assert not Dusun.objects.filter(village=brokoh).exclude(head_name="").exists()
    assert officials[0].position == "Kepala Desa"
    assert brokoh.head_name == officials[0].name
    assert officials[0].user.username == "kades.brokoh"


def test_every_demo_account_can_sign_in(small_demo):
    _result, logins = small_demo
    usernames = {login.username for login in logins}
    assert {
        "operator.brokoh",
        "sekdes.brokoh",
        "kades.brokoh",
        "kader.brokoh",
        "bendahara.brokoh",
        "operator.cepagan",
        "camat.wonotunggal",
        "dispermades",
    } <= usernames
    for username in usernames:
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        if response.url == reverse("accounts:two_factor_verify"):
            # kades, sekdes, camat, Dispermades: the demo's published TOTP key (issue 16)
            code = pyotp.TOTP(demo.DEMO_TOTP_SECRET).now()
            response = client.post(reverse("accounts:two_factor_verify"), {"code": code})
            assert response.status_code == 302, username
        assert client.session.get("_auth_user_id") == str(User.objects.get(username=username).pk)


def test_running_the_demo_again_changes_nothing(small_demo):
    # given
    before = (
        Resident.objects.count(),
        Family.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    # when
    again = demo.generate(villages=2, residents_per_village=200, seed=7)
    logins = demo.ensure_accounts()
    # then
    assert again.villages_created == []
    assert len(again.villages_skipped) == 2
    assert not any(login.created for login in logins)
    assert (
        Resident.objects.count(),
        Family.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_more_villages_later_never_reuse_a_nik(small_demo):
    # when: a third village in the same kecamatan as Brokoh is added later
    demo.generate(villages=8, residents_per_village=50, seed=7)
    # then
    niks = list(Resident.objects.filter(status=codes.STATUS_ALIVE).values_list("nik", flat=True))
    assert len(niks) == len(set(niks))
    assert Village.objects.filter(code=demo.STAND_IN_CODE).exists()


def test_misspelling_stays_close():
    rnd = random.Random(3)
    for name in ["MUHAMMAD RIZKY", "SITI AMINAH", "AGUS", "DEWI LESTARI WULANDARI"]:
        variant = demo.misspell(name, rnd)
        assert variant != name


def test_each_pilot_village_has_a_ketua_rt_from_its_residents(small_demo):
    from balai.letters.models import RtHead

    heads = list(RtHead.objects.select_related("resident", "user"))
    assert heads
    assert all(h.resident.rt_id == h.rt_id and h.user.role == "ketua_rt" for h in heads)
    assert all(h.user.get_full_name() == h.resident.name for h in heads)


def test_demo_account_names_do_not_repeat_the_kind_of_area():
    from balai.devtools.demo import role_in_area

    assert role_in_area("Dispermades kabupaten", "Kabupaten Batang") == "Dispermades Kabupaten Batang"
    assert role_in_area("Kecamatan", "Wonotunggal") == "Kecamatan Wonotunggal"
    assert role_in_area("Operator desa", "Brokoh") == "Operator desa Brokoh"
