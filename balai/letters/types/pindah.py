"""Keterangan Pindah (village part; Dukcapil issues the SKPWNI)."""

from balai.letters.types.base import PURPOSE, Field, LetterType, Table

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
    # Lines, not a sentence: the optional count left empty prints "-" after its label.
    tables=(
        Table(
            "keterangan_pindah",
            (
                ("Alamat tujuan", "[alamat_tujuan]"),
                ("Alasan pindah", "[alasan_pindah]"),
                ("Jumlah pengikut", "[jumlah_pengikut]"),
            ),
        ),
    ),
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa:",
        "[biodata]",
        "Orang tersebut di atas bermaksud pindah dari Desa [Nama_desa] dengan keterangan sebagai berikut:",
        "[keterangan_pindah]",
        "Surat keterangan ini dibuat untuk keperluan: [keperluan].",
    ),
    biodata=("nama", "nik", "no_kk", "ttl", "jenis_kelamin", "pekerjaan", "alamat"),
)
