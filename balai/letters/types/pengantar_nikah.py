"""Pengantar Nikah: the village's Model N1 with the forms the KUA asks for alongside it.

Form codes and lines follow Keputusan Dirjen Bimas Islam 473/2020 (Petunjuk Teknis
Pelaksanaan Pencatatan Nikah), which carries out PMA 20/2019 and renumbered the set of SK
713/2018: N1 pengantar nikah (signed by the village), N2 permohonan kehendak nikah (by the
applicant), N4 persetujuan calon pengantin (by both), N5 izin orang tua (by the parents, under
21: UU 1/1974 art. 6(2)). N3 is the KUA's own isbat form; N6 (kematian suami/istri) is its own
letter, `kematian_pasangan`. The numbered lines were compared with OpenSID's templates of the
same forms (see the README).

The forms put the calon suami first; the subject may be either, so N2 and N4 come in two
variants and the one matching the subject's sex is printed.
"""

from __future__ import annotations

import datetime as dt

from balai.letters.biodata import resident_values
from balai.letters.types.base import MAY_MARRY, Attachment, Field, LetterType, Signature, Table
from balai.people.models import Resident

_STATUS = {
    1: {None: "Jejaka", 1: "Jejaka", 2: "Beristri", 3: "Duda (cerai hidup)", 4: "Duda (cerai mati)"},
    2: {None: "Perawan", 1: "Perawan", 2: "Bersuami", 3: "Janda (cerai hidup)", 4: "Janda (cerai mati)"},
}
_INDENT = "\u00a0" * 4  # the form indents the two status lines under line 11
_PARENT_KEYS = ("nik", "ttl", "kewarganegaraan", "agama", "pekerjaan", "alamat")


def _parents(r: Resident) -> dict[str, str]:
    """The parents' lines of N1 and N5 from the registry, when a parent is a resident of the
    same village (found by the NIK on the subject's record); otherwise only that NIK."""
    values: dict[str, str] = {}
    recorded = {"ayah": r.father_nik, "ibu": r.mother_nik}
    found: dict[str, Resident] = {}
    niks = [n for n in recorded.values() if n]
    if r.pk is not None and r.village_id and niks:
        for parent in Resident.objects.filter(village_id=r.village_id, nik__in=niks).select_related(
            "family", "rt__dusun"
        ):
            for role, nik in recorded.items():
                if nik == parent.nik:
                    found[role] = parent
        for role, parent in found.items():
            parent_values = resident_values(parent)
            values |= {f"{key}_{role}": parent_values[key] for key in _PARENT_KEYS}
            values[f"{'bin' if role == 'ayah' else 'binti'}_{role}"] = parent.father_name or "-"
    for role, nik in recorded.items():
        if role not in found:
            values |= {f"{key}_{role}": "-" for key in _PARENT_KEYS}
            values[f"nik_{role}"] = nik or "-"
            values[f"{'bin' if role == 'ayah' else 'binti'}_{role}"] = "-"
    return values


def _parent_fields(role: str, who: str) -> tuple[Field, ...]:
    """The N1/N5 lines of a parent who is not a resident of the village, typed at the desk; a
    parent found in the registry prints from there instead (`content.build_content`)."""
    bin_key = "bin" if role == "ayah" else "binti"
    return (
        Field(
            f"nik_{role}",
            f"{who}: NIK",
            "nik",
            required=False,
            help=f"Isi data {who.lower()} hanya bila bukan warga desa ini; bila warga, "
            "data penduduk yang dicetak.",
        ),
        Field(f"{bin_key}_{role}", f"{who}: {bin_key} (nama ayahnya)", required=False),
        Field(f"ttl_{role}", f"{who}: tempat/tanggal lahir", required=False),
        Field(
            f"kewarganegaraan_{role}",
            f"{who}: kewarganegaraan",
            required=False,
            choices=(("WNI", "WNI"), ("WNA", "WNA")),
        ),
        Field(f"agama_{role}", f"{who}: agama", required=False),
        Field(f"pekerjaan_{role}", f"{who}: pekerjaan", required=False),
        Field(f"alamat_{role}", f"{who}: alamat", required=False),
    )


def _derived(r: Resident) -> dict[str, str]:
    male = r.sex != 2
    status = _STATUS[1 if male else 2].get(r.marital_status, "-")
    return {
        "bin_binti": "bin" if male else "binti",
        "bin_binti_pasangan": "binti" if male else "bin",
        "status_nikah": status,
        "status_pria": status if male else "-",
        "status_wanita": "-" if male else status,
        "calon": "calon suami" if male else "calon istri",
        "calon_pasangan": "calon istri" if male else "calon suami",
    } | _parents(r)


def _under_21(r: Resident, on: dt.date) -> bool:
    age = r.age_on(on)
    return age is not None and age < 21


def _groom(r: Resident, on: dt.date) -> bool:
    return r.sex != 2


def _bride(r: Resident, on: dt.date) -> bool:
    return r.sex == 2


def _person(name: str, bin_label: str, father: str, rest: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    labels = (
        "Nomor Induk Kependudukan",
        "Tempat dan tanggal lahir",
        "Kewarganegaraan",
        "Agama",
        "Pekerjaan",
        "Alamat",
    )
    return (
        ("1. Nama lengkap dan alias", name),
        (f"2. {bin_label}", father),
        *((f"{n}. {label}", value) for n, (label, value) in enumerate(zip(labels, rest, strict=True), 3)),
    )


def _parent(role: str) -> tuple[tuple[str, str], ...]:
    """A parent on N1: the form's seven lines, unnumbered."""
    return (
        ("Nama Lengkap dan alias", f"[NAMA_{role.upper()}]"),
        ("Nomor Induk Kependudukan (NIK)", f"[nik_{role}]"),
        ("Tempat dan Tanggal Lahir", f"[ttl_{role}]"),
        ("Kewarganegaraan", f"[kewarganegaraan_{role}]"),
        ("Agama", f"[agama_{role}]"),
        ("Pekerjaan", f"[pekerjaan_{role}]"),
        ("Alamat", f"[alamat_{role}]"),
    )


TABLES = (
    # N1, the subject's twelve numbered lines.
    Table(
        "data_calon",
        (
            ("1. Nama", "[NAMA]"),
            ("2. Nomor Induk Kependudukan (NIK)", "[nik]"),
            ("3. Jenis Kelamin", "[jenis_kelamin]"),
            ("4. Tempat dan Tanggal Lahir", "[ttl]"),
            ("5. Kewarganegaraan", "[kewarganegaraan]"),
            ("6. Agama", "[agama]"),
            ("7. Pekerjaan", "[pekerjaan]"),
            ("8. Pendidikan Terakhir", "[pendidikan]"),
            ("9. Bin/Binti", "[Nama_ayah]"),
            ("10. Alamat", "[alamat]"),
            ("11. Status Perkawinan", ""),
            (f"{_INDENT}a. Laki-laki: Jejaka, Duda atau beristri ke …", "[status_pria]"),
            (f"{_INDENT}b. Perempuan: Perawan, Janda", "[status_wanita]"),
            ("12. Nama istri/suami terdahulu", "[pasangan_terdahulu]"),
        ),
    ),
    Table("data_ayah", _parent("ayah")),
    Table("data_ibu", _parent("ibu")),
    # N4 and N5: eight numbered lines per person.
    Table(
        "data_pemohon",
        _person(
            "[NAMA]",
            "[Bin_binti]",
            "[Nama_ayah]",
            ("[nik]", "[ttl]", "[kewarganegaraan]", "[agama]", "[pekerjaan]", "[alamat]"),
        ),
    ),
    Table(
        "data_calon_pasangan",
        _person(
            "[NAMA_CALON_PASANGAN]",
            "[Bin_binti_pasangan]",
            "[Ayah_calon_pasangan]",
            (
                "[nik_calon_pasangan]",
                "[ttl_calon_pasangan]",
                "[kewarganegaraan_calon_pasangan]",
                # Both must be Muslim for the KUA to record the marriage (KHI art. 40, 44);
                # the subject rule already requires it of the subject.
                "Islam",
                "[pekerjaan_calon_pasangan]",
                "[alamat_calon_pasangan]",
            ),
        ),
    ),
    Table(
        "izin_ayah",
        _person(
            "[NAMA_AYAH]",
            "Bin",
            "[Bin_ayah]",
            (
                "[nik_ayah]",
                "[ttl_ayah]",
                "[kewarganegaraan_ayah]",
                "[agama_ayah]",
                "[pekerjaan_ayah]",
                "[alamat_ayah]",
            ),
        ),
    ),
    Table(
        "izin_ibu",
        _person(
            "[NAMA_IBU]",
            "Binti",
            "[Binti_ibu]",
            (
                "[nik_ibu]",
                "[ttl_ibu]",
                "[kewarganegaraan_ibu]",
                "[agama_ibu]",
                "[pekerjaan_ibu]",
                "[alamat_ibu]",
            ),
        ),
    ),
    # N2: who marries when, where, with what maskawin; calon suami first.
    *(
        Table(
            f"kehendak_{who}",
            (
                ("Calon suami", groom),
                ("Calon istri", bride),
                ("Hari/tanggal/jam", "[tanggal_nikah_hari], [tanggal_nikah], pukul [jam_nikah]"),
                ("Tempat akad nikah", "[tempat_akad]"),
                ("Maskawin", "[mas_kawin]"),
            ),
        )
        for who, groom, bride in (
            ("pria", "[NAMA]", "[NAMA_CALON_PASANGAN]"),
            ("wanita", "[NAMA_CALON_PASANGAN]", "[NAMA]"),
        )
    ),
)

_N2_PAPERS = (
    "1. Surat pengantar nikah dari desa/kelurahan (Model N1);",
    "2. Persetujuan calon pengantin (Model N4);",
    "3. Fotokopi KTP-el/surat keterangan;",
    "4. Fotokopi akta kelahiran;",
    "5. Fotokopi kartu keluarga;",
    "6. Fotokopi ijazah terakhir;",
    "7. Pas foto 2x3 dan 4x6 sebanyak 4 lembar berlatar belakang biru;",
    "8. Fotokopi KTP-el ayah dan ibu calon pengantin;",
    "9. Surat izin orang tua (Model N5) bila umur kurang dari 21 tahun*);",
    "10. Surat keterangan kematian suami/istri (Model N6) bila duda/janda mati*);",
    "11. Akta cerai bila duda/janda cerai hidup*).",
)


def _n2(groom: bool) -> Attachment:
    return Attachment(
        form_code="Model N2",
        when=_groom if groom else _bride,
        heading=(
            "Perihal: Permohonan Kehendak Nikah",
            "",
            "Kepada Yth.",
            "Kepala KUA Kecamatan [kua]",
            "di [kua]",
        ),
        title="PERMOHONAN KEHENDAK NIKAH",
        body=(
            "Dengan hormat, kami mengajukan permohonan kehendak nikah untuk atas nama:",
            "[kehendak_pria]" if groom else "[kehendak_wanita]",
            "Bersama ini kami sampaikan surat-surat yang diperlukan untuk diperiksa sebagai berikut:",
            *_N2_PAPERS,
            "Demikian permohonan ini kami sampaikan, kiranya dapat diperiksa, dihadiri dan dicatat "
            "sesuai dengan ketentuan peraturan perundang-undangan.",
            "*) Coret bila tidak disertakan.",
        ),
        signatures=(
            Signature("Diterima tanggal ………………\nYang menerima,\nKepala KUA/PPN LN", "……………………………"),
            # An empty first line keeps the applicant's name level with the KUA's.
            Signature("\u00a0\nWassalam,\nPemohon", "[NAMA]"),
        ),
    )


def _n4(groom: bool) -> Attachment:
    first, second = ("[data_pemohon]", "[data_calon_pasangan]")[:: 1 if groom else -1]
    signatures = (Signature("Calon suami", "[NAMA]"), Signature("Calon istri", "[NAMA_CALON_PASANGAN]"))
    if not groom:
        signatures = (
            Signature("Calon suami", "[NAMA_CALON_PASANGAN]"),
            Signature("Calon istri", "[NAMA]"),
        )
    return Attachment(
        form_code="Model N4",
        when=_groom if groom else _bride,
        title="PERSETUJUAN CALON PENGANTIN",
        body=(
            "Yang bertanda tangan di bawah ini:",
            "A. Calon suami:",
            first,
            "B. Calon istri:",
            second,
            "menyatakan dengan sesungguhnya bahwa atas dasar sukarela, dengan kesadaran sendiri, "
            "tanpa ada paksaan dari siapa pun juga, setuju untuk melangsungkan pernikahan.",
            "Demikian surat persetujuan ini dibuat untuk digunakan seperlunya.",
        ),
        signatures=signatures,
    )


TYPE = LetterType(
    code="pengantar_nikah",
    name="Pengantar Nikah",
    classification="474.2",
    title_override="PENGANTAR NIKAH",
    form_code="Model N1",
    subject=MAY_MARRY,
    fields=(
        Field("nama_calon_pasangan", "Nama calon pasangan"),
        Field("nik_calon_pasangan", "NIK calon pasangan", "nik", required=False),
        Field(
            "ayah_calon_pasangan",
            "Nama ayah calon pasangan",
            required=False,
            help="Dicetak sebagai bin/binti calon pasangan pada N4 dan N5.",
        ),
        Field("ttl_calon_pasangan", "Tempat/tanggal lahir calon pasangan", required=False),
        Field(
            "kewarganegaraan_calon_pasangan",
            "Kewarganegaraan calon pasangan",
            required=False,
            choices=(("WNI", "WNI"), ("WNA", "WNA")),
        ),
        Field("pekerjaan_calon_pasangan", "Pekerjaan calon pasangan", required=False),
        Field("alamat_calon_pasangan", "Alamat calon pasangan"),
        Field(
            "pasangan_terdahulu",
            "Nama suami/istri terdahulu",
            required=False,
            help="Bagi duda/janda. Bila ditinggal mati, lampirkan juga Keterangan Kematian Suami/Istri (N6).",
        ),
        Field("kua", "KUA Kecamatan tujuan", help="Tempat pendaftaran kehendak nikah."),
        Field("tanggal_nikah", "Tanggal akad nikah", "date"),
        Field("jam_nikah", "Jam akad nikah", required=False, help="Misalnya 09.00 WIB."),
        Field("tempat_akad", "Tempat akad nikah"),
        Field("mas_kawin", "Maskawin", required=False, help="Misalnya seperangkat alat salat."),
        *_parent_fields("ayah", "Ayah"),
        *_parent_fields("ibu", "Ibu"),
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
    tables=TABLES,
    body=(
        "Yang bertanda tangan di bawah ini menjelaskan dengan sesungguhnya bahwa:",
        "[data_calon]",
        "Adalah benar-benar anak dari perkawinan seorang pria:",
        "[data_ayah]",
        "dengan seorang wanita:",
        "[data_ibu]",
    ),
    closing="Demikian surat pengantar ini dibuat dengan mengingat sumpah jabatan dan untuk "
    "dipergunakan sebagaimana mestinya.",
    attachments=(
        _n2(groom=True),
        _n2(groom=False),
        _n4(groom=True),
        _n4(groom=False),
        Attachment(
            form_code="Model N5",
            title="SURAT IZIN ORANG TUA",
            when=_under_21,
            body=(
                "Yang bertanda tangan di bawah ini:",
                "A. Ayah:",
                "[izin_ayah]",
                "B. Ibu:",
                "[izin_ibu]",
                "adalah ayah dan ibu kandung dari:",
                "[data_pemohon]",
                "memberikan izin kepada anak kami untuk melakukan pernikahan dengan:",
                "[data_calon_pasangan]",
                "Demikian surat izin ini dibuat dengan kesadaran tanpa ada paksaan dari siapa pun dan "
                "untuk digunakan seperlunya.",
            ),
            signatures=(
                Signature("Ayah/wali/pengampu", "[NAMA_AYAH]"),
                Signature("Ibu/wali/pengampu", "[NAMA_IBU]"),
            ),
        ),
    ),
)
