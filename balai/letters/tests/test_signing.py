import binascii
import re
import subprocess

import pytest
import zxingcpp
from PIL import Image

from balai.letters import selectors, signing
from balai.letters.models import SigningKey
from balai.letters.render import letter_pdf
from balai.letters.services import workflow
from balai.letters.signing import verify_url


def _tamper(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]


def test_issued_letter_verifies_as_valid(issued_a):
    # when
    verdict = selectors.verify_token(token=issued_a.token, payload=signing.payload_of(issued_a))
    # then
    assert verdict.status == "valid"
    assert verdict.number == issued_a.number
    assert verdict.masked_name == "S*** W******"
    assert "Brokoh" in verdict.village


def test_altered_token_or_payload_is_not_genuine(issued_a):
    payload = signing.payload_of(issued_a)
    assert selectors.verify_token(token=_tamper(issued_a.token, 3)).status == "not_genuine"
    for at in (5, 40, len(payload) - 3):
        assert (
            selectors.verify_token(token=issued_a.token, payload=_tamper(payload, at)).status == "not_genuine"
        )
    for junk in ("", "x", "../../etc/passwd", "a" * 5000, "%00", "abc.def.ghi"):
        assert selectors.verify_token(token=junk, payload=junk).status == "not_genuine"


def test_payload_of_another_letter_is_not_genuine(issued_a, operator_a, kades_a, resident_a):
    from balai.letters.tests.conftest import issue_domisili

    other = issue_domisili(operator_a, kades_a, resident_a)
    verdict = selectors.verify_token(token=issued_a.token, payload=signing.payload_of(other))
    assert verdict.status == "not_genuine"


def test_changed_stored_content_is_not_genuine(issued_a):
    issued_a.content["subject_name"] = "ORANG LAIN"
    issued_a.save()
    assert selectors.verify_token(token=issued_a.token).status == "not_genuine"


def test_revoked_and_superseded_are_reported(issued_a, operator_a, kades_a):
    # given a correction of the issued letter
    fix = workflow.letter_correction_create(
        actor=operator_a,
        letter=issued_a,
        fields={"keperluan": "Bank"},
        reason="salah",
        requirements=issued_a.checked_requirements,
    )
    assert selectors.verify_token(token=issued_a.token).status == "valid"  # until the fix is issued
    fix = workflow.letter_verify(actor=operator_a, letter=fix)
    fix = workflow.letter_issue(actor=operator_a, letter=workflow.letter_sign(actor=kades_a, letter=fix))
    # then
    assert selectors.verify_token(token=issued_a.token).status == "superseded"
    workflow.letter_revoke(actor=kades_a, letter=fix, reason="dicabut")
    assert selectors.verify_token(token=fix.token).status == "revoked"


def test_rotated_keys_still_verify_old_letters(issued_a, operator_a, kades_a, resident_a):
    # given
    from balai.letters.tests.conftest import issue_domisili

    old_key = issued_a.key_id
    signing.signing_key_create()
    # when
    newer = issue_domisili(operator_a, kades_a, resident_a)
    # then
    assert newer.key_id != old_key
    assert SigningKey.objects.get(key_id=old_key).is_active is False
    assert (
        selectors.verify_token(token=issued_a.token, payload=signing.payload_of(issued_a)).status == "valid"
    )


def test_private_key_is_stored_encrypted(issued_a):
    key = SigningKey.objects.get(key_id=issued_a.key_id)
    assert len(bytes(key.private_key_encrypted)) == 12 + 32 + 16


def test_pdf_qr_decodes_to_the_verification_url(issued_a, tmp_path):
    # when
    (tmp_path / "surat.pdf").write_bytes(letter_pdf(issued_a))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(tmp_path / "surat.pdf"),
            str(tmp_path / "surat"),
        ],
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "surat.png"))
    # then
    assert [b.text for b in found] == [verify_url(issued_a)]
    token_and_payload = found[0].text.split("/v/", 1)[1]
    token, payload = token_and_payload.split("?p=")
    assert selectors.verify_token(token=token, payload=payload).status == "valid"


def test_markup_characters_print_literally(operator_a, kades_a, kades_official_a, resident_a):
    from balai.letters.tests.conftest import issue_domisili

    # given
    odd = 'A#b *c* _d_ $e$ @f <g> \\h "i" [j] //k'
    resident_a.name = 'SITI #WAHYUNI* _$@<\\" "'
    resident_a.save()
    letter = issue_domisili(operator_a, kades_a, resident_a, keperluan=odd)
    # when
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=letter_pdf(letter), capture_output=True, check=True
    ).stdout.decode()
    # then
    assert odd in text
    assert 'SITI #WAHYUNI* _$@<\\" "' in text


@pytest.mark.parametrize("paper", ["f4", "a4"])
def test_paper_sizes(issued_a, paper):
    issued_a.content["paper"] = paper
    data = letter_pdf(issued_a)
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    size = "609.449 x 935.433" if paper == "f4" else "595.276 x 841.89"
    assert size in info
    assert re.search(r"^Pages:\s+1$", info, re.M)


def test_preview_has_no_qr_and_says_so(operator_a, resident_a):
    from balai.letters.tests.conftest import request_domisili

    letter = request_domisili(operator_a, resident_a)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=letter_pdf(letter), capture_output=True, check=True
    ).stdout.decode()
    assert "BELUM SAH" in text
    assert "Melamar pekerjaan" in text


def _variants(payload: str) -> list[str]:
    """Texts the lenient decoder read as the same bytes: characters outside the alphabet,
    padding, and a last character differing only in unused bits."""
    body, sig = payload.split(".")
    unused = {"A": "B", "Q": "R", "g": "h", "w": "x"}  # sig is 86 chars: 4 bits unused at the end
    return [
        f"{body[:10]}*{body[10:]}.{sig}",
        f"{body}==.{sig}",
        f"{body}.{sig}==",
        f"{body}.{sig[:20]}*{sig[20:]}",
        f"{body}.{sig[:20]}\n{sig[20:]}",
        f"{body[:5]}+{body[6:]}.{sig}".replace("+", "-" if body[5] != "-" else "_"),
        f"{body}.{sig[:-1]}{unused.get(sig[-1], sig[-1])}",
    ]


def test_altered_payload_text_is_not_genuine_even_when_it_decodes_to_the_same_bytes(issued_a):
    payload = signing.payload_of(issued_a)
    assert signing.payload_verify(payload, signing.public_keys()).token == issued_a.token
    for variant in _variants(payload):
        assert variant != payload
        with pytest.raises(signing.NotGenuine):
            signing.payload_verify(variant, signing.public_keys())
        assert selectors.verify_token(token=issued_a.token, payload=variant).status == "not_genuine"


@pytest.mark.parametrize("text", ["", "QQ", "QUJD", "YWJj", "_-_-"])
def test_strict_decoding_round_trips(text):
    assert signing.b64e(signing._b64d(text)) == text


@pytest.mark.parametrize("text", ["QQ==", "QR", "Q", "a b", "YW*Jj", "YWJj\n", "ä"])
def test_strict_decoding_refuses_other_spellings(text):
    with pytest.raises(binascii.Error):
        signing._b64d(text)


def test_public_page_names_the_authority_a_sekdes_signed_under(
    operator_a, sekdes_a, sekdes_official_a, resident_a
):
    from balai.letters import selectors
    from balai.letters.tests.conftest import issue_domisili

    letter = issue_domisili(operator_a, sekdes_a, resident_a)
    verdict = selectors.verify_token(token=letter.token)
    assert verdict.signer == f"{sekdes_official_a.name.upper()} (Sekretaris Desa, a.n. Kepala Desa Brokoh)"
