"""Masking of identity numbers and names for screens and prints (UU 27/2022 PDP)."""


def mask_number(value: str | None) -> str:
    """`3325014107900001` -> `332501******0001`: region and serial stay, birth date hidden."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(name: str | None) -> str:
    """`SITI WAHYUNI` -> `S*** W******`."""
    if not name:
        return ""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
