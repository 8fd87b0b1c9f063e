from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel
from balai.people import codes


class Household(PublicIdModel, VillageScopedModel, BaseModel):
    """Rumah tangga: people living and eating together, which may span several KKs."""

    number = models.CharField(_("nomor rumah tangga"), max_length=30)
    head = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rt = models.ForeignKey("regions.Rt", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("alamat"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="household_number_per_village")
        ]


class Family(PublicIdModel, VillageScopedModel, BaseModel):
    """Kartu Keluarga (KK)."""

    # No index of its own: family_kk_per_village (village, kk_number) starts with it, and
    # each one is written for every new family.
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+", db_index=False)
    kk_number = models.CharField(_("nomor KK"), max_length=16)
    head = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    rt = models.ForeignKey("regions.Rt", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("tanggal terbit KK"), null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["village_id", "kk_number"]
        constraints = [models.UniqueConstraint(fields=["village", "kk_number"], name="family_kk_per_village")]
        indexes = [
            # The regency overview and the monthly snapshot count active KK per village for
            # every village at once: an index-only scan of this, not a scan of the whole table
            # (350 ms at a million residents on PostgreSQL, a second or more at five million).
            models.Index(
                fields=["village"], condition=models.Q(is_active=True), name="family_active_village_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.kk_number


class Resident(PublicIdModel, VillageScopedModel, BaseModel):
    """One record of one person: the data every Balai service reads (data tunggal)."""

    # The foreign key's own index on village is left out: resident_village_id_idx (village, id)
    # starts with it and answers the same lookups (on SQLite an index on (village) is
    # (village, rowid) already, the same entries); every index is one more write for each
    # resident an import adds (issue 22).
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+", db_index=False)
    # No index of its own: resident_family_status_idx (family, status) starts with it. While a
    # partial unique index held the NIKs of every living resident, PostgreSQL's planner
    # answered the families' member counts by ANDing (family, status) with it, and this index
    # had to stay; resident_nik_once_alive is not partial (tests/test_query_plans.py; issue 22).
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.PROTECT, related_name="members", db_index=False
    )
    # Indexed only where set (resident_household_idx): an imported resident has none.
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", db_index=False
    )
    household_relation = models.PositiveSmallIntegerField(
        _("hubungan dalam rumah tangga"),
        null=True,
        blank=True,
        choices=[(1, _("Kepala Rumah Tangga")), (2, _("Anggota"))],
    )
    rt = models.ForeignKey("regions.Rt", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("nama"), max_length=100)
    # Upper-cased, single-spaced copy of the name for search and sorting.
    name_key = models.CharField(max_length=100, editable=False)
    sex = models.PositiveSmallIntegerField(_("jenis kelamin"), choices=codes.choices(codes.SEX))
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    religion = models.PositiveSmallIntegerField(
        _("agama"), choices=codes.choices(codes.RELIGION), null=True, blank=True
    )
    education_kk = models.PositiveSmallIntegerField(
        _("pendidikan dalam KK"), choices=codes.choices(codes.EDUCATION_KK), null=True, blank=True
    )
    education_current = models.PositiveSmallIntegerField(
        _("pendidikan sedang ditempuh"), choices=codes.choices(codes.EDUCATION_CURRENT), null=True, blank=True
    )
    occupation = models.PositiveSmallIntegerField(
        _("pekerjaan"), choices=codes.choices(codes.OCCUPATION), null=True, blank=True
    )
    marital_status = models.PositiveSmallIntegerField(
        _("status perkawinan"), choices=codes.choices(codes.MARITAL_STATUS), null=True, blank=True
    )
    family_relation = models.PositiveSmallIntegerField(
        _("hubungan dalam keluarga"), choices=codes.choices(codes.FAMILY_RELATION), null=True, blank=True
    )
    citizenship = models.PositiveSmallIntegerField(
        _("kewarganegaraan"), choices=codes.choices(codes.CITIZENSHIP), default=1
    )
    residence_status = models.PositiveSmallIntegerField(
        _("status penduduk"), choices=codes.choices(codes.RESIDENCE_STATUS), default=1
    )
    father_nik = models.CharField(_("NIK ayah"), max_length=16, blank=True)
    father_name = models.CharField(_("nama ayah"), max_length=100, blank=True)
    mother_nik = models.CharField(_("NIK ibu"), max_length=16, blank=True)
    mother_name = models.CharField(_("nama ibu"), max_length=100, blank=True)
    blood_type = models.PositiveSmallIntegerField(
        _("golongan darah"), choices=codes.choices(codes.BLOOD_TYPE), null=True, blank=True
    )
    disability = models.PositiveSmallIntegerField(
        _("cacat"), choices=codes.choices(codes.DISABILITY), null=True, blank=True
    )
    kb_method = models.PositiveSmallIntegerField(
        _("cara KB"), choices=codes.choices(codes.KB_METHOD), null=True, blank=True
    )
    pregnant = models.PositiveSmallIntegerField(
        _("status kehamilan"), choices=codes.choices(codes.PREGNANT), null=True, blank=True
    )
    ktp_el = models.PositiveSmallIntegerField(
        _("KTP elektronik"), choices=codes.choices(codes.KTP_EL), null=True, blank=True
    )
    ktp_record_status = models.PositiveSmallIntegerField(
        _("status rekam e-KTP"), choices=codes.choices(codes.KTP_RECORD_STATUS), null=True, blank=True
    )
    birth_certificate_no = models.CharField(_("nomor akta kelahiran"), max_length=100, blank=True)
    passport_no = models.CharField(_("nomor paspor"), max_length=45, blank=True)
    passport_expiry = models.DateField(_("tanggal akhir paspor"), null=True, blank=True)
    kitas_no = models.CharField(_("nomor KITAS/KITAP"), max_length=45, blank=True)
    marriage_certificate_no = models.CharField(_("akta perkawinan"), max_length=100, blank=True)
    marriage_date = models.DateField(_("tanggal perkawinan"), null=True, blank=True)
    divorce_certificate_no = models.CharField(_("akta perceraian"), max_length=100, blank=True)
    divorce_date = models.DateField(_("tanggal perceraian"), null=True, blank=True)
    current_address = models.CharField(_("alamat sekarang"), max_length=255, blank=True)
    ethnicity = models.CharField(_("suku"), max_length=100, blank=True)
    card_uid = models.CharField(_("ID kartu (tag)"), max_length=17, blank=True)
    insurance_type = models.PositiveSmallIntegerField(
        _("asuransi"), choices=codes.choices(codes.INSURANCE), null=True, blank=True
    )
    insurance_no = models.CharField(_("nomor asuransi"), max_length=100, blank=True)
    lat = models.CharField(_("lintang"), max_length=24, blank=True)
    lng = models.CharField(_("bujur"), max_length=24, blank=True)
    status = models.PositiveSmallIntegerField(
        _("status dasar"), choices=codes.choices(codes.STATUS), default=codes.STATUS_ALIVE
    )
    # Set when the operator accepted a NIK whose birth date/sex disagree with the record.
    nik_mismatch_accepted = models.BooleanField(default=False)

    class Meta:
        ordering = ["name_key", "id"]
        constraints = [
            # One NIK is one living person in the whole deployment, across villages: a living
            # resident's entry is (nik, 0), any other's (nik, id), and two (nik, 0) are refused.
            # One index instead of a partial unique index beside a plain one on the NIK: its
            # first column answers every look-up by NIK, living or not, and an import writes
            # one entry per resident instead of two (issue 22).
            models.UniqueConstraint(
                models.F("nik"),
                models.Case(
                    models.When(status=codes.STATUS_ALIVE, then=models.Value(0)),
                    default=models.F("id"),
                    output_field=models.BigIntegerField(),
                ),
                name="resident_nik_once_alive",
            ),
        ]
        indexes = [
            # Resident list: one village, current residents, by name, keyset on (name_key, id);
            # covering the list's filters (age, sex, RT) so a filtered page walks the index in
            # name order and reads the table only for the rows it shows (selectors.resident_page).
            models.Index(
                fields=["village", "status", "name_key", "id", "birth_date", "sex", "rt"],
                name="resident_list_cover_idx",
            ),
            # Regency/district aggregates read only this index (covering).
            models.Index(fields=["status", "village", "sex", "birth_date"], name="resident_stats_idx"),
            # Statistics by category (people.statistics): every category's column, so counting
            # an area's living residents by any of them reads this index, not the wide rows
            # (SQLite, 100,000 residents: 110 → 56 ms of CPU per category). On PostgreSQL the
            # columns after sex are INCLUDE columns, not keys (migration 0012): cheaper to write.
            models.Index(
                fields=[
                    "status",
                    "village",
                    "sex",
                    "religion",
                    "education_kk",
                    "education_current",
                    "occupation",
                    "marital_status",
                    "disability",
                    "blood_type",
                    "insurance_type",
                    "citizenship",
                    "ktp_el",
                    "family_relation",
                    "birth_date",
                ],
                name="resident_category_cover_idx",
            ),
            models.Index(fields=["village", "birth_date", "name_key"], name="resident_dup_idx"),
            # "Has the family a living member?" (monthly report, data quality: one EXISTS per
            # family) answered from the index, not by reading each member's row (SQLite,
            # 100,000 residents: 45 → 22 ms of CPU for every family of the regency).
            models.Index(fields=["family", "status"], name="resident_family_status_idx"),
            # A village's first resident (the regency's rollout: when the registry was loaded).
            # PostgreSQL otherwise walks the whole primary key from the start looking for the
            # village's rows (1.5–2 minutes a page at 1,000,000 residents); SQLite's village
            # index already keeps each village's rows in id order.
            models.Index(fields=["village", "id"], name="resident_village_id_idx"),
            # A household's members (aid, welfare) and the household's deletion: only residents
            # that have one are in it, so an import's new residents are not written to it.
            models.Index(
                fields=["household"],
                condition=models.Q(household__isnull=False),
                name="resident_household_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = [*update_fields, "name_key"]
        super().save(*args, **kwargs)

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def is_temporary_nik(self) -> bool:
        return self.nik.startswith("0")


def normalize_name(name: str) -> str:
    return " ".join(name.upper().split())


class LifeEvent(PublicIdModel, VillageScopedModel):
    """Peristiwa: the event log that moves the registry (ids 1–6 are OpenSID's)."""

    class Kind(models.IntegerChoices):
        BIRTH = 1, _("Lahir")
        DEATH = 2, _("Mati")
        MOVE_OUT = 3, _("Pindah keluar")
        MISSING = 4, _("Hilang")
        MOVE_IN = 5, _("Pindah masuk")
        GONE = 6, _("Pergi")
        NEW_FAMILY = 7, _("KK baru")
        FAMILY_SPLIT = 8, _("Pecah KK")
        REGISTERED = 9, _("Pendataan awal")
        CORRECTION = 10, _("Perubahan data")

    # No index of its own: lifeevent_village_id_idx (village, id) starts with it.
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+", db_index=False)
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    family = models.ForeignKey(Family, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    event_date = models.DateField(_("tanggal peristiwa"))
    details = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # What each module changed because of this event, for the event's page:
    # [{"module": "aid", "label": "Bantuan sosial", "changes": ["…", …]}, …].
    # db_default: the importers and the demo insert events with raw SQL that doesn't name it.
    consequences = models.JSONField(default=list, blank=True, db_default=models.Value("[]"))
    # A mistaken event is cancelled (never deleted): the registry books skip it from then on.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Indexed only where set (lifeevent_cancelled_by_idx): every event is written without.
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=255, blank=True, db_default="")

    class Meta:
        ordering = ["-event_date", "-id"]
        indexes = [
            models.Index(fields=["village", "kind", "event_date"], name="lifeevent_village_idx"),
            # A village's newest event (freshness board, rollout): an index seek, not a backward
            # walk of the whole primary key on PostgreSQL.
            models.Index(fields=["village", "id"], name="lifeevent_village_id_idx"),
            # The only reader: deleting a user (PROTECT) looks for the events it cancelled.
            models.Index(
                fields=["cancelled_by"],
                condition=models.Q(cancelled_by__isnull=False),
                name="lifeevent_cancelled_by_idx",
            ),
        ]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class ReviewItem(PublicIdModel, VillageScopedModel, BaseModel):
    """Perlu ditinjau: a consequence of a life event that a person must decide (who, what,
    why, and where to do it). Created by the modules' life-event handlers."""

    class State(models.TextChoices):
        OPEN = "open", _("Perlu ditinjau")
        DONE = "done", _("Selesai")
        DISMISSED = "dismissed", _("Diabaikan")

    event = models.ForeignKey(
        LifeEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    module = models.CharField(_("modul"), max_length=40)
    title = models.CharField(_("yang perlu diputuskan"), max_length=255)
    reason = models.CharField(_("alasan"), max_length=255, blank=True)
    # A path inside Balai (no NIK in it) where the decision is made.
    link = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(_("catatan penyelesaian"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village", "state", "created_at"], name="review_queue_idx")]


class DuplicateDecision(VillageScopedModel):
    """An operator's answer to a 'possible duplicate' pair, so it is not listed again."""

    class Decision(models.TextChoices):
        DISMISSED = "dismissed", _("Bukan orang yang sama")
        MERGED = "merged", _("Digabung")

    first = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once")]


class ImportJob(PublicIdModel, VillageScopedModel):
    """A spreadsheet import started from the web UI; progress is polled by the page."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        APPLIED = "applied", _("Berhasil")
        REJECTED = "rejected", _("Ditolak")
        FAILED = "failed", _("Gagal")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500)
    apply_valid = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which process runs the job, so a status check can tell a job whose process died
    # (killed, out of memory, server restarted) from one still working.
    worker_host = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
