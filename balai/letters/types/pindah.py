"""Keterangan Pindah (village part; Dukcapil issues the SKPWNI)."""

from balai.letters.types.base import PURPOSE, Field, LetterType

TYPE = LetterType(
    code="pindah",
    name="Keterangan Pindah",
    classification="475",
    fields=(
        Field("alamat_tujuan", "Alamat tujuan pindah", "textarea"),
        Field("alasan_pindah", "Alasan pindah"),
        Field("jumlah_pengikut", "Jumlah anggota keluarga yang ikut pindah", "number", required=False),
        PURPOSE,
    ),
    requirements=("Surat pengantar RT/RW", "Kartu Keluarga asli", "KTP-el asli"),
    validity_days=30,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas bermaksud pindah dari Desa [Nama_desa] ke [alamat_tujuan] dengan "
        "alasan [alasan_pindah], dengan jumlah pengikut [jumlah_pengikut] orang.",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
    biodata=("nama", "nik", "no_kk", "ttl", "jenis_kelamin", "pekerjaan", "alamat"),
)
