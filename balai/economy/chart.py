"""Reference data as data: the chart of accounts for a small entity (SAK EP/EMKM-style, as
BUMDes guides lay it out), KBLI sectors (the letter categories of KBLI 2020) and the staples
whose weekly market prices the village records."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# (code, name, type, is_cash, is_contra)
CHART: list[tuple[str, str, str, bool, bool]] = [
    ("1-101", "Kas", "aset", True, False),
    ("1-102", "Bank", "aset", True, False),
    ("1-103", "Piutang usaha", "aset", False, False),
    ("1-104", "Persediaan barang dagang", "aset", False, False),
    ("1-105", "Piutang pinjaman anggota", "aset", False, False),
    ("1-201", "Peralatan dan instalasi", "aset", False, False),
    ("1-202", "Akumulasi penyusutan", "aset", False, True),
    ("1-203", "Bangunan", "aset", False, False),
    ("2-101", "Utang usaha", "liabilitas", False, False),
    ("2-102", "Utang bagi hasil kepada desa", "liabilitas", False, False),
    ("2-103", "Simpanan nasabah", "liabilitas", False, False),
    ("3-101", "Penyertaan modal desa", "ekuitas", False, False),
    ("3-102", "Penyertaan modal masyarakat", "ekuitas", False, False),
    ("3-201", "Laba ditahan", "ekuitas", False, False),
    ("4-101", "Pendapatan usaha", "pendapatan", False, False),
    ("4-102", "Pendapatan jasa dan bunga pinjaman", "pendapatan", False, False),
    ("4-201", "Pendapatan lain-lain", "pendapatan", False, False),
    ("5-101", "Harga pokok penjualan", "beban", False, False),
    ("5-201", "Beban gaji dan honor", "beban", False, False),
    ("5-202", "Beban listrik, air dan telepon", "beban", False, False),
    ("5-203", "Beban pemeliharaan", "beban", False, False),
    ("5-204", "Beban penyusutan", "beban", False, False),
    ("5-205", "Beban operasional lainnya", "beban", False, False),
    ("5-301", "Beban lain-lain", "beban", False, False),
]
CASH = "1-101"
VILLAGE_CAPITAL = "3-101"
RETAINED = "3-201"

# The village's APBDes lines these flows land on (Permendagri 20/2018: 6.2.2 Penyertaan Modal
# Desa, 4.1.1 Hasil Usaha Desa; leaf .01 = to/from the BUMDes, as the finance module's chart).
APBDES_CAPITAL_PARTICIPATION = "6.2.2.01"
APBDES_PADES_BUMDES = "4.1.1.01"

SECTORS: dict[str, Promise] = {
    "A": _("Pertanian, kehutanan dan perikanan"),
    "B": _("Pertambangan dan penggalian"),
    "C": _("Industri pengolahan"),
    "F": _("Konstruksi"),
    "G": _("Perdagangan besar dan eceran; reparasi kendaraan"),
    "H": _("Pengangkutan dan pergudangan"),
    "I": _("Penyediaan akomodasi dan makan minum"),
    "J": _("Informasi dan komunikasi"),
    "N": _("Jasa persewaan dan penunjang usaha"),
    "P": _("Jasa pendidikan"),
    "R": _("Kesenian, hiburan dan rekreasi"),
    "S": _("Jasa lainnya (salon, penjahit, bengkel kecil)"),
}

COMMODITIES: dict[str, tuple[Promise, str]] = {
    "beras": (_("Beras medium"), "kg"),
    "gula": (_("Gula pasir"), "kg"),
    "minyak": (_("Minyak goreng curah"), "liter"),
    "telur": (_("Telur ayam ras"), "kg"),
    "ayam": (_("Daging ayam ras"), "kg"),
    "cabai": (_("Cabai merah keriting"), "kg"),
    "bawang_merah": (_("Bawang merah"), "kg"),
    "bawang_putih": (_("Bawang putih"), "kg"),
}
