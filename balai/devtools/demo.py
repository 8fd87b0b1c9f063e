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

import contextlib
import datetime as dt
import importlib.util
import multiprocessing
import random
import sys
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from rapidfuzz import fuzz

from balai.accounts.models import Role, User
from balai.audit.services import audit_record
from balai.core.crest import demo_crest_png
from balai.core.db.bulk import copy_data, copy_field, copy_text, insert_rows
from balai.core.ids import public_ids
from balai.core.services import model_update
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
    return list(_districts_of(deployment_regency_code()))


@lru_cache(maxsize=4)
def _districts_of(regency: str) -> tuple[str, ...]:
    # Once per regency: a walk of the whole region list (~90,000 codes) took 0.15 s, and the
    # bench asked for it twice for each of its ~950 synthetic villages.
    return tuple(sorted(c for c in region_names() if c.startswith(regency + ".") and c.count(".") == 2))


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
            words = [_choice(rnd, first)]
        elif roll < 0.80:
            words = [_choice(rnd, first), _choice(rnd, last)]
        else:
            words = [_choice(rnd, first), _choice(rnd, first), _choice(rnd, last)]
        if rnd.random() < 0.10:
            words.insert(
                0, _choice(rnd, ["MUHAMMAD", "MOH.", "AHMAD"] if sex == 1 else ["SITI", "NUR", "SRI"])
            )
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


class _Weighted:
    """Values with their cumulative weights, summed once: `draw` returns exactly what
    `rnd.choices(values, weights)[0]` would (one `rnd.random()`, the same bisection), without
    summing the weights again at each of the ~15 draws per resident of a 5,000,000 build."""

    __slots__ = ("cum", "hi", "total", "values")

    def __init__(self, values: Sequence[Any], weights: Sequence[float]) -> None:
        self.values = values
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] + 0.0
        self.hi = len(values) - 1

    def draw(self, rnd: random.Random) -> Any:
        return self.values[bisect(self.cum, rnd.random() * self.total, 0, self.hi)]


_WEIGHTED: dict[int, _Weighted] = {}


def _pick(rnd: random.Random, table: tuple[Sequence[int], Sequence[float]]) -> int:
    weighted = _WEIGHTED.get(id(table))
    if weighted is None:
        weighted = _WEIGHTED[id(table)] = _Weighted(*table)
    value: int = weighted.draw(rnd)
    return value


def _randint(rnd: random.Random, low: int, high: int) -> int:
    """`rnd.randint(low, high)`, the same draw without randint's and randrange's checks."""
    return low + rnd._randbelow(high - low + 1)  # type: ignore[attr-defined]


def _choice(rnd: random.Random, seq: Sequence[Any]) -> Any:
    """`rnd.choice(seq)`, the same draw (a non-empty sequence) without its checks."""
    return seq[rnd._randbelow(len(seq))]  # type: ignore[attr-defined]


_FAMILY_SIZES = _Weighted(FAMILY_SIZES, FAMILY_SIZE_WEIGHTS)


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
            "birth_place": "BATANG" if rnd.random() < 0.8 else _choice(rnd, BIRTH_PLACES),
            "blood_type": _pick(rnd, BLOOD_TYPES),
            "disability": 7 if rnd.random() < 0.985 else _randint(rnd, 1, 6),
            "ethnicity": "JAWA" if rnd.random() < 0.97 else _choice(rnd, ["SUNDA", "MELAYU", "TIONGHOA"]),
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
            p["occupation"] = 3 if in_school else _choice(rnd, [1, 19, 20])
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
            p["birth_certificate_no"] = f"3325-LT-{p['birth_date']:%d%m%Y}-{_randint(rnd, 1, 9999):04d}"

    def _identity_cards(self, p: dict[str, Any]) -> None:
        # e-KTP from 17 (or on marrying); children get a KIA, and are "belum wajib" to record.
        rnd = self.rnd
        if p["age"] >= 17 or p["marital_status"] != 1:
            status = _pick(rnd, KTP_ADULT) if p["age"] >= 19 else _choice(rnd, [2, 3, 8])
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
            youngest = _randint(rnd, 12, 22)
        ages = [youngest]
        for _ in range(count - 1):
            older = ages[-1] + _randint(rnd, 1, 5)
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
                        sex=_choice(rnd, [1, 2]),
                        age=_randint(rnd, 20, 40),
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
                p(
                    sex=_choice(rnd, [1, 2]),
                    age=_randint(rnd, 28, 60),
                    relation=1,
                    marital=3,
                    religion=religion,
                )
            ]
        if rnd.random() < 0.09:  # one parent with children
            sex = 2 if rnd.random() < 0.75 else 1
            age = _randint(rnd, 30, 68)
            head = p(sex=sex, age=age, relation=1, marital=_choice(rnd, [3, 4]), religion=religion)
            kids = [
                p(sex=_choice(rnd, [1, 2]), age=a, relation=4, marital=1, religion=religion)
                for a in self._children(size - 1, age if sex == 2 else age - _randint(rnd, 0, 6))
            ]
            self._link_children(kids, father=head if sex == 1 else None, mother=head if sex == 2 else None)
            return [head, *kids]
        slots = size - 2
        elder = slots >= 1 and rnd.random() < 0.12
        kids_count = slots - elder
        if kids_count == 0:
            wife_age = _randint(rnd, 19, 30) if rnd.random() < 0.3 else int(rnd.triangular(45, 85, 58))
        else:
            wife_age = max(19 + kids_count, int(rnd.triangular(20, 64, 34)))
        head_age = max(20, wife_age + _randint(rnd, -2, 7))
        head = p(sex=1, age=head_age, relation=1, marital=2, religion=religion)
        wife = p(sex=2, age=wife_age, relation=3, marital=2, religion=religion)
        married = wife["birth_date"] + dt.timedelta(days=int(rnd.uniform(18, 25) * 365))
        kids = [
            p(sex=_choice(rnd, [1, 2]), age=a, relation=4, marital=1, religion=religion)
            for a in (self._children(kids_count, wife_age) if kids_count else [])
        ]
        if kids:
            married = min(married, kids[0]["birth_date"] - dt.timedelta(days=_randint(rnd, 300, 700)))
        married = min(married, self.today - dt.timedelta(days=_randint(rnd, 30, 400)))
        for spouse in (head, wife):
            spouse["marriage_date"] = max(married, spouse["birth_date"] + dt.timedelta(days=17 * 366))
            if rnd.random() < 0.6:
                spouse["marriage_certificate_no"] = (
                    f"{_randint(rnd, 1, 999):03d}/{_randint(rnd, 1, 99):02d}/{married:%m/%Y}"
                )
        self._link_children(kids, father=head, mother=wife)
        family = [head, wife, *kids]
        if elder:
            of_head = rnd.random() < 0.6
            child = head if of_head else wife
            sex = 2 if rnd.random() < 0.7 else 1
            parent = p(
                sex=sex,
                age=min(95, child["age"] + _randint(rnd, 20, 34)),
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
        dusun_count = _randint(rnd, 2, 5)
        dusuns = ["KRAJAN", *rnd.sample(DUSUN_NAMES, dusun_count - 1)]
        units: list[UnitPlan] = []
        rw_no = 0
        for dusun in dusuns:
            for _rw in range(_randint(rnd, 1, 3)):
                rw_no += 1
                units.extend(
                    UnitPlan(dusun, f"{rw_no:03d}", f"{rt:03d}") for rt in range(1, _randint(rnd, 2, 5) + 1)
                )
        unit_draw = _Weighted(range(len(units)), [rnd.uniform(0.5, 1.5) for _ in units])
        streets = rnd.sample(self.names.streets, min(12, len(self.names.streets)))

        families: list[FamilyPlan] = []
        events: list[tuple[int, int, int, dt.date, dict[str, Any]]] = []
        alive = 0
        while alive < size:
            religion = _pick(rnd, RELIGIONS)
            size_drawn = _FAMILY_SIZES.draw(rnd)
            members = self._family(min(size_drawn, size - alive), religion)
            f_index = len(families)
            for j, m in enumerate(members):
                self._women_health(m)
                if m["family_relation"] in (1, 2, 3, 7, 8):
                    self._parents(m)
                if m["family_relation"] in (7, 8) and rnd.random() < 0.12:
                    died = self.today - dt.timedelta(days=_randint(rnd, 10, 1000))
                    m["status"] = codes.STATUS_DEAD
                    events.append((f_index, j, LifeEvent.Kind.DEATH, died, {"place": "RUMAH"}))
                elif m["family_relation"] == 4 and 19 <= m["age"] <= 35 and rnd.random() < 0.06:
                    left = self.today - dt.timedelta(days=_randint(rnd, 10, 700))
                    m["status"] = codes.STATUS_MOVED
                    events.append(
                        (
                            f_index,
                            j,
                            LifeEvent.Kind.MOVE_OUT,
                            left,
                            {"destination": _choice(rnd, MOVE_DESTINATIONS)},
                        )
                    )
                elif m["age"] == 0:
                    events.append((f_index, j, LifeEvent.Kind.BIRTH, m["birth_date"], {}))
            alive += len(members) if exact_records else sum(1 for m in members if m.get("status", 1) == 1)
            youngest = max(m["birth_date"] for m in members)
            start = max(youngest, dt.date(2008, 1, 1))
            issued = start + dt.timedelta(days=_randint(rnd, 0, max(0, (self.today - start).days)))
            unit = unit_draw.draw(rnd)
            families.append(
                FamilyPlan(
                    kk_number=self.numbers.kk(self.region6, issued),
                    issued_on=issued,
                    address=f"{_street(_choice(rnd, streets))} NO. {_randint(rnd, 1, 120)}",
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
        heads = {d: _choice(rnd, adults)["name"] for d in dusuns} if adults else {}
        for unit_plan in units:
            unit_plan.head_name = _choice(rnd, adults)["name"] if adults else ""
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
            host = _choice(rnd, [h for h in hosts if h != i] or [i])
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

# The tables whose ids the demo gives out itself (`IdBook`).
_ID_MODELS: tuple[type[models.Model], ...] = (Dusun, Rt, Family, Household, Resident)


class IdBook:
    """The next id of each table in `_ID_MODELS`, given out here rather than by the database: a
    village's rows refer to one another (a resident to its family, a family to its head) without
    reading back the ids the database chose, so a whole village can be made ready away from the
    database (`village_rows`, in the bench another process) and stored in one pass.

    Nothing else may insert into these tables while a book is in use; `store_village_rows`
    moves each table's id sequence past the ids given out."""

    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    @classmethod
    def from_database(cls) -> IdBook:
        start = {}
        with connection.cursor() as cursor:
            for model in _ID_MODELS:
                table = model._meta.db_table
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}")
                found = [int(cursor.fetchone()[0])]
                if connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT COALESCE(last_value + 1, start_value) FROM pg_sequences"
                        " WHERE schemaname = current_schema()"
                        " AND sequencename = split_part(pg_get_serial_sequence(%s, 'id'), '.', 2)",
                        [table],
                    )
                    row = cursor.fetchone()
                    found.append(int(row[0]) if row and row[0] is not None else 1)
                elif connection.vendor == "sqlite":
                    cursor.execute("SELECT seq + 1 FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                    found.append(int(row[0]) if row else 1)
                start[table] = max(found)
        return cls(start)

    def take(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive ids of `model`'s table."""
        table = model._meta.db_table
        first = self.next[table]
        self.next[table] = first + count
        return first


@dataclass
class TableRows:
    """A village's rows of one table: `columns` start with village_id, which the rows leave
    out (the village may not exist yet); `tail` holds the values every row ends with. `encode`
    turns the rows into COPY text (PostgreSQL), so the process that stores them only streams it."""

    table: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    tail: tuple[Any, ...] = ()
    text: str | None = None

    def encode(self) -> None:
        suffix = "".join("\t" + copy_field(v) for v in self.tail)
        self.text = copy_text(self.rows, suffix)
        self.rows = []

    def store(self, village_id: int) -> None:
        if self.text is not None:
            prefix = f"{village_id}\t"
            if self.text:
                copy_data(
                    self.table, self.columns, prefix + self.text[:-1].replace("\n", "\n" + prefix) + "\n"
                )
            return
        insert_rows(self.table, self.columns, [(village_id, *row, *self.tail) for row in self.rows])


@dataclass
class WriteCounts:
    residents: int  # records, the dead and moved included
    alive: int
    families: int
    households: int
    rts: int
    duplicates: int


@dataclass
class VillageRows:
    """A planned village as rows (`village_rows`), stored by `store_village_rows`."""

    tables: list[TableRows]
    counts: WriteCounts
    next_ids: dict[str, int]  # the IdBook after this village: each table's sequence goes past it
    # Living residents aged 30 to 58, in id order (at most 400): whom `write_officials` picks from.
    adults: list[tuple[int, str]]


def _columns(model: type[models.Model], attnames: Sequence[str]) -> list[str]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return ["village_id", *(fields[a].column for a in attnames)]


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
    "id",
    "public_id",
    "family_id",
    "household_id",
    "household_relation",
    "rt_id",
    "name_key",
    "insurance_type",
]
# The rest of the resident's columns: each the field's default.
_REST = [
    (f.attname, f.get_default())
    for f in Resident._meta.concrete_fields
    if f.attname not in {*_PERSON_KEYS, *_LINK_KEYS, "village_id", "created_at", "updated_at"}
]


def village_rows(
    *, plan: VillagePlan, code: str, ids: IdBook, today: dt.date, encode: bool = False
) -> VillageRows:
    """The rows of a planned village in every table, ids from `ids`; `encode`: as COPY text.
    Touches no database, so it may run in another process than the one that stores it."""
    now = timezone.now()
    ops = connection.ops
    now_db = ops.adapt_datetimefield_value(now)
    adapt_day = ops.adapt_datefield_value

    dusun_first = ids.take(Dusun, len(plan.dusuns))
    dusun_ids = {name: dusun_first + i for i, name in enumerate(plan.dusuns)}
    dusuns = TableRows(
        Dusun._meta.db_table,
        _columns(Dusun, ["id", "name", "head_name", "created_at", "updated_at"]),
        [(dusun_ids[name], name, plan.dusun_heads.get(name, "")) for name in plan.dusuns],
        (now_db, now_db),
    )
    rt_first = ids.take(Rt, len(plan.units))
    unit_rt = [rt_first + i for i in range(len(plan.units))]
    rts = TableRows(
        Rt._meta.db_table,
        _columns(Rt, ["id", "public_id", "dusun_id", "rw", "rt", "head_name", "created_at", "updated_at"]),
        [
            (unit_rt[i], pid, dusun_ids[u.dusun], u.rw, u.rt, u.head_name)
            for i, (pid, u) in enumerate(zip(public_ids(len(plan.units)), plan.units, strict=True))
        ],
        (now_db, now_db),
    )

    # Residents in family order: the k-th member of the village gets resident_first + k.
    resident_first = ids.take(Resident, plan.residents)
    member_ids: list[list[int]] = []
    k = resident_first
    for f in plan.families:
        member_ids.append(list(range(k, k + len(f.members))))
        k += len(f.members)
    family_first = ids.take(Family, len(plan.families))
    family_ids = [family_first + i for i in range(len(plan.families))]
    families = TableRows(
        Family._meta.db_table,
        _columns(
            Family,
            [
                *("id", "public_id", "kk_number", "head_id", "address", "rt_id", "issued_on", "is_active"),
                *("created_at", "updated_at"),
            ],
        ),
        [
            (
                fid,
                pid,
                f.kk_number,
                member_ids[i][0],
                f.address,
                unit_rt[f.unit],
                adapt_day(f.issued_on),
                True,
            )
            for i, (fid, pid, f) in enumerate(
                zip(family_ids, public_ids(len(plan.families)), plan.families, strict=True)
            )
        ],
        (now_db, now_db),
    )

    digits = code.replace(".", "")
    household_first = ids.take(Household, len(plan.households))
    # A household's head is the head of its first family; everyone else in it an ANGGOTA (2).
    household_heads = {member_ids[group[0]][0] for group in plan.households}
    households = TableRows(
        Household._meta.db_table,
        _columns(
            Household,
            ["id", "public_id", "number", "head_id", "rt_id", "address", "created_at", "updated_at"],
        ),
        [
            (
                household_first + i,
                pid,
                f"{digits}{i + 1:06d}",
                member_ids[group[0]][0],
                unit_rt[plan.families[group[0]].unit],
                plan.families[group[0]].address,
            )
            for i, (pid, group) in enumerate(
                zip(public_ids(len(plan.households)), plan.households, strict=True)
            )
        ],
        (now_db, now_db),
    )

    resident_public = public_ids(plan.residents)
    rows: list[tuple[Any, ...]] = []
    adults: list[tuple[int, str]] = []
    oldest = today - dt.timedelta(days=58 * 365)
    youngest = today - dt.timedelta(days=30 * 365)
    blank = _BLANK
    # One C-level pick of the planner's values per person; dates adapted only where the
    # driver wants them otherwise (SQLite's text), not for psycopg.
    person_of = itemgetter(*_PERSON_KEYS)
    date_positions = {i for i, key in enumerate(_PERSON_KEYS) if key in _DATE_KEYS}
    adapt_dates = adapt_day(today) is not today
    for fi, f in enumerate(plan.families):
        family_id = family_ids[fi]
        household_id = household_first + f.household if f.household is not None else None
        rt_id = unit_rt[f.unit]
        for resident_id, m in zip(member_ids[fi], f.members, strict=True):
            person = person_of({**blank, **m})
            if adapt_dates:
                person = tuple(adapt_day(v) if i in date_positions else v for i, v in enumerate(person))
            relation = None if household_id is None else 1 if resident_id in household_heads else 2
            rows.append(
                person
                + (
                    resident_id,
                    resident_public[resident_id - resident_first],
                    family_id,
                    household_id,
                    relation,
                    rt_id,
                    normalize_name(m["name"]),
                    f.insurance,
                )
            )
            if (
                len(adults) < 400
                and m.get("status", 1) == codes.STATUS_ALIVE
                and oldest < m["birth_date"] <= youngest
            ):
                adults.append((resident_id, m["name"]))
    residents = TableRows(
        Resident._meta.db_table,
        _columns(Resident, [*_PERSON_KEYS, *_LINK_KEYS, "created_at", "updated_at", *(n for n, _d in _REST)]),
        rows,
        # The same in every row: encoded once (`TableRows.encode`).
        (now_db, now_db, *(d for _n, d in _REST)),
    )

    details = LifeEvent._meta.get_field("details")
    events = TableRows(
        LifeEvent._meta.db_table,
        _columns(
            LifeEvent,
            ["public_id", "resident_id", "family_id", "kind", "event_date", "details", "note", "recorded_at"],
        ),
        [
            (
                pid,
                member_ids[fi][mj],
                family_ids[fi],
                int(kind),
                adapt_day(when),
                details.get_db_prep_save(detail, connection),
                "",
            )
            for pid, (fi, mj, kind, when, detail) in zip(
                public_ids(len(plan.events)), plan.events, strict=True
            )
        ],
        (now_db,),
    )
    tables = [dusuns, rts, families, households, residents, events]
    if encode:
        for table in tables:
            table.encode()
    alive = sum(1 for f in plan.families for m in f.members if m.get("status", 1) == codes.STATUS_ALIVE)
    counts = WriteCounts(
        plan.residents, alive, len(plan.families), len(plan.households), len(plan.units), plan.duplicates
    )
    return VillageRows(tables, counts, dict(ids.next), adults)


def store_village_rows(*, village: Village, rows: VillageRows) -> WriteCounts:
    """Store a village's rows (`village_rows`); the caller holds the transaction. Foreign keys
    are checked at commit (Django declares them deferrable), so a family may name its head
    before the head's row is written."""
    for table in rows.tables:
        table.store(village.pk)
    if connection.vendor == "postgresql":
        # The ids were given out here: each table's sequence moves past them, so the next row
        # the application inserts gets a free one. One statement for the five tables.
        tables, values = zip(*((t, n - 1) for t, n in rows.next_ids.items() if n > 1), strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(t, 'id'), GREATEST(v, nextval(pg_get_serial_sequence(t, 'id'))))"
                " FROM unnest(%s::text[], %s::bigint[]) AS s(t, v)",
                [list(tables), list(values)],
            )
    return rows.counts


def write_village(*, village: Village, plan: VillagePlan) -> WriteCounts:
    """Store a planned village; the caller holds the transaction."""
    rows = village_rows(plan=plan, code=village.code, ids=IdBook.from_database(), today=timezone.localdate())
    return store_village_rows(village=village, rows=rows)


def _title(name: str) -> str:
    return " ".join(w.capitalize() for w in name.split())


@dataclass
class OfficialPicks:
    """Who the village's officials are (residents' id and name, in the order of the roles) and
    when the kepala desa's term started."""

    people: list[tuple[int, str]]
    term_start: dt.date


def pick_officials(*, adults: list[tuple[int, str]], rnd: random.Random) -> OfficialPicks:
    people = rnd.sample(adults, min(4, len(adults)))
    term_start = dt.date(_randint(rnd, 2019, 2023), _randint(rnd, 1, 12), 1)
    return OfficialPicks(people, term_start)


def write_officials(*, village: Village, picks: OfficialPicks) -> list[Official]:
    """Kepala desa (signs in own name), sekretaris (a.n.), a kasi (u.b.) and the bendahara."""
    lurah = village.is_kelurahan
    head = "Lurah" if lurah else "Kepala Desa"
    secretary = "Sekretaris Kelurahan" if lurah else "Sekretaris Desa"
    roles = [
        (head, True, Official.SignsAs.OWN, ""),
        (secretary, True, Official.SignsAs.AN, head),
        ("Kasi Pemerintahan", True, Official.SignsAs.UB, secretary),
        ("Bendahara" if lurah else "Kaur Keuangan (Bendahara)", False, Official.SignsAs.NONE, ""),
    ]
    term_start = picks.term_start
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
            zip(picks.people, roles, strict=False)
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


@dataclass
class PreparedVillage:
    """Everything about one village that needs no database: its profile, its rows and its
    officials, drawn from the village's own random stream in the order the demo always drew."""

    code: str
    address: str
    postal_code: str
    rows: VillageRows
    officials: OfficialPicks


@dataclass
class _Preparer:
    seed: int
    names: NamePools
    numbers: NumberBook
    today: dt.date
    duplicates: int
    encode: bool
    ids: IdBook | None = None  # None: read from the database for each village

    def __call__(self, code: str, size: int) -> PreparedVillage:
        rnd = random.Random(f"{self.seed}:{code}")
        plan = VillagePlanner(
            code=code, rnd=rnd, names=self.names, numbers=self.numbers, today=self.today
        ).plan(size=size, duplicates=self.duplicates)
        address = f"Jl. Raya {village_name(code)} No. {_randint(rnd, 1, 99)}"
        postal_code = f"512{_randint(rnd, 10, 99)}"
        ids = self.ids or IdBook.from_database()
        rows = village_rows(plan=plan, code=code, ids=ids, today=self.today, encode=self.encode)
        officials = pick_officials(adults=rows.adults, rnd=rnd)
        return PreparedVillage(code, address, postal_code, rows, officials)


def _prepare_all(prepare: _Preparer, todo: list[tuple[str, int]], send: Any) -> None:
    """The worker process: prepares the villages in order and sends each as it is ready (the
    pipe holds one, so it works at most a village ahead of the writer)."""
    try:
        for code, size in todo:
            send.send(("village", prepare(code, size)))
    except BaseException:
        import traceback

        send.send(("error", traceback.format_exc()))
    finally:
        send.close()


@contextlib.contextmanager
def _prepared_in_worker(
    prepare: _Preparer, todo: list[tuple[str, int]]
) -> Iterator[Iterator[PreparedVillage]]:
    """The villages prepared by a forked worker process while this one stores the previous
    one: on two cores, planning and encoding (Python) overlap the database's work. The worker
    touches no database (it inherits this process's connection and never uses it; a forked
    multiprocessing child leaves with os._exit, which closes nothing of it)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_prepare_all, args=(prepare, todo, send), daemon=True)
    worker.start()
    send.close()

    def villages() -> Iterator[PreparedVillage]:
        for _ in todo:
            try:
                kind, payload = receive.recv()
            except EOFError:
                raise RuntimeError(f"demo: proses penyiap desa berhenti (kode {worker.exitcode})") from None
            if kind == "error":
                raise RuntimeError(f"demo: proses penyiap desa gagal:\n{payload}")
            yield payload

    try:
        yield villages()
    finally:
        receive.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


class _Lambang:
    """The regency's lambang as every demo village's logo. The first village of a run gets it
    through the profile service, as an operator uploading it would (checked, re-encoded,
    audited); the others get a copy of that re-encoded file, stored and audited the way the
    service stores and audits it: re-encoding the same PNG again (Pillow's optimize) took
    0.1 s a village, two minutes of the bench's 1,200."""

    def __init__(self, crest: bytes) -> None:
        self.crest = crest
        self.encoded: bytes | None = None
        self.extension = ""

    def give(self, village: Village) -> Village:
        if self.encoded is None:
            village = village_profile_update(
                actor=None,
                village=village,
                data={},
                logo=SimpleUploadedFile("lambang.png", self.crest, content_type="image/png"),
            )
            with village.logo.open("rb") as stored:
                self.encoded = stored.read()
            self.extension = village.logo.name.rsplit(".", 1)[-1]
            return village
        field = village.logo.field
        name = field.storage.save(
            field.generate_filename(village, f"{village.code_digits}.{self.extension}"),
            ContentFile(self.encoded),
            max_length=field.max_length,
        )
        changes = model_update(instance=village, fields=["logo"], data={"logo": name})
        audit_record(
            actor=None,
            village=village,
            action="village.profile_updated",
            object_type="village",
            object_id=village.code,
            changes=changes.for_audit(),
        )
        return village


def _region6(code: str) -> str:
    return nik_region6(code, real_district_codes() if is_synthetic(code) else [])


def generate(
    *,
    villages: int,
    residents_per_village: int,
    seed: int,
    progress: Progress | None = None,
    duplicates_per_village: int = 3,
    extensions: bool = True,
    codes: list[str] | None = None,
    parallel: bool = False,
) -> GenerateResult:
    """Create the first `villages` demo villages that do not exist yet, with their people.

    A village that already exists is left alone, so running the demo again (or with more
    villages) only adds what is missing. `extensions=False` leaves out the modules' demo data
    (see `demo_extensions`): the registry alone. `parallel` (the bench, with extensions off):
    villages are planned and encoded in a worker process while this one stores the previous
    one (`IdBook`: nothing else may write the registry's tables meanwhile).
    """
    import time

    started = time.perf_counter()
    # `codes`: the bench's own list (its synthetic villages beyond the region list, the import
    # village left out); otherwise the first `villages` of the regency.
    codes_wanted = list(codes) if codes is not None else demo_village_codes(villages)
    villages = len(codes_wanted)
    sizes = village_sizes(count=villages, per_village=residents_per_village, seed=seed)
    existing = set(Village.objects.filter(code__in=codes_wanted).values_list("code", flat=True))
    result = GenerateResult(villages_skipped=[c for c in codes_wanted if c in existing])
    todo = [(code, size) for code, size in zip(codes_wanted, sizes, strict=True) if code not in existing]
    if not todo:
        result.seconds = time.perf_counter() - started
        return result
    numbers = NumberBook()
    # Every district's numbers are read now, before the villages are planned (perhaps in
    # another process, and while the bench has dropped the NIK index).
    for code in dict.fromkeys(_region6(code) for code, _size in todo):
        numbers.load(code)
    today = timezone.localdate()
    lambang = _Lambang(demo_crest_png())
    prepare = _Preparer(
        seed=seed,
        names=NamePools(seed),
        numbers=numbers,
        today=today,
        duplicates=duplicates_per_village,
        encode=connection.vendor == "postgresql",
        ids=IdBook.from_database() if parallel else None,
    )
    extenders = demo_extensions() if extensions else []
    position = {code: n for n, code in enumerate(codes_wanted, start=1)}
    with contextlib.ExitStack() as stack:
        if parallel:
            prepared: Iterable[PreparedVillage] = stack.enter_context(_prepared_in_worker(prepare, todo))
        else:
            prepared = (prepare(code, size) for code, size in todo)
        for ready in prepared:
            code = ready.code
            with transaction.atomic():
                village = create_demo_village(code=code, address=ready.address, postal_code=ready.postal_code)
                village = lambang.give(village)
                counts = store_village_rows(village=village, rows=ready.rows)
                officials = write_officials(village=village, picks=ready.officials)
                if officials:
                    Village.objects.filter(pk=village.pk).update(head_name=officials[0].name)
                extended = {
                    label: extend(village=village, rnd=random.Random(f"{seed}:{code}:{label}"), today=today)
                    for label, extend in extenders
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
                progress(position[code], len(codes_wanted), village.name, counts.residents)
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
