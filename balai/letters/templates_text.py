"""Village wording of letter types: versioned paragraphs with placeholders. Reads and checks;
saving a new version is `services.settings.template_save`."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from balai.letters.content import paragraph_problems
from balai.letters.models import LetterTemplate
from balai.letters.types.base import LetterType
from balai.regions.models import Village

MAX_PARAGRAPHS = 20
MAX_PARAGRAPH_CHARS = 2000


def current_template(*, village: Village, type_code: str) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(village=village, type_code=type_code).order_by("-version").first()


def template_versions(*, village: Village, type_code: str) -> list[LetterTemplate]:
    return list(LetterTemplate.objects.filter(village=village, type_code=type_code).order_by("-version")[:50])


def wording(*, village: Village, letter_type: LetterType) -> tuple[int, tuple[str, ...]]:
    """(version, paragraphs) a letter of this type is printed with today in this village."""
    found = current_template(village=village, type_code=letter_type.code)
    if found is None:
        return 0, letter_type.body
    return found.version, tuple(found.paragraphs)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by a blank line; single line breaks join into one paragraph."""
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]


def check_paragraphs(letter_type: LetterType, paragraphs: list[str]) -> None:
    if not paragraphs:
        raise ValidationError({"text": "Teks surat tidak boleh kosong."})
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise ValidationError({"text": f"Paling banyak {MAX_PARAGRAPHS} paragraf."})
    problems: list[str] = []
    for i, p in enumerate(paragraphs, start=1):
        if len(p) > MAX_PARAGRAPH_CHARS:
            raise ValidationError(
                {"text": f"Paragraf {i} terlalu panjang (paling banyak {MAX_PARAGRAPH_CHARS})."}
            )
        # The same check the letter's rendering makes, and stricter: what is saved here is
        # what every letter of the type is issued with.
        problems += [f"Paragraf {i}: {problem}" for problem in paragraph_problems(letter_type, p)]
    if problems:
        raise ValidationError({"text": problems})
