"""Keterangan Kematian."""

from balai.letters.text import date_id
from balai.letters.types.base import DEAD, Field, LetterType
from balai.people.models import LifeEvent, Resident


def _death(subject: Resident) -> LifeEvent | None:
    return (
        LifeEvent.objects.filter(
            village_id=subject.village_id,
            resident=subject,
            kind=LifeEvent.Kind.DEATH,
            cancelled_at__isnull=True,
        )
        .order_by("-event_date", "-id")
        .first()
    )


def _recorded(subject: Resident) -> dict[str, str]:
    """The death as the registry recorded it, to start the form with."""
    from balai.people.forms import DEATH_CAUSE  # the labels of the death event's codes

    event = _death(subject)
    if event is None:
        return {}
    cause = event.details.get("cause")
    return {
        "tanggal_meninggal": event.event_date.isoformat(),
        "tempat_meninggal": str(event.details.get("place") or ""),
        "sebab": DEATH_CAUSE.get(cause, "") if isinstance(cause, int) else "",
    }


def _as_recorded(subject: Resident, fields: dict[str, str]) -> dict[str, str]:
    """The date of death must be the one the registry recorded (data tunggal): a letter that
    disagrees with the death event would be a second truth."""
    event = _death(subject)
    if event is None or fields.get("tanggal_meninggal") in (None, "", event.event_date.isoformat()):
        return {}
    return {
        "tanggal_meninggal": "Tanggal meninggal berbeda dengan yang tercatat pada data penduduk "
        f"({date_id(event.event_date)}); samakan, atau perbaiki peristiwa kematiannya lebih dahulu."
    }


TYPE = LetterType(
    code="kematian",
    name="Keterangan Kematian",
    classification="474.3",
    subject=DEAD,
    fields=(
        Field("tanggal_meninggal", "Tanggal meninggal", "date", past=True),
        Field("tempat_meninggal", "Tempat meninggal"),
        Field("sebab", "Sebab kematian"),
        Field("pelapor", "Nama pelapor"),
    ),
    requirements=(
        "Surat keterangan kematian dari rumah sakit/dokter (bila ada)",
        "Fotokopi KK",
        "KTP almarhum/almarhumah",
    ),
    validity_days=None,
    check_fields=_as_recorded,
    initial=_recorded,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Telah meninggal dunia pada hari [tanggal_meninggal_hari], tanggal [tanggal_meninggal] di [tempat_meninggal] "
        "karena [sebab].",
        "Surat keterangan ini dibuat berdasarkan laporan dari [pelapor].",
    ),
)
