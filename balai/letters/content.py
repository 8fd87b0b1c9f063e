"""What a letter says: the registry, the village profile and the request, as plain data.

`build_content` returns the dict the renderer prints and the signature covers. It is pure
(no writes) so the same function serves the preview and the issued, frozen letter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set
from typing import Any

from django.core.exceptions import ValidationError

from balai.letters.biodata import resident_values
from balai.letters.text import (
    UnknownPlaceholder,
    date_id,
    fill,
    placeholder_problem,
    placeholder_problems,
    rupiah,
    terbilang,
)
from balai.letters.types.base import LetterType, Table
from balai.people.models import Resident
from balai.regions.models import Village
from balai.staff.models import Official

BIODATA_LABELS = {
    "nama": "Nama",
    "nik": "NIK",
    "no_kk": "Nomor KK",
    "ttl": "Tempat/Tgl. Lahir",
    "jenis_kelamin": "Jenis Kelamin",
    "agama": "Agama",
    "status_perkawinan": "Status Perkawinan",
    "pekerjaan": "Pekerjaan",
    "kewarganegaraan": "Kewarganegaraan",
    "golongan_darah": "Golongan Darah",
    "hubungan_keluarga": "Hubungan dalam Keluarga",
    "pendidikan": "Pendidikan Terakhir",
    "nama_ayah": "Nama Ayah",
    "nama_ibu": "Nama Ibu",
    "alamat": "Alamat",
}
BIODATA_LINE = "[biodata]"
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
PREVIEW_NUMBER = "…/…/…/…/…"


def _strip_village(position: str, village: Village) -> str:
    """`Kepala Desa Brokoh` -> `Kepala Desa`: templates add "Desa [Nama_desa]" themselves."""
    return re.sub(rf"\s+(desa\s+)?{re.escape(village.name)}$", "", position, flags=re.IGNORECASE).strip()


def signer_block(official: Official | None, village: Village) -> dict[str, str]:
    if official is None:
        return {
            "on_behalf": "",
            "position": "Kepala Desa " + village.name,
            "name": "",
            "nip": "",
            "title": "",
        }
    position = _strip_village(official.position, village)
    head = _strip_village(official.on_behalf_of, village) or "Kepala Desa"
    if official.signs_as == Official.SignsAs.AN:
        on_behalf = f"a.n. {head} {village.name}"
    elif official.signs_as == Official.SignsAs.UB:
        on_behalf = f"a.n. {head} {village.name}\nSekretaris Desa\nu.b."
    else:
        on_behalf, head = "", position
    nip = f"NIP. {official.nip}" if official.nip else (f"NIPD. {official.nipd}" if official.nipd else "")
    return {
        "on_behalf": on_behalf,
        "position": f"{position} {village.name}" if on_behalf == "" else position,
        "name": official.name.upper(),
        "nip": nip,
        "title": head,
    }


def field_values(letter_type: LetterType, fields: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for f in letter_type.fields:
        raw = fields.get(f.name, "")
        if f.kind == "date" and raw:
            day = dt.date.fromisoformat(str(raw))
            values[f.name] = date_id(day)
            values[f"{f.name}_hari"] = DAY_NAMES[day.weekday()]
        elif f.kind == "date":
            values[f.name] = values[f"{f.name}_hari"] = "-"
        elif f.kind == "money" and raw not in ("", None):
            amount = int(raw)
            values[f.name] = rupiah(amount)
            values[f"{f.name}_terbilang"] = terbilang(amount) + " rupiah"
        elif f.kind == "number" and raw not in ("", None):
            values[f.name] = f"{int(raw):,}".replace(",", ".")
        else:
            values[f.name] = str(raw) if raw not in (None, "") else "-"
            if f.kind == "money":
                values[f"{f.name}_terbilang"] = "-"
    return values


def _fill(text: str, values: dict[str, str], blocks: Set[str] = frozenset()) -> str:
    try:
        return fill(text, values)
    except UnknownPlaceholder as e:
        # Worded like the editor's refusal (paragraph_problems), which this must never outrun.
        problems = (placeholder_problem(name, set(values), blocks) for name in e.names)
        raise ValidationError(f"Teks surat: {' '.join(problems)}")


def _block_names(tables: tuple[Table, ...]) -> set[str]:
    return {BIODATA_LINE.strip("[]")} | {t.name for t in tables}


def _blocks(
    texts: list[str], values: dict[str, str], biodata: tuple[str, ...], tables: tuple[Table, ...] = ()
) -> list[dict[str, Any]]:
    forms = {f"[{t.name}]": t for t in tables}
    blocks = _block_names(tables)
    body: list[dict[str, Any]] = []
    for text in texts:
        if text.strip() == BIODATA_LINE:
            body.append({"kind": "table", "rows": [[BIODATA_LABELS[k], values[k]] for k in biodata]})
        # Any case: wording saved before the editor asked for lower case still prints.
        elif (table := forms.get(text.strip().lower())) is not None:
            rows = [[_fill(label, values), _fill(value, values)] for label, value in table.rows]
            body.append({"kind": "table", "form": True, "rows": rows})
        else:
            body.append({"kind": "text", "text": _fill(text, values, blocks)})
    return body


def paragraph_problems(letter_type: LetterType, paragraph: str) -> list[str]:
    """Why one paragraph of this type's text would not print as written ([] when it would).

    The editor's check, for saving and for the live preview: everything `build_content`
    refuses (an unknown placeholder, `[biodata]` or a table not alone in its paragraph),
    plus what it would print literally (`[nama desa]`, `{nama}`, a lone bracket).
    """
    blocks = _block_names(letter_type.tables)
    if paragraph.strip() in {f"[{name}]" for name in blocks}:
        return []
    return placeholder_problems(paragraph, placeholder_names(letter_type) - blocks, blocks)


def placeholder_names(letter_type: LetterType) -> set[str]:
    """Every placeholder a text of this type may use (lower case), blocks included."""
    names = set(BIODATA_LABELS) | set(resident_values(Resident(sex=1)))
    names |= {"nama_desa", "nama_kecamatan", "nama_kabupaten", "nama_provinsi", "kode_desa"}
    names |= {"tanggal_surat", "jabatan_penandatangan", "nama_penandatangan", "biodata"}
    names |= {t.name for t in letter_type.tables}
    if letter_type.derived is not None:
        names |= set(letter_type.derived(Resident(sex=1)))
    for f in letter_type.fields:
        names.add(f.name)
        if f.kind == "date":
            names.add(f"{f.name}_hari")
        if f.kind == "money":
            names.add(f"{f.name}_terbilang")
    return names


def build_content(
    *,
    letter_type: LetterType,
    village: Village,
    subject: Resident,
    fields: dict[str, Any],
    official: Official | None,
    number: str,
    issued_on: dt.date,
    paper: str,
    paragraphs: tuple[str, ...] | list[str] | None = None,
) -> dict[str, Any]:
    signer = signer_block(official, village)
    values = resident_values(subject) | field_values(letter_type, fields)
    values |= {
        "nama_desa": village.name,
        "nama_kecamatan": village.district_name,
        "nama_kabupaten": village.regency_name,
        "nama_provinsi": village.province_name,
        "kode_desa": village.code,
        "tanggal_surat": date_id(issued_on),
        "jabatan_penandatangan": signer["title"],
        "nama_penandatangan": signer["name"],
    }
    if letter_type.derived is not None:
        for key, value in letter_type.derived(subject).items():
            # The registry's value wins; where it has none ("-"), what the desk typed for it.
            if value == "-" and str(fields.get(key) or "").strip():
                continue
            values[key] = value
    texts = list(paragraphs if paragraphs is not None else letter_type.body)
    if letter_type.closing:
        texts.append(letter_type.closing)
    body = _blocks(texts, values, letter_type.biodata, letter_type.tables)
    attachments = [
        {
            "form_code": a.form_code,
            "heading": [_fill(line, values) for line in a.heading],
            "title": a.title,
            "body": _blocks(list(a.body), values, letter_type.biodata, letter_type.tables),
            "place_date": f"{village.name}, {date_id(issued_on)}",
            "signatures": [
                {"label": _fill(s.label, values), "name": _fill(s.name, values)} for s in a.signatures
            ],
        }
        for a in letter_type.attachments
        if a.when is None or a.when(subject, issued_on)
    ]
    address = ", ".join(
        p for p in (village.address, village.postal_code and f"Kode Pos {village.postal_code}") if p
    )
    contact = " · ".join(p for p in (village.phone and f"Telp. {village.phone}", village.email) if p)
    return {
        "paper": paper,
        "kop": {
            "regency": f"Pemerintah {village.regency_name}",
            "district": f"Kecamatan {village.district_name}",
            "village": f"{'Kelurahan' if village.is_kelurahan else 'Desa'} {village.name}",
            "address": " · ".join(p for p in (address, contact) if p),
        },
        "title": letter_type.title,
        "form_code": letter_type.form_code,
        "attachments": attachments,
        "type_code": letter_type.code,
        "number": number,
        "body": body,
        "place_date": f"{village.name}, {date_id(issued_on)}",
        "signatures": [
            {"label": _fill(s.label, values), "name": _fill(s.name, values), "stamp": s.stamp}
            for s in letter_type.signatures
        ],
        "signer": signer,
        "subject_name": subject.name,
        "issued_on": issued_on.isoformat(),
        "village_code": village.code,
    }
