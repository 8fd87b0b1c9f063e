"""A village's letter settings: number format and sequences, paper, TTE, what the kiosk
offers, and the village's own wording of each letter type (versioned)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from balai.accounts.scope import user_can
from balai.audit.services import audit_record
from balai.core.errors import ApplicationError
from balai.letters import numbering
from balai.letters.models import LetterSettings, LetterTemplate
from balai.letters.policy import kiosk_policy, self_service_possible
from balai.letters.templates_text import check_paragraphs, split_paragraphs
from balai.letters.types import REGISTRY, get_type
from balai.regions.models import Village

if TYPE_CHECKING:
    from balai.accounts.models import User


@transaction.atomic
def letter_settings_update(
    *,
    actor: User,
    village: Village,
    number_format: str,
    per_type_sequence: bool,
    paper: str,
    use_tte: bool | None = None,
) -> LetterSettings:
    if actor.village_id != village.pk or not user_can(actor, "letters.settings"):
        raise ApplicationError("Peran Anda tidak boleh mengubah pengaturan surat.")
    number_format = " ".join(number_format.split())
    numbering.check_format(number_format, per_type_sequence=per_type_sequence)
    if len(number_format) > 120:
        raise ValidationError({"number_format": "Format nomor paling banyak 120 karakter."})
    if paper not in LetterSettings.Paper.values:
        raise ValidationError({"paper": "Ukuran kertas tidak dikenal."})
    prefs, _created = LetterSettings.objects.select_for_update().get_or_create(village=village)
    use_tte = prefs.use_tte if use_tte is None else use_tte
    if use_tte != prefs.use_tte and not user_can(actor, "letters.delegate"):
        raise ApplicationError("Hanya kepala desa atau sekretaris desa yang dapat mengubah pemakaian TTE.")
    before = {
        "number_format": prefs.number_format,
        "per_type_sequence": prefs.per_type_sequence,
        "paper": prefs.paper,
        "use_tte": prefs.use_tte,
    }
    prefs.number_format, prefs.per_type_sequence, prefs.paper = number_format, per_type_sequence, paper
    prefs.use_tte = use_tte
    prefs.save()
    if per_type_sequence != before["per_type_sequence"]:
        # The other mode's letters took numbers the new mode's counters never counted.
        numbering.counters_catch_up(
            village=village, year=timezone.localdate().year, per_type_sequence=per_type_sequence
        )
    after = {
        "number_format": number_format,
        "per_type_sequence": per_type_sequence,
        "paper": paper,
        "use_tte": use_tte,
    }
    audit_record(
        actor=actor,
        village=village,
        action="letter_settings.updated",
        object_type="letter_settings",
        object_id=village.code,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return prefs


@transaction.atomic
def letter_kiosk_settings_update(
    *, actor: User, village: Village, kiosk_types: Iterable[str], self_service_types: Iterable[str]
) -> LetterSettings:
    """Which types the kiosk offers, and which of those it issues without an operator. Making
    a type self-service delegates the signatory's signature, so only they may widen it."""
    if actor.village_id != village.pk or not user_can(actor, "letters.settings"):
        raise ApplicationError("Peran Anda tidak boleh mengubah pengaturan surat.")
    offered = [c for c in REGISTRY if c in set(kiosk_types)]
    unknown = sorted(set(kiosk_types) - set(REGISTRY)) + sorted(set(self_service_types) - set(REGISTRY))
    if unknown:
        raise ValidationError({"kiosk_types": f"Jenis surat tidak dikenal: {', '.join(unknown)}."})
    chosen = [c for c in REGISTRY if c in set(self_service_types)]
    not_offered = [REGISTRY[c].name for c in chosen if c not in offered]
    if not_offered:
        raise ValidationError(
            {
                "self_service_types": f"Layanan mandiri hanya untuk jenis yang tersedia di anjungan: {', '.join(not_offered)}."
            }
        )
    needs_check = [REGISTRY[c].name for c in chosen if not self_service_possible(REGISTRY[c])]
    if needs_check:
        raise ValidationError(
            {
                "self_service_types": "Jenis surat yang persyaratannya harus diperiksa petugas tidak dapat "
                f"diterbitkan mandiri: {', '.join(needs_check)}."
            }
        )
    prefs, _created = LetterSettings.objects.select_for_update().get_or_create(village=village)
    before_offered, before_self = kiosk_policy(prefs)
    if set(chosen) - set(before_self) and not user_can(actor, "letters.delegate"):
        raise ApplicationError("Hanya kepala desa atau sekretaris desa yang dapat menambah layanan mandiri.")
    prefs.kiosk_types, prefs.self_service_types = offered, chosen
    prefs.save()
    audit_record(
        actor=actor,
        village=village,
        action="letter_settings.kiosk_updated",
        object_type="letter_settings",
        object_id=village.code,
        changes={"kiosk_types": [before_offered, offered], "self_service_types": [before_self, chosen]},
    )
    return prefs


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
