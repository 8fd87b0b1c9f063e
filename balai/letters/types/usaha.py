"""Keterangan Usaha."""

from balai.letters.types.base import PURPOSE, Field, LetterType

TYPE = LetterType(
    code="usaha",
    name="Keterangan Usaha",
    classification="500",
    fields=(
        Field("nama_usaha", "Nama/jenis usaha"),
        Field("alamat_usaha", "Alamat usaha"),
        Field("sejak", "Berdiri sejak (tahun)", "year"),
        PURPOSE,
    ),
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KTP",
    ),
    kiosk=True,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas benar-benar warga Desa [Nama_desa] yang mempunyai usaha [nama_usaha] yang berlokasi di [alamat_usaha] sejak tahun [sejak].",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
