"""Keterangan Penghasilan Orang Tua."""

from balai.letters.types.base import HEAD_OF_FAMILY, PURPOSE, Field, LetterType

TYPE = LetterType(
    code="penghasilan_ortu",
    name="Keterangan Penghasilan Orang Tua",
    classification="400.9",
    subject=HEAD_OF_FAMILY,
    fields=(
        Field("nama_anak", "Nama anak"),
        Field("penghasilan", "Penghasilan per bulan (Rp)", "money"),
        PURPOSE,
    ),
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KK",
    ),
    validity_days=90,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas adalah orang tua dari [nama_anak] dengan penghasilan rata-rata per bulan sebesar [penghasilan] ([penghasilan_terbilang]).",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
