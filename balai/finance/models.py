"""Village finance: the APBDes, its activities and RAB lines, payment requests (SPP), and one
ledger of every receipt, payment, tax and transfer.

One ledger, two sources: every `Entry` records whether it was entered in Balai or imported
from Siskeudes; books and reports read the ledger and never ask which. Posted entries are
immutable: a correction is a reversing entry (`reverses`). Money is whole Rupiah in
BigIntegerFields (an APBDes is Rp1–3 billion; a regency's sum overflows 32 bits).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel
from balai.finance.chart import FUNDING_SOURCES
from balai.finance.rules import TAX_CHOICES


class Source(models.TextChoices):
    BALAI = "balai", _("Dicatat di Balai")
    SISKEUDES = "siskeudes", _("Impor Siskeudes")


class Medium(models.TextChoices):
    CASH = "tunai", _("Tunai")
    BANK = "bank", _("Bank")


class Account(BaseModel):
    """One account of the chart for one budget year; seeded from `chart.ACCOUNTS`, editable by
    the regency (a new year starts from the previous year's rows). `regency_code` "" is the
    national chart; a regency's own chart for a year is copied from it (or from its own previous
    year) the first time it is read or edited, and then edited by Dispermades: accounts are
    added, renamed or deactivated, never deleted once a village has used them."""

    regency_code = models.CharField(_("kode kabupaten"), max_length=5, blank=True, default="")
    year = models.PositiveSmallIntegerField(_("tahun"))
    code = models.CharField(_("kode rekening"), max_length=20)
    name = models.CharField(_("nama rekening"), max_length=200)
    level = models.PositiveSmallIntegerField(_("tingkat"))
    # A deactivated account keeps its name in the books; new RAB lines may not use it.
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["regency_code", "year", "code"], name="finance_account_per_regency_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Budget(PublicIdModel, VillageScopedModel, BaseModel):
    """The APBDes of one village for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Rancangan")
        SET = "set", _("Ditetapkan")
        REVISED = "revised", _("Perubahan ditetapkan")

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    perdes_number = models.CharField(_("nomor Perdes APBDes"), max_length=60, blank=True)
    perdes_date = models.DateField(_("tanggal Perdes"), null=True, blank=True)
    # An APBDes Perubahan in preparation: lines take revised amounts, original figures stay.
    revising = models.BooleanField(_("perubahan sedang disusun"), default=False)
    revision_number = models.CharField(_("nomor Perdes Perubahan"), max_length=60, blank=True)
    revision_date = models.DateField(_("tanggal Perdes Perubahan"), null=True, blank=True)
    # Cash and bank at 1 January (SiLPA carried from the year before), whole Rupiah.
    opening_cash = models.BigIntegerField(_("saldo awal tunai"), default=0)
    opening_bank = models.BigIntegerField(_("saldo awal bank"), default=0)
    # Postings dated on or before this day are refused (a closed period; 31 Dec closes the year).
    closed_through = models.DateField(_("dikunci sampai"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="finance_budget_per_year")]

    def __str__(self) -> str:
        return f"APBDes {self.year}"

    @property
    def is_set(self) -> bool:
        return self.status in (self.Status.SET, self.Status.REVISED)


class Activity(PublicIdModel, VillageScopedModel, BaseModel):
    """A kegiatan: bidang.sub-bidang.kegiatan (`02.03.01`) with its executor (PKA/Kasi)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("kode kegiatan"), max_length=20)
    name = models.CharField(_("nama kegiatan"), max_length=255)
    executor = models.CharField(_("pelaksana kegiatan (PKA/Kasi)"), max_length=120, blank=True)
    location = models.CharField(_("lokasi"), max_length=160, blank=True)
    output = models.CharField(_("keluaran"), max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.BALAI)
    # Siskeudes Kd_Keg of an imported activity: a re-import updates the same row.
    external_key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["budget", "code"], name="finance_activity_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def bidang(self) -> str:
        return self.code[:2]

    @property
    def sub_bidang(self) -> str:
        return self.code[:5]


class BudgetLine(PublicIdModel, VillageScopedModel, BaseModel):
    """A RAB line: account × funding source, volume × unit price; revenue and financing lines
    have no activity. `revised_amount` is set by an APBDes Perubahan; the original stays."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="lines"
    )
    account_code = models.CharField(_("kode rekening"), max_length=20)
    funding_source = models.CharField(_("sumber dana"), max_length=3, choices=FUNDING_SOURCES)
    description = models.CharField(_("uraian"), max_length=255)
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2, default=1)
    unit = models.CharField(_("satuan"), max_length=30, blank=True)
    unit_price = models.BigIntegerField(_("harga satuan"), default=0)
    amount = models.BigIntegerField(_("anggaran"))
    revised_amount = models.BigIntegerField(_("anggaran setelah perubahan"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.BALAI)
    # The official whose fixed income or allowance (5.1) this line pays, when there is one.
    official = models.ForeignKey(
        "staff.Official", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Siskeudes Ta_RABRinci key of an imported line (Kd_Keg, Kd_Rincian, Kd_SubRinci, No_Urut,
    # SumberDana): a re-import updates the line in place, so SPPs raised on it in Balai survive.
    external_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["account_code", "id"]
        indexes = [models.Index(fields=["budget", "account_code"], name="finance_line_account_idx")]

    def __str__(self) -> str:
        return f"{self.account_code} {self.description}"

    @property
    def in_force(self) -> int:
        return self.amount if self.revised_amount is None else self.revised_amount


class Vendor(PublicIdModel, VillageScopedModel, BaseModel):
    """A registered supplier (penyedia) of the village: payees that are not residents."""

    name = models.CharField(_("nama penyedia"), max_length=160)
    npwp = models.CharField(_("NPWP"), max_length=25, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account = models.CharField(_("nomor rekening"), max_length=30, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="finance_vendor_name_per_village")
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(PublicIdModel, VillageScopedModel, BaseModel):
    """One applied Siskeudes import of a village-year (re-import replaces its rows)."""

    year = models.PositiveSmallIntegerField()
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    version = models.CharField(max_length=40, blank=True)
    summary = models.JSONField(default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class PaymentRequest(PublicIdModel, VillageScopedModel, BaseModel):
    """An SPP: raised by the activity's executor, verified by the sekdes, approved by the kades,
    paid by the treasurer (each step with its actor and time)."""

    class Kind(models.TextChoices):
        LS = "LS", _("LS (definitif)")
        UM = "UM", _("UM (panjar)")
        PBY = "PBY", _("PBY (pembiayaan)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Diajukan")
        VERIFIED = "verified", _("Diverifikasi Sekdes")
        APPROVED = "approved", _("Disetujui Kades")
        PAID = "paid", _("Dibayar")
        REJECTED = "rejected", _("Ditolak")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="payment_requests")
    number = models.CharField(_("nomor SPP"), max_length=60)
    kind = models.CharField(_("jenis SPP"), max_length=3, choices=Kind.choices, default=Kind.LS)
    date = models.DateField(_("tanggal SPP"))
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("rincian anggaran")
    )
    amount = models.BigIntegerField(_("jumlah bruto"))
    description = models.CharField(_("uraian"), max_length=255)
    payee = models.CharField(_("penerima"), max_length=160)
    payee_npwp = models.CharField(_("NPWP penerima"), max_length=25, blank=True)
    payee_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_requests"
    )
    # Set when a life event of the payee (death, moving away) needs a decision before payment:
    # the SPP cannot be paid while this holds text (a review item points here).
    hold_reason = models.CharField(_("ditahan karena"), max_length=255, blank=True)
    medium = models.CharField(_("dibayar dari"), max_length=5, choices=Medium.choices, default=Medium.BANK)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("tanggal bayar"), null=True, blank=True)
    # An advance (UM) imported from Siskeudes with its SPJ: the import owns it (a re-import
    # replaces it) and it takes no step in Balai. Only advances are imported as SPPs, so that
    # Buku Pembantu Panjar and Kegiatan show them as they show advances entered here.
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.BALAI)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["budget", "number"], name="finance_spp_number")]

    def __str__(self) -> str:
        return self.number

    @property
    def voucher_taxes(self) -> list[Tax]:
        """Taxes withheld on this SPP's own payment. Taxes withheld later at an advance's SPJ
        belong to the SPJ (`Tax.settlement`): the advance's voucher, once paid, never changes."""
        return [t for t in self.taxes.all() if t.settlement_id is None]

    @property
    def tax_total(self) -> int:
        return sum(t.amount for t in self.voucher_taxes)

    @property
    def net(self) -> int:
        return self.amount - self.tax_total


class Tax(PublicIdModel, VillageScopedModel, BaseModel):
    """A tax withheld on a payment (SPP), with its billing code and deposit."""

    payment_request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="taxes")
    # Set for a tax withheld at an advance's SPJ: it belongs to the SPJ, not to the SPP UM's voucher.
    settlement = models.ForeignKey(
        "AdvanceSettlement", null=True, blank=True, on_delete=models.CASCADE, related_name="taxes"
    )
    kind = models.CharField(_("jenis pajak"), max_length=6, choices=TAX_CHOICES)
    base = models.BigIntegerField(_("dasar pengenaan"))
    amount = models.BigIntegerField(_("jumlah pajak"))
    billing_code = models.CharField(_("kode billing"), max_length=20, blank=True)
    deposited_on = models.DateField(_("tanggal setor"), null=True, blank=True)
    ntpn = models.CharField(_("NTPN"), max_length=20, blank=True)

    class Meta:
        ordering = ["id"]


class Entry(PublicIdModel, VillageScopedModel, BaseModel):
    """One line of the ledger: money into or out of the village's cash or bank account, on an
    account of the chart. Revenue 4.x and financing receipts 6.1 come in, spending 5.x and
    financing 6.2 go out, taxes withheld come in on PFK 7.1.x and go out when deposited, a
    transfer between cash and bank is a pair of entries without an account."""

    class Kind(models.TextChoices):
        RECEIPT = "tbp", _("Penerimaan (TBP)")
        PAYMENT = "spp", _("Pembayaran (SPP)")
        TAX_WITHHELD = "pajak_pungut", _("Pajak dipungut")
        TAX_DEPOSIT = "pajak_setor", _("Setoran pajak")
        TRANSFER = "mutasi", _("Mutasi kas")
        REVERSAL = "koreksi", _("Koreksi (jurnal balik)")
        ADVANCE = "panjar", _("Pemberian panjar (SPP UM)")
        ADVANCE_SPJ = "spj", _("Pertanggungjawaban panjar (SPJ)")
        DEPOSIT = "sts", _("Setoran ke bank (STS)")

    class Direction(models.TextChoices):
        IN = "in", _("Masuk")
        OUT = "out", _("Keluar")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField(_("tanggal"))
    number = models.CharField(_("nomor bukti"), max_length=60)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    medium = models.CharField(max_length=5, choices=Medium.choices)
    account_code = models.CharField(_("kode rekening"), max_length=20, blank=True)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    budget_line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    funding_source = models.CharField(max_length=3, blank=True)
    amount = models.BigIntegerField(_("jumlah"))
    description = models.CharField(_("uraian"), max_length=255)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.BALAI)
    payment_request = models.ForeignKey(
        PaymentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    tax = models.ForeignKey(Tax, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["budget", "date", "id"], name="finance_entry_book_idx"),
            models.Index(fields=["budget", "account_code"], name="finance_entry_account_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="finance_entry_positive")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Posted entries are immutable: a correction is a reversing entry, never an edit.
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("A posted ledger entry is never changed; post a reversal.")
        super().save(*args, **kwargs)

    @property
    def signed(self) -> int:
        return self.amount if self.direction == self.Direction.IN else -self.amount


class AdvanceSettlement(PublicIdModel, VillageScopedModel, BaseModel):
    """The SPJ of an advance (SPP UM): what the executor actually spent. The unspent remainder
    comes back to the treasurer (`returned`), or a spending beyond the advance is paid on top
    (`extra`); either way the advance is then closed. One SPJ per advance."""

    payment_request = models.OneToOneField(
        PaymentRequest, on_delete=models.PROTECT, related_name="settlement", verbose_name=_("SPP panjar")
    )
    number = models.CharField(_("nomor SPJ"), max_length=60)
    date = models.DateField(_("tanggal SPJ"))
    spent = models.BigIntegerField(_("belanja sesuai bukti"))
    returned = models.BigIntegerField(_("sisa panjar dikembalikan"), default=0)
    extra = models.BigIntegerField(_("kekurangan dibayar"), default=0)
    description = models.CharField(_("uraian"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.BALAI)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(spent__gte=0), name="finance_spj_spent_positive"),
            models.CheckConstraint(
                condition=models.Q(returned__gte=0, extra__gte=0), name="finance_spj_rest_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class DepositSlip(PublicIdModel, VillageScopedModel, BaseModel):
    """An STS (Surat Tanda Setoran): cash receipts (TBP) the treasurer took in, deposited into
    the village bank account. Posts cash out and bank in; each receipt is deposited once."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="deposit_slips")
    number = models.CharField(_("nomor STS"), max_length=60)
    date = models.DateField(_("tanggal setor"))
    amount = models.BigIntegerField(_("jumlah disetor"))
    bank_reference = models.CharField(_("nomor validasi bank"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["budget", "number"], name="finance_sts_number")]

    def __str__(self) -> str:
        return self.number


class DepositSlipItem(VillageScopedModel):
    """One receipt (TBP) on an STS; a receipt is on at most one STS."""

    slip = models.ForeignKey(DepositSlip, on_delete=models.CASCADE, related_name="items")
    receipt = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="deposit_item")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["id"]


class AidLink(PublicIdModel, VillageScopedModel, BaseModel):
    """An aid programme (BLT Dana Desa) paid from one spending line of the APBDes: its
    distributions recorded in the aid module are posted as that line's realisation (one entry
    per distribution day), so nobody types them twice. SPPs on a linked line are refused."""

    budget_line = models.OneToOneField(BudgetLine, on_delete=models.CASCADE, related_name="aid_link")
    programme = models.ForeignKey("aid.Programme", on_delete=models.PROTECT, related_name="+")
    medium = models.CharField(_("dibayar dari"), max_length=5, choices=Medium.choices, default=Medium.CASH)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]


class AidPosting(VillageScopedModel):
    """Which aid distribution went into which ledger entry: a distribution is posted once."""

    link = models.ForeignKey(AidLink, on_delete=models.PROTECT, related_name="postings")
    distribution = models.OneToOneField("aid.Distribution", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="aid_postings")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
