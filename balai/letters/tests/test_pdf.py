"""The letter PDF: logo from the compiler's root, compact QR, register layout."""

import subprocess

import pytest
import zxingcpp
from PIL import Image

from balai.core.crest import demo_crest_png
from balai.letters import pdf
from balai.letters.signing import verify_url


def _images(data: bytes) -> list[str]:
    out = subprocess.run(
        ["pdfimages", "-list", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return out.splitlines()[2:]


def test_logo_is_printed_from_a_file_named_by_its_content(issued_a):
    # given
    logo = demo_crest_png()
    # when
    with_logo = pdf.render(issued_a.content | {"verify_url": ""}, qr=issued_a.qr_svg, logo=logo)
    without = pdf.render(issued_a.content | {"verify_url": ""}, qr=issued_a.qr_svg)
    # then
    assert [line.split()[2] for line in _images(with_logo)] == ["image", "smask"]
    assert _images(without) == []
    assert list((pdf._root() / "logos").glob("*.png"))


def test_content_cannot_name_a_logo_file(issued_a):
    # a frozen content never carries a path; one slipped in is dropped, not read
    got = pdf.render(issued_a.content | {"verify_url": "", "logo_path": "/letter.typ"}, qr=issued_a.qr_svg)
    assert _images(got) == []


@pytest.mark.parametrize("draw", [pdf.qr_png, pdf.qr_svg], ids=["png", "svg of older letters"])
def test_qr_decodes_to_the_verify_url(issued_a, tmp_path, draw):
    # given
    url = verify_url(issued_a)
    page = pdf.render(issued_a.content | {"verify_url": ""}, qr=draw(url), png_ppi=200)
    (tmp_path / "p.png").write_bytes(page)
    # when
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "p.png"))
    # then
    assert [f.text for f in found] == [url]


def _logo_upload(colour):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    Image.new("RGB", (40, 40), colour).save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def _logo_pixels(page: bytes) -> list[bytes]:
    # the embedded images' raw bytes, so two logos of different colours tell apart
    out = subprocess.run(["pdfimages", "-list", "-"], input=page, capture_output=True, check=True)
    return [line.split()[3:5] for line in out.stdout.decode().splitlines()[2:] if "image" in line]


def test_issued_letter_keeps_the_logo_it_was_issued_with(operator_a, kades_a, kades_official_a, resident_a):
    # given: a letter issued under a red logo
    from balai.letters import render
    from balai.letters.tests.conftest import issue_domisili
    from balai.regions.services import village_profile_update

    village = resident_a.village
    village_profile_update(actor=operator_a, village=village, data={}, logo=_logo_upload("red"))
    letter = issue_domisili(operator_a, kades_a, resident_a)
    before = render.issued_letter_pdf(village=village, letter=letter)
    # when: the village uploads a new logo (the red file is deleted), then removes it
    village_profile_update(actor=operator_a, village=village, data={}, logo=_logo_upload("blue"))
    after_change = render.issued_letter_pdf(village=village, letter=letter)
    village_profile_update(actor=operator_a, village=village, data={}, remove_logo=True)
    after_removal = render.issued_letter_pdf(village=village, letter=letter)
    # then: the issued letter prints the same bytes each time, the logo under its signed hash
    assert letter.content["logo_sha256"]
    assert before == after_change == after_removal
    assert len(_logo_pixels(before)) == 2  # logo and QR


def test_letter_issued_without_logo_stays_without(operator_a, kades_a, kades_official_a, resident_a):
    from balai.letters import render
    from balai.letters.tests.conftest import issue_domisili
    from balai.regions.services import village_profile_update

    village = resident_a.village
    letter = issue_domisili(operator_a, kades_a, resident_a)
    before = render.issued_letter_pdf(village=village, letter=letter)
    village_profile_update(actor=operator_a, village=village, data={}, logo=_logo_upload("green"))
    assert render.issued_letter_pdf(village=village, letter=letter) == before
    assert letter.content["logo_sha256"] == ""


def test_letter_issued_before_logos_were_kept_prints_the_current_logo(issued_a):
    from balai.letters import render
    from balai.regions.services import village_profile_update

    content = dict(issued_a.content)
    del content["logo_sha256"]
    issued_a.content = content
    village_profile_update(actor=None, village=issued_a.village, data={}, logo=_logo_upload("green"))
    page = render.issued_letter_pdf(village=issued_a.village, letter=issued_a)
    assert len(_logo_pixels(page)) == 2


def test_revoked_or_replaced_letter_prints_its_status_on_every_page(issued_a, operator_a, kades_a):
    from balai.letters import render
    from balai.letters.services import workflow

    def text(page: bytes) -> str:
        return subprocess.run(
            ["pdftotext", "-raw", "-", "-"], input=page, capture_output=True, check=True
        ).stdout.decode()

    assert "DICABUT" not in text(render.letter_pdf(issued_a))
    from balai.letters.tests.conftest import correct_domisili

    fix = workflow.letter_verify(actor=operator_a, letter=correct_domisili(operator_a, issued_a))
    fix = workflow.letter_issue(actor=operator_a, letter=workflow.letter_sign(actor=kades_a, letter=fix))
    assert "DIGANTIKAN" in text(render.letter_pdf(issued_a))
    revoked = workflow.letter_revoke(actor=kades_a, letter=fix, reason="Salah orang")
    assert "DICABUT" in text(render.letter_pdf(revoked))
    # the frozen content, its hash and the signature are untouched by the stamp
    assert "stamp" not in revoked.content


def test_threads_read_the_same_villages_logo_at_once(operator_a, village_a):
    # threads issuing for one village share its Village object; the logo must not be one
    # shared open file that one thread closes under another
    from concurrent.futures import ThreadPoolExecutor

    from balai.letters import logos
    from balai.regions.services import village_profile_update

    village = village_profile_update(actor=operator_a, village=village_a, data={}, logo=_logo_upload("red"))
    expected = logos.current_logo(village)
    with ThreadPoolExecutor(max_workers=16) as pool:
        got = list(pool.map(lambda _: logos.current_logo(village), range(400)))
    assert expected is not None
    assert got == [expected] * 400
