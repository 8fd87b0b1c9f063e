"""Pengantar Izin Keramaian (to the police, for a celebration or event)."""

from balai.letters.types.base import ADULT, Field, LetterType

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
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas akan menyelenggarakan [acara] pada tanggal [tanggal_acara] pukul "
        "[waktu] bertempat di [tempat_acara] dengan hiburan [hiburan] dan perkiraan "
        "[jumlah_undangan] undangan.",
        "Pada prinsipnya kami tidak keberatan dan mohon kepada pihak yang berwenang untuk dapat "
        "memberikan izin keramaian.",
    ),
    closing="Demikian surat pengantar ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
)
