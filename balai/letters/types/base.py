"""What a letter type is: data, not code paths. The workflow reads these fields only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from balai.people import codes
from balai.people.models import Resident


@dataclass(frozen=True)
class Field:
    """An extra form field of a letter type; its value is the placeholder `[name]`."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, date, number (a count), money (rupiah, also [name_terbilang])
    required: bool = True
    help: str = ""


@dataclass(frozen=True)
class SubjectRule:
    """Who may be the subject; `check` returns an error message, or "" when allowed."""

    label: str
    check: Callable[[Resident], str]


def _alive(r: Resident) -> str:
    if r.status != codes.STATUS_ALIVE:
        return f"Penduduk tidak berstatus hidup ({r.get_status_display()})."
    return ""


def _dead(r: Resident) -> str:
    if r.status != codes.STATUS_DEAD:
        return "Penduduk belum tercatat meninggal; catat peristiwa kematian lebih dahulu."
    return ""


def _head_of_family(r: Resident) -> str:
    if err := _alive(r):
        return err
    if r.family_id is None or r.family_relation != 1:
        return "Surat ini hanya untuk kepala keluarga."
    return ""


def _woman(r: Resident) -> str:
    if err := _alive(r):
        return err
    if r.sex != 2:
        return "Surat ini hanya untuk penduduk perempuan."
    return ""


def _unmarried(r: Resident) -> str:
    if err := _alive(r):
        return err
    if r.marital_status not in (None, 1):
        return "Penduduk tercatat sudah/pernah kawin."
    return ""


def _adult(r: Resident) -> str:
    if err := _alive(r):
        return err
    if r.birth_date is None:
        return ""
    age = r.age_on(timezone.localdate())
    if age is not None and age < 17 and r.marital_status in (None, 1):
        return "Penduduk belum berumur 17 tahun."
    return ""


ALIVE = SubjectRule("penduduk hidup", _alive)
DEAD = SubjectRule("penduduk yang telah meninggal", _dead)
HEAD_OF_FAMILY = SubjectRule("kepala keluarga", _head_of_family)
WOMAN = SubjectRule("penduduk perempuan", _woman)
UNMARRIED = SubjectRule("penduduk belum kawin", _unmarried)
ADULT = SubjectRule("penduduk dewasa (17 tahun ke atas atau sudah kawin)", _adult)

PURPOSE = Field("keperluan", "Keperluan", "textarea")


@dataclass(frozen=True)
class LetterType:
    code: str  # stable key, also in URLs and the signed payload
    name: str  # printed title after "SURAT "
    classification: str  # kode klasifikasi arsip, the number's [kode]
    subject: SubjectRule = ALIVE
    fields: tuple[Field, ...] = (PURPOSE,)
    requirements: tuple[str, ...] = ()
    validity_days: int | None = 30
    title_override: str = ""
    kiosk: bool = False
    # Paragraphs with placeholders; a line "[biodata]" prints the subject's identity table.
    body: tuple[str, ...] = ()
    closing: str = "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya."
    biodata: tuple[str, ...] = field(
        default=("nama", "nik", "ttl", "jenis_kelamin", "agama", "status_perkawinan", "pekerjaan", "alamat")
    )

    @property
    def title(self) -> str:
        return self.title_override or f"SURAT {self.name.upper()}"
