"""PDF of a letter: the frozen content of an issued letter, or a preview of a request."""

from __future__ import annotations

from django.utils import timezone

from balai.core.errors import ApplicationError
from balai.letters import logos, numbering, pdf
from balai.letters.content import PREVIEW_NUMBER, build_content
from balai.letters.fields import letter_type_of
from balai.letters.models import Letter, LetterSignedPdf
from balai.letters.selectors import replaced_by
from balai.letters.signing import verify_url
from balai.letters.templates_text import wording
from balai.letters.types.base import LetterType
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.selectors import signatories


def _stamp(letter: Letter) -> str:
    if letter.state == Letter.State.REVOKED:
        return "DICABUT"
    replacement = replaced_by(letter)
    return "DIGANTIKAN" if replacement is not None else ""  # the number would wrap over the QR


def issued_letter_pdf(*, village: Village, letter: Letter) -> bytes:
    """The PDF of an issued letter of this village, as the resident receives it."""
    if letter.village_id != village.pk:
        raise Letter.DoesNotExist
    if letter.state not in (Letter.State.ISSUED, Letter.State.HANDED_OVER) or not letter.token:
        raise ApplicationError("Surat belum terbit.")
    return letter_pdf(letter)


def letter_pdf(letter: Letter) -> bytes:
    if letter.token:
        # A certified (TTE) signature covers the exact bytes the service returned.
        signed = LetterSignedPdf.objects.filter(letter_id=letter.pk).values_list("pdf", flat=True).first()
        if signed is not None:
            return bytes(signed)
        short = verify_url(letter, with_payload=False).split("://", 1)[-1]
        content = letter.content | {"verify_url": short}
        qr = letter.qr_svg or pdf.qr_png(verify_url(letter))
        logo = logos.issued_logo(letter.village, letter.content)
        return pdf.render(content, qr=qr, logo=logo, stamp=_stamp(letter))
    letter_type = letter_type_of(letter)
    _version, paragraphs = wording(village=letter.village, letter_type=letter_type)
    content = build_content(
        paragraphs=paragraphs,
        letter_type=letter_type,
        village=letter.village,
        subject=letter.subject,
        fields=letter.fields,
        official=letter.signer,
        number=PREVIEW_NUMBER,
        issued_on=timezone.localdate(),
        paper=numbering.settings_for(letter.village).paper,
    )
    return pdf.render(content | {"verify_url": ""}, logo=logos.current_logo(letter.village))


def template_preview_png(
    *, letter_type: LetterType, village: Village, subject: Resident, paragraphs: list[str]
) -> bytes:
    """The letter with draft wording, on a real resident, as an image (nothing is saved)."""
    fields = {f.name: f.label for f in letter_type.fields}
    for f in letter_type.fields:
        if f.kind == "date":
            fields[f.name] = timezone.localdate().isoformat()
        elif f.kind in ("number", "money"):
            fields[f.name] = "1500000" if f.kind == "money" else "2"
    content = build_content(
        letter_type=letter_type,
        village=village,
        subject=subject,
        fields=fields,
        official=signatories(village=village).first(),
        number=PREVIEW_NUMBER,
        issued_on=timezone.localdate(),
        paper=numbering.settings_for(village).paper,
        paragraphs=paragraphs,
    )
    return pdf.render(content | {"verify_url": ""}, logo=logos.current_logo(village), png_ppi=96)
