"""The QR code on the letter tracking ticket: it decodes to the public status link and
nothing else (no personal data), on the page shown and printed at the kiosk."""

from __future__ import annotations

import io
import re

import pytest
import typst
import zxingcpp
from django.conf import settings
from PIL import Image

from balai.kiosk.qr import qr_svg
from balai.letters.models import Letter

pytestmark = pytest.mark.django_db


def _decode_svg(svg: str, tmp_path) -> list[str]:
    """Rasterise the SVG as a printer would (Typst, 200 ppi) and read it back with zxing-cpp.
    The page is black and has no margin: all the white there is comes from the SVG."""
    (tmp_path / "qr.svg").write_text(svg)
    (tmp_path / "page.typ").write_text(
        '#set page(width: 5cm, height: 5cm, margin: 0pt, fill: black)\n#image("qr.svg", width: 5cm)\n'
    )
    png = typst.compile(str(tmp_path / "page.typ"), root=str(tmp_path), format="png", ppi=200)
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def _token(response) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)


def test_qr_svg_decodes_to_its_text(tmp_path):
    url = "https://balai.example.go.id/v/lacak/AB3CD4EF5G"
    svg = qr_svg(url, label='a"<b')
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert 'aria-label="a&quot;&lt;b"' in svg
    assert 'viewBox="-4 -4 ' in svg  # the 4-module white quiet zone phones look for
    assert _decode_svg(svg, tmp_path) == [url]


def test_tracking_ticket_carries_a_qr_of_the_status_link(resident_client_a, resident_a, tmp_path):
    # given: a letter the office must check, asked for at the kiosk
    form = resident_client_a.get("/anjungan/saya/surat/minta/domisili/")
    data = {"token": _token(form), "keperluan": "Pendaftaran sekolah anak"}
    response = resident_client_a.post("/anjungan/saya/surat/minta/domisili/", data)
    letter = Letter.objects.get(subject=resident_a)
    # when: the ticket page is shown
    page = resident_client_a.get(response["Location"]).content.decode()
    # then: the ticket holds one QR, and it opens the public status page
    start = page.index('id="k-ticket"')
    ticket = page[start : page.index("</svg>", start) + len("</svg>")]
    svgs = re.findall(r"<svg .*?</svg>", ticket, flags=re.S)
    assert len(svgs) == 1
    decoded = _decode_svg(svgs[0], tmp_path)
    assert decoded == [f"{settings.BALAI_PUBLIC_URL}/v/lacak/{letter.tracking_code}"]
    for personal in (resident_a.name, resident_a.nik, resident_a.public_id, resident_a.family.kk_number):
        assert personal not in decoded[0]
