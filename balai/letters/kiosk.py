"""What the kiosk (anjungan) uses from letters: one import place, documented in
/work/notes/letters-kiosk-api.md. The functions live in services.kiosk, selectors and render."""

from __future__ import annotations

from django.conf import settings

from balai.letters.models import Letter
from balai.letters.render import issued_letter_pdf as letter_pdf_bytes
from balai.letters.selectors import (
    KioskField,
    KioskLetterType,
    kiosk_letter_types,
    kiosk_status_label,
    kiosk_subject_error,
    letter_by_tracking_code,
    letters_of_family,
)
from balai.letters.services.kiosk import letter_kiosk_request


def tracking_url(letter: Letter) -> str:
    """The resident's status link (SMS/WhatsApp): no login, no personal data."""
    return f"{settings.BALAI_PUBLIC_URL}/v/lacak/{letter.tracking_code}"


__all__ = [
    "KioskField",
    "KioskLetterType",
    "kiosk_letter_types",
    "kiosk_status_label",
    "kiosk_subject_error",
    "letter_by_tracking_code",
    "letter_kiosk_request",
    "letter_pdf_bytes",
    "letters_of_family",
    "tracking_url",
]
