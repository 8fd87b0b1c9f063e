"""Keterangan Bepergian."""

from balai.letters.types.base import PURPOSE, Field, LetterType, Table

TYPE = LetterType(
    code="bepergian",
    name="Keterangan Bepergian",
    classification="474.6",
    fields=(
        Field("tujuan", "Tujuan bepergian"),
        Field("tanggal_berangkat", "Tanggal berangkat", "date"),
        Field("lama", "Lama bepergian", required=False),
        PURPOSE,
    ),
    requirements=("Fotokopi KTP",),
    validity_days=30,
    kiosk=True,
    # Lines, not a sentence: the optional length left empty prints "-" after its label.
    tables=(
        Table(
            "keterangan_bepergian",
            (
                ("Tujuan", "[tujuan]"),
                ("Tanggal berangkat", "[tanggal_berangkat_hari], [tanggal_berangkat]"),
                ("Lama bepergian", "[lama]"),
            ),
        ),
    ),
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas adalah warga Desa [Nama_desa] yang akan bepergian dengan keterangan sebagai berikut:",
        "[keterangan_bepergian]",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
