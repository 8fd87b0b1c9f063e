"""Pure rules of village finance: Rupiah amounts, taxes withheld by the treasurer, terbilang.

Tax rates and thresholds are data (DOMAIN.md §7; PMK 59/PMK.03/2022): the village is an
*instansi pemerintah* that collects PPN and PPh 22 on purchases of goods above Rp2,000,000,
PPh 23 on services with no threshold, and withholds PPh 21 on honoraria. A regency that
applies other rates changes `TAXES` (one place), not the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from balai.core.words import terbilang as words


@dataclass(frozen=True)
class TaxRule:
    kind: str
    label: str
    account_code: str  # the PFK account it is withheld on
    map_code: str  # MAP code for the billing (Siskeudes Ref_Rek4.Peraturan)
    rate: Decimal  # of the base
    threshold: int = 0  # the base must be above this (0 = none)


TAXES: dict[str, TaxRule] = {
    # PPN 12 % on DPP 11/12 = 11 % of the price for non-luxury goods (since 2025).
    "ppn": TaxRule("ppn", "PPN", "7.1.1.01", "411211-100", Decimal("0.11"), 2_000_000),
    "pph21": TaxRule("pph21", "PPh 21", "7.1.1.02", "411121-100", Decimal("0.05")),
    "pph22": TaxRule("pph22", "PPh 22", "7.1.1.03", "411122-100", Decimal("0.015"), 2_000_000),
    "pph23": TaxRule("pph23", "PPh 23", "7.1.1.04", "411123-100", Decimal("0.02")),
}
TAX_CHOICES = [(k, t.label) for k, t in TAXES.items()]


def tax_due(kind: str, base: int) -> int:
    """What the treasurer withholds on `base` (whole Rupiah, half up); 0 at or under the threshold."""
    rule = TAXES[kind]
    if rule.threshold and base <= rule.threshold:
        return 0
    return int((Decimal(base) * rule.rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rupiah(
    value: object, *, field: str = "amount", label: str | None = None, allow_zero: bool = False
) -> int:
    """A whole, non-negative Rupiah amount from user input, or a ValidationError naming `field`.

    Accepts ints and digit strings with Indonesian thousands dots ("1.500.000"); refuses
    fractions ("1500,50"), negatives and anything else."""
    name = label or _("Jumlah")
    if isinstance(value, bool):
        raise ValidationError({field: _("%(name)s harus berupa angka Rupiah.") % {"name": name}})
    if isinstance(value, int):
        amount = value
    elif isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValidationError({field: _("%(name)s harus Rupiah bulat, tanpa sen.") % {"name": name}})
        amount = int(value)
    else:
        text = str(value or "").strip().replace(" ", "")
        if text.startswith("Rp"):
            text = text[2:]
        if "," in text:
            raise ValidationError({field: _("%(name)s harus Rupiah bulat, tanpa sen.") % {"name": name}})
        text = text.replace(".", "")
        if not text.lstrip("-").isdigit():
            raise ValidationError({field: _("%(name)s harus berupa angka Rupiah.") % {"name": name}})
        amount = int(text)
    if amount < 0:
        raise ValidationError({field: _("%(name)s tidak boleh negatif.") % {"name": name}})
    if amount == 0 and not allow_zero:
        raise ValidationError({field: _("%(name)s harus lebih dari nol.") % {"name": name}})
    if amount > 10**15:
        raise ValidationError({field: _("%(name)s terlalu besar.") % {"name": name}})
    return amount


def siskeudes_number(text: str) -> Decimal:
    """A Siskeudes export number: `5.7000000000000000e+07`, `5.7e+007`, `57000000`, ''.

    Raises InvalidOperation for anything else."""
    text = (text or "").strip()
    if not text:
        return Decimal(0)
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def terbilang(amount: int) -> str:
    """Amount in words for vouchers: 1_250_000 → "Satu juta dua ratus lima puluh ribu rupiah"."""
    if amount == 0:
        return "Nol rupiah"
    text = words(abs(amount))
    return ("Minus " if amount < 0 else "") + text[0].upper() + text[1:] + " rupiah"
