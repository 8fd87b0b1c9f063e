import pytest

from balai.letters.tte import BsreSigner, HttpRequest, HttpResponse, TteError


class FakeBsre:
    """Test double of a BSrE-style signing service."""

    def __init__(self, *, passphrase: str = "benar") -> None:
        self.passphrase = passphrase
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        if f'name="passphrase"\r\n\r\n{self.passphrase}\r\n'.encode() not in request.body:
            return HttpResponse(400, {}, b'{"error": "Passphrase anda salah"}')
        pdf = request.body.split(b"Content-Type: application/pdf\r\n\r\n", 1)[1].rsplit(b"\r\n--", 1)[0]
        return HttpResponse(200, {"Content-Type": "application/pdf"}, pdf + b"%TTE-SIGNED")


def test_signs_through_the_service(issued_a):
    from balai.letters.render import letter_pdf

    # given
    service = FakeBsre()
    signer = BsreSigner("https://tte.example/", username="desa", password="x", transport=service)
    pdf = letter_pdf(issued_a)
    # when
    signed = signer.sign_pdf(pdf, nik="3325010101800001", passphrase="benar")
    # then
    assert signed == pdf + b"%TTE-SIGNED"
    request = service.requests[0]
    assert request.url == "https://tte.example/api/sign/pdf"
    assert request.headers["Authorization"].startswith("Basic ")
    assert b'name="tampilan"\r\n\r\ninvisible' in request.body


def test_wrong_passphrase_gives_the_service_message():
    signer = BsreSigner("https://tte.example", transport=FakeBsre())
    with pytest.raises(TteError, match="Passphrase anda salah"):
        signer.sign_pdf(b"%PDF-1.7", nik="3325010101800001", passphrase="salah")
    with pytest.raises(TteError, match="wajib"):
        signer.sign_pdf(b"%PDF-1.7", nik="3325010101800001", passphrase="")


# --- Wiring: the sign step with a passphrase -------------------------------------------------


@pytest.fixture
def tte_village(village_a, kades_official_a, resident_a):
    from balai.letters.models import LetterSettings

    LetterSettings.objects.create(village=village_a, use_tte=True)
    kades_official_a.resident = resident_a  # the kepala desa's NIK goes to the TTE service
    kades_official_a.save()
    return village_a


@pytest.fixture
def verified_a(operator_a, resident_a):
    from balai.letters.services import workflow
    from balai.letters.tests.conftest import request_domisili

    return workflow.letter_verify(actor=operator_a, letter=request_domisili(operator_a, resident_a))


def test_kades_signs_with_passphrase_and_the_letter_is_issued(tte_village, kades_a, verified_a, resident_a):
    from balai.audit.models import AuditEvent
    from balai.letters.models import Letter, LetterSignedPdf
    from balai.letters.render import letter_pdf
    from balai.letters.services import workflow

    # given
    service = FakeBsre(passphrase="rahasia-kades")
    signer = BsreSigner("https://tte.example", transport=service)
    # when
    letter = workflow.letter_sign_tte(
        actor=kades_a, letter=verified_a, passphrase="rahasia-kades", pdf_signer=signer
    )
    # then
    assert letter.state == Letter.State.ISSUED
    assert letter.sequence == 1
    assert letter_pdf(letter).endswith(b"%TTE-SIGNED")
    assert LetterSignedPdf.objects.filter(letter=letter).exists()
    assert f'name="nik"\r\n\r\n{resident_a.nik}'.encode() in service.requests[0].body
    logged = str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert "rahasia-kades" not in logged
    assert "tte_signed" in str(list(AuditEvent.objects.values_list("action", flat=True)))


def test_service_error_is_clear_and_nothing_is_issued(tte_village, kades_a, verified_a):
    from balai.core.errors import ApplicationError
    from balai.letters.models import Letter, LetterCounter, LetterSignedPdf
    from balai.letters.services import workflow

    # given
    signer = BsreSigner("https://tte.example", transport=FakeBsre(passphrase="benar"))
    # when
    with pytest.raises(ApplicationError, match="TTE gagal, surat tidak diterbitkan: .*Passphrase anda salah"):
        workflow.letter_sign_tte(actor=kades_a, letter=verified_a, passphrase="salah", pdf_signer=signer)
    # then
    verified_a.refresh_from_db()
    assert verified_a.state == Letter.State.VERIFIED
    assert verified_a.number == ""
    assert not LetterSignedPdf.objects.exists()
    assert not LetterCounter.objects.filter(last_number__gt=0).exists()


def test_unreachable_service_is_reported(tte_village, kades_a, verified_a):
    from balai.core.errors import ApplicationError
    from balai.letters.services import workflow

    def down(request):
        raise TteError("Layanan TTE tidak dapat dihubungi: timed out")

    with pytest.raises(ApplicationError, match="tidak dapat dihubungi"):
        workflow.letter_sign_tte(
            actor=kades_a,
            letter=verified_a,
            passphrase="x",
            pdf_signer=BsreSigner("https://t", transport=down),
        )


def test_plain_sign_and_issue_are_refused_when_tte_is_on(tte_village, kades_a, operator_a, verified_a):
    from balai.core.errors import ApplicationError
    from balai.letters.services import workflow

    with pytest.raises(ApplicationError, match="passphrase"):
        workflow.letter_sign(actor=kades_a, letter=verified_a)


def test_official_without_nik_cannot_use_tte(village_a, kades_a, kades_official_a, verified_a):
    from balai.core.errors import ApplicationError
    from balai.letters.models import LetterSettings
    from balai.letters.services import workflow

    LetterSettings.objects.create(village=village_a, use_tte=True)
    with pytest.raises(ApplicationError, match="NIK"):
        workflow.letter_sign_tte(
            actor=kades_a,
            letter=verified_a,
            passphrase="x",
            pdf_signer=BsreSigner("https://t", transport=FakeBsre()),
        )


def test_not_configured_service_says_so(tte_village, kades_a, verified_a, settings, monkeypatch):
    from balai.core.errors import ApplicationError
    from balai.letters.services import workflow

    settings.BALAI_TTE_URL = ""
    monkeypatch.delenv("BALAI_TTE_URL", raising=False)
    with pytest.raises(ApplicationError, match="BALAI_TTE_URL"):
        workflow.letter_sign_tte(actor=kades_a, letter=verified_a, passphrase="x")


def test_browser_sign_with_passphrase_uses_the_configured_service(
    client, tte_village, kades_a, verified_a, settings, monkeypatch
):
    from django.urls import reverse

    from balai.letters import tte
    from balai.letters.models import Letter

    # given: the deployment's TTE address, reached through the fake service
    settings.BALAI_TTE_URL = "https://tte.example"
    service = FakeBsre(passphrase="rahasia")
    real = tte.signer_from_settings

    def with_fake():
        signer = real()
        signer.transport = service
        return signer

    monkeypatch.setattr(tte, "signer_from_settings", with_fake)
    client.force_login(kades_a)
    url = reverse("letters:transition", args=[verified_a.public_id, "sign"])
    page = client.get(reverse("letters:sign_confirm", args=[verified_a.public_id])).content.decode()
    # when
    wrong = client.post(url, {"passphrase": "salah"}, follow=True)
    right = client.post(url, {"passphrase": "rahasia"})
    # then
    assert 'name="passphrase" type="password"' in page
    assert "Passphrase anda salah" in wrong.content.decode()
    assert right.status_code == 302
    verified_a.refresh_from_db()
    assert verified_a.state == Letter.State.ISSUED
    assert service.requests[-1].url == "https://tte.example/api/sign/pdf"


def test_only_signatories_switch_tte(village_a, operator_a, kades_a):
    from balai.core.errors import ApplicationError
    from balai.letters.models import DEFAULT_NUMBER_FORMAT, LetterSettings
    from balai.letters.services.settings import letter_settings_update

    kw = {
        "village": village_a,
        "number_format": DEFAULT_NUMBER_FORMAT,
        "per_type_sequence": False,
        "paper": "f4",
    }
    with pytest.raises(ApplicationError):
        letter_settings_update(actor=operator_a, use_tte=True, **kw)
    letter_settings_update(actor=kades_a, use_tte=True, **kw)
    assert LetterSettings.objects.get(village=village_a).use_tte
