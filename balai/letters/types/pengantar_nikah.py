"""Pengantar Nikah: the village's Model N1 with the forms the KUA asks for alongside it.

Form codes follow Keputusan Dirjen Bimas Islam 473/2020, which carries out PMA 20/2019 and
renumbered the set of SK 713/2018: N1 pengantar nikah (signed by the village), N2 permohonan
kehendak nikah (by the applicant), N4 persetujuan calon pengantin (by both), N5 izin orang tua
(by the parents, under 21: UU 1/1974 art. 6(2)). N3 is the KUA's own isbat form; N6
(kematian suami/istri) is its own letter, `kematian_pasangan`.
"""

import datetime as dt

from balai.letters.types.base import MAY_MARRY, Attachment, Field, LetterType, Signature
from balai.people.models import Resident

_STATUS = {
    1: {None: "Jejaka", 1: "Jejaka", 2: "Beristri", 3: "Duda (cerai hidup)", 4: "Duda (cerai mati)"},
    2: {None: "Perawan", 1: "Perawan", 2: "Bersuami", 3: "Janda (cerai hidup)", 4: "Janda (cerai mati)"},
}


def _derived(r: Resident) -> dict[str, str]:
    male = r.sex != 2
    return {
        "bin_binti": "bin" if male else "binti",
        "status_nikah": _STATUS[1 if male else 2].get(r.marital_status, "-"),
        "calon": "calon suami" if male else "calon istri",
        "calon_pasangan": "calon istri" if male else "calon suami",
    }


def _under_21(r: Resident, on: dt.date) -> bool:
    age = r.age_on(on)
    return age is not None and age < 21


_COUPLE = (
    "1. [Nama] [bin_binti] [Nama_ayah], NIK [nik], lahir di [ttl], agama [agama], pekerjaan "
    "[pekerjaan], alamat [alamat] ([calon]);",
    "2. [Nama_calon_pasangan], NIK [nik_calon_pasangan], lahir di [ttl_calon_pasangan], alamat "
    "[alamat_calon_pasangan] ([calon_pasangan]);",
)

TYPE = LetterType(
    code="pengantar_nikah",
    name="Pengantar Nikah",
    classification="474.2",
    title_override="SURAT PENGANTAR NIKAH",
    form_code="Model N1",
    subject=MAY_MARRY,
    fields=(
        Field("nama_calon_pasangan", "Nama calon pasangan"),
        Field("nik_calon_pasangan", "NIK calon pasangan", required=False),
        Field("ttl_calon_pasangan", "Tempat/tanggal lahir calon pasangan", required=False),
        Field("alamat_calon_pasangan", "Alamat calon pasangan"),
        Field(
            "pasangan_terdahulu",
            "Nama suami/istri terdahulu",
            required=False,
            help="Bagi duda/janda. Bila ditinggal mati, lampirkan juga Keterangan Kematian Suami/Istri (N6).",
        ),
        Field("kua", "KUA Kecamatan tujuan", help="Tempat pendaftaran kehendak nikah."),
        Field("tanggal_nikah", "Tanggal akad nikah", "date"),
        Field("tempat_akad", "Tempat akad nikah"),
    ),
    requirements=(
        "Surat pengantar RT/RW",
        "Fotokopi KTP",
        "Fotokopi KK",
        "Fotokopi akta kelahiran",
        "Pas foto 2x3 dan 4x6",
    ),
    validity_days=90,
    derived=_derived,
    biodata=("nama", "nik", "jenis_kelamin", "ttl", "kewarganegaraan", "agama", "pekerjaan", "alamat"),
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan dengan sesungguhnya bahwa:",
        "[biodata]",
        "Status perkawinan: [status_nikah]. Nama istri/suami terdahulu: [pasangan_terdahulu].",
        "Adalah benar anak dari pernikahan seorang pria bernama [Nama_ayah] dengan seorang wanita "
        "bernama [Nama_ibu].",
        "Surat pengantar ini diberikan untuk melengkapi persyaratan pendaftaran kehendak nikah "
        "dengan [Nama_calon_pasangan] di Kantor Urusan Agama Kecamatan [kua].",
    ),
    closing="Demikian surat pengantar ini dibuat dengan mengingat sumpah jabatan dan untuk "
    "dipergunakan sebagaimana mestinya.",
    attachments=(
        Attachment(
            form_code="Model N2",
            heading=(
                "Perihal: Permohonan Kehendak Nikah",
                "Kepada Yth. Kepala KUA Kecamatan [kua]",
                "di tempat",
            ),
            title="PERMOHONAN KEHENDAK NIKAH",
            body=(
                "Dengan hormat, kami mengajukan permohonan kehendak nikah untuk atas nama [Nama] "
                "[bin_binti] [Nama_ayah] dengan [Nama_calon_pasangan], yang akan dilaksanakan pada "
                "tanggal [tanggal_nikah] bertempat di [tempat_akad].",
                "Bersama ini kami sampaikan surat-surat yang diperlukan untuk diperiksa: surat "
                "pengantar nikah dari desa/kelurahan (Model N1), persetujuan calon pengantin "
                "(Model N4), fotokopi KTP, fotokopi akta kelahiran, fotokopi kartu keluarga, pas "
                "foto 2x3 dan 4x6, serta surat lain yang dipersyaratkan.",
                "Demikian permohonan ini kami sampaikan. Atas perhatiannya kami ucapkan terima kasih.",
            ),
            signatures=(Signature("Pemohon", "[NAMA]"),),
        ),
        Attachment(
            form_code="Model N4",
            title="PERSETUJUAN CALON PENGANTIN",
            body=(
                "Yang bertanda tangan di bawah ini:",
                *_COUPLE,
                "menyatakan dengan sesungguhnya bahwa atas dasar sukarela, dengan kesadaran sendiri, "
                "tanpa paksaan dari siapa pun juga, setuju untuk melangsungkan pernikahan.",
                "Demikian surat persetujuan ini dibuat untuk digunakan seperlunya.",
            ),
            signatures=(
                Signature("Calon pengantin", "[NAMA]"),
                Signature("Calon pengantin", "[NAMA_CALON_PASANGAN]"),
            ),
        ),
        Attachment(
            form_code="Model N5",
            title="SURAT IZIN ORANG TUA",
            when=_under_21,
            body=(
                "Yang bertanda tangan di bawah ini, [Nama_ayah] (ayah) dan [Nama_ibu] (ibu), adalah "
                "ayah dan ibu kandung dari:",
                "[biodata]",
                "memberikan izin kepadanya untuk melangsungkan pernikahan dengan [Nama_calon_pasangan].",
                "Demikian surat izin ini dibuat dengan kesadaran tanpa ada paksaan dari siapa pun dan "
                "untuk digunakan seperlunya.",
            ),
            signatures=(Signature("Ayah", "[NAMA_AYAH]"), Signature("Ibu", "[NAMA_IBU]")),
        ),
    ),
)
