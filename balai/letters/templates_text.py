"""Village wording of letter types: versioned paragraphs with placeholders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from balai.accounts.scope import user_can
from balai.core.audit import audit_record
from balai.core.errors import ApplicationError
from balai.letters.content import paragraph_problems
from balai.letters.models import LetterTemplate
from balai.letters.types import get_type
from balai.letters.types.base import LetterType
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User

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


@transaction.atomic
def template_save(*, actor: User, village: Village, type_code: str, text: str) -> LetterTemplate:
    if actor.village_id != village.pk or not user_can(actor, "letters.template"):
        raise ApplicationError("Peran Anda tidak boleh mengubah teks surat.")
    letter_type = get_type(type_code)
    if letter_type is None:
        raise ValidationError({"type_code": "Jenis surat tidak dikenal."})
    paragraphs = split_paragraphs(text)
    check_paragraphs(letter_type, paragraphs)
    # Serialise versions of one village's templates on the village row's audit chain lock.
    last = (
        LetterTemplate.objects.select_for_update()
        .filter(village=village, type_code=type_code)
        .aggregate(v=Max("version"))["v"]
        or 0
    )
    template = LetterTemplate.objects.create(
        village=village, type_code=type_code, version=last + 1, paragraphs=paragraphs, created_by=actor
    )
    audit_record(
        actor=actor,
        village=village,
        action="letter_template.saved",
        object_type="letter_template",
        object_id=f"{type_code}:{template.version}",
        changes={"paragraphs": paragraphs},
    )
    return template
