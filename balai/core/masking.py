"""Masking of identity numbers and names for screens and prints (UU 27/2022 PDP)."""


def mask_number(value: str | None) -> str:
    """`3325014107900001` -> `332501******0001`: region and serial stay, birth date hidden."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_tail(value: str | None, keep: int = 6) -> str:
    """`3325014107900001` -> `…900001`: for lists, where the region prefix is the same for the
    whole village and only the end tells two people apart (with name, birth date and RT/RW)."""
    if not value:
        return ""
    if len(value) <= keep + 4:
        return "*" * len(value)
    return "…" + value[-keep:]


def mask_name(name: str | None) -> str:
    """`SITI WAHYUNI` -> `S*** W******`."""
    if not name:
        return ""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
