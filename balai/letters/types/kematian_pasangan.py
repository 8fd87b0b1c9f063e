"""Keterangan Kematian Suami/Istri (Model N6, Kepdirjen Bimas Islam 473/2020): for a widow or
widower registering a new marriage at the KUA. The form's lines: A. the deceased (eight
numbered lines, date and place of death), B. the surviving spouse (eight lines)."""

from balai.letters.types.base import WIDOWED, Field, LetterType, Table
from balai.people.models import Resident


def _derived(r: Resident) -> dict[str, str]:
    return {"suami_istri": "suami" if r.sex == 2 else "istri"}


TYPE = LetterType(
    code="kematian_pasangan",
    name="Keterangan Kematian Suami/Istri",
    classification="474.2",
    title_override="SURAT KETERANGAN KEMATIAN",
    form_code="Model N6",
    subject=WIDOWED,
    derived=_derived,
    fields=(
        Field("nama_pasangan", "Nama suami/istri yang meninggal"),
        Field("bin_binti_pasangan", "Bin/binti (nama ayah) almarhum/almarhumah", required=False),
        Field("nik_pasangan", "NIK almarhum/almarhumah", "nik", required=False),
        Field("ttl_pasangan", "Tempat/tanggal lahir almarhum/almarhumah", required=False),
        Field(
            "kewarganegaraan_pasangan",
            "Kewarganegaraan almarhum/almarhumah",
            required=False,
            choices=(("WNI", "WNI"), ("WNA", "WNA")),
        ),
        Field("agama_pasangan", "Agama almarhum/almarhumah", required=False),
        Field("pekerjaan_pasangan", "Pekerjaan almarhum/almarhumah", required=False),
        Field("alamat_pasangan", "Alamat terakhir almarhum/almarhumah"),
        Field("tanggal_meninggal", "Tanggal meninggal", "date", past=True),
        Field("tempat_meninggal", "Tempat meninggal"),
    ),
    tables=(
        Table(
            "data_almarhum",
            (
                ("1. Nama lengkap dan alias", "[NAMA_PASANGAN]"),
                ("2. Bin/Binti", "[Bin_binti_pasangan]"),
                ("3. Nomor Induk Kependudukan", "[nik_pasangan]"),
                ("4. Tempat dan tanggal lahir", "[ttl_pasangan]"),
                ("5. Kewarganegaraan", "[kewarganegaraan_pasangan]"),
                ("6. Agama", "[agama_pasangan]"),
                ("7. Pekerjaan", "[pekerjaan_pasangan]"),
                ("8. Alamat", "[alamat_pasangan]"),
                ("Telah meninggal dunia pada tanggal", "[tanggal_meninggal]"),
                ("di", "[tempat_meninggal]"),
            ),
        ),
        Table(
            "data_pasangan_hidup",
            (
                ("1. Nama lengkap dan alias", "[NAMA]"),
                ("2. Bin/Binti", "[Nama_ayah]"),
                ("3. Nomor Induk Kependudukan", "[nik]"),
                ("4. Tempat dan tanggal lahir", "[ttl]"),
                ("5. Kewarganegaraan", "[kewarganegaraan]"),
                ("6. Agama", "[agama]"),
                ("7. Pekerjaan", "[pekerjaan]"),
                ("8. Alamat", "[alamat]"),
            ),
        ),
    ),
    requirements=(
        "Surat pengantar RT/RW",
        "Akta kematian atau surat keterangan kematian suami/istri",
        "Fotokopi KTP",
    ),
    validity_days=90,
    body=(
        "Yang bertanda tangan di bawah ini menjelaskan dengan sesungguhnya bahwa:",
        "[data_almarhum]",
        "Yang bersangkutan adalah [suami_istri] dari:",
        "[data_pasangan_hidup]",
    ),
    closing="Demikian surat keterangan ini dibuat dengan mengingat sumpah jabatan dan untuk "
    "dipergunakan sebagaimana mestinya.",
)
