"""Keterangan Beda Identitas: one person, two spellings or dates on two documents."""

from balai.letters.types.base import PURPOSE, Field, LetterType

TYPE = LetterType(
    code="beda_identitas",
    name="Keterangan Beda Identitas",
    classification="471.1",
    kiosk=True,
    fields=(
        Field("dokumen_lain", "Nama dokumen yang berbeda (mis. ijazah, buku nikah)"),
        Field("data_di_dokumen_lain", "Data yang tertulis pada dokumen itu", "textarea"),
        PURPOSE,
    ),
    requirements=("Fotokopi KTP", "Fotokopi KK", "Fotokopi dokumen yang berbeda"),
    validity_days=90,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "adalah benar orang yang sama dengan yang tercantum pada [dokumen_lain] dengan data: "
        "[data_di_dokumen_lain]. Perbedaan tersebut terjadi karena kesalahan penulisan.",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
)
