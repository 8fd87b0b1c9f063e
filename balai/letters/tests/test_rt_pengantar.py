"""Issue 23: a letter type needing the RT's pengantar is self-served once the ketua RT
approves it on their phone; an RT head cannot approve another RT's resident."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from balai.accounts.models import Role, User
from balai.core.errors import ApplicationError
from balai.letters import kiosk
from balai.letters.models import Letter, RtHead, RtPengantar
from balai.letters.policy import default_self_service_types
from balai.letters.services import kiosk as kiosk_services
from balai.letters.services.settings import letter_kiosk_settings_update
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory

pytestmark = pytest.mark.django_db
S = Letter.State


@pytest.fixture
def domisili_self_service(village_a, kades_a, kades_official_a):
    letter_kiosk_settings_update(
        actor=kades_a, village=village_a, kiosk_types=["penduduk", "domisili"],
        self_service_types=["penduduk", "domisili"],
    )  # fmt: skip


@pytest.fixture
def ketua_rt(village_a, rt_a):
    user = User.objects.create_user("rt01", password="rahasia-rt-123", role=Role.KETUA_RT, village=village_a)
    RtHead.objects.create(village=village_a, user=user, rt=rt_a)
    return user


def ask(resident, key="tap-rt-000001"):
    return kiosk.letter_kiosk_request(
        village=resident.village, type_code="domisili", subject=resident,
        fields={"keperluan": "Mendaftar sekolah"}, device_label="Anjungan", idempotency_key=key,
    )  # fmt: skip


def test_defaults_do_not_self_serve_pengantar_types():
    assert "domisili" not in default_self_service_types()
    assert "penduduk" in default_self_service_types()


def test_kiosk_type_says_rt_approves(village_a, domisili_self_service):
    types = {t.code: t for t in kiosk.kiosk_letter_types(village=village_a)}
    assert types["domisili"].needs_rt
    assert "Surat pengantar RT/RW" not in types["domisili"].requirements
    assert not types["penduduk"].needs_rt


def test_rt_approval_issues_the_letter(resident_a, ketua_rt, domisili_self_service):
    letter = ask(resident_a)
    assert letter.state == S.SUBMITTED
    pengantar = RtPengantar.objects.get(letter=letter)
    assert pengantar.rt_id == resident_a.rt_id
    kiosk_services.rt_pengantar_decide(actor=ketua_rt, pengantar=pengantar, approve=True)
    letter.refresh_from_db()
    assert letter.state == S.ISSUED
    assert "Surat pengantar RT/RW" in letter.checked_requirements
    with pytest.raises(ApplicationError):  # decided once
        kiosk_services.rt_pengantar_decide(actor=ketua_rt, pengantar=pengantar, approve=True)


def test_rt_refusal_needs_a_reason_and_keeps_the_letter_for_the_office(
    resident_a, ketua_rt, domisili_self_service
):
    pengantar = RtPengantar.objects.get(letter=ask(resident_a))
    with pytest.raises(ValidationError):
        kiosk_services.rt_pengantar_decide(actor=ketua_rt, pengantar=pengantar, approve=False)
    kiosk_services.rt_pengantar_decide(
        actor=ketua_rt, pengantar=pengantar, approve=False, note="Belum tinggal di sini"
    )
    pengantar.refresh_from_db()
    assert pengantar.state == RtPengantar.State.REJECTED
    assert pengantar.letter.state == S.SUBMITTED


def test_rt_head_cannot_approve_another_rts_resident(village_a, ketua_rt, domisili_self_service):
    other_rt = RtFactory(village=village_a, rt="009")
    stranger = ResidentFactory(
        village=village_a, family=FamilyFactory(village=village_a, rt=other_rt), rt=other_rt
    )
    pengantar = RtPengantar.objects.get(letter=ask(stranger, key="tap-rt-000002"))
    with pytest.raises(ApplicationError):
        kiosk_services.rt_pengantar_decide(actor=ketua_rt, pengantar=pengantar, approve=True)
    assert Letter.objects.get(pk=pengantar.letter_id).state == S.SUBMITTED


def test_operator_is_not_an_rt_head(resident_a, operator_a, domisili_self_service):
    pengantar = RtPengantar.objects.get(letter=ask(resident_a))
    with pytest.raises(ApplicationError):
        kiosk_services.rt_pengantar_decide(actor=operator_a, pengantar=pengantar, approve=True)


def test_phone_page_lists_own_rt_only_and_approves(
    client, village_a, resident_a, ketua_rt, domisili_self_service
):
    own = RtPengantar.objects.get(letter=ask(resident_a))
    other_rt = RtFactory(village=village_a, rt="009")
    stranger = ResidentFactory(
        village=village_a,
        family=FamilyFactory(village=village_a, rt=other_rt),
        rt=other_rt,
        name="ORANG LAIN",
    )
    foreign = RtPengantar.objects.get(letter=ask(stranger, key="tap-rt-000003"))
    client.force_login(ketua_rt)
    page = client.get("/rt/").content.decode()
    assert resident_a.name in page
    assert "ORANG LAIN" not in page
    assert resident_a.nik not in page
    assert client.post(f"/rt/{foreign.public_id}/", {"decision": "setuju"}).status_code == 404
    response = client.post(f"/rt/{own.public_id}/", {"decision": "setuju"})
    assert response.status_code == 302
    assert Letter.objects.get(pk=own.letter_id).state == S.ISSUED


def test_phone_page_refuses_other_roles(client, operator_a):
    client.force_login(operator_a)
    assert client.get("/rt/").status_code == 403
