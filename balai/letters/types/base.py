"""What a letter type is: data, not code paths. The workflow reads these fields only."""

from __future__ import annotations

import datetime as dt
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
    # text, textarea, date, number (a count), money (rupiah, also [name_terbilang]), nik (16
    # digits), year
    kind: str = "text"
    required: bool = True
    help: str = ""
    # (value, label) pairs; empty: free input.
    choices: tuple[tuple[str, str], ...] = ()
    # A date of something that has happened (a death, a loss, a birth): not after today.
    past: bool = False


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


MARRIAGE_MIN_AGE = 19  # UU 16/2019 (perubahan UU 1/1974), both sexes


def _may_marry(r: Resident) -> str:
    if err := _alive(r):
        return err
    if r.religion != 1:
        return (
            "Formulir nikah KUA (PMA 20/2019) untuk pernikahan secara Islam; pernikahan lainnya "
            "dicatat di Disdukcapil."
        )
    if r.marital_status == 2:
        return (
            "Penduduk tercatat berstatus kawin; pernikahan berikutnya memerlukan penetapan "
            "Pengadilan Agama dan diurus langsung di KUA."
        )
    age = r.age_on(timezone.localdate()) if r.birth_date else None
    if age is None:
        return "Tanggal lahir penduduk belum tercatat."
    if age < MARRIAGE_MIN_AGE:
        return (
            f"Penduduk belum berumur {MARRIAGE_MIN_AGE} tahun; pernikahan memerlukan dispensasi "
            "Pengadilan Agama."
        )
    return ""


def _widowed(r: Resident) -> str:
    if err := _alive(r):
        return err
    if r.marital_status != 4:
        return "Penduduk tidak tercatat berstatus cerai mati."
    return ""


ALIVE = SubjectRule("penduduk hidup", _alive)
DEAD = SubjectRule("penduduk yang telah meninggal", _dead)
HEAD_OF_FAMILY = SubjectRule("kepala keluarga", _head_of_family)
WOMAN = SubjectRule("penduduk perempuan", _woman)
UNMARRIED = SubjectRule("penduduk belum kawin", _unmarried)
ADULT = SubjectRule("penduduk dewasa (17 tahun ke atas atau sudah kawin)", _adult)
MAY_MARRY = SubjectRule(
    f"calon pengantin beragama Islam, berumur {MARRIAGE_MIN_AGE} tahun ke atas, belum kawin atau cerai",
    _may_marry,
)
WIDOWED = SubjectRule("penduduk berstatus cerai mati (janda/duda ditinggal mati)", _widowed)

# Requirement documents the registry itself stands for once the resident is identified
# against it (the kiosk does that): copies of the KK and KTP add nothing to data tunggal.
REGISTRY_COVERED = frozenset({"Fotokopi KK", "Fotokopi KTP"})

PURPOSE = Field("keperluan", "Keperluan", "textarea")


@dataclass(frozen=True)
class Signature:
    """A signature line on an attached form signed by a person, not by the village."""

    label: str  # e.g. "Pemohon", "Ayah"
    name: str  # placeholders allowed, e.g. "[NAMA]"
    stamp: bool = False  # room for a meterai beside the signature (e.g. who gives a kuasa)


@dataclass(frozen=True)
class Table:
    """Numbered lines of an official form, printed where a paragraph is exactly `[name]`;
    labels and values may hold placeholders. The lines are the form's, not the village's:
    a village rewording the text can move the table but not change its lines."""

    name: str  # lower case, e.g. "data_ayah"
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Attachment:
    """A further page printed with the letter (e.g. the KUA forms N2, N4, N5 with the N1), filled
    from the same values; signed by the people named, so it carries no village signature."""

    form_code: str  # printed top right, e.g. "Model N2"
    title: str
    body: tuple[str, ...]
    signatures: tuple[Signature, ...]
    # Printed only when this returns True for the subject on the letter's date.
    when: Callable[[Resident, dt.date], bool] | None = None
    # Lines before the title (addressee), with placeholders.
    heading: tuple[str, ...] = ()


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
    # Printed top right of the letter when it is a numbered official form, e.g. "Model N1".
    form_code: str = ""
    attachments: tuple[Attachment, ...] = ()
    # Further placeholders computed from the subject (e.g. "bin"/"binti"); keys are lower case.
    derived: Callable[[Resident], dict[str, str]] | None = None
    # Checks the request's fields against the registry (e.g. the recorded date of death);
    # returns {field: message} for what disagrees.
    check_fields: Callable[[Resident, dict[str, str]], dict[str, str]] | None = None
    # Values the request form starts with, from the registry (e.g. the recorded death).
    initial: Callable[[Resident], dict[str, str]] | None = None
    tables: tuple[Table, ...] = ()
    # People who sign the letter itself, printed in a row above the village's "Mengetahui,"
    # block (e.g. both sides of a surat kuasa).
    signatures: tuple[Signature, ...] = ()

    @property
    def title(self) -> str:
        return self.title_override or f"SURAT {self.name.upper()}"
