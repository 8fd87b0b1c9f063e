"""The demo regency behind `balai demo` and `balai bench`: invented villages, people and accounts.

Everything here is synthetic. Names are drawn from pools built once from Faker's `id_ID`
lists; NIK and KK numbers are structurally valid (region, birth or issue date, serial) but
belong to no one. Families are planned as families (head, spouse, children, sometimes a
parent or in-law) so ages, relations, marital status, parents' names and NIKs agree.

Speed is a requirement (1,000,000 residents in under five minutes on SQLite, 2 cores), so
each village is planned in plain Python and written with `executemany` on prepared INSERTs
(COPY on PostgreSQL, `core.db.bulk`), as the OpenSID importer does (it measured model instances plus `bulk_create` at 17 s per
100,000 residents against under 3 s). Each village is one transaction with one `demo.generated` audit event.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from rapidfuzz import fuzz

from balai.accounts.models import Role, User
from balai.audit.services import audit_record
from balai.core.crest import demo_crest_png
from balai.core.db.bulk import insert_rows
from balai.core.ids import public_ids
from balai.devtools.synthetic import is_synthetic, nik_region6, synthetic_codes, synthetic_name
from balai.people import codes
from balai.people.models import Family, Household, LifeEvent, Resident, normalize_name
from balai.people.validation import nik_from
from balai.regions.models import Dusun, Region, Rt, Village
from balai.regions.selectors import deployment_regency_code, region_names
from balai.regions.services import regions_load, village_create, village_profile_update
from balai.staff.models import Official

# DOMAIN.md §2 names seven pilot villages of Kabupaten Batang. The eighth is a stand-in chosen
# here: desa Wonotunggal, seat of Brokoh's kecamatan, so the camat demo account sees two villages.
PILOT_CODES = [
    "33.25.01.2007",  # Brokoh
    "33.25.12.2007",  # Cepagan
    "33.25.08.2008",  # Kepuh
    "33.25.08.2006",  # Kalisalak
    "33.25.04.2006",  # Reban
    "33.25.07.2006",  # Sentul
    "33.25.11.2008",  # Kalipucang Wetan
    "33.25.01.2006",  # Wonotunggal (stand-in: not named in the source)
]
STAND_IN_CODE = "33.25.01.2006"
DEMO_PASSWORD = "balai-demo-2026"
# Demo only: the published TOTP secret of the demo accounts whose role requires two-factor
# sign-in (kades, sekdes, camat, Dispermades). Add it to any authenticator app, or run
# `balai demo_code` for the current code. Real accounts enrol their own secret.
DEMO_TOTP_SECRET = "BALAIDEMOKODEDUALANGKAHSEMUAAKUN"
DEMO_URL = "http://127.0.0.1:8000/"
CAMAT_DISTRICT = "33.25.01"  # Wonotunggal

VILLAGE_ACCOUNTS: list[tuple[str, str]] = [
    ("operator", Role.OPERATOR),
    ("sekdes", Role.SEKDES),
    ("kades", Role.KADES),
    ("kader", Role.KADER_POSYANDU),
    ("bendahara", Role.BENDAHARA),
    ("bidan", Role.BIDAN),
    # A ketua RT (a resident of the village's first RT) for the /rt/ phone page (issue 23).
    ("ketuart", Role.KETUA_RT),
]

# Family size 1–8 (Jawa Tengah averages about 3.5 people per KK).
FAMILY_SIZES = [1, 2, 3, 4, 5, 6, 7, 8]
FAMILY_SIZE_WEIGHTS = [10, 18, 25, 24, 13, 6, 2.5, 1.5]

DUSUN_NAMES = """
KAUMAN SIDOREJO SUKOREJO KARANGANYAR TEGALSARI WONOSARI NGASEM KEDUNGSARI BANJARSARI SIDOMULYO
GEMPOL PAGERSARI KALISARI KARANGSARI SUMBERSARI TAMBAKREJO SIDOHARJO GONDANG KRASAK SIMBANG LOSARI
PUCUNG WATUGEDE KEBONAGUNG PROMASAN TEMPURAN NGALIAN SELOKARTO
""".split()
BIRTH_PLACES = """
PEKALONGAN KENDAL SEMARANG JAKARTA TEGAL PEMALANG WONOSOBO BANJARNEGARA
""".split()
MOVE_DESTINATIONS = ["JAKARTA", "BEKASI", "TANGERANG", "SEMARANG", "SURABAYA", "BATAM"]

RELIGIONS = ([1, 2, 3, 5, 4, 6], [980, 10, 7, 2, 0.5, 0.5])
BLOOD_TYPES = ([13, 4, 1, 2, 3, 11, 5], [55, 15, 10, 12, 4, 2, 2])
INSURANCE = ([2, 3, 1], [40, 35, 25])
KB_METHODS = ([3, 1, 5, 2, 6, 4, 99], [50, 20, 10, 10, 5, 3, 2])
KTP_ADULT = ([8, 3, 4, 2], [60, 30, 5, 5])  # CARD ISSUED, SUDAH REKAM, CARD PRINTED, BELUM REKAM
# Education in the KK by cohort (older generations went to school less).
EDUCATION_60 = ([1, 2, 3, 4, 5, 8], [15, 25, 45, 8, 5, 2])
EDUCATION_40 = ([1, 2, 3, 4, 5, 7, 8], [3, 10, 40, 22, 20, 2, 3])
EDUCATION_19 = ([2, 3, 4, 5, 6, 7, 8, 9], [2, 18, 30, 38, 2, 3, 6, 1])
OCCUPATION_MALE = (
    [9, 20, 88, 15, 19, 84, 11, 81, 26, 27, 5, 65, 1, 12, 85, 6, 7, 35, 14],
    [22, 10, 14, 14, 12, 5, 3, 3, 3, 2, 2, 1.5, 5, 2, 0.5, 0.4, 0.4, 1, 1],
)
OCCUPATION_FEMALE = (
    [2, 9, 20, 84, 15, 88, 19, 1, 65, 30, 73, 74, 5, 23],
    [40, 8, 7, 8, 10, 6, 4, 8, 3, 2, 0.7, 0.7, 1.5, 1],
)
OCCUPATION_OLD_MALE = ([9, 1, 4, 84, 20, 88], [35, 35, 8, 5, 10, 7])
OCCUPATION_OLD_FEMALE = ([2, 1, 9, 84, 4], [45, 35, 10, 7, 3])


@dataclass
class Login:
    username: str
    role: str
    area: str
    created: bool = False
    two_factor: bool = False


@dataclass
class GenerateResult:
    villages_created: list[str] = field(default_factory=list)
    villages_skipped: list[str] = field(default_factory=list)
    residents: int = 0  # records written, the dead and moved included
    alive: int = 0
    families: int = 0
    seconds: float = 0.0


# --- Setup -----------------------------------------------------------------------------------


FAKER_MISSING = (
    "Data demo memerlukan paket pengembangan faker, yang tidak dipasang pada instalasi produksi: "
    "jalankan `make setup` (atau `uv sync`) lalu ulangi."
)


def faker_installed() -> bool:
    return importlib.util.find_spec("faker") is not None


def ensure_database(*, verbosity: int = 0) -> None:
    """Migrate, and load the region codes unless they are there already."""
    call_command("migrate", interactive=False, verbosity=verbosity)
    if not Region.objects.exists():
        regions_load()


def demo_village_codes(count: int, *, synthetic: bool = False) -> list[str]:
    """The pilot villages first, then the regency's other villages in code order; with
    `synthetic` (the bench only), synthetic villages after the real ones up to `count`."""
    regency = deployment_regency_code()
    names = region_names()
    pilots = [c for c in PILOT_CODES if c in names and c.startswith(regency + ".")]
    others = sorted(
        code
        for code in names
        if code.startswith(regency + ".") and code.count(".") == 3 and code not in pilots
    )
    available = pilots + others
    if synthetic and count > len(available):
        available += synthetic_codes(regency, count - len(available))
    if count > len(available):
        raise ValueError(f"Kabupaten {regency} hanya memiliki {len(available)} desa/kelurahan.")
    return available[:count]


def real_district_codes() -> list[str]:
    regency = deployment_regency_code()
    return sorted(c for c in region_names() if c.startswith(regency + ".") and c.count(".") == 2)


def village_name(code: str) -> str:
    return synthetic_name(code) if is_synthetic(code) else region_names()[code]


def create_demo_village(*, code: str, **profile: str) -> Village:
    """A demo village through `village_create`; a synthetic one (the bench's, see
    devtools.synthetic) directly, with its synthetic names, since the region list never
    holds it."""
    if not is_synthetic(code):
        return village_create(code=code, actor=None, **profile)
    regency = deployment_regency_code()
    names = region_names()
    district = code.rsplit(".", 1)[0]
    village = Village.objects.create(
        code=code,
        name=synthetic_name(code),
        district_code=district,
        district_name=synthetic_name(district),
        regency_code=regency,
        regency_name=names.get(regency, ""),
        province_name=names.get(regency.split(".")[0], ""),
        **profile,
    )
    audit_record(
        actor=None,
        village=village,
        action="village.created",
        object_type="village",
        object_id=village.code,
        changes={"name": village.name, "synthetic": True},
    )
    return village


def village_sizes(*, count: int, per_village: int, seed: int) -> list[int]:
    """Villages differ in size (±40%) but add up to count × per_village exactly."""
    rnd = random.Random(f"sizes:{seed}")
    weights = [rnd.uniform(0.6, 1.4) for _ in range(count)]
    total = count * per_village
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % count] += 1
    return sizes


# --- Numbers ---------------------------------------------------------------------------------


class NumberBook:
    """Next free serial per NIK/KK prefix (region + date), continuing from what is stored.

    A NIK is unique per (region, birth date, sex) + serial, a KK number per (region, issue
    date) + serial; prefixes are read from the database once per district, so a later run
    that adds villages never reissues a number.
    """

    def __init__(self) -> None:
        self.loaded: set[str] = set()
        self.nik_next: dict[str, int] = {}
        self.kk_next: dict[str, int] = {}

    def load(self, region6: str) -> None:
        if region6 in self.loaded:
            return
        self.loaded.add(region6)
        low, high = region6 + "0" * 10, region6 + "9" * 10
        for nik in Resident.objects.filter(nik__range=(low, high)).values_list("nik", flat=True).iterator():
            key, serial = nik[:12], int(nik[12:])
            if serial + 1 > self.nik_next.get(key, 0):
                self.nik_next[key] = serial + 1
        for kk in (
            Family.objects.filter(kk_number__range=(low, high)).values_list("kk_number", flat=True).iterator()
        ):
            key, serial = kk[:12], int(kk[12:])
            if serial + 1 > self.kk_next.get(key, 0):
                self.kk_next[key] = serial + 1

    def nik(self, region6: str, birth_date: dt.date, sex: int) -> str:
        key = nik_from(region6=region6, birth_date=birth_date, sex=sex, serial=0)[:12]
        serial = self.nik_next.get(key, 1)
        if serial > 9999:
            raise RuntimeError(f"NIK serials exhausted for {key}")
        self.nik_next[key] = serial + 1
        return f"{key}{serial:04d}"

    def kk(self, region6: str, issued: dt.date) -> str:
        key = f"{region6}{issued:%d%m%y}"
        serial = self.kk_next.get(key, 1)
        if serial > 9999:
            raise RuntimeError(f"KK serials exhausted for {key}")
        self.kk_next[key] = serial + 1
        return f"{key}{serial:04d}"


# --- Names -----------------------------------------------------------------------------------


class NamePools:
    """Given names by sex and family-style names, drawn once from Faker's id_ID lists."""

    def __init__(self, seed: int) -> None:
        # Imported here: faker is a development dependency, absent from production installs.
        from faker import Faker

        fake = Faker("id_ID")
        fake.seed_instance(seed)

        def pool(method: Callable[[], str]) -> list[str]:
            return sorted({method().upper() for _ in range(3000)})

        self.male = pool(fake.first_name_male)
        self.female = pool(fake.first_name_female)
        self.last_male = pool(fake.last_name_male)
        self.last_female = pool(fake.last_name_female)
        self.streets = pool(fake.street_name)

    def person(self, rnd: random.Random, sex: int) -> str:
        first, last = (self.male, self.last_male) if sex == 1 else (self.female, self.last_female)
        roll = rnd.random()
        if roll < 0.35:
            words = [rnd.choice(first)]
        elif roll < 0.80:
            words = [rnd.choice(first), rnd.choice(last)]
        else:
            words = [rnd.choice(first), rnd.choice(first), rnd.choice(last)]
        if rnd.random() < 0.10:
            words.insert(0, rnd.choice(["MUHAMMAD", "MOH.", "AHMAD"] if sex == 1 else ["SITI", "NUR", "SRI"]))
        return " ".join(dict.fromkeys(words))


_SPELLINGS = [
    ("MM", "M"),
    ("U", "OE"),
    ("J", "DJ"),
    ("Y", "I"),
    ("I", "Y"),
    ("TH", "T"),
    ("KH", "H"),
    ("A", "AH"),
]


def _street(name: str) -> str:
    """Faker's street names carry their own "Jl."/"Jalan"/"Gg."/"Gang": write them as an
    address line does ("JL. ASTANA ANYAR", "GG. PASTEUR")."""
    for long, short in (("JALAN ", "JL. "), ("GANG ", "GG. ")):
        if name.startswith(long):
            return short + name[len(long) :]
    return name if name.startswith(("JL. ", "GG. ")) else f"JL. {name}"


def misspell(name: str, rnd: random.Random) -> str:
    """A spelling of `name` an operator might type for the same person (old spelling, typo)."""
    candidates = []
    for old, new in _SPELLINGS:
        if old in name:
            candidates.append(name.replace(old, new, 1))
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) > 4:
        i = rnd.randrange(1, len(word) - 2)
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        candidates.append(" ".join([*words[:longest], swapped, *words[longest + 1 :]]))
        candidates.append(" ".join([*words[:longest], word[:-1], *words[longest + 1 :]]))
    rnd.shuffle(candidates)
    for candidate in candidates:
        if candidate != name and fuzz.token_sort_ratio(candidate, name) >= 88:
            return candidate
    return name + "H"


# --- Planning one village --------------------------------------------------------------------


def _pick(rnd: random.Random, table: tuple[Sequence[int], Sequence[float]]) -> int:
    return rnd.choices(table[0], table[1])[0]


@dataclass
class UnitPlan:
    dusun: str
    rw: str
    rt: str
    head_name: str = ""


@dataclass
class FamilyPlan:
    kk_number: str
    issued_on: dt.date
    address: str
    unit: int  # index into VillagePlan.units
    members: list[dict[str, Any]]
    household: int | None = None  # index into VillagePlan.households
    insurance: int = 1


@dataclass
class VillagePlan:
    dusuns: list[str]
    dusun_heads: dict[str, str]
    units: list[UnitPlan]
    families: list[FamilyPlan]
    households: list[list[int]]  # family indexes per household; the first family's head heads it
    events: list[tuple[int, int, int, dt.date, dict[str, Any]]]  # family i, member j, kind, date, details
    duplicates: int = 0

    @property
    def residents(self) -> int:
        return sum(len(f.members) for f in self.families)


class VillagePlanner:
    """Plans one village's people in memory; `write_village` stores the plan."""

    def __init__(
        self, *, code: str, rnd: random.Random, names: NamePools, numbers: NumberBook, today: dt.date
    ) -> None:
        self.code = code
        self.region6 = nik_region6(code, real_district_codes() if is_synthetic(code) else [])
        self.rnd = rnd
        self.names = names
        self.numbers = numbers
        self.today = today
        numbers.load(self.region6)

    # People -----------------------------------------------------------------------------

    def _born(self, age: int) -> dt.date:
        days = int((age + self.rnd.random()) * 365.2425)
        return self.today - dt.timedelta(days=max(days, 0))

    def _person(self, *, sex: int, age: int, relation: int, marital: int, religion: int) -> dict[str, Any]:
        rnd = self.rnd
        birth = self._born(age)
        person: dict[str, Any] = {
            "name": self.names.person(rnd, sex),
            "sex": sex,
            "birth_date": birth,
            "age": age,
            "family_relation": relation,
            "marital_status": marital,
            "religion": religion,
            "birth_place": "BATANG" if rnd.random() < 0.8 else rnd.choice(BIRTH_PLACES),
            "blood_type": _pick(rnd, BLOOD_TYPES),
            "disability": 7 if rnd.random() < 0.985 else rnd.randint(1, 6),
            "ethnicity": "JAWA" if rnd.random() < 0.97 else rnd.choice(["SUNDA", "MELAYU", "TIONGHOA"]),
        }
        self._schooling(person)
        self._identity_cards(person)
        return person

    def _schooling(self, p: dict[str, Any]) -> None:
        rnd, age, sex = self.rnd, p["age"], p["sex"]
        if age < 5:
            p["education_kk"], p["education_current"], p["occupation"] = 1, 1 if age < 3 else 2, 1
        elif age < 13:
            p["education_kk"], p["education_current"], p["occupation"] = 2, 2 if age < 7 else 4, 3
        elif age < 16:
            p["education_kk"], p["education_current"], p["occupation"] = 3, 6, 3
        elif age < 19:
            in_school = rnd.random() < 0.85
            p["education_kk"] = 4
            p["education_current"] = 7 if in_school else 18
            p["occupation"] = 3 if in_school else rnd.choice([1, 19, 20])
        else:
            table = EDUCATION_60 if age >= 60 else EDUCATION_40 if age >= 40 else EDUCATION_19
            p["education_kk"] = _pick(rnd, table)
            studying = age < 23 and p["education_kk"] >= 5 and rnd.random() < 0.3
            p["education_current"] = 11 if studying else 18
            if studying:
                p["occupation"] = 3
            elif age >= 60:
                p["occupation"] = _pick(rnd, OCCUPATION_OLD_MALE if sex == 1 else OCCUPATION_OLD_FEMALE)
            else:
                p["occupation"] = _pick(rnd, OCCUPATION_MALE if sex == 1 else OCCUPATION_FEMALE)
        # Birth certificates became near universal for the generations born since the 1990s.
        if rnd.random() < (0.92 if age < 30 else 0.4 if age < 50 else 0.1):
            p["birth_certificate_no"] = f"3325-LT-{p['birth_date']:%d%m%Y}-{rnd.randint(1, 9999):04d}"

    def _identity_cards(self, p: dict[str, Any]) -> None:
        # e-KTP from 17 (or on marrying); children get a KIA, and are "belum wajib" to record.
        rnd = self.rnd
        if p["age"] >= 17 or p["marital_status"] != 1:
            status = _pick(rnd, KTP_ADULT) if p["age"] >= 19 else rnd.choice([2, 3, 8])
            p["ktp_record_status"] = status
            p["ktp_el"] = 1 if status == 2 else 2
        else:
            p["ktp_record_status"] = 1
            p["ktp_el"] = 3 if rnd.random() < 0.7 else 1

    def _women_health(self, p: dict[str, Any]) -> None:
        if p["sex"] != 2 or not 15 <= p["age"] <= 49:
            return
        married = p["marital_status"] == 2
        if married and p["age"] <= 42 and self.rnd.random() < 0.04:
            p["pregnant"] = 1
            return
        p["pregnant"] = 2
        if married and self.rnd.random() < 0.65:
            p["kb_method"] = _pick(self.rnd, KB_METHODS)

    def _parents(self, p: dict[str, Any]) -> None:
        """Parents who are not in the family: names only, as on a KK."""
        if "father_name" not in p:
            p["father_name"] = self.names.person(self.rnd, 1)
        if "mother_name" not in p:
            p["mother_name"] = self.names.person(self.rnd, 2)

    def _children(self, count: int, mother_age: int) -> list[int]:
        """Ages of `count` children, eldest first, of a mother aged `mother_age`."""
        rnd = self.rnd
        youngest = max(0, mother_age - int(rnd.triangular(20, 42, 28)))
        # Most children leave the KK when they marry: a child at home is rarely over 30.
        if youngest > 22:
            youngest = rnd.randint(12, 22)
        ages = [youngest]
        for _ in range(count - 1):
            older = ages[-1] + rnd.randint(1, 5)
            ages.append(min(older, mother_age - 18, 34))
        return sorted(ages, reverse=True)

    def _family(self, size: int, religion: int) -> list[dict[str, Any]]:
        rnd = self.rnd
        p = self._person
        if size == 1:
            roll = rnd.random()
            if roll < 0.35:
                return [
                    p(
                        sex=rnd.choice([1, 2]),
                        age=rnd.randint(20, 40),
                        relation=1,
                        marital=1,
                        religion=religion,
                    )
                ]
            if roll < 0.85:
                age = int(rnd.triangular(55, 95, 68))
                return [
                    p(sex=2 if rnd.random() < 0.7 else 1, age=age, relation=1, marital=4, religion=religion)
                ]
            return [
                p(sex=rnd.choice([1, 2]), age=rnd.randint(28, 60), relation=1, marital=3, religion=religion)
            ]
        if rnd.random() < 0.09:  # one parent with children
            sex = 2 if rnd.random() < 0.75 else 1
            age = rnd.randint(30, 68)
            head = p(sex=sex, age=age, relation=1, marital=rnd.choice([3, 4]), religion=religion)
            kids = [
                p(sex=rnd.choice([1, 2]), age=a, relation=4, marital=1, religion=religion)
                for a in self._children(size - 1, age if sex == 2 else age - rnd.randint(0, 6))
            ]
            self._link_children(kids, father=head if sex == 1 else None, mother=head if sex == 2 else None)
            return [head, *kids]
        slots = size - 2
        elder = slots >= 1 and rnd.random() < 0.12
        kids_count = slots - elder
        if kids_count == 0:
            wife_age = rnd.randint(19, 30) if rnd.random() < 0.3 else int(rnd.triangular(45, 85, 58))
        else:
            wife_age = max(19 + kids_count, int(rnd.triangular(20, 64, 34)))
        head_age = max(20, wife_age + rnd.randint(-2, 7))
        head = p(sex=1, age=head_age, relation=1, marital=2, religion=religion)
        wife = p(sex=2, age=wife_age, relation=3, marital=2, religion=religion)
        married = wife["birth_date"] + dt.timedelta(days=int(rnd.uniform(18, 25) * 365))
        kids = [
            p(sex=rnd.choice([1, 2]), age=a, relation=4, marital=1, religion=religion)
            for a in (self._children(kids_count, wife_age) if kids_count else [])
        ]
        if kids:
            married = min(married, kids[0]["birth_date"] - dt.timedelta(days=rnd.randint(300, 700)))
        married = min(married, self.today - dt.timedelta(days=rnd.randint(30, 400)))
        for spouse in (head, wife):
            spouse["marriage_date"] = max(married, spouse["birth_date"] + dt.timedelta(days=17 * 366))
            if rnd.random() < 0.6:
                spouse["marriage_certificate_no"] = (
                    f"{rnd.randint(1, 999):03d}/{rnd.randint(1, 99):02d}/{married:%m/%Y}"
                )
        self._link_children(kids, father=head, mother=wife)
        family = [head, wife, *kids]
        if elder:
            of_head = rnd.random() < 0.6
            child = head if of_head else wife
            sex = 2 if rnd.random() < 0.7 else 1
            parent = p(
                sex=sex,
                age=min(95, child["age"] + rnd.randint(20, 34)),
                relation=7 if of_head else 8,
                marital=4,
                religion=religion,
            )
            key = "mother" if sex == 2 else "father"
            child[f"{key}_name"], child[f"{key}_nik_link"] = parent["name"], parent
            family.append(parent)
        return family

    def _link_children(
        self, kids: list[dict[str, Any]], *, father: dict[str, Any] | None, mother: dict[str, Any] | None
    ) -> None:
        """Parents in the family give their name and NIK; an absent one (divorced, dead)
        only a name, the same for all the children."""
        father_name = father["name"] if father else self.names.person(self.rnd, 1)
        mother_name = mother["name"] if mother else self.names.person(self.rnd, 2)
        for kid in kids:
            kid["father_name"], kid["mother_name"] = father_name, mother_name
            if father is not None:
                kid["father_nik_link"] = father
            if mother is not None:
                kid["mother_nik_link"] = mother

    # Village ----------------------------------------------------------------------------

    def plan(self, *, size: int, duplicates: int = 3, exact_records: bool = False) -> VillagePlan:
        """`size` living residents, plus the dead and moved who stay on record; with
        `exact_records`, `size` records in all (an import file of an exact length)."""
        rnd = self.rnd
        dusun_count = rnd.randint(2, 5)
        dusuns = ["KRAJAN", *rnd.sample(DUSUN_NAMES, dusun_count - 1)]
        units: list[UnitPlan] = []
        rw_no = 0
        for dusun in dusuns:
            for _rw in range(rnd.randint(1, 3)):
                rw_no += 1
                units.extend(
                    UnitPlan(dusun, f"{rw_no:03d}", f"{rt:03d}") for rt in range(1, rnd.randint(2, 5) + 1)
                )
        unit_weights = [rnd.uniform(0.5, 1.5) for _ in units]
        streets = rnd.sample(self.names.streets, min(12, len(self.names.streets)))

        families: list[FamilyPlan] = []
        events: list[tuple[int, int, int, dt.date, dict[str, Any]]] = []
        alive = 0
        while alive < size:
            religion = _pick(rnd, RELIGIONS)
            size_drawn = rnd.choices(FAMILY_SIZES, FAMILY_SIZE_WEIGHTS)[0]
            members = self._family(min(size_drawn, size - alive), religion)
            f_index = len(families)
            for j, m in enumerate(members):
                self._women_health(m)
                if m["family_relation"] in (1, 2, 3, 7, 8):
                    self._parents(m)
                if m["family_relation"] in (7, 8) and rnd.random() < 0.12:
                    died = self.today - dt.timedelta(days=rnd.randint(10, 1000))
                    m["status"] = codes.STATUS_DEAD
                    events.append((f_index, j, LifeEvent.Kind.DEATH, died, {"place": "RUMAH"}))
                elif m["family_relation"] == 4 and 19 <= m["age"] <= 35 and rnd.random() < 0.06:
                    left = self.today - dt.timedelta(days=rnd.randint(10, 700))
                    m["status"] = codes.STATUS_MOVED
                    events.append(
                        (
                            f_index,
                            j,
                            LifeEvent.Kind.MOVE_OUT,
                            left,
                            {"destination": rnd.choice(MOVE_DESTINATIONS)},
                        )
                    )
                elif m["age"] == 0:
                    events.append((f_index, j, LifeEvent.Kind.BIRTH, m["birth_date"], {}))
            alive += len(members) if exact_records else sum(1 for m in members if m.get("status", 1) == 1)
            youngest = max(m["birth_date"] for m in members)
            start = max(youngest, dt.date(2008, 1, 1))
            issued = start + dt.timedelta(days=rnd.randint(0, max(0, (self.today - start).days)))
            unit = rnd.choices(range(len(units)), unit_weights)[0]
            families.append(
                FamilyPlan(
                    kk_number=self.numbers.kk(self.region6, issued),
                    issued_on=issued,
                    address=f"{_street(rnd.choice(streets))} NO. {rnd.randint(1, 120)}",
                    unit=unit,
                    members=members,
                    insurance=_pick(rnd, INSURANCE),
                )
            )
        planted = self._plant_duplicates(families, duplicates)
        households = self._households(families)
        for family in families:
            for m in family.members:
                m["nik"] = self.numbers.nik(self.region6, m["birth_date"], m["sex"])
        for family in families:
            for m in family.members:
                for key in ("father", "mother"):
                    linked = m.pop(f"{key}_nik_link", None)
                    if linked is not None:
                        m[f"{key}_nik"] = linked["nik"]
        adults = [m for f in families for m in f.members if m["age"] >= 30 and m.get("status", 1) == 1]
        heads = {d: rnd.choice(adults)["name"] for d in dusuns} if adults else {}
        for unit_plan in units:
            unit_plan.head_name = rnd.choice(adults)["name"] if adults else ""
        return VillagePlan(dusuns, heads, units, families, households, events, planted)

    def _plant_duplicates(self, families: list[FamilyPlan], count: int) -> int:
        """The same child entered twice (in a relative's KK), name spelt differently: the
        duplicates page should have something to show."""
        rnd = self.rnd
        candidates = [
            (i, m)
            for i, f in enumerate(families)
            for m in f.members
            if m["family_relation"] == 4
            and "father_nik_link" in m
            and "mother_nik_link" in m
            and m.get("status", 1) == 1
        ]
        hosts = [i for i, f in enumerate(families) if len(f.members) < 8]
        planted = 0
        for i, original in rnd.sample(candidates, min(count, len(candidates))):
            host = rnd.choice([h for h in hosts if h != i] or [i])
            copy = dict(original)
            copy["name"] = misspell(original["name"], rnd)
            copy["family_relation"] = 9  # FAMILI LAIN
            families[host].members.append(copy)
            planted += 1
        return planted

    def _households(self, families: list[FamilyPlan]) -> list[list[int]]:
        """Some families form a rumah tangga, now and then with a related family next door."""
        rnd = self.rnd
        households: list[list[int]] = []
        i = 0
        while i < len(families):
            if rnd.random() < 0.3:
                group = [i]
                nxt = i + 1
                if nxt < len(families) and rnd.random() < 0.2:
                    families[nxt].unit = families[i].unit
                    group.append(nxt)
                for f in group:
                    families[f].household = len(households)
                households.append(group)
                i += len(group)
            else:
                i += 1
        return households


# --- Writing ---------------------------------------------------------------------------------


class _Insert:
    """Rows of one model's table, fed as tuples in `columns` order (`core.db.bulk.insert_rows`)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = list(columns)
        self.table = model._meta.db_table
        self.column_names = [fields[c].column for c in self.columns]

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        # COPY on PostgreSQL (the 1,000,000-resident build), executemany on SQLite.
        insert_rows(self.table, self.column_names, rows)


def _update(model: type[models.Model], column: str, rows: list[tuple[Any, int]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    table, col = quote(model._meta.db_table), quote(column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement over two arrays instead of one UPDATE per row.
            values, ids = zip(*rows, strict=True)
            cursor.execute(
                f"UPDATE {table} SET {col} = v.value FROM unnest(%s::bigint[], %s::bigint[]) AS v(value, id)"
                f" WHERE {table}.id = v.id",
                [list(values), list(ids)],
            )
        else:
            cursor.executemany(f"UPDATE {table} SET {col} = %s WHERE id = %s", rows)


# Resident columns the planner fills; every other column gets the field's default.
_PERSON_KEYS = [
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "education_kk",
    "education_current",
    "occupation",
    "marital_status",
    "family_relation",
    "father_nik",
    "father_name",
    "mother_nik",
    "mother_name",
    "blood_type",
    "disability",
    "kb_method",
    "pregnant",
    "ktp_el",
    "ktp_record_status",
    "birth_certificate_no",
    "marriage_certificate_no",
    "marriage_date",
    "ethnicity",
    "status",
]
_DATE_KEYS = {"birth_date", "marriage_date"}
_BLANK: dict[str, Any] = {
    f.attname: f.get_default() for f in Resident._meta.concrete_fields if f.attname in _PERSON_KEYS
}
_LINK_KEYS = [
    "public_id",
    "village_id",
    "family_id",
    "household_id",
    "household_relation",
    "rt_id",
    "name_key",
    "insurance_type",
    "created_at",
    "updated_at",
]


def _resident_insert() -> tuple[_Insert, list[tuple[str, Any]]]:
    taken = set(_PERSON_KEYS) | set(_LINK_KEYS) | {"id"}
    rest = [(f.attname, f.get_default()) for f in Resident._meta.concrete_fields if f.attname not in taken]
    return _Insert(Resident, [*_PERSON_KEYS, *_LINK_KEYS, *(name for name, _d in rest)]), rest


@dataclass
class WriteCounts:
    residents: int  # records, the dead and moved included
    alive: int
    families: int
    households: int
    rts: int
    duplicates: int


def write_village(*, village: Village, plan: VillagePlan) -> WriteCounts:
    """Store a planned village; the caller holds the transaction."""
    now = timezone.now()
    ops = connection.ops
    now_db = ops.adapt_datetimefield_value(now)

    def day(value: dt.date | None) -> Any:
        return ops.adapt_datefield_value(value)

    Dusun.objects.bulk_create(
        [Dusun(village=village, name=name, head_name=plan.dusun_heads.get(name, "")) for name in plan.dusuns]
    )
    dusun_ids = dict(Dusun.objects.filter(village=village).values_list("name", "id"))
    Rt.objects.bulk_create(
        [
            Rt(village=village, dusun_id=dusun_ids[u.dusun], rw=u.rw, rt=u.rt, head_name=u.head_name)
            for u in plan.units
        ]
    )
    rt_ids = {
        (dusun_ids_r, rw, rt): pk
        for pk, dusun_ids_r, rw, rt in Rt.objects.filter(village=village).values_list(
            "id", "dusun_id", "rw", "rt"
        )
    }
    unit_rt = [rt_ids[(dusun_ids[u.dusun], u.rw, u.rt)] for u in plan.units]

    family_public = public_ids(len(plan.families))
    _Insert(
        Family,
        [
            "public_id",
            "village_id",
            "kk_number",
            "address",
            "rt_id",
            "issued_on",
            "is_active",
            "created_at",
            "updated_at",
        ],
    ).run(
        [
            (pid, village.pk, f.kk_number, f.address, unit_rt[f.unit], day(f.issued_on), True, now_db, now_db)
            for pid, f in zip(family_public, plan.families, strict=True)
        ]
    )
    family_ids = dict(Family.objects.filter(village=village).values_list("kk_number", "id"))

    household_numbers = [f"{village.code_digits}{i + 1:06d}" for i in range(len(plan.households))]
    household_public = public_ids(len(plan.households))
    _Insert(
        Household, ["public_id", "village_id", "number", "rt_id", "address", "created_at", "updated_at"]
    ).run(
        [
            (
                pid,
                village.pk,
                number,
                unit_rt[plan.families[group[0]].unit],
                plan.families[group[0]].address,
                now_db,
                now_db,
            )
            for pid, number, group in zip(household_public, household_numbers, plan.households, strict=True)
        ]
    )
    household_ids = dict(Household.objects.filter(village=village).values_list("number", "id"))

    insert, rest = _resident_insert()
    defaults = tuple(d for _n, d in rest)
    resident_public = public_ids(plan.residents)
    rows: list[tuple[Any, ...]] = []
    k = 0
    for f in plan.families:
        family_id = family_ids[f.kk_number]
        household_id = household_ids[household_numbers[f.household]] if f.household is not None else None
        # Every member is an ANGGOTA of the household; its head is marked below.
        relation = 2 if household_id is not None else None
        for m in f.members:
            person = tuple(
                day(m.get(key)) if key in _DATE_KEYS else m.get(key, _BLANK[key]) for key in _PERSON_KEYS
            )
            rows.append(
                person
                + (
                    resident_public[k],
                    village.pk,
                    family_id,
                    household_id,
                    relation,
                    unit_rt[f.unit],
                    normalize_name(m["name"]),
                    f.insurance,
                    now_db,
                    now_db,
                )
                + defaults
            )
            k += 1
    insert.run(rows)
    resident_ids = dict(Resident.objects.filter(village=village).values_list("public_id", "id"))

    # Heads: of each family, and of each household (its first family's head).
    k = 0
    family_heads: list[tuple[int, int]] = []
    head_of_family: list[int] = []
    member_ids: list[list[int]] = []
    for f in plan.families:
        ids = [resident_ids[resident_public[k + j]] for j in range(len(f.members))]
        k += len(f.members)
        member_ids.append(ids)
        head_of_family.append(ids[0])
        family_heads.append((ids[0], family_ids[f.kk_number]))
    _update(Family, "head_id", family_heads)
    household_heads = [
        (head_of_family[group[0]], household_ids[number])
        for number, group in zip(household_numbers, plan.households, strict=True)
    ]
    _update(Household, "head_id", household_heads)
    _update(Resident, "household_relation", [(1, head) for head, _h in household_heads])

    _Insert(
        LifeEvent,
        [
            "public_id",
            "village_id",
            "resident_id",
            "family_id",
            "kind",
            "event_date",
            "details",
            "note",
            "recorded_at",
        ],
    ).run(
        [
            (
                pid,
                village.pk,
                member_ids[fi][mj],
                family_ids[plan.families[fi].kk_number],
                int(kind),
                day(when),
                LifeEvent._meta.get_field("details").get_db_prep_save(details, connection),
                "",
                now_db,
            )
            for pid, (fi, mj, kind, when, details) in zip(
                public_ids(len(plan.events)), plan.events, strict=True
            )
        ]
    )
    alive = sum(1 for f in plan.families for m in f.members if m.get("status", 1) == codes.STATUS_ALIVE)
    return WriteCounts(
        len(rows), alive, len(plan.families), len(plan.households), len(plan.units), plan.duplicates
    )


def _title(name: str) -> str:
    return " ".join(w.capitalize() for w in name.split())


def write_officials(*, village: Village, rnd: random.Random, today: dt.date) -> list[Official]:
    """Kepala desa (signs in own name), sekretaris (a.n.), a kasi (u.b.) and the bendahara."""
    adults = list(
        Resident.objects.filter(
            village=village,
            status=codes.STATUS_ALIVE,
            birth_date__lte=today - dt.timedelta(days=30 * 365),
            birth_date__gt=today - dt.timedelta(days=58 * 365),
        )
        .order_by("id")
        .values_list("id", "name")[:400]
    )
    lurah = village.is_kelurahan
    head = "Lurah" if lurah else "Kepala Desa"
    secretary = "Sekretaris Kelurahan" if lurah else "Sekretaris Desa"
    roles = [
        (head, True, Official.SignsAs.OWN, ""),
        (secretary, True, Official.SignsAs.AN, head),
        ("Kasi Pemerintahan", True, Official.SignsAs.UB, secretary),
        ("Bendahara" if lurah else "Kaur Keuangan (Bendahara)", False, Official.SignsAs.NONE, ""),
    ]
    people = rnd.sample(adults, min(len(roles), len(adults)))
    term_start = dt.date(rnd.randint(2019, 2023), rnd.randint(1, 12), 1)
    officials = [
        Official(
            village=village,
            resident_id=pk,
            name=_title(name),
            position=position,
            order=i + 1,
            signs_letters=signs,
            signs_as=signs_as,
            on_behalf_of=on_behalf,
            term_start=term_start if i == 0 else None,
            term_end=term_start.replace(year=term_start.year + 8) if i == 0 and not lurah else None,
            # The kepala desa is elected, not perangkat desa: no NIPD under the name.
            nipd="" if lurah or i == 0 else f"{village.code_digits[-4:]}{i + 1:02d}{term_start.year}",
        )
        for i, ((pk, name), (position, signs, signs_as, on_behalf)) in enumerate(
            zip(people, roles, strict=False)
        )
    ]
    Official.objects.bulk_create(officials)
    return officials


# --- The regency -----------------------------------------------------------------------------


Progress = Callable[[int, int, str, int], None]  # done, total, village name, residents


Extension = Callable[..., dict[str, int] | None]


def demo_extensions() -> list[tuple[str, Extension]]:
    """`extend_village(*, village, rnd, today)` of every Balai app whose `demo` module has one,
    found with `autodiscover_modules` and run in the order of the module's `DEMO_ORDER` (lowest
    first): each adds its own demo data (posyandu sessions, aid programmes, ...) to a freshly
    generated village, inside the village's transaction, and returns counts for the village's
    audit event. Kept fast: they run for every bench village.
    """
    autodiscover_modules("demo")
    found: list[tuple[int, str, Extension]] = []
    for config in apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.demo")
        extend = getattr(module, "extend_village", None)
        if extend is None:
            continue
        order = getattr(module, "DEMO_ORDER", None)
        if not isinstance(order, int):
            raise ImproperlyConfigured(f"{config.name}.demo: extend_village needs an integer DEMO_ORDER.")
        found.append((order, config.label, extend))
    return [(label, extend) for _order, label, extend in sorted(found, key=lambda f: (f[0], f[1]))]


def generate(
    *,
    villages: int,
    residents_per_village: int,
    seed: int,
    progress: Progress | None = None,
    duplicates_per_village: int = 3,
    extensions: bool = True,
    codes: list[str] | None = None,
) -> GenerateResult:
    """Create the first `villages` demo villages that do not exist yet, with their people.

    A village that already exists is left alone, so running the demo again (or with more
    villages) only adds what is missing. `extensions=False` leaves out the modules' demo data
    (see `demo_extensions`): the registry alone.
    """
    import time

    started = time.perf_counter()
    # `codes`: the bench's own list (its synthetic villages beyond the region list, the import
    # village left out); otherwise the first `villages` of the regency.
    codes_wanted = list(codes) if codes is not None else demo_village_codes(villages)
    villages = len(codes_wanted)
    sizes = village_sizes(count=villages, per_village=residents_per_village, seed=seed)
    existing = set(Village.objects.filter(code__in=codes_wanted).values_list("code", flat=True))
    names = NamePools(seed)
    numbers = NumberBook()
    today = timezone.localdate()
    result = GenerateResult()
    crest = demo_crest_png()
    for n, (code, size) in enumerate(zip(codes_wanted, sizes, strict=True), start=1):
        if code in existing:
            result.villages_skipped.append(code)
            continue
        rnd = random.Random(f"{seed}:{code}")
        plan = VillagePlanner(code=code, rnd=rnd, names=names, numbers=numbers, today=today).plan(
            size=size, duplicates=duplicates_per_village
        )
        with transaction.atomic():
            village = create_demo_village(
                code=code,
                address=f"Jl. Raya {village_name(code)} No. {rnd.randint(1, 99)}",
                postal_code=f"512{rnd.randint(10, 99)}",
            )
            # Through the profile service, as an operator uploading the regency's lambang would.
            village = village_profile_update(
                actor=None,
                village=village,
                data={},
                logo=SimpleUploadedFile("lambang.png", crest, content_type="image/png"),
            )
            counts = write_village(village=village, plan=plan)
            officials = write_officials(village=village, rnd=rnd, today=today)
            if officials:
                Village.objects.filter(pk=village.pk).update(head_name=officials[0].name)
            extended = {
                label: extend(village=village, rnd=random.Random(f"{seed}:{code}:{label}"), today=today)
                for label, extend in (demo_extensions() if extensions else [])
            }
            audit_record(
                actor=None,
                village=village,
                action="demo.generated",
                object_type="village",
                object_id=village.code,
                changes={
                    "seed": seed,
                    "residents": counts.residents,
                    "families": counts.families,
                    "households": counts.households,
                    "rts": counts.rts,
                    "planted_duplicates": counts.duplicates,
                    "officials": len(officials),
                    **{label: n for label, n in extended.items() if n},
                },
            )
        result.villages_created.append(code)
        result.residents += counts.residents
        result.alive += counts.alive
        result.families += counts.families
        if progress is not None:
            progress(n, len(codes_wanted), village.name, counts.residents)
    result.seconds = time.perf_counter() - started
    return result


def populate_village(*, village: Village, records: int, seed: int) -> WriteCounts:
    """Put exactly `records` synthetic people (a few dead or moved) in an existing, empty
    village; the caller audits. `balai bench` exports them as its import file."""
    planner = VillagePlanner(
        code=village.code,
        rnd=random.Random(f"{seed}:{village.code}:populate"),
        names=NamePools(seed),
        numbers=NumberBook(),
        today=timezone.localdate(),
    )
    plan = planner.plan(size=records, duplicates=0, exact_records=True)
    with transaction.atomic():
        return write_village(village=village, plan=plan)


# --- Accounts --------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return "-".join(name.lower().split())


def account_plan(villages: Iterable[Village]) -> list[tuple[str, str, Village | None, str]]:
    """(username, role, village, district code) of every demo account."""
    plan: list[tuple[str, str, Village | None, str]] = []
    for village in villages:
        for prefix, role in VILLAGE_ACCOUNTS:
            plan.append((f"{prefix}.{_slug(village.name)}", role, village, ""))
    district_name = region_names().get(CAMAT_DISTRICT, CAMAT_DISTRICT)
    plan.append((f"camat.{_slug(district_name)}", Role.CAMAT, None, CAMAT_DISTRICT))
    plan.append(("dispermades", Role.DISPERMADES, None, ""))
    return plan


def _demo_rt_head(village: Village) -> Resident | None:
    """A living adult head of family in the village's first RT (without a ketua yet)."""
    from balai.letters.models import RtHead

    taken = RtHead.objects.filter(village=village, ended_at__isnull=True).values("rt_id")
    return (
        Resident.objects.filter(
            village=village,
            status=codes.STATUS_ALIVE,
            family_relation=1,
            rt__isnull=False,
            birth_date__lte=timezone.localdate() - dt.timedelta(days=30 * 365),
        )
        .exclude(rt_id__in=taken)
        .select_related("rt")
        .order_by("rt__dusun__name", "rt__rw", "rt__rt", "pk")
        .first()
    )


def role_in_area(label: str, area: str) -> str:
    """A role in its area without the kind of area twice: "Dispermades kabupaten" of "Kabupaten
    Batang" reads "Dispermades Kabupaten Batang"; "Kecamatan" of "Wonotunggal" is unchanged."""
    words = label.split()
    if words and area.split()[:1] and words[-1].lower() == area.split()[0].lower():
        words = words[:-1]
    return " ".join([*words, area]).strip()


def ensure_accounts(*, password: str = DEMO_PASSWORD) -> list[Login]:
    """Demo accounts for each pilot village present, the Wonotunggal camat and Dispermades.

    Existing usernames are left as they are (their password may have been changed).
    """
    from balai.accounts import two_factor
    from balai.accounts.services import user_create

    pilots = {v.code: v for v in Village.objects.filter(code__in=PILOT_CODES)}
    villages = [pilots[c] for c in PILOT_CODES if c in pilots]
    officials = {
        (o.village_id, o.order): o for o in Official.objects.filter(village__in=villages, order__in=[1, 2, 4])
    }
    official_for: dict[str, int] = {Role.KADES: 1, Role.SEKDES: 2, Role.BENDAHARA: 4}
    logins: list[Login] = []
    for username, role, village, district in account_plan(villages):
        area = (
            village.name if village else region_names().get(district, "") if district else "Kabupaten Batang"
        )
        login = Login(username=username, role=role, area=area)
        if not User.objects.filter(username=username).exists():
            official = (
                officials.get((village.pk, official_for[role])) if village and role in official_for else None
            )
            full_name = official.name if official else f"Demo {role_in_area(str(Role(role).label), area)}"
            head_of_rt = _demo_rt_head(village) if role == Role.KETUA_RT and village else None
            if head_of_rt is not None:
                full_name = head_of_rt.name
            user, _generated = user_create(
                actor=None,
                username=username,
                full_name=full_name,
                role=role,
                village=village,
                district_code=district,
                password=password,
            )
            if official is not None:
                Official.objects.filter(pk=official.pk).update(user=user)
            if head_of_rt is not None and head_of_rt.rt is not None and village is not None:
                from balai.letters.models import RtHead

                RtHead.objects.create(village=village, user=user, rt=head_of_rt.rt, resident=head_of_rt)
                Rt.objects.filter(pk=head_of_rt.rt.pk).update(head_name=head_of_rt.name[:120])
            # The demo password is published: no forced change, so every tester can use it.
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            login.created = True
        user = User.objects.get(username=username)
        if two_factor.required_for(user) and not two_factor.enrolled(user):
            two_factor.demo_enrol(user=user, secret=DEMO_TOTP_SECRET)
        login.two_factor = two_factor.enrolled(user)
        logins.append(login)
    return logins


def reset_database() -> str:
    """Delete the SQLite database file (and its WAL); return its path."""
    from pathlib import Path

    from django.db import connections

    name = str(connection.settings_dict["NAME"])
    connections.close_all()
    for suffix in ("", "-wal", "-shm"):
        Path(name + suffix).unlink(missing_ok=True)
    return name


def residents_count() -> int:
    return Resident.objects.filter(status=codes.STATUS_ALIVE).count()
