"""Keterangan Kelahiran: the mother is the subject; the child's details are the request's."""

from balai.letters.types.base import WOMAN, Field, LetterType

TYPE = LetterType(
    code="kelahiran",
    name="Keterangan Kelahiran",
    classification="474.1",
    subject=WOMAN,
    fields=(
        Field("nama_bayi", "Nama anak"),
        Field(
            "jenis_kelamin_bayi",
            "Jenis kelamin anak",
            choices=(("laki-laki", "Laki-laki"), ("perempuan", "Perempuan")),
        ),
        Field("tanggal_lahir_bayi", "Tanggal lahir anak", "date", past=True),
        Field("tempat_lahir_bayi", "Tempat lahir (rumah/bidan/rumah sakit)"),
        Field("anak_ke", "Anak ke-", "number"),
        Field("nama_ayah_bayi", "Nama ayah"),
    ),
    requirements=(
        "Surat keterangan lahir dari bidan/rumah sakit",
        "Fotokopi KK",
        "Fotokopi buku nikah/akta perkawinan orang tua",
    ),
    validity_days=None,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan bahwa pada tanggal [tanggal_lahir_bayi] "
        "di [tempat_lahir_bayi] telah lahir seorang anak [jenis_kelamin_bayi] bernama [NAMA_BAYI], "
        "anak ke-[anak_ke] dari seorang ibu:",
        "[biodata]",
        "dan seorang ayah bernama [NAMA_AYAH_BAYI].",
        "Surat keterangan ini dibuat untuk keperluan pengurusan akta kelahiran.",
    ),
    biodata=("nama", "nik", "ttl", "agama", "pekerjaan", "alamat"),
)
