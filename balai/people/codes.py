"""OpenSID / Dukcapil code tables (ids exactly as OpenSID stores them).

Keeping OpenSID's ids lets a village's data go out and come back without loss.
Labels follow OpenSID's seeded text; `ALIASES` holds the other spellings seen in
spreadsheets that OpenSID's importer also accepts.
"""

from __future__ import annotations

SEX = {1: "LAKI-LAKI", 2: "PEREMPUAN"}
RELIGION = {
    1: "ISLAM",
    2: "KRISTEN",
    3: "KATHOLIK",
    4: "HINDU",
    5: "BUDHA",
    6: "KHONGHUCU",
    7: "Kepercayaan Terhadap Tuhan YME / Lainnya",
}
FAMILY_RELATION = {
    1: "KEPALA KELUARGA",
    2: "SUAMI",
    3: "ISTRI",
    4: "ANAK",
    5: "MENANTU",
    6: "CUCU",
    7: "ORANGTUA",
    8: "MERTUA",
    9: "FAMILI LAIN",
    10: "PEMBANTU",
    11: "LAINNYA",
}
MARITAL_STATUS = {1: "BELUM KAWIN", 2: "KAWIN", 3: "CERAI HIDUP", 4: "CERAI MATI"}
EDUCATION_KK = {
    1: "TIDAK / BELUM SEKOLAH",
    2: "BELUM TAMAT SD/SEDERAJAT",
    3: "TAMAT SD / SEDERAJAT",
    4: "SLTP/SEDERAJAT",
    5: "SLTA / SEDERAJAT",
    6: "DIPLOMA I / II",
    7: "AKADEMI/ DIPLOMA III/S. MUDA",
    8: "DIPLOMA IV/ STRATA I",
    9: "STRATA II",
    10: "STRATA III",
}
EDUCATION_CURRENT = {
    1: "BELUM MASUK TK/KELOMPOK BERMAIN",
    2: "SEDANG TK/KELOMPOK BERMAIN",
    3: "TIDAK PERNAH SEKOLAH",
    4: "SEDANG SD/SEDERAJAT",
    5: "TIDAK TAMAT SD/SEDERAJAT",
    6: "SEDANG SLTP/SEDERAJAT",
    7: "SEDANG SLTA/SEDERAJAT",
    8: "SEDANG  D-1/SEDERAJAT",
    9: "SEDANG D-2/SEDERAJAT",
    10: "SEDANG D-3/SEDERAJAT",
    11: "SEDANG  S-1/SEDERAJAT",
    12: "SEDANG S-2/SEDERAJAT",
    13: "SEDANG S-3/SEDERAJAT",
    14: "SEDANG SLB A/SEDERAJAT",
    15: "SEDANG SLB B/SEDERAJAT",
    16: "SEDANG SLB C/SEDERAJAT",
    17: "TIDAK DAPAT MEMBACA DAN MENULIS HURUF LATIN/ARAB",
    18: "TIDAK SEDANG SEKOLAH",
}
OCCUPATION = {
    1: "BELUM/TIDAK BEKERJA",
    2: "MENGURUS RUMAH TANGGA",
    3: "PELAJAR/MAHASISWA",
    4: "PENSIUNAN",
    5: "PEGAWAI NEGERI SIPIL (PNS)",
    6: "TENTARA NASIONAL INDONESIA (TNI)",
    7: "KEPOLISIAN RI (POLRI)",
    8: "PERDAGANGAN",
    9: "PETANI/PEKEBUN",
    10: "PETERNAK",
    11: "NELAYAN/PERIKANAN",
    12: "INDUSTRI",
    13: "KONSTRUKSI",
    14: "TRANSPORTASI",
    15: "KARYAWAN SWASTA",
    16: "KARYAWAN BUMN",
    17: "KARYAWAN BUMD",
    18: "KARYAWAN HONORER",
    19: "BURUH HARIAN LEPAS",
    20: "BURUH TANI/PERKEBUNAN",
    21: "BURUH NELAYAN/PERIKANAN",
    22: "BURUH PETERNAKAN",
    23: "PEMBANTU RUMAH TANGGA",
    24: "TUKANG CUKUR",
    25: "TUKANG LISTRIK",
    26: "TUKANG BATU",
    27: "TUKANG KAYU",
    28: "TUKANG SOL SEPATU",
    29: "TUKANG LAS/PANDAI BESI",
    30: "TUKANG JAHIT",
    31: "TUKANG GIGI",
    32: "PENATA RIAS",
    33: "PENATA BUSANA",
    34: "PENATA RAMBUT",
    35: "MEKANIK",
    36: "SENIMAN",
    37: "TABIB",
    38: "PARAJI",
    39: "PERANCANG BUSANA",
    40: "PENTERJEMAH",
    41: "IMAM MASJID",
    42: "PENDETA",
    43: "PASTOR",
    44: "WARTAWAN",
    45: "USTADZ/MUBALIGH",
    46: "JURU MASAK",
    47: "PROMOTOR ACARA",
    48: "ANGGOTA DPR-RI",
    49: "ANGGOTA DPD",
    50: "ANGGOTA BPK",
    51: "PRESIDEN",
    52: "WAKIL PRESIDEN",
    53: "ANGGOTA MAHKAMAH KONSTITUSI",
    54: "ANGGOTA KABINET KEMENTERIAN",
    55: "DUTA BESAR",
    56: "GUBERNUR",
    57: "WAKIL GUBERNUR",
    58: "BUPATI",
    59: "WAKIL BUPATI",
    60: "WALIKOTA",
    61: "WAKIL WALIKOTA",
    62: "ANGGOTA DPRD PROP.",
    63: "ANGGOTA DPRD KAB. KOTA",
    64: "DOSEN",
    65: "GURU",
    66: "PILOT",
    67: "PENGACARA",
    68: "NOTARIS",
    69: "ARSITEK",
    70: "AKUNTAN",
    71: "KONSULTAN",
    72: "DOKTER",
    73: "BIDAN",
    74: "PERAWAT",
    75: "APOTEKER",
    76: "PSIKIATER/PSIKOLOG",
    77: "PENYIAR TELEVISI",
    78: "PENYIAR RADIO",
    79: "PELAUT",
    80: "PENELITI",
    81: "SOPIR",
    82: "PIALANG",
    83: "PARANORMAL",
    84: "PEDAGANG",
    85: "PERANGKAT DESA",
    86: "KEPALA DESA",
    87: "BIARAWATI",
    88: "WIRASWASTA",
    89: "LAINNYA",
}
BLOOD_TYPE = {
    1: "A",
    2: "B",
    3: "AB",
    4: "O",
    5: "A+",
    6: "A-",
    7: "B+",
    8: "B-",
    9: "AB+",
    10: "AB-",
    11: "O+",
    12: "O-",
    13: "TIDAK TAHU",
}
CITIZENSHIP = {1: "WNI", 2: "WNA", 3: "DUA KEWARGANEGARAAN"}
RESIDENCE_STATUS = {1: "TETAP", 2: "TIDAK TETAP"}
STATUS = {1: "HIDUP", 2: "MATI", 3: "PINDAH", 4: "HILANG", 6: "PERGI", 9: "TIDAK VALID"}
DISABILITY = {
    1: "CACAT FISIK",
    2: "CACAT NETRA/BUTA",
    3: "CACAT RUNGU/WICARA",
    4: "CACAT MENTAL/JIWA",
    5: "CACAT FISIK DAN MENTAL",
    6: "CACAT LAINNYA",
    7: "TIDAK CACAT",
}
KB_METHOD = {
    1: "Pil",
    2: "IUD",
    3: "Suntik",
    4: "Kondom",
    5: "Susuk KB",
    6: "Sterilisasi Wanita",
    7: "Sterilisasi Pria",
    99: "Lainnya",
}
PREGNANT = {1: "Hamil", 2: "Tidak Hamil"}
KTP_EL = {1: "BELUM", 2: "KTP-EL", 3: "KIA"}
KTP_RECORD_STATUS = {
    1: "BELUM WAJIB",
    2: "BELUM REKAM",
    3: "SUDAH REKAM",
    4: "CARD PRINTED",
    5: "PRINT READY RECORD",
    6: "CARD SHIPPED",
    7: "SENT FOR CARD PRINTING",
    8: "CARD ISSUED",
}
INSURANCE = {
    1: "Tidak/Belum Punya",
    2: "BPJS Penerima Bantuan Iuran",
    3: "BPJS Non Penerima Bantuan Iuran",
    99: "Asuransi Lainnya",
}

# Status values that mean the person is no longer a current resident of the village.
STATUS_ALIVE = 1
STATUS_DEAD = 2
STATUS_MOVED = 3
STATUS_MISSING = 4
STATUS_GONE = 6
STATUS_INVALID = 9


def _key(label: str) -> str:
    return "".join(label.split()).upper()


ALIASES: dict[str, dict[str, int]] = {
    "sex": {"L": 1, "LK": 1, "LAKI": 1, "LAKI-LAKI": 1, "P": 2, "PR": 2, "PEREMPUAN": 2, "WANITA": 2},
    "status_kawin": {
        "BK": 1,
        "K": 2,
        "KAWIN": 2,
        "CH": 3,
        "CM": 4,
        "BELUMKAWIN": 1,
        "KAWINTERCATAT": 2,
        "KAWINBELUMTERCATAT": 2,
    },
    "pendidikan_kk_id": {
        "TIDAK/BLMSEKOLAH": 1,
        "TIDAK/BELUMSEKOLAH": 1,
        "STRATA-II": 9,
        "STRATA-III": 10,
        "DIPLOMAIV/STRATAI": 8,
        "STRATAI": 8,
        "SLTA/SEDERAJAT": 5,
        "TAMATSD/SEDERAJAT": 3,
        "DIPLOMAI/II": 6,
        "AKADEMI/DIPLOMAIII/S.MUDA": 7,
    },
    "golongan_darah_id": {"TDKTH": 13, "TIDAKTAHU": 13, "-": 13},
    "status_dasar": {"PINDAHDALAMNEGERI": 3, "PINDAHLUARNEGERI": 3, "MENINGGAL": 2},
    "ktp_el": {"KTP-EL": 2, "E-KTP": 2, "EKTP": 2, "BELUM": 1},
    "agama_id": {"KATOLIK": 3, "BUDDHA": 5, "KONGHUCU": 6, "KHONGHUCU": 6, "KEPERCAYAAN": 7},
    "pekerjaan_id": {
        "PNS": 5,
        "TNI": 6,
        "POLRI": 7,
        "ANGGOTADPRDPROVINSI": 62,
        "ANGGOTADPRDKABUPATEN/KOTA": 63,
        "ANGGOTAKABINET/KEMENTERIAN": 54,
        "IMAMMESJID": 41,
        "PENERJEMAH": 40,
        "PASTUR": 43,
    },
    "warganegara_id": {"WARGANEGARAINDONESIA": 1, "WARGANEGARAASING": 2},
    "hamil": {"YA": 1, "TIDAK": 2},
    "cacat_id": {
        "FISIK": 1,
        "NETRA/BUTA": 2,
        "RUNGU/WICARA": 3,
        "MENTAL/JIWA": 4,
        "FISIKDANMENTAL": 5,
        "LAINNYA": 6,
        "TIDAKCACAT": 7,
    },
}

# Import/export column -> code table.
COLUMN_TABLES: dict[str, dict[int, str]] = {
    "sex": SEX,
    "agama_id": RELIGION,
    "pendidikan_kk_id": EDUCATION_KK,
    "pendidikan_sedang_id": EDUCATION_CURRENT,
    "pekerjaan_id": OCCUPATION,
    "status_kawin": MARITAL_STATUS,
    "kk_level": FAMILY_RELATION,
    "warganegara_id": CITIZENSHIP,
    "golongan_darah_id": BLOOD_TYPE,
    "cacat_id": DISABILITY,
    "cara_kb_id": KB_METHOD,
    "hamil": PREGNANT,
    "ktp_el": KTP_EL,
    "status_rekam": KTP_RECORD_STATUS,
    "status_dasar": STATUS,
    "id_asuransi": INSURANCE,
}

_LOOKUP: dict[str, dict[str, int]] = {}
for _column, _table in COLUMN_TABLES.items():
    lookup = {_key(label): code for code, label in _table.items()}
    lookup.update({str(code): code for code in _table})
    lookup.update(ALIASES.get(_column, {}))
    _LOOKUP[_column] = lookup


def parse_code(column: str, value: object) -> int | None:
    """An id or label (case- and space-insensitive) of `column`'s table -> id; None if unknown."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _key(str(value))
    return _LOOKUP[column].get(text)


def choices(table: dict[int, str]) -> list[tuple[int, str]]:
    return list(table.items())
