import pytest

from balai.accounts.models import Role, User
from balai.letters.services import workflow
from balai.letters.types import REGISTRY
from balai.staff.models import Official

DOMISILI_REQS = list(REGISTRY["domisili"].requirements)


@pytest.fixture
def sekdes_a(village_a):
    return User.objects.create_user(
        username="sekdes_a", password="rahasia-demo-123", role=Role.SEKDES, village=village_a
    )


@pytest.fixture
def kades_official_a(village_a, kades_a):
    return Official.objects.create(
        village=village_a,
        user=kades_a,
        name="Suparman",
        position="Kepala Desa",
        signs_letters=True,
        signs_as=Official.SignsAs.OWN,
    )


@pytest.fixture
def sekdes_official_a(village_a, sekdes_a):
    return Official.objects.create(
        village=village_a,
        user=sekdes_a,
        name="Dwi Lestari",
        position="Sekretaris Desa",
        nipd="1234",
        signs_letters=True,
        signs_as=Official.SignsAs.AN,
        on_behalf_of="Kepala Desa",
    )


def request_domisili(actor, resident, **fields):
    return workflow.letter_request_create(
        actor=actor,
        village=resident.village,
        type_code="domisili",
        subject=resident,
        fields={"keperluan": "Melamar pekerjaan"} | fields,
        requirements=DOMISILI_REQS,
    )


def issue_domisili(operator, kades, resident, **fields):
    letter = request_domisili(operator, resident, **fields)
    letter = workflow.letter_verify(actor=operator, letter=letter)
    letter = workflow.letter_sign(actor=kades, letter=letter)
    return workflow.letter_issue(actor=operator, letter=letter)


def correct_domisili(operator, letter, keperluan="Beasiswa"):
    return workflow.letter_correction_create(
        actor=operator,
        letter=letter,
        fields={"keperluan": keperluan},
        reason="Keperluan salah",
        requirements=letter.checked_requirements,
    )


@pytest.fixture
def issued_a(operator_a, kades_a, kades_official_a, resident_a):
    return issue_domisili(operator_a, kades_a, resident_a)
