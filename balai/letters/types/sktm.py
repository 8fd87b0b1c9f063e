"""Keterangan Tidak Mampu."""

from balai.letters.types.base import HEAD_OF_FAMILY, LetterType

TYPE = LetterType(
    code="sktm",
    name="Keterangan Tidak Mampu",
    classification="400.9",
    subject=HEAD_OF_FAMILY,
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KK",
        "Fotokopi KTP",
    ),
    validity_days=90,
    kiosk=True,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas adalah kepala keluarga dengan nomor KK [no_kk] yang menurut pengetahuan kami benar-benar tergolong keluarga kurang mampu (tidak mampu) secara ekonomi.",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
