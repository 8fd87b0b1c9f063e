"""Keterangan Belum Menikah."""

from balai.letters.types.base import UNMARRIED, LetterType

TYPE = LetterType(
    code="belum_menikah",
    name="Keterangan Belum Menikah",
    classification="474.2",
    subject=UNMARRIED,
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KK",
        "Fotokopi KTP",
    ),
    validity_days=90,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Berdasarkan data kependudukan yang ada pada kami, orang tersebut di atas sampai dengan dikeluarkannya surat ini belum pernah menikah (berstatus perjaka/gadis).",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
