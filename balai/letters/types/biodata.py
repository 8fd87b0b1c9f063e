"""Biodata Penduduk: the registry's record of one person, in the F-1.01 order of fields."""

from balai.letters.types.base import PURPOSE, LetterType

TYPE = LetterType(
    code="biodata",
    name="Biodata Penduduk",
    classification="474",
    kiosk=True,
    fields=(PURPOSE,),
    requirements=("Fotokopi KK",),
    validity_days=30,
    title_override="BIODATA PENDUDUK WARGA NEGARA INDONESIA",
    body=(
        "Berdasarkan data kependudukan Desa [Nama_desa], Kecamatan [Nama_kecamatan], [Nama_kabupaten], "
        "biodata penduduk yang bersangkutan adalah sebagai berikut:",
        "[biodata]",
        "Biodata ini dibuat untuk keperluan: [keperluan].",
    ),
    closing="Demikian biodata ini dibuat sesuai dengan data kependudukan yang ada pada kami.",
    biodata=(
        "nama",
        "nik",
        "no_kk",
        "ttl",
        "jenis_kelamin",
        "golongan_darah",
        "agama",
        "status_perkawinan",
        "hubungan_keluarga",
        "pendidikan",
        "pekerjaan",
        "kewarganegaraan",
        "nama_ayah",
        "nama_ibu",
        "alamat",
    ),
)
