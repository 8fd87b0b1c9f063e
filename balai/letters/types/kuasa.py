"""Kuasa."""

from balai.letters.types.base import ADULT, Field, LetterType

TYPE = LetterType(
    code="kuasa",
    name="Kuasa",
    classification="474",
    subject=ADULT,
    fields=(
        Field("penerima_kuasa", "Nama penerima kuasa"),
        Field("nik_penerima_kuasa", "NIK penerima kuasa"),
        Field("alamat_penerima_kuasa", "Alamat penerima kuasa"),
        Field("urusan", "Urusan yang dikuasakan", "textarea"),
    ),
    requirements=(
        "Fotokopi KTP pemberi kuasa",
        "Fotokopi KTP penerima kuasa",
    ),
    validity_days=30,
    body=(
        "Yang bertanda tangan di bawah ini:",
        "[biodata]",
        "dengan ini memberikan kuasa kepada [penerima_kuasa], NIK [nik_penerima_kuasa], beralamat di [alamat_penerima_kuasa], untuk [urusan].",
        "Surat kuasa ini diketahui oleh [Jabatan_penandatangan] [Nama_desa] dan dibuat untuk dipergunakan sebagaimana mestinya.",
    ),
    closing="",
)
