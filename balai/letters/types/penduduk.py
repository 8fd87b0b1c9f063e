"""Keterangan Penduduk."""

from balai.letters.types.base import LetterType

TYPE = LetterType(
    code="penduduk",
    name="Keterangan Penduduk",
    classification="474",
    requirements=("Fotokopi KK",),
    kiosk=True,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas benar-benar penduduk Desa [Nama_desa] yang tercatat dalam Kartu Keluarga nomor [no_kk].",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
