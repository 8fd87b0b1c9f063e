"""Keterangan Kematian."""

from balai.letters.types.base import DEAD, Field, LetterType

TYPE = LetterType(
    code="kematian",
    name="Keterangan Kematian",
    classification="474.3",
    subject=DEAD,
    fields=(
        Field("tanggal_meninggal", "Tanggal meninggal", "date"),
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
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Telah meninggal dunia pada tanggal [tanggal_meninggal] di [tempat_meninggal] disebabkan karena [sebab].",
        "Surat keterangan ini dibuat berdasarkan laporan dari [pelapor].",
    ),
)
