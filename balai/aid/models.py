"""Bantuan sosial: programmes, welfare data, targeting, decision, recipients, distribution.

Every table carries `village` (the partitioning key) and a `public_id` used in URLs. Money is
whole rupiah in integer columns. Double enrolment is impossible in the database: one
recipient row per programme, period and family / household / person (see Recipient.Meta).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel

# --- 1. Programmes ---------------------------------------------------------------------------


class Programme(PublicIdModel, VillageScopedModel, BaseModel):
    class Source(models.TextChoices):
        CENTRAL = "pusat", _("Pemerintah pusat")
        PROVINCE = "provinsi", _("Provinsi")
        REGENCY = "kabupaten", _("Kabupaten/kota")
        DANA_DESA = "dana_desa", _("Dana Desa")
        OTHER = "lainnya", _("Lainnya")

    class TargetUnit(models.TextChoices):
        PERSON = "person", _("Perorangan")
        FAMILY = "family", _("Keluarga (KK)")
        HOUSEHOLD = "household", _("Rumah tangga")
        GROUP = "group", _("Kelompok")

    class BenefitKind(models.TextChoices):
        CASH = "cash", _("Uang tunai")
        IN_KIND = "in_kind", _("Barang")
        BOTH = "both", _("Uang dan barang")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("per bulan")
        QUARTERLY = "quarterly", _("per triwulan")
        SEMESTER = "semester", _("per semester")
        YEARLY = "yearly", _("per tahun")
        ONCE = "once", _("sekali")

    class Privacy(models.TextChoices):
        # Default: the recipient list is never public.
        PRIVATE = "private", _("Tidak publik")
        COUNTS = "counts", _("Publik: jumlah penerima saja")
        MASKED = "masked", _("Publik: jumlah dan nama tersamar")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Konsep")
        ACTIVE = "active", _("Berjalan")
        CLOSED = "closed", _("Selesai")

    name = models.CharField(_("nama program"), max_length=150)
    code = models.SlugField(_("kode"), max_length=40, help_text=_("Kode singkat, mis. blt-dd, pkh, bpnt."))
    source = models.CharField(_("sumber"), max_length=16, choices=Source.choices)
    target_unit = models.CharField(
        _("sasaran"), max_length=16, choices=TargetUnit.choices, default=TargetUnit.FAMILY
    )
    # The period a recipient list is decided for (e.g. "2026"); part of the double-enrolment key.
    period = models.CharField(_("periode"), max_length=20)
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    benefit_kind = models.CharField(
        _("jenis manfaat"), max_length=16, choices=BenefitKind.choices, default=BenefitKind.CASH
    )
    benefit_amount = models.PositiveBigIntegerField(_("nilai tunai (Rp)"), default=0)
    benefit_frequency = models.CharField(
        _("frekuensi"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    benefit_in_kind = models.CharField(_("manfaat barang"), max_length=255, blank=True)
    quota = models.PositiveIntegerField(_("kuota"), null=True, blank=True)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    privacy = models.CharField(
        _("keterbukaan daftar penerima"), max_length=16, choices=Privacy.choices, default=Privacy.PRIVATE
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Central programmes arrive as imported lists; local ones go through targeting and decree.
    uses_targeting = models.BooleanField(_("penetapan lewat penjaringan desa"), default=True)
    description = models.TextField(_("keterangan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "-period_start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["village", "code", "period"], name="aid_programme_code_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="aid_programme_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})"


# --- 2. Welfare data -------------------------------------------------------------------------


class WelfareSurvey(PublicIdModel, VillageScopedModel, BaseModel):
    """One household welfare survey visit. History is kept: a new survey never overwrites the
    previous one; `is_latest` marks the current row per household (or per family when the
    family has no household) so targeting reads one row per unit."""

    class Ownership(models.IntegerChoices):
        OWN = 1, _("Milik sendiri")
        RENT = 2, _("Sewa/kontrak")
        FREE = 3, _("Bebas sewa/menumpang")
        OFFICIAL = 4, _("Dinas")
        OTHER = 5, _("Lainnya")

    class Floor(models.IntegerChoices):
        CERAMIC = 1, _("Keramik/marmer/granit")
        TILE = 2, _("Ubin/tegel/teraso")
        CEMENT = 3, _("Semen/bata merah")
        WOOD = 4, _("Kayu/papan")
        BAMBOO = 5, _("Bambu")
        EARTH = 6, _("Tanah")
        OTHER = 7, _("Lainnya")

    class Wall(models.IntegerChoices):
        BRICK = 1, _("Tembok")
        PLASTER_BAMBOO = 2, _("Plesteran anyaman bambu/kawat")
        WOOD = 3, _("Kayu/papan")
        BAMBOO = 4, _("Anyaman bambu")
        LOG = 5, _("Batang kayu")
        OTHER = 6, _("Lainnya")

    class Roof(models.IntegerChoices):
        CONCRETE = 1, _("Beton")
        CLAY_TILE = 2, _("Genteng")
        ASBESTOS = 3, _("Asbes/seng")
        WOOD = 4, _("Kayu/sirap")
        BAMBOO = 5, _("Bambu")
        THATCH = 6, _("Jerami/ijuk/daun/rumbia")
        OTHER = 7, _("Lainnya")

    class Water(models.IntegerChoices):
        PIPED = 1, _("Ledeng/PAM")
        BOTTLED = 2, _("Air kemasan/isi ulang")
        PROTECTED_WELL = 3, _("Sumur bor/terlindung")
        UNPROTECTED_WELL = 4, _("Sumur tak terlindung")
        SPRING = 5, _("Mata air")
        RIVER = 6, _("Sungai/danau/hujan")
        OTHER = 7, _("Lainnya")

    class Sanitation(models.IntegerChoices):
        OWN = 1, _("Jamban sendiri")
        SHARED = 2, _("Jamban bersama")
        PUBLIC = 3, _("Jamban umum")
        NONE = 4, _("Tidak ada")

    class Energy(models.IntegerChoices):
        PLN_METERED = 1, _("Listrik PLN dengan meteran")
        PLN_SHARED = 2, _("Listrik PLN tanpa meteran/menumpang")
        NON_PLN = 3, _("Listrik non-PLN")
        NONE = 4, _("Bukan listrik")

    class CookingFuel(models.IntegerChoices):
        ELECTRIC = 1, _("Listrik")
        LPG_LARGE = 2, _("Elpiji 5,5 kg atau lebih/gas kota")
        LPG_3KG = 3, _("Elpiji 3 kg")
        KEROSENE = 4, _("Minyak tanah")
        WOOD = 5, _("Kayu bakar/arang")
        NONE = 6, _("Tidak memasak")

    class Income(models.TextChoices):
        FARMING = "farming", _("Pertanian/perkebunan")
        FISHING = "fishing", _("Perikanan")
        LIVESTOCK = "livestock", _("Peternakan")
        TRADE = "trade", _("Perdagangan")
        LABOUR = "labour", _("Buruh harian")
        SALARY = "salary", _("Gaji tetap")
        REMITTANCE = "remittance", _("Kiriman keluarga")
        PENSION = "pension", _("Pensiun")
        AID = "aid", _("Bantuan")
        NONE = "none", _("Tidak ada")

    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    family = models.ForeignKey(
        "people.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    surveyed_on = models.DateField(_("tanggal pendataan"))
    enumerator_name = models.CharField(_("pendata"), max_length=100)
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_latest = models.BooleanField(default=True, editable=False)

    # House
    ownership = models.PositiveSmallIntegerField(_("status kepemilikan rumah"), choices=Ownership.choices)
    floor_area_m2 = models.PositiveIntegerField(_("luas lantai (m²)"))
    floor = models.PositiveSmallIntegerField(_("jenis lantai"), choices=Floor.choices)
    wall = models.PositiveSmallIntegerField(_("jenis dinding"), choices=Wall.choices)
    roof = models.PositiveSmallIntegerField(_("jenis atap"), choices=Roof.choices)
    water = models.PositiveSmallIntegerField(_("sumber air minum"), choices=Water.choices)
    sanitation = models.PositiveSmallIntegerField(_("fasilitas BAB"), choices=Sanitation.choices)
    energy = models.PositiveSmallIntegerField(_("sumber penerangan"), choices=Energy.choices)
    cooking_fuel = models.PositiveSmallIntegerField(_("bahan bakar memasak"), choices=CookingFuel.choices)
    electricity_va = models.PositiveIntegerField(_("daya listrik (VA)"), null=True, blank=True)
    # Assets
    has_motorcycle = models.BooleanField(_("punya sepeda motor"), default=False)
    has_car = models.BooleanField(_("punya mobil"), default=False)
    has_refrigerator = models.BooleanField(_("punya kulkas"), default=False)
    has_gold_savings = models.BooleanField(_("punya emas/tabungan ≥ Rp500.000"), default=False)
    land_m2 = models.PositiveIntegerField(_("luas lahan dimiliki (m²)"), default=0)
    livestock_units = models.PositiveSmallIntegerField(_("jumlah ternak besar"), default=0)
    # Income
    income_sources = models.JSONField(_("sumber penghasilan"), default=list, blank=True)
    monthly_income = models.PositiveBigIntegerField(_("penghasilan per bulan (Rp)"), null=True, blank=True)
    # Vulnerability
    has_disabled_member = models.BooleanField(_("ada anggota penyandang disabilitas"), default=False)
    has_chronic_illness = models.BooleanField(_("ada anggota sakit kronis/menahun"), default=False)
    elderly_alone = models.BooleanField(_("lansia tinggal sendiri"), default=False)
    female_head = models.BooleanField(_("kepala keluarga perempuan"), default=False)
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["village_id", "-surveyed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(family__isnull=False), name="aid_survey_has_unit"
            ),
            # One current survey per unit; history rows have is_latest = False.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_latest=True, household__isnull=False),
                name="aid_survey_latest_household",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(is_latest=True, household__isnull=True),
                name="aid_survey_latest_family",
            ),
        ]
        indexes = [models.Index(fields=["village", "is_latest"], name="aid_survey_village_latest")]


class OfficialDecile(PublicIdModel, VillageScopedModel, BaseModel):
    """DTSEN desil (1–10) exactly as received from the national data (BPS / Dinsos), never
    computed by Balai. One row per receipt; `is_latest` marks the current one per family."""

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    decile = models.PositiveSmallIntegerField(_("desil"))
    received_on = models.DateField(_("tanggal diterima"))
    reference_period = models.CharField(_("periode data"), max_length=30, blank=True)
    source = models.CharField(_("sumber data"), max_length=150)
    is_latest = models.BooleanField(default=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(decile__gte=1, decile__lte=10), name="aid_decile_range"),
            models.UniqueConstraint(fields=["family"], condition=Q(is_latest=True), name="aid_decile_latest"),
        ]
        indexes = [models.Index(fields=["village", "is_latest"], name="aid_decile_village_latest")]


# --- 3. Targeting rules (in data) ------------------------------------------------------------


class Criterion(PublicIdModel, VillageScopedModel, BaseModel):
    """One rule of a programme: `field operator value` over a targeting field (see
    balai/aid/rules.py FIELDS). Eligibility rules must all pass; priority rules put passing
    candidates in an earlier tier; score indicators add their weight when they pass."""

    class Kind(models.TextChoices):
        ELIGIBILITY = "eligibility", _("Syarat")
        PRIORITY = "priority", _("Prioritas")
        SCORE = "score", _("Indikator skor")

    class Operator(models.TextChoices):
        EQ = "eq", "="
        NE = "ne", "≠"
        LT = "lt", "<"
        LTE = "lte", "≤"
        GT = "gt", ">"
        GTE = "gte", "≥"
        IN = "in", _("salah satu dari")
        NOT_IN = "not_in", _("bukan salah satu dari")
        IS_TRUE = "true", _("ya")
        IS_FALSE = "false", _("tidak")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    field = models.CharField(_("data"), max_length=40)
    operator = models.CharField(_("operator"), max_length=8, choices=Operator.choices)
    value = models.JSONField(_("nilai"), null=True, blank=True)
    # Score indicators: weight 0–100 (a programme's weights sum to 100). Priority: tier 1, 2, …
    weight = models.PositiveSmallIntegerField(_("bobot"), default=0)
    tier = models.PositiveSmallIntegerField(_("tingkat prioritas"), default=0)
    label = models.CharField(_("keterangan"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme_id", "kind", "position", "id"]
        indexes = [models.Index(fields=["village", "programme"], name="aid_criterion_programme")]


class ProgrammeExclusion(PublicIdModel, VillageScopedModel, BaseModel):
    """Cross-programme exclusion: a unit of `programme` may not also be in `excluded`
    (e.g. BLT Dana Desa excludes PKH recipients). Basis `eligible` excludes units that pass
    the other programme's rules, which is how circular rule sets can arise (refused)."""

    class Basis(models.TextChoices):
        RECIPIENT = "recipient", _("penerima aktif program itu")
        ELIGIBLE = "eligible", _("memenuhi syarat program itu")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exclusions")
    excluded = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="excluded_by")
    basis = models.CharField(max_length=16, choices=Basis.choices, default=Basis.RECIPIENT)
    reason = models.CharField(_("alasan"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "excluded"], name="aid_exclusion_unique"),
            models.CheckConstraint(
                condition=~Q(programme=models.F("excluded")), name="aid_exclusion_not_self"
            ),
        ]


# --- 4. Decision -----------------------------------------------------------------------------


class Candidate(PublicIdModel, VillageScopedModel, BaseModel):
    """A unit on a programme's candidate list, with where it came from and why it ranks where it
    does (`explanation` is the evaluation snapshot: every rule passed/failed, score parts)."""

    class Source(models.TextChoices):
        RULES = "rules", _("Penjaringan data")
        RT_RW = "rt_rw", _("Usulan RT/RW")
        KIOSK = "kiosk", _("Usulan mandiri (anjungan)")
        IMPORT = "import", _("Impor daftar")
        OPERATOR = "operator", _("Usulan operator")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Diusulkan")
        LISTED = "listed", _("Calon")
        VERIFIED = "verified", _("Terverifikasi")
        NOT_VERIFIED = "not_verified", _("Tidak lolos verifikasi")
        APPROVED = "approved", _("Disetujui musdes")
        DECLINED = "declined", _("Ditolak musdes")
        DECREED = "decreed", _("Ditetapkan SK")
        WITHDRAWN = "withdrawn", _("Ditarik")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="candidates")
    period = models.CharField(max_length=20)
    family = models.ForeignKey(
        "people.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("asal usulan"), max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.LISTED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposer_name = models.CharField(_("pengusul"), max_length=100, blank=True)
    proposal_note = models.TextField(_("alasan usulan"), blank=True)
    eligible = models.BooleanField(default=False)
    excluded = models.BooleanField(default=False)
    tier = models.PositiveSmallIntegerField(default=0)
    score = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    deliberation_note = models.CharField(_("catatan musdes"), max_length=255, blank=True)

    class Meta:
        ordering = ["programme_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period", "family"],
                condition=Q(family__isnull=False, resident__isnull=True),
                name="aid_candidate_family_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "period", "resident"],
                condition=Q(resident__isnull=False),
                name="aid_candidate_person_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "period", "household"],
                condition=Q(household__isnull=False, family__isnull=True),
                name="aid_candidate_household_once",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "programme", "status"], name="aid_candidate_list"),
            models.Index(fields=["village", "family"], name="aid_candidate_family"),
        ]


class Verification(PublicIdModel, VillageScopedModel, BaseModel):
    """Field verification of one candidate (a candidate may be re-verified; history kept)."""

    class Result(models.TextChoices):
        VALID = "valid", _("Sesuai")
        INVALID = "invalid", _("Tidak sesuai")
        MOVED = "moved", _("Pindah/tidak ditemukan")
        DECEASED = "deceased", _("Meninggal")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="verifications")
    result = models.CharField(_("hasil"), max_length=16, choices=Result.choices)
    verified_on = models.DateField(_("tanggal verifikasi"))
    verifier_name = models.CharField(_("petugas verifikasi"), max_length=100)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["candidate_id", "-verified_on", "-id"]


class Deliberation(PublicIdModel, VillageScopedModel, BaseModel):
    """Musyawarah desa (or musdesus) deciding a programme's candidate list."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="deliberations")
    period = models.CharField(max_length=20)
    held_on = models.DateField(_("tanggal musyawarah"))
    place = models.CharField(_("tempat"), max_length=150)
    chair = models.CharField(_("pimpinan musyawarah"), max_length=100)
    minutes = models.TextField(_("berita acara/notulen"))
    minutes_file = models.FileField(_("berkas berita acara"), upload_to="aid/minutes/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "-held_on"]


class DeliberationAttendee(PublicIdModel, VillageScopedModel):
    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("nama"), max_length=100)
    position = models.CharField(_("unsur/jabatan"), max_length=100, blank=True)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["deliberation_id", "id"]


class Decree(PublicIdModel, VillageScopedModel, BaseModel):
    """Keputusan Kepala Desa (SK) setting a programme's recipients for a period."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="decrees")
    period = models.CharField(max_length=20)
    deliberation = models.ForeignKey(
        Deliberation, null=True, blank=True, on_delete=models.PROTECT, related_name="decrees"
    )
    number = models.CharField(_("nomor SK"), max_length=100)
    title = models.CharField(_("tentang"), max_length=255)
    decided_on = models.DateField(_("tanggal SK"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("berkas SK"), upload_to="aid/decrees/%Y/", blank=True)

    class Meta:
        ordering = ["village_id", "-decided_on"]
        constraints = [models.UniqueConstraint(fields=["village", "number"], name="aid_decree_number")]


class Recipient(PublicIdModel, VillageScopedModel, BaseModel):
    """Penerima (KPM). The unique constraints below make double enrolment in the same programme
    and period impossible whatever the code path; status changes keep the row."""

    class Source(models.TextChoices):
        DECREE = "decree", _("SK Kepala Desa")
        IMPORT = "import", _("Impor daftar program")
        MANUAL = "manual", _("Input operator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        SUSPENDED = "suspended", _("Ditangguhkan")
        REMOVED = "removed", _("Dikeluarkan")
        GRADUATED = "graduated", _("Graduasi")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="recipients")
    period = models.CharField(max_length=20)
    family = models.ForeignKey(
        "people.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group_name = models.CharField(_("nama kelompok"), max_length=150, blank=True)
    candidate = models.OneToOneField(
        Candidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="recipient"
    )
    decree = models.ForeignKey(
        Decree, null=True, blank=True, on_delete=models.PROTECT, related_name="recipients"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("alasan"), max_length=255, blank=True)
    enrolled_on = models.DateField(_("tanggal mulai"))
    ended_on = models.DateField(_("tanggal berakhir"), null=True, blank=True)
    # Identifier in the central programme's own list (e.g. PKH ID), as received.
    external_id = models.CharField(_("ID program asal"), max_length=64, blank=True)
    benefit_amount = models.PositiveBigIntegerField(_("nilai manfaat (Rp)"), null=True, blank=True)

    class Meta:
        ordering = ["programme_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period", "family"],
                condition=Q(family__isnull=False, resident__isnull=True),
                name="aid_recipient_family_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "period", "resident"],
                condition=Q(resident__isnull=False),
                name="aid_recipient_person_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "period", "household"],
                condition=Q(household__isnull=False, family__isnull=True),
                name="aid_recipient_household_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "period", "group_name"],
                condition=Q(family__isnull=True, household__isnull=True, resident__isnull=True),
                name="aid_recipient_group_once",
            ),
            models.CheckConstraint(
                condition=Q(family__isnull=False)
                | Q(household__isnull=False)
                | Q(resident__isnull=False)
                | ~Q(group_name=""),
                name="aid_recipient_has_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "programme", "status"], name="aid_recipient_list"),
            models.Index(fields=["village", "family", "status"], name="aid_recipient_family"),
        ]


class RecipientChange(PublicIdModel, VillageScopedModel):
    """Visible history of a recipient after the decree (status, amount); every row also goes
    to the audit trail. A reason is mandatory."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=40)
    old_value = models.CharField(max_length=255, blank=True)
    new_value = models.CharField(max_length=255, blank=True)
    reason = models.CharField(_("alasan perubahan"), max_length=255)

    class Meta:
        ordering = ["recipient_id", "-changed_at", "-id"]


# --- 6. Distribution (built out by the distribution part of the module) ---------------------


class DistributionCycle(PublicIdModel, VillageScopedModel, BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Konsep")
        APPROVED = "approved", _("Disetujui")
        DISTRIBUTED = "distributed", _("Tersalurkan")
        CLOSED = "closed", _("Ditutup")
        CANCELLED = "cancelled", _("Dibatalkan")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cycles")
    period = models.CharField(max_length=20)
    number = models.PositiveSmallIntegerField(_("tahap ke"))
    label = models.CharField(_("nama tahap"), max_length=100)
    covers_start = models.DateField(_("awal masa manfaat"))
    covers_end = models.DateField(_("akhir masa manfaat"))
    planned_on = models.DateField(_("rencana tanggal penyaluran"))
    amount = models.PositiveBigIntegerField(_("nilai per penerima (Rp)"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(_("alasan"), max_length=255, blank=True)

    class Meta:
        ordering = ["programme_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "period", "number"], name="aid_cycle_number"),
            models.CheckConstraint(
                condition=Q(covers_end__gte=models.F("covers_start")), name="aid_cycle_dates"
            ),
        ]
        indexes = [models.Index(fields=["village", "status", "planned_on"], name="aid_cycle_upcoming")]


class Entitlement(PublicIdModel, VillageScopedModel, BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Belum disalurkan")
        DISTRIBUTED = "distributed", _("Sudah disalurkan")
        CANCELLED = "cancelled", _("Dibatalkan")

    cycle = models.ForeignKey(DistributionCycle, on_delete=models.CASCADE, related_name="entitlements")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="entitlements")
    amount = models.PositiveBigIntegerField(_("nilai (Rp)"), default=0)
    in_kind = models.CharField(_("barang"), max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["cycle_id", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "recipient"], name="aid_entitlement_once")]
        indexes = [models.Index(fields=["village", "status"], name="aid_entitlement_status")]


class Distribution(PublicIdModel, VillageScopedModel, BaseModel):
    class ReceivedBy(models.TextChoices):
        RECIPIENT = "recipient", _("Penerima sendiri")
        PROXY = "proxy", _("Diwakilkan")

    class ProofKind(models.TextChoices):
        SIGNATURE = "signature", _("Tanda tangan")
        PHOTO = "photo", _("Foto")

    entitlement = models.OneToOneField(Entitlement, on_delete=models.PROTECT, related_name="distribution")
    distributed_on = models.DateField(_("tanggal penyaluran"))
    amount = models.PositiveBigIntegerField(_("nilai diterima (Rp)"), default=0)
    received_by = models.CharField(_("diterima oleh"), max_length=16, choices=ReceivedBy.choices)
    receiver_name = models.CharField(_("nama penerima"), max_length=100)
    proxy_relation = models.CharField(_("hubungan wakil"), max_length=100, blank=True)
    proxy_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proof_kind = models.CharField(_("jenis bukti"), max_length=16, choices=ProofKind.choices)
    proof = models.FileField(_("bukti"), upload_to="aid/proof/%Y/%m/")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["-distributed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_by="recipient") | ~Q(proxy_relation=""),
                name="aid_distribution_proxy_relation",
            )
        ]


# --- 7. Import -------------------------------------------------------------------------------


class RecipientImport(PublicIdModel, VillageScopedModel, BaseModel):
    class Format(models.TextChoices):
        OPENSID = "opensid", _("Format bantuan OpenSID")
        NIK_LIST = "nik_list", _("Daftar NIK/No. KK")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Pratinjau")
        APPLIED = "applied", _("Diterapkan")
        DISCARDED = "discarded", _("Dibatalkan")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=16, choices=Format.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEW)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_matched = models.PositiveIntegerField(default=0)
    rows_problem = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["village_id", "-created_at"]


class RecipientImportRow(PublicIdModel, VillageScopedModel):
    class Match(models.TextChoices):
        MATCHED = "matched", _("Cocok")
        UNMATCHED = "unmatched", _("NIK/KK tidak ditemukan")
        OTHER_VILLAGE = "other_village", _("Warga desa lain")
        DUPLICATE = "duplicate", _("Baris ganda")
        ALREADY = "already", _("Sudah terdaftar")
        CONFLICT = "conflict", _("Bertentangan dengan program lain")
        INVALID = "invalid", _("Data tidak sah")

    batch = models.ForeignKey(RecipientImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    raw = models.JSONField(default=dict)
    nik = models.CharField(max_length=16, blank=True)
    kk_number = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=100, blank=True)
    match = models.CharField(max_length=16, choices=Match.choices)
    family = models.ForeignKey(
        "people.Family", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["batch_id", "row_number"]
        constraints = [models.UniqueConstraint(fields=["batch", "row_number"], name="aid_import_row_unique")]
