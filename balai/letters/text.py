"""Filling a letter's text: Indonesian dates, amounts in words, placeholders with case."""

from __future__ import annotations

import difflib
import re
from collections.abc import Set

# Re-exported: the letter modules take Indonesian dates from here with the other text helpers.
from balai.core.dates import date_id as date_id
from balai.core.words import terbilang as terbilang

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def rupiah(n: int) -> str:
    return "Rp" + f"{n:,}".replace(",", ".")


PLACEHOLDER = re.compile(r"\[([A-Za-z][A-Za-z0-9_]*)\]")


def _cased(key: str, value: str) -> str:
    """`[NAMA]` upper case, `[Nama]` title case, `[nama]` as recorded."""
    if key.isupper():
        return value.upper()
    if key[0].isupper():
        return " ".join(w[:1].upper() + w[1:].lower() for w in value.split(" "))
    return value


class UnknownPlaceholder(ValueError):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def unknown_placeholders(text: str, known: set[str]) -> list[str]:
    return sorted({m for m in PLACEHOLDER.findall(text) if m.lower() not in known})


# What a village may have meant as a placeholder: any square-bracket group, and the
# `{name}` / `{{name}}` of other template languages (both would otherwise print literally).
_GROUP = re.compile(r"\[([^\[\]]*)\]")
_BRACES = re.compile(r"\{\{?\s*[A-Za-z][^{}]*?\}?\}")


def _normal(written: str) -> str:
    """`Nama Desa`, `nama-desa`, ` nama desa ` -> `nama_desa`."""
    return re.sub(r"[^a-z0-9]+", "_", written.lower()).strip("_")


def _guess(written: str, known: Set[str]) -> str | None:
    """The known name a mistyped one most likely meant: `nama desa` -> `nama_desa`."""
    normal = _normal(written)
    if normal in known:
        return normal
    close = difflib.get_close_matches(normal, sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _styled(name: str, like: str) -> str:
    """`name` in the case variant the writer used: `[NAMA DESA]` -> `[NAMA_DESA]`."""
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return name.upper()
    if letters and letters[0].isupper():
        return name[:1].upper() + name[1:]
    return name


def placeholder_problem(inner: str, known: Set[str], blocks: Set[str]) -> str:
    """Why `[inner]` in running text does not fill in, in the operator's words; "" when it does.

    `blocks` are placeholders that print a block (a table) and so work only as a paragraph
    of their own, written exactly `[name]`.
    """
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", inner) and inner.lower() in known:
        return ""
    guess = _guess(inner, known | blocks)
    if guess in blocks and guess == _normal(inner):
        return (
            f"[{inner}] harus berdiri sendiri sebagai satu paragraf (baris tersendiri, diapit "
            f"baris kosong) dan ditulis dengan huruf kecil: [{guess}]."
        )
    if guess is None:
        return f"Isian tidak dikenal: [{inner}]."
    meant = guess if guess in blocks else _styled(guess, inner)
    return f"Isian tidak dikenal: [{inner}], maksudnya [{meant}]?"


def placeholder_problems(text: str, known: Set[str], blocks: Set[str] = frozenset()) -> list[str]:
    """Every reason `text`, printed as running text, would not come out as written.

    `known`: placeholders that fill in (lower case; any case variant is accepted); `blocks`:
    see `placeholder_problem`. Text without brackets or braces has no problem.
    """
    problems = [placeholder_problem(m.group(1), known, blocks) for m in _GROUP.finditer(text)]
    rest = _GROUP.sub("", text)
    if "[" in rest or "]" in rest:
        problems.append(
            "Kurung siku tanpa pasangan; isian ditulis dengan satu pasang kurung siku, misalnya [nama]."
        )
    for m in _BRACES.finditer(text):
        guess = _guess(m.group(0).strip("{} "), known)
        example = f"[{_styled(guess, m.group(0))}]" if guess else "[nama]"
        problems.append(f"{m.group(0)} bukan isian; tulis isian dengan kurung siku, misalnya {example}.")
    return list(dict.fromkeys(p for p in problems if p))


def fill(text: str, values: dict[str, str]) -> str:
    """Replace placeholders; plain text in, plain text out (the renderer never parses it)."""
    missing = unknown_placeholders(text, set(values))
    if missing:
        raise UnknownPlaceholder(missing)
    return PLACEHOLDER.sub(lambda m: _cased(m.group(1), values[m.group(1).lower()]), text)
