"""The kiosk's figures in the regency's monthly snapshot (issue 23 item 5, issue 20 item 3).

Collected by `regency.figures.load_plugins`: each count answers every village at once with one
grouped query. Months frozen before these figures existed show "–"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from balai.core.dates import Month
from balai.kiosk import figures

KIOSK = _("Anjungan mandiri")


def _sign_ins(*, village_ids: list[int], month: Month) -> dict[int, int]:
    return figures.sign_ins(village_ids=village_ids, year=month.year, month=month.month)


def _letters_self_served(*, village_ids: list[int], month: Month) -> dict[int, int]:
    found = figures.letters(village_ids=village_ids, year=month.year, month=month.month)
    return {pk: served for pk, (_asked, served) in found.items()}


def _complaints(*, village_ids: list[int], month: Month) -> dict[int, int]:
    return figures.complaints(village_ids=village_ids, year=month.year, month=month.month)


SNAPSHOT_FIGURES = [
    ("kiosk_sign_ins", _("Masuk di anjungan"), KIOSK, _sign_ins),
    ("kiosk_letters_self_served", _("Surat swalayan anjungan"), KIOSK, _letters_self_served),
    ("kiosk_complaints", _("Pengaduan lewat anjungan"), KIOSK, _complaints),
]

# The same counts for many months in one grouped query each (the regency demo's history).
SNAPSHOT_FIGURES_BY_MONTH = [
    ("kiosk_sign_ins", figures.sign_ins_by_month),
    ("kiosk_letters_self_served", figures.letters_self_served_by_month),
    ("kiosk_complaints", figures.complaints_by_month),
]
