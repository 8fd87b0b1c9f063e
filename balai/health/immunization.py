"""The national routine immunisation schedule for infants and under-twos (Kemenkes, Buku KIA
2023 with PCV and rotavirus nationwide; JE only in endemic provinces, kept for them).

Codes are stable identifiers stored on `ChildMeasurement.immunizations`; the labels are the
names the KIA book and e-PPGBM use. `due_month` is the recommended age in completed months.
"""

from __future__ import annotations

from dataclasses import dataclass

from balai.health.who import DAYS_PER_MONTH


@dataclass(frozen=True, slots=True)
class Vaccine:
    code: str
    label: str
    due_month: int


SCHEDULE: tuple[Vaccine, ...] = (
    Vaccine("hb0", "HB-0", 0),
    Vaccine("bcg", "BCG", 1),
    Vaccine("opv1", "Polio tetes 1", 1),
    Vaccine("dpt1", "DPT-HB-Hib 1", 2),
    Vaccine("opv2", "Polio tetes 2", 2),
    Vaccine("pcv1", "PCV 1", 2),
    Vaccine("rv1", "Rotavirus 1", 2),
    Vaccine("dpt2", "DPT-HB-Hib 2", 3),
    Vaccine("opv3", "Polio tetes 3", 3),
    Vaccine("pcv2", "PCV 2", 3),
    Vaccine("rv2", "Rotavirus 2", 3),
    Vaccine("dpt3", "DPT-HB-Hib 3", 4),
    Vaccine("opv4", "Polio tetes 4", 4),
    Vaccine("ipv1", "Polio suntik (IPV) 1", 4),
    Vaccine("rv3", "Rotavirus 3", 4),
    Vaccine("mr1", "Campak-Rubela (MR)", 9),
    Vaccine("ipv2", "Polio suntik (IPV) 2", 9),
    Vaccine("je", "Japanese Encephalitis (JE)", 10),
    Vaccine("pcv3", "PCV 3", 12),
    Vaccine("dpt4", "DPT-HB-Hib lanjutan", 18),
    Vaccine("mr2", "Campak-Rubela (MR) lanjutan", 18),
)
BY_CODE = {v.code: v for v in SCHEDULE}


def label(code: str) -> str:
    vaccine = BY_CODE.get(code)
    return vaccine.label if vaccine else code


def due(*, age_days: int, given: set[str] | frozenset[str]) -> list[Vaccine]:
    """Vaccines due at this age and not given yet, in schedule order (catch-up included)."""
    months = int(age_days / DAYS_PER_MONTH)
    return [v for v in SCHEDULE if v.due_month <= months and v.code not in given]
