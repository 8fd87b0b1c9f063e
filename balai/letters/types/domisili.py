"""Keterangan Domisili."""

from balai.letters.types.base import LetterType

TYPE = LetterType(
    code="domisili",
    name="Keterangan Domisili",
    classification="474.4",
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KK",
        "Fotokopi KTP",
    ),
    kiosk=True,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan dengan sebenarnya bahwa:",
        "[biodata]",
        "Orang tersebut di atas benar-benar warga yang berdomisili di [alamat], Desa [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten].",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
