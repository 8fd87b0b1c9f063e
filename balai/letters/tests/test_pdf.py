"""The letter PDF: logo from the compiler's root, compact QR, register layout."""

import subprocess

import pytest
import zxingcpp
from PIL import Image

from balai.core.crest import demo_crest_png
from balai.letters import pdf
from balai.letters.services import verify_url


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
