"""Kuasa: signed by who gives and who receives the power (with a meterai on the giver's
side); the village head signs "Mengetahui"."""

from balai.letters.types.base import ADULT, Field, LetterType, Signature, Table

TYPE = LetterType(
    code="kuasa",
    name="Kuasa",
    classification="474",
    subject=ADULT,
    fields=(
        Field("penerima_kuasa", "Nama penerima kuasa"),
        Field("nik_penerima_kuasa", "NIK penerima kuasa", "nik"),
        Field("alamat_penerima_kuasa", "Alamat penerima kuasa"),
        Field("urusan", "Urusan yang dikuasakan", "textarea"),
    ),
    requirements=(
        "Fotokopi KTP pemberi kuasa",
        "Fotokopi KTP penerima kuasa",
    ),
    validity_days=30,
    tables=(
        Table(
            "data_penerima_kuasa",
            (
                ("Nama", "[PENERIMA_KUASA]"),
                ("NIK", "[nik_penerima_kuasa]"),
                ("Alamat", "[alamat_penerima_kuasa]"),
            ),
        ),
    ),
    body=(
        "Yang bertanda tangan di bawah ini:",
        "[biodata]",
        "selanjutnya disebut Pemberi Kuasa, dengan ini memberikan kuasa kepada:",
        "[data_penerima_kuasa]",
        "selanjutnya disebut Penerima Kuasa, untuk [urusan].",
    ),
    closing="Demikian surat kuasa ini dibuat untuk dipergunakan sebagaimana mestinya.",
    biodata=("nama", "nik", "ttl", "pekerjaan", "alamat"),
    signatures=(
        Signature("Yang menerima kuasa,", "[PENERIMA_KUASA]"),
        Signature("Yang memberi kuasa,", "[NAMA]", stamp=True),
    ),
)
