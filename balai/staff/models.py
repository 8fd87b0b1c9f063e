import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel


class Official(PublicIdModel, BaseModel):
    """A village official (perangkat desa) and whether and how they sign letters."""

    class SignsAs(models.TextChoices):
        NONE = "", _("Tidak menandatangani")
        OWN = "own", _("Atas nama sendiri (kepala desa)")
        AN = "an", _("a.n. (atas nama) kepala desa")
        UB = "ub", _("u.b. (untuk beliau)")

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="officials")
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("nama"), max_length=120)
    position = models.CharField(_("jabatan"), max_length=120)
    nipd = models.CharField(_("NIPD"), max_length=30, blank=True)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    term_start = models.DateField(_("awal masa jabatan"), null=True, blank=True)
    term_end = models.DateField(_("akhir masa jabatan"), null=True, blank=True)
    signs_letters = models.BooleanField(_("menandatangani surat"), default=False)
    signs_as = models.CharField(_("cara tanda tangan"), max_length=3, choices=SignsAs.choices, blank=True)
    # For a.n./u.b.: the position on whose behalf they sign (usually "Kepala Desa").
    on_behalf_of = models.CharField(_("atas nama jabatan"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["village_id", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"


class AttendanceSettings(models.Model):
    """A village's working hours for staff attendance at the kiosk."""

    village = models.OneToOneField("regions.Village", on_delete=models.CASCADE, related_name="+")
    # ISO weekdays worked, "12345" = Monday to Friday.
    workdays = models.CharField(_("hari kerja"), max_length=7, default="12345")
    opens_at = models.TimeField(_("absen dibuka"), default=dt.time(6, 0))
    starts_at = models.TimeField(_("jam masuk"), default=dt.time(8, 0))
    ends_at = models.TimeField(_("jam pulang"), default=dt.time(15, 0))
    closes_at = models.TimeField(_("absen ditutup"), default=dt.time(18, 0))
    skip_holidays = models.BooleanField(_("libur nasional tidak dihitung hari kerja"), default=True)


class OfficialCredential(VillageScopedModel):
    """How an official proves who they are at the kiosk: card UID (digest) + PIN (argon2, peppered)."""

    official = models.OneToOneField(Official, on_delete=models.CASCADE, related_name="credential")
    # HMAC of the card UID: looked up exactly, never shown; the UID alone proves nothing.
    card_digest = models.CharField(max_length=64, blank=True)
    pin_hash = models.CharField(max_length=200, blank=True)
    failed_pins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    pin_disabled = models.BooleanField(default=False)
    pin_set_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["village", "card_digest"],
                condition=~models.Q(card_digest=""),
                name="staff_credential_card_unique",
            )
        ]


class Attendance(PublicIdModel, VillageScopedModel):
    """One official's working day: first check-in and last check-out."""

    class Method(models.TextChoices):
        CARD_PIN = "card_pin", _("Kartu + PIN")
        PASSWORD = "password", _("Nama pengguna + kata sandi")
        CORRECTION = "koreksi", _("Koreksi operator")

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="attendance")
    day = models.DateField()
    check_in_at = models.DateTimeField()
    check_in_method = models.CharField(max_length=8, choices=Method.choices)
    check_in_device = models.CharField(max_length=16, blank=True)
    check_out_at = models.DateTimeField(null=True, blank=True)
    check_out_method = models.CharField(max_length=8, choices=Method.choices, blank=True)
    check_out_device = models.CharField(max_length=16, blank=True)
    # A correction by the operator (a broken kiosk, a forgotten check-out) says why and by whom.
    corrected_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    correction_reason = models.CharField(_("alasan koreksi"), max_length=300, blank=True)

    class Meta:
        ordering = ["village_id", "day", "official_id"]
        constraints = [
            models.UniqueConstraint(fields=["official", "day"], name="staff_attendance_official_day_unique")
        ]
        indexes = [models.Index(fields=["village", "day"], name="staff_attendance_village_day")]


# --- Careers: the village's positions (SOTK), decrees, leave and the BPD ---------------------


class Position(PublicIdModel, VillageScopedModel):
    """A post in the village government's organisation (SOTK, Permendagri 84/2015): filled by at
    most one active official at a time; a post nobody holds is vacant (lowong)."""

    class Kind(models.TextChoices):
        HEAD = "kades", _("Kepala desa")
        SECRETARY = "sekdes", _("Sekretaris desa")
        KAUR = "kaur", _("Kepala urusan")
        KASI = "kasi", _("Kepala seksi")
        KADUS = "kadus", _("Kepala dusun (kewilayahan)")
        STAFF = "staf", _("Staf")

    kind = models.CharField(_("jenis jabatan"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("nama jabatan"), max_length=120)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(default=True)
    # A kepala dusun's post belongs to its dusun: whoever holds it (by decree) is the dusun's
    # head wherever the dusun is shown (village profile, letters), never a name typed apart.
    dusun = models.ForeignKey(
        "regions.Dusun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dusun"),
    )

    class Meta:
        ordering = ["village_id", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["village", "title"], name="staff_position_village_title_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Acting(models.TextChoices):
    NONE = "", _("Definitif")
    PLT = "plt", _("Pelaksana tugas (Plt.)")
    PJ = "pj", _("Penjabat (Pj.)")


class OfficialProfile(VillageScopedModel):
    """What the Buku Aparat Pemerintah Desa asks of an official beyond name and post: the
    personnel record (birth, education, siltap, BPJS) and which post they hold or act in."""

    class Sex(models.IntegerChoices):
        MALE = 1, _("Laki-laki")
        FEMALE = 2, _("Perempuan")

    official = models.OneToOneField(Official, on_delete=models.CASCADE, related_name="profile")
    post = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.SET_NULL, related_name="holders"
    )
    acting_post = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.SET_NULL, related_name="acting_holders"
    )
    acting = models.CharField(_("status pelaksana"), max_length=3, choices=Acting.choices, blank=True)
    sex = models.PositiveSmallIntegerField(_("jenis kelamin"), choices=Sex.choices, null=True, blank=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    religion = models.CharField(_("agama"), max_length=30, blank=True)
    rank = models.CharField(_("pangkat/golongan"), max_length=30, blank=True)
    education = models.CharField(_("pendidikan terakhir"), max_length=60, blank=True)
    trainings = models.TextField(_("pelatihan"), blank=True)
    siltap = models.PositiveBigIntegerField(_("penghasilan tetap (Rp/bulan)"), null=True, blank=True)
    allowance_grade = models.CharField(_("tunjangan / kelas"), max_length=60, blank=True)
    # The APBDes 5.1 line that pays the siltap (e.g. "5.1.1.02"), matched by code with the finance
    # module when it has one; kept as the code so staffing does not depend on finance.
    funding_line = models.CharField(_("kode rekening siltap"), max_length=30, blank=True)
    bpjs_health = models.CharField(_("nomor BPJS Kesehatan"), max_length=20, blank=True)
    bpjs_employment = models.CharField(_("nomor BPJS Ketenagakerjaan"), max_length=20, blank=True)


class Decree(PublicIdModel, VillageScopedModel, BaseModel):
    """A decree (SK) about an official's career: appointment, transfer, acting or dismissal."""

    class Kind(models.TextChoices):
        APPOINTMENT = "angkat", _("Pengangkatan")
        TRANSFER = "mutasi", _("Mutasi / rotasi jabatan")
        ACTING = "plt", _("Penunjukan pelaksana tugas")
        DISMISSAL = "henti", _("Pemberhentian")

    class Reason(models.TextChoices):
        # Permendagri 67/2017 Pasal 5: why a perangkat desa leaves office.
        NONE = "", _("—")
        DEATH = "meninggal", _("Meninggal dunia")
        OWN_REQUEST = "permintaan", _("Permintaan sendiri")
        AGE = "usia", _("Usia telah genap 60 tahun")
        TERM_END = "masa_jabatan", _("Berakhir masa jabatan")
        CONVICTED = "terpidana", _("Dinyatakan sebagai terpidana (putusan berkekuatan hukum tetap)")
        PERMANENT = "berhalangan", _("Berhalangan tetap")
        REQUIREMENTS = "syarat", _("Tidak lagi memenuhi persyaratan")
        VIOLATION = "larangan", _("Melanggar larangan sebagai perangkat desa")

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="decrees")
    kind = models.CharField(_("jenis SK"), max_length=8, choices=Kind.choices)
    number = models.CharField(_("nomor SK"), max_length=80)
    date = models.DateField(_("tanggal SK"))
    effective_on = models.DateField(_("terhitung mulai tanggal"))
    signer = models.CharField(_("penanda tangan"), max_length=120)
    subject = models.CharField(_("tentang"), max_length=300, blank=True)
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position_title = models.CharField(_("jabatan"), max_length=120, blank=True)
    acting = models.CharField(_("status pelaksana"), max_length=3, choices=Acting.choices, blank=True)
    reason = models.CharField(_("alasan pemberhentian"), max_length=16, choices=Reason.choices, blank=True)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    scan_type = models.CharField(max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["village_id", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="staff_decree_village_number_unique")
        ]
        indexes = [models.Index(fields=["village", "date"], name="staff_decree_village_date")]


class DecreeScan(models.Model):
    """The decree's scan (PDF or image, checked on its bytes), kept with its row and served only
    to the village's staff, never as a public media file."""

    decree = models.OneToOneField(Decree, on_delete=models.CASCADE, related_name="scan")
    data = models.BinaryField()


class Leave(PublicIdModel, VillageScopedModel, BaseModel):
    """Leave, permission or official travel (SPPD) of an official: requested, then decided by the
    kepala desa (the kepala desa's own by the camat)."""

    class Kind(models.TextChoices):
        ANNUAL = "cuti", _("Cuti tahunan")
        PERMISSION = "izin", _("Izin")
        SICK = "sakit", _("Sakit")
        TRAVEL = "dinas", _("Perjalanan dinas (SPPD)")

    class Status(models.TextChoices):
        REQUESTED = "diajukan", _("Diajukan")
        APPROVED = "disetujui", _("Disetujui")
        REJECTED = "ditolak", _("Ditolak")
        CANCELLED = "batal", _("Dibatalkan")

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="leaves")
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    start = models.DateField(_("mulai"))
    end = models.DateField(_("sampai"))
    days = models.PositiveSmallIntegerField(_("hari kerja"), default=0)
    reason = models.CharField(_("keperluan"), max_length=300)
    destination = models.CharField(_("tujuan"), max_length=200, blank=True)
    transport = models.CharField(_("alat angkut"), max_length=60, blank=True)
    number = models.CharField(_("nomor SPPD"), max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("catatan keputusan"), max_length=300, blank=True)

    class Meta:
        ordering = ["village_id", "-start", "pk"]
        indexes = [models.Index(fields=["village", "status", "start"], name="staff_leave_village_status")]


class BpdMember(PublicIdModel, VillageScopedModel, BaseModel):
    """A member of the Badan Permusyawaratan Desa (village council) for one term."""

    class Role(models.TextChoices):
        CHAIR = "ketua", _("Ketua")
        VICE = "wakil", _("Wakil ketua")
        SECRETARY = "sekretaris", _("Sekretaris")
        MEMBER = "anggota", _("Anggota")

    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("nama"), max_length=120)
    role = models.CharField(_("jabatan BPD"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    area = models.CharField(_("wilayah pemilihan"), max_length=120, blank=True)
    sex = models.PositiveSmallIntegerField(
        _("jenis kelamin"), choices=OfficialProfile.Sex.choices, null=True, blank=True
    )
    term_start = models.DateField(_("awal masa keanggotaan"))
    term_end = models.DateField(_("akhir masa keanggotaan"))
    decree_number = models.CharField(_("nomor SK peresmian"), max_length=80, blank=True)
    decree_date = models.DateField(_("tanggal SK peresmian"), null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["village_id", "-term_start", "role", "name"]


class CalendarDay(VillageScopedModel):
    """A village's own calendar beside the national holidays: an extra day off (libur desa,
    cuti bersama) or a working day on a weekend/holiday (hari kerja pengganti)."""

    class Kind(models.TextChoices):
        HOLIDAY = "libur", _("Libur")
        WORKDAY = "kerja", _("Hari kerja")

    day = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis"), max_length=5, choices=Kind.choices)
    name = models.CharField(_("keterangan"), max_length=120)

    class Meta:
        ordering = ["village_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["village", "day"], name="staff_calendar_village_day_unique")
        ]


class AbsenceReport(PublicIdModel, VillageScopedModel, BaseModel):
    """A resident's report from the kiosk that an official was not in the office during office
    hours (issue 18 item 5, issue 23 item 1). It reaches the kepala desa (a Beranda task), who
    marks it handled or unfounded; the recap shows it on the official's day. The resident sees
    its status at the kiosk."""

    class Status(models.TextChoices):
        OPEN = "baru", _("Menunggu tindak lanjut")
        HANDLED = "ditangani", _("Sudah ditindaklanjuti")
        UNFOUNDED = "tidak_terbukti", _("Tidak terbukti")

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="absence_reports")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    seen_at = models.DateTimeField(_("waktu"))
    note = models.CharField(_("keterangan"), max_length=500, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    device_id = models.CharField(max_length=16, blank=True)
    # The form's one-time key: a double tap or a resend makes one report.
    submit_key = models.CharField(max_length=64)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("catatan tindak lanjut"), max_length=300, blank=True)

    class Meta:
        ordering = ["-seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["village", "submit_key"], name="staff_absence_report_key"),
        ]
        indexes = [
            models.Index(fields=["village", "status", "seen_at"], name="staff_absence_village_status"),
            models.Index(fields=["resident", "created_at"], name="staff_absence_resident_day"),
        ]
