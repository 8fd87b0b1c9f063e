"""Keterangan Kehilangan."""

from balai.letters.types.base import PURPOSE, Field, LetterType

TYPE = LetterType(
    code="kehilangan",
    name="Keterangan Kehilangan",
    classification="331.1",
    fields=(
        Field("barang", "Barang/dokumen yang hilang"),
        Field("tanggal_hilang", "Tanggal hilang", "date", past=True),
        Field("tempat_hilang", "Tempat/perkiraan lokasi hilang"),
        PURPOSE,
    ),
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KTP",
    ),
    validity_days=30,
    kiosk=True,
    title_override="SURAT PENGANTAR LAPORAN KEHILANGAN",
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas melaporkan telah kehilangan [barang] pada tanggal [tanggal_hilang] di sekitar [tempat_hilang].",
        "Surat pengantar ini diberikan untuk melapor kepada kepolisian guna keperluan: [keperluan].",
    ),
    closing="Demikian surat pengantar ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
)
