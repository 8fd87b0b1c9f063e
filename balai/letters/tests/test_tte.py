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
