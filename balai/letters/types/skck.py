"""Pengantar SKCK."""

from balai.letters.types.base import ADULT, LetterType

TYPE = LetterType(
    code="skck",
    name="Pengantar SKCK",
    classification="331",
    subject=ADULT,
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KTP",
        "Fotokopi KK",
        "Pas foto 4x6",
    ),
    validity_days=30,
    kiosk=True,
    title_override="SURAT PENGANTAR",
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas benar-benar warga Desa [Nama_desa] dan sepanjang pengetahuan kami berkelakuan baik, tidak pernah tersangkut perkara pidana maupun terlibat penyalahgunaan narkoba.",
        "Surat pengantar ini diberikan untuk mengurus Surat Keterangan Catatan Kepolisian (SKCK) guna keperluan: [keperluan].",
    ),
    closing="Demikian surat pengantar ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
)
