"""Issue 23 item 2: the operator names the ketua RT from the RT's living residents; the head
gets an account with a one-time password; replacing or ending a head is audited and takes the
role away. Refused: another RT's or village's resident, a dead resident, two heads at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from balai.accounts.models import Role, User
from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError, NotAllowed
from balai.letters.models import RtHead
from balai.letters.services import rt_heads
from balai.letters.services.kiosk import rt_heads_rts
from balai.people import codes
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory
from balai.regions.models import Rt

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(village_a, rt_a):
    return ResidentFactory(
        village=village_a, family=FamilyFactory(village=village_a, rt=rt_a), rt=rt_a, name="JOKO"
    )


def test_naming_a_head_creates_a_one_time_account(village_a, operator_a, rt_a, resident_a):
    done = rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    user = User.objects.get(username=done.username)
    assert done.account_created
    assert done.password
    assert (user.role, user.village, user.must_change_password) == (Role.KETUA_RT, village_a, True)
    assert user.check_password(done.password)
    assert rt_heads_rts(user) == [rt_a.pk]
    assert Rt.objects.get(pk=rt_a.pk).head_name == "SITI WAHYUNI"
    event = AuditEvent.objects.get(action="rt_head.appointed")
    assert event.changes["resident"] == resident_a.public_id
    assert resident_a.nik not in str(event.changes)


def test_a_second_head_is_refused(village_a, operator_a, rt_a, resident_a, neighbour):
    rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    with pytest.raises(ApplicationError, match="sudah punya ketua"):
        rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=neighbour)
    assert RtHead.objects.filter(rt=rt_a).count() == 1


def test_replacing_ends_the_old_head_and_takes_the_role(village_a, operator_a, rt_a, resident_a, neighbour):
    first = rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    with pytest.raises(ValidationError) as err:
        rt_heads.rt_head_replace(actor=operator_a, village=village_a, rt=rt_a, resident=neighbour, reason=" ")
    assert "reason" in err.value.message_dict
    second = rt_heads.rt_head_replace(
        actor=operator_a, village=village_a, rt=rt_a, resident=neighbour, reason="Mengundurkan diri"
    )
    old = User.objects.get(username=first.username)
    assert (old.role, old.is_active) == ("", False)
    assert rt_heads_rts(old) == []
    assert rt_heads_rts(User.objects.get(username=second.username)) == [rt_a.pk]
    assert AuditEvent.objects.get(action="rt_head.replaced").changes["reason"] == "Mengundurkan diri"
    # named again later: the same account comes back with a new one-time password
    rt_heads.rt_head_end(actor=operator_a, village=village_a, rt=rt_a, reason="Masa jabatan habis")
    again = rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    old.refresh_from_db()
    assert again.username == first.username
    assert not again.account_created
    assert (old.role, old.is_active, old.must_change_password) == (Role.KETUA_RT, True, True)
    assert old.check_password(again.password)


def test_ending_a_head_leaves_the_rt_without_one(village_a, operator_a, rt_a, resident_a):
    done = rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    rt_heads.rt_head_end(actor=operator_a, village=village_a, rt=rt_a, reason="Meninggal dunia")
    assert not User.objects.get(username=done.username).is_active
    assert Rt.objects.get(pk=rt_a.pk).head_name == ""
    with pytest.raises(ApplicationError):
        rt_heads.rt_head_end(actor=operator_a, village=village_a, rt=rt_a, reason="Lagi")


def test_another_rt_another_village_or_a_dead_resident_is_refused(
    village_a, operator_a, rt_a, resident_a, resident_b
):
    other_rt = RtFactory(village=village_a, rt="002")
    elsewhere = ResidentFactory(
        village=village_a, family=FamilyFactory(village=village_a, rt=other_rt), rt=other_rt
    )
    dead = ResidentFactory(village=village_a, family=FamilyFactory(village=village_a, rt=rt_a), rt=rt_a)
    dead.status = codes.STATUS_DEAD
    dead.save(update_fields=["status"])
    for who, says in ((elsewhere, "bukan warga RT"), (resident_b, "bukan warga desa"), (dead, "hidup")):
        with pytest.raises(ValidationError) as err:
            rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=who)
        assert says in " ".join(err.value.message_dict["resident"])
    assert not RtHead.objects.exists()
    assert not User.objects.filter(role=Role.KETUA_RT).exists()


def test_only_the_office_clerks_name_heads(village_a, kades_a, rt_a, resident_a):
    with pytest.raises(NotAllowed):
        rt_heads.rt_head_appoint(actor=kades_a, village=village_a, rt=rt_a, resident=resident_a)


def test_pages_list_search_name_and_show_the_password_once(client_a, village_a, rt_a, resident_a, neighbour):
    page = client_a.get("/surat/ketua-rt/").content.decode()
    assert "Belum ada ketua" in page
    detail = client_a.get(f"/surat/ketua-rt/{rt_a.public_id}/", {"q": "siti"}).content.decode()
    assert "SITI WAHYUNI" in detail
    assert "JOKO" not in detail
    assert resident_a.nik not in detail
    assert resident_a.nik[-6:] in detail
    assert "14-03-1985" in detail  # birth date tells namesakes apart
    # bad input: no resident chosen, an unknown one
    url = f"/surat/ketua-rt/{rt_a.public_id}/"
    assert client_a.post(url, {"action": "tetapkan"}).status_code == 400
    assert client_a.post(url, {"action": "tetapkan", "resident": "tidakada"}).status_code == 404
    answer = client_a.post(url, {"action": "tetapkan", "resident": resident_a.public_id})
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    assert "Kata sandi sekali pakai" in answer.content.decode()
    # a second head at once is refused on the page, nothing written
    twice = client_a.post(url, {"action": "tetapkan", "resident": neighbour.public_id})
    assert twice.status_code == 400
    assert "sudah punya ketua" in twice.content.decode()
    assert RtHead.objects.filter(rt=rt_a).count() == 1
    replaced = client_a.post(url, {"action": "ganti", "resident": neighbour.public_id, "reason": "Pindah"})
    assert replaced.status_code == 200
    assert client_a.post(url, {"action": "akhiri", "reason": "Selesai"}).status_code == 302
    assert not RtHead.objects.filter(rt=rt_a, ended_at__isnull=True).exists()


def test_the_kades_may_not_open_the_page(client, kades_a):
    client.force_login(kades_a)
    assert client.get("/surat/ketua-rt/").status_code == 403


def test_a_head_who_dies_asks_the_office_for_a_successor(village_a, operator_a, rt_a, resident_a):
    import datetime as dt

    from balai.people.models import ReviewItem
    from balai.people.services import death_record

    rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    death_record(actor=operator_a, resident=resident_a, event_date=dt.date(2026, 11, 20))
    item = ReviewItem.objects.get(link=f"/surat/ketua-rt/{rt_a.public_id}/")
    assert "ketua" in item.title


def test_the_api_lists_the_rts_and_their_heads_without_nik(client, village_a, operator_a, rt_a, resident_a):
    from balai.accounts.services import api_token_create

    rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    _token, key = api_token_create(actor=operator_a, user=operator_a, name="t")
    got = client.get("/api/v1/letters/rt-heads", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert got.status_code == 200
    assert got.json()[0]["head_name"] == "SITI WAHYUNI"
    assert resident_a.nik not in got.content.decode()


def test_a_minor_is_neither_offered_nor_appointed(client_a, village_a, operator_a, rt_a, resident_a):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    child = ResidentFactory(
        village=village_a,
        family=resident_a.family,
        rt=rt_a,
        name="SRI GINA WAHYUNI",
        birth_date=today.replace(year=today.year - 10) - dt.timedelta(days=3),
        marital_status=1,
    )
    # married at 16 counts as adult (adminduk); 17 today counts too
    married = ResidentFactory(
        village=village_a,
        family=FamilyFactory(village=village_a, rt=rt_a),
        rt=rt_a,
        name="GINA KAWIN",
        birth_date=today.replace(year=today.year - 16) - dt.timedelta(days=3),
        marital_status=2,
    )
    page = client_a.get(f"/surat/ketua-rt/{rt_a.public_id}/", {"q": "gina"}).content.decode()
    assert "SRI GINA WAHYUNI" not in page
    assert "GINA KAWIN" in page
    with pytest.raises(ValidationError) as err:
        rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=child)
    assert "dewasa" in " ".join(err.value.message_dict["resident"])
    assert "10 tahun" in " ".join(err.value.message_dict["resident"])
    # on the page: refused with the message, nothing written
    answer = client_a.post(
        f"/surat/ketua-rt/{rt_a.public_id}/", {"action": "tetapkan", "resident": child.public_id}
    )
    assert answer.status_code == 400
    assert "dewasa" in answer.content.decode()
    assert not RtHead.objects.exists()
    assert not User.objects.filter(role=Role.KETUA_RT).exists()
    rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=married)


def test_the_candidate_list_says_when_it_is_cut(client_a, village_a, rt_a, resident_a):
    family = FamilyFactory(village=village_a, rt=rt_a)
    for i in range(22):
        ResidentFactory(village=village_a, family=family, rt=rt_a, name=f"BUDI {i:02d}")
    page = client_a.get(f"/surat/ketua-rt/{rt_a.public_id}/", {"q": "budi"}).content.decode()
    assert "20 dari 22" in page
    assert "persempit pencarian" in page


def test_the_village_profile_shows_the_appointed_head_over_the_free_text(
    client_a, village_a, operator_a, rt_a, resident_a
):
    from django.urls import reverse

    other_rt = RtFactory(village=village_a, rt="002")
    Rt.objects.filter(pk=other_rt.pk).update(head_name="PAK LAMA")
    Rt.objects.filter(pk=rt_a.pk).update(head_name="BUKAN WARGA")
    rt_heads.rt_head_appoint(actor=operator_a, village=village_a, rt=rt_a, resident=resident_a)
    rt_a.refresh_from_db()
    assert rt_a.head_name == "SITI WAHYUNI"  # the free text follows the appointment
    page = client_a.get(reverse("regions:profile")).content.decode()
    assert "BUKAN WARGA" not in page
    assert f'<a href="{reverse("letters:rt_heads")}">SITI WAHYUNI</a>' in page
    assert "PAK LAMA" in page
    assert "tercatat (belum ditetapkan sebagai pengguna)" in page
