"""Village economy: the BUMDes and its books, residents' businesses (UMKM), village potential
and market prices.

Money is integer Rupiah. The BUMDes keeps double-entry books per business unit: every journal
line carries its unit, so a unit's statements and the consolidated ones are the same query
with or without a unit filter. Posted entries are never edited; a mistake is corrected by a
new entry, and nothing is posted on or before the date the books are closed through.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.core.models import BaseModel, PublicIdModel, VillageScopedModel


class Bumdes(PublicIdModel, VillageScopedModel, BaseModel):
    """Badan Usaha Milik Desa (PP 11/2021): one per village; a badan hukum once registered."""

    class LegalStatus(models.TextChoices):
        FOUNDED = "perdes", _("Didirikan dengan Perdes (belum terdaftar)")
        NAME_VERIFIED = "nama", _("Nama terverifikasi Kemenkumham")
        REGISTERED = "badan_hukum", _("Berbadan hukum (sertifikat pendaftaran)")

    name = models.CharField(_("nama BUMDes"), max_length=150)
    legal_status = models.CharField(
        _("status badan hukum"), max_length=12, choices=LegalStatus.choices, default=LegalStatus.FOUNDED
    )
    perdes_number = models.CharField(_("nomor Perdes pendirian"), max_length=80, blank=True)
    registration_number = models.CharField(_("nomor sertifikat pendaftaran"), max_length=80, blank=True)
    established_on = models.DateField(_("tanggal pendirian"), null=True, blank=True)
    address = models.CharField(_("alamat kantor"), max_length=255, blank=True)
    # The village's share of the profit (bagi hasil to PADes), as set by the AD/ART, percent.
    village_share_percent = models.PositiveSmallIntegerField(_("bagian desa dari laba (%)"), default=40)
    # Nothing may be posted on or before this date (period closing).
    closed_through = models.DateField(_("buku ditutup sampai"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village"], name="bumdes_one_per_village")]

    def __str__(self) -> str:
        return self.name


class BumdesManager(PublicIdModel, VillageScopedModel, BaseModel):
    """A person in one of the BUMDes organs (PP 11/2021 art. 23): always a resident record."""

    class Position(models.TextChoices):
        ADVISER = "penasihat", _("Penasihat (Kepala Desa)")
        DIRECTOR = "direktur", _("Direktur / Ketua Pelaksana Operasional")
        SECRETARY = "sekretaris", _("Sekretaris")
        TREASURER = "bendahara", _("Bendahara")
        UNIT_HEAD = "kepala_unit", _("Kepala Unit Usaha")
        SUPERVISOR = "pengawas", _("Pengawas")

    bumdes = models.ForeignKey(Bumdes, on_delete=models.CASCADE, related_name="managers")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("jabatan"), max_length=12, choices=Position.choices)
    unit = models.ForeignKey(
        "economy.BusinessUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("mulai menjabat"))
    ended_on = models.DateField(_("berhenti"), null=True, blank=True)
    end_reason = models.CharField(_("alasan berhenti"), max_length=120, blank=True)

    class Meta:
        ordering = ["ended_on", "position", "id"]


class BusinessUnit(PublicIdModel, VillageScopedModel, BaseModel):
    """Unit usaha: each keeps its own books inside the BUMDes's."""

    class Kind(models.TextChoices):
        WATER = "air", _("Air bersih (SPAM desa)")
        SHOP = "toko", _("Toko / perdagangan")
        TOURISM = "wisata", _("Wisata desa")
        WASTE = "sampah", _("Pengelolaan sampah")
        SAVINGS = "simpan_pinjam", _("Simpan pinjam")
        RENTAL = "sewa", _("Penyewaan")
        OTHER = "lain", _("Lainnya")

    bumdes = models.ForeignKey(Bumdes, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("nama unit"), max_length=120)
    kind = models.CharField(_("jenis usaha"), max_length=14, choices=Kind.choices)
    started_on = models.DateField(_("mulai beroperasi"), null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["bumdes", "name"], name="unit_name_per_bumdes")]

    def __str__(self) -> str:
        return self.name


class Account(VillageScopedModel):
    """One line of the BUMDes's chart of accounts (seeded from `chart.CHART`)."""

    class Type(models.TextChoices):
        ASSET = "aset", _("Aset")
        LIABILITY = "liabilitas", _("Liabilitas")
        EQUITY = "ekuitas", _("Ekuitas")
        REVENUE = "pendapatan", _("Pendapatan")
        EXPENSE = "beban", _("Beban")

    bumdes = models.ForeignKey(Bumdes, on_delete=models.CASCADE, related_name="accounts")
    code = models.CharField(_("kode akun"), max_length=10)
    name = models.CharField(_("nama akun"), max_length=120)
    type = models.CharField(_("golongan"), max_length=10, choices=Type.choices)
    # Cash and bank: their balance may never go below zero.
    is_cash = models.BooleanField(default=False)
    # A contra account (accumulated depreciation) sits under its golongan with the other sign.
    is_contra = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["bumdes", "code"], name="account_code_per_bumdes")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def debit_normal(self) -> bool:
        normal = self.type in (self.Type.ASSET, self.Type.EXPENSE)
        return normal != self.is_contra


class JournalEntry(PublicIdModel, VillageScopedModel, BaseModel):
    class Kind(models.TextChoices):
        GENERAL = "umum", _("Jurnal umum")
        OPENING = "saldo_awal", _("Saldo awal")
        CAPITAL = "modal", _("Penyertaan modal")
        DISTRIBUTION = "bagi_hasil", _("Pembagian laba")
        CLOSING = "penutup", _("Jurnal penutup")

    bumdes = models.ForeignKey(Bumdes, on_delete=models.PROTECT, related_name="entries")
    unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("nomor bukti"))
    date = models.DateField(_("tanggal"))
    description = models.CharField(_("uraian"), max_length=255)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set at posting so the cash-flow statement is one grouped query: the entry's net movement
    # of cash and bank, and the activity it belongs to (by the other accounts it touches).
    cash_change = models.BigIntegerField(default=0, editable=False)
    flow = models.CharField(max_length=10, default="operasi", editable=False)

    class Meta:
        ordering = ["date", "number"]
        indexes = [models.Index(fields=["unit", "date"], name="jentry_unit_date_idx")]
        constraints = [models.UniqueConstraint(fields=["bumdes", "number"], name="entry_number_per_bumdes")]


class JournalLine(VillageScopedModel):
    """One side of an entry; unit and date copied from the entry so statements need no join."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    date = models.DateField()
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)
    memo = models.CharField(max_length=120, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "account", "date"], name="jline_unit_acct_idx"),
            models.Index(fields=["account", "date"], name="jline_acct_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(debit__gt=0, credit=0) | models.Q(debit=0, credit__gt=0)),
                name="jline_one_side_positive",
            )
        ]


class CapitalParticipation(PublicIdModel, VillageScopedModel, BaseModel):
    """Penyertaan modal desa: APBDes financing 6.2.2 paid into the BUMDes."""

    bumdes = models.ForeignKey(Bumdes, on_delete=models.PROTECT, related_name="capital")
    unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("tanggal"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran APBDes"))
    decree = models.CharField(_("dasar (Perdes APBDes)"), max_length=120, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    # What the finance module answered when the realisation was recorded there ("" = not linked),
    # or why it refused (see finance_link).
    finance_ref = models.CharField(max_length=64, blank=True)
    finance_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-date", "-id"]


class ProfitDistribution(PublicIdModel, VillageScopedModel, BaseModel):
    """The year's profit shared out; the village's part is PADes 4.1.1 (hasil usaha desa)."""

    bumdes = models.ForeignKey(Bumdes, on_delete=models.PROTECT, related_name="distributions")
    unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun buku"))
    date = models.DateField(_("tanggal setor"))
    net_profit = models.BigIntegerField(_("laba bersih"))
    village_share = models.BigIntegerField(_("bagian desa (PADes)"))
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    finance_ref = models.CharField(max_length=64, blank=True)
    finance_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="distribution_once_per_unit_year")
        ]


class PeriodClose(VillageScopedModel, BaseModel):
    """A record of each closing (who closed which month), the books' `closed_through` moves."""

    bumdes = models.ForeignKey(Bumdes, on_delete=models.PROTECT, related_name="closings")
    through = models.DateField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-through"]


# --- UMKM --------------------------------------------------------------------------------


class Business(PublicIdModel, VillageScopedModel, BaseModel):
    """A resident's micro or small business. The owner is the registry's record, never a copy."""

    owner = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nama usaha"), max_length=150)
    sector = models.CharField(_("sektor (KBLI)"), max_length=1)
    kbli = models.CharField(_("kode KBLI"), max_length=5, blank=True)
    description = models.CharField(_("keterangan"), max_length=500, blank=True)
    address = models.CharField(_("alamat usaha"), max_length=255)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    started_year = models.PositiveSmallIntegerField(_("berdiri sejak (tahun)"), null=True, blank=True)
    phone = models.CharField(_("nomor HP/WA"), max_length=20, blank=True)
    # Consent (UU PDP): the phone is shown publicly only while this is on.
    contact_public = models.BooleanField(_("kontak boleh ditampilkan publik"), default=False)
    # Whether the business shows on the public page and the kiosk at all.
    listed = models.BooleanField(_("tampil di halaman publik dan anjungan"), default=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    pirt = models.CharField(_("nomor P-IRT"), max_length=20, blank=True)
    halal = models.CharField(_("nomor sertifikat halal"), max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    closed_reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["village", "is_active", "listed"], name="business_public_idx")]

    def __str__(self) -> str:
        return self.name


class Product(PublicIdModel, VillageScopedModel, BaseModel):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("nama produk"), max_length=120)
    price = models.BigIntegerField(_("harga (Rp)"))
    unit = models.CharField(_("satuan"), max_length=30, blank=True)
    # A JPEG re-encoded from the upload (no metadata), stored under a random name.
    photo = models.CharField(max_length=120, blank=True, editable=False)

    class Meta:
        ordering = ["name"]


# --- Village potential and prices ----------------------------------------------------------


class Potential(PublicIdModel, VillageScopedModel, BaseModel):
    """One line of the village's economic potential inventory (potensi desa)."""

    class Category(models.TextChoices):
        AGRICULTURE = "pertanian", _("Pertanian")
        PLANTATION = "perkebunan", _("Perkebunan")
        LIVESTOCK = "peternakan", _("Peternakan")
        FISHERIES = "perikanan", _("Perikanan")
        TOURISM = "wisata", _("Pariwisata")
        CRAFTS = "kerajinan", _("Kerajinan")
        OTHER = "lain", _("Lainnya")

    category = models.CharField(_("kategori"), max_length=10, choices=Category.choices)
    name = models.CharField(_("komoditas / potensi"), max_length=120)
    quantity = models.DecimalField(_("jumlah"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("satuan"), max_length=30)
    year = models.PositiveSmallIntegerField(_("tahun data"))
    note = models.CharField(_("keterangan"), max_length=255, blank=True)

    class Meta:
        ordering = ["category", "name"]


class MarketPrice(VillageScopedModel, BaseModel):
    """Weekly price of a staple at the village market (the week's Monday)."""

    commodity = models.CharField(_("komoditas"), max_length=20)
    week = models.DateField(_("minggu (Senin)"))
    price = models.BigIntegerField(_("harga (Rp)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["commodity", "week"]
        constraints = [
            models.UniqueConstraint(fields=["village", "commodity", "week"], name="price_once_per_week")
        ]
