"""Pengantar Izin Keramaian (to the police, for a celebration or event)."""

from balai.letters.types.base import ADULT, Field, LetterType, Table

TYPE = LetterType(
    code="izin_keramaian",
    name="Pengantar Izin Keramaian",
    classification="331.3",
    subject=ADULT,
    kiosk=True,
    fields=(
        Field("acara", "Jenis acara"),
        Field("tanggal_acara", "Tanggal acara", "date"),
        Field("waktu", "Waktu (jam)"),
        Field("tempat_acara", "Tempat acara"),
        Field("hiburan", "Hiburan", required=False),
        Field("jumlah_undangan", "Perkiraan jumlah undangan", "number", required=False),
    ),
    requirements=("Surat pengantar RT/RW", "Fotokopi KTP"),
    validity_days=14,
    title_override="SURAT PENGANTAR IZIN KERAMAIAN",
    # Lines, not a sentence: an optional value left empty prints "-", which reads right only
    # after a label.
    tables=(
        Table(
            "keterangan_acara",
            (
                ("Acara", "[acara]"),
                ("Hari/tanggal", "[tanggal_acara_hari], [tanggal_acara]"),
                ("Waktu", "[waktu]"),
                ("Tempat", "[tempat_acara]"),
                ("Hiburan", "[hiburan]"),
                ("Perkiraan jumlah undangan", "[jumlah_undangan]"),
            ),
        ),
    ),
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas akan menyelenggarakan acara sebagai berikut:",
        "[keterangan_acara]",
        "Pada prinsipnya kami tidak keberatan dan mohon kepada pihak yang berwenang untuk dapat "
        "memberikan izin keramaian.",
    ),
    closing="Demikian surat pengantar ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
)
