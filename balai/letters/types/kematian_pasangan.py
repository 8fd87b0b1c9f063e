"""Keterangan Kematian Suami/Istri (Model N6, Kepdirjen Bimas Islam 473/2020): for a widow or
widower registering a new marriage at the KUA."""

from balai.letters.types.base import WIDOWED, Field, LetterType
from balai.people.models import Resident


def _derived(r: Resident) -> dict[str, str]:
    return {"suami_istri": "suami" if r.sex == 2 else "istri"}


TYPE = LetterType(
    code="kematian_pasangan",
    name="Keterangan Kematian Suami/Istri",
    classification="474.2",
    form_code="Model N6",
    subject=WIDOWED,
    derived=_derived,
    fields=(
        Field("nama_pasangan", "Nama suami/istri yang meninggal"),
        Field("bin_binti_pasangan", "Bin/binti (nama ayah) almarhum/almarhumah", required=False),
        Field("ttl_pasangan", "Tempat/tanggal lahir almarhum/almarhumah", required=False),
        Field("alamat_pasangan", "Alamat terakhir almarhum/almarhumah"),
        Field("tanggal_meninggal", "Tanggal meninggal", "date"),
        Field("tempat_meninggal", "Tempat meninggal"),
    ),
    requirements=(
        "Surat pengantar RT/RW",
        "Akta kematian atau surat keterangan kematian suami/istri",
        "Fotokopi KTP",
    ),
    validity_days=90,
    body=(
        "Yang bertanda tangan di bawah ini [Jabatan_penandatangan] [Nama_desa], Kecamatan "
        "[Nama_kecamatan], [Nama_kabupaten], menerangkan dengan sesungguhnya bahwa:",
        "[Nama_pasangan] bin/binti [Bin_binti_pasangan], lahir di [ttl_pasangan], alamat "
        "terakhir [alamat_pasangan], telah meninggal dunia pada tanggal [tanggal_meninggal] di "
        "[tempat_meninggal].",
        "Yang bersangkutan adalah [suami_istri] dari:",
        "[biodata]",
    ),
    closing="Demikian surat keterangan ini dibuat dengan mengingat sumpah jabatan dan untuk "
    "dipergunakan sebagaimana mestinya.",
)
