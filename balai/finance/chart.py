"""The chart of accounts and the funding sources of village finance (Permendagri 20/2018).

Reference data copied into the project (the product never reads ../shared at run time):
- Levels 1–3 and the common level-4 objects follow the Lampiran of Permendagri No. 20 Tahun
  2018 tentang Pengelolaan Keuangan Desa, as summarised in the project's DOMAIN.md §7 and as
  used by Siskeudes v2.0 (BPKP; `Ref_Rek1..Rek4`, read from OpenSID's siskeudes sample export
  `OpenSID/OpenSID:siskeudes/csv`, GPL-3.0 project, facts only). Level-4 names marked "lain-lain"
  are the catch-all objects every village may use.
- The PFK (non-budget) withholding accounts 7.1.1.01–05 and their MAP codes come from Siskeudes
  `Ref_Rek4.Peraturan` (same source).
- Bidang 1–5 are Permendagri 20/2018's; sub-bidang names from the same Lampiran.

A regency may add or rename accounts for a year (`Account` rows); this module only seeds them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (code, name). Codes are written without a trailing dot ("4.2.1.01"); Siskeudes writes
# "4.2.1.01." and the importer strips the dot.
ACCOUNTS: list[tuple[str, str]] = [
    ("4", "Pendapatan"),
    ("4.1", "Pendapatan Asli Desa"),
    ("4.1.1", "Hasil Usaha Desa"),
    ("4.1.1.01", "Bagi Hasil BUMDes"),
    ("4.1.1.90", "Lain-lain Hasil Usaha Desa"),
    ("4.1.2", "Hasil Aset Desa"),
    ("4.1.2.01", "Tanah Kas Desa"),
    ("4.1.2.02", "Tambatan Perahu"),
    ("4.1.2.03", "Pasar Desa"),
    ("4.1.2.04", "Tempat Pemandian Umum"),
    ("4.1.2.90", "Lain-lain Hasil Aset Desa"),
    ("4.1.3", "Swadaya, Partisipasi dan Gotong Royong"),
    ("4.1.3.01", "Swadaya, Partisipasi dan Gotong Royong"),
    ("4.1.4", "Lain-lain Pendapatan Asli Desa"),
    ("4.1.4.01", "Hasil Pungutan Desa"),
    ("4.1.4.90", "Lain-lain Pendapatan Asli Desa"),
    ("4.2", "Pendapatan Transfer"),
    ("4.2.1", "Dana Desa"),
    ("4.2.1.01", "Dana Desa"),
    ("4.2.2", "Bagian dari Hasil Pajak dan Retribusi Daerah Kabupaten/Kota"),
    ("4.2.2.01", "Bagian dari Hasil Pajak dan Retribusi Daerah"),
    ("4.2.3", "Alokasi Dana Desa"),
    ("4.2.3.01", "Alokasi Dana Desa"),
    ("4.2.4", "Bantuan Keuangan Provinsi"),
    ("4.2.4.01", "Bantuan Keuangan dari APBD Provinsi"),
    ("4.2.5", "Bantuan Keuangan APBD Kabupaten/Kota"),
    ("4.2.5.01", "Bantuan Keuangan dari APBD Kabupaten/Kota"),
    ("4.3", "Pendapatan Lain-lain"),
    ("4.3.1", "Penerimaan dari Hasil Kerjasama Antar Desa"),
    ("4.3.1.01", "Penerimaan dari Hasil Kerjasama Antar Desa"),
    ("4.3.2", "Penerimaan dari Hasil Kerjasama Desa dengan Pihak Ketiga"),
    ("4.3.2.01", "Penerimaan dari Hasil Kerjasama Desa dengan Pihak Ketiga"),
    ("4.3.3", "Penerimaan dari Bantuan Perusahaan yang Berlokasi di Desa"),
    ("4.3.3.01", "Penerimaan dari Bantuan Perusahaan"),
    ("4.3.4", "Hibah dan Sumbangan dari Pihak Ketiga"),
    ("4.3.4.01", "Hibah dan Sumbangan dari Pihak Ketiga"),
    ("4.3.5", "Koreksi Kesalahan Belanja Tahun-tahun Sebelumnya"),
    ("4.3.5.01", "Koreksi Kesalahan Belanja Tahun Sebelumnya"),
    ("4.3.6", "Bunga Bank"),
    ("4.3.6.01", "Bunga Bank"),
    ("4.3.9", "Lain-lain Pendapatan Desa yang Sah"),
    ("4.3.9.01", "Lain-lain Pendapatan Desa yang Sah"),
    ("5", "Belanja"),
    ("5.1", "Belanja Pegawai"),
    ("5.1.1", "Penghasilan Tetap dan Tunjangan Kepala Desa"),
    ("5.1.1.01", "Penghasilan Tetap Kepala Desa"),
    ("5.1.1.02", "Tunjangan Kepala Desa"),
    ("5.1.2", "Penghasilan Tetap dan Tunjangan Perangkat Desa"),
    ("5.1.2.01", "Penghasilan Tetap Perangkat Desa"),
    ("5.1.2.02", "Tunjangan Perangkat Desa"),
    ("5.1.3", "Jaminan Sosial Kepala Desa dan Perangkat Desa"),
    ("5.1.3.01", "Jaminan Kesehatan Kepala Desa dan Perangkat"),
    ("5.1.4", "Tunjangan BPD"),
    ("5.1.4.01", "Tunjangan Kedudukan BPD"),
    ("5.2", "Belanja Barang dan Jasa"),
    ("5.2.1", "Belanja Barang Perlengkapan"),
    ("5.2.1.01", "Belanja Perlengkapan Alat Tulis Kantor dan Benda Pos"),
    ("5.2.1.02", "Belanja Perlengkapan Alat-alat Listrik"),
    ("5.2.1.04", "Belanja Bahan/Material"),
    ("5.2.1.07", "Belanja Bahan/Material Bangunan"),
    ("5.2.1.99", "Belanja Barang Perlengkapan Lainnya"),
    ("5.2.2", "Belanja Jasa Honorarium"),
    ("5.2.2.01", "Belanja Jasa Honorarium Tim/Pelaksana Kegiatan"),
    ("5.2.2.02", "Belanja Jasa Honorarium Pembantu Tugas Umum Desa"),
    ("5.2.2.03", "Belanja Jasa Honorarium Tenaga Ahli/Narasumber"),
    ("5.2.2.04", "Belanja Upah Kerja (Tukang/Pekerja)"),
    ("5.2.3", "Belanja Perjalanan Dinas"),
    ("5.2.3.01", "Belanja Perjalanan Dinas Dalam Kabupaten/Kota"),
    ("5.2.4", "Belanja Jasa Sewa"),
    ("5.2.4.01", "Belanja Jasa Sewa Bangunan/Gedung/Ruang"),
    ("5.2.4.02", "Belanja Jasa Sewa Peralatan/Perlengkapan"),
    ("5.2.5", "Belanja Operasional Perkantoran"),
    ("5.2.5.01", "Belanja Listrik, Air dan Telepon"),
    ("5.2.5.99", "Belanja Operasional Perkantoran Lainnya"),
    ("5.2.6", "Belanja Pemeliharaan"),
    ("5.2.6.01", "Belanja Pemeliharaan Bangunan"),
    ("5.2.7", "Belanja Barang dan Jasa yang Diserahkan kepada Masyarakat"),
    ("5.2.7.01", "Belanja Barang yang Diserahkan kepada Masyarakat"),
    ("5.2.7.02", "Belanja Jasa yang Diserahkan kepada Masyarakat"),
    ("5.3", "Belanja Modal"),
    ("5.3.1", "Belanja Modal Pengadaan Tanah"),
    ("5.3.1.01", "Belanja Modal Pengadaan Tanah"),
    ("5.3.2", "Belanja Modal Peralatan, Mesin dan Alat Berat"),
    ("5.3.2.01", "Belanja Modal Peralatan Kantor"),
    ("5.3.4", "Belanja Modal Jalan/Prasarana Jalan"),
    ("5.3.4.01", "Belanja Modal Jalan Desa"),
    ("5.3.5", "Belanja Modal Jembatan"),
    ("5.3.5.01", "Belanja Modal Jembatan"),
    ("5.3.6", "Belanja Modal Irigasi/Embung/Drainase/Air Limbah/Persampahan"),
    ("5.3.6.01", "Belanja Modal Drainase"),
    ("5.3.9", "Belanja Modal Lainnya"),
    ("5.3.9.01", "Belanja Modal Lainnya"),
    ("5.4", "Belanja Tak Terduga"),
    ("5.4.1", "Belanja Tak Terduga"),
    ("5.4.1.01", "Belanja Tak Terduga"),
    ("5.4.1.02", "Bantuan Langsung Tunai Dana Desa"),
    ("6", "Pembiayaan"),
    ("6.1", "Penerimaan Pembiayaan"),
    ("6.1.1", "Sisa Lebih Perhitungan Anggaran (SiLPA) Tahun Sebelumnya"),
    ("6.1.1.01", "SiLPA Tahun Sebelumnya"),
    ("6.1.2", "Pencairan Dana Cadangan"),
    ("6.1.2.01", "Pencairan Dana Cadangan"),
    ("6.1.3", "Hasil Penjualan Kekayaan Desa yang Dipisahkan"),
    ("6.1.3.01", "Hasil Penjualan Kekayaan Desa yang Dipisahkan"),
    ("6.2", "Pengeluaran Pembiayaan"),
    ("6.2.1", "Pembentukan Dana Cadangan"),
    ("6.2.1.01", "Pembentukan Dana Cadangan"),
    ("6.2.2", "Penyertaan Modal Desa"),
    ("6.2.2.01", "Penyertaan Modal Desa kepada BUMDes"),
    ("6.2.2.02", "Penyertaan Modal Desa kepada BUMDes Bersama"),
    ("7", "Perhitungan Fihak Ketiga (PFK)"),
    ("7.1", "Potongan Pajak dan Pungutan"),
    ("7.1.1", "Potongan Pajak Pusat"),
    ("7.1.1.01", "PPN Pusat"),
    ("7.1.1.02", "PPh Pasal 21"),
    ("7.1.1.03", "PPh Pasal 22"),
    ("7.1.1.04", "PPh Pasal 23"),
    ("7.1.1.05", "PPh Pasal 4 ayat (2)"),
    ("7.1.2", "Potongan Pajak Daerah"),
    ("7.1.2.01", "Pajak Daerah"),
]

# Bidang and sub-bidang of the spending structure (Permendagri 20/2018 Lampiran).
BIDANG: dict[str, str] = {
    "01": "Penyelenggaraan Pemerintahan Desa",
    "02": "Pelaksanaan Pembangunan Desa",
    "03": "Pembinaan Kemasyarakatan Desa",
    "04": "Pemberdayaan Masyarakat Desa",
    "05": "Penanggulangan Bencana, Keadaan Darurat dan Mendesak Desa",
}
SUB_BIDANG: dict[str, str] = {
    "01.01": "Penyelenggaraan Belanja Siltap, Tunjangan dan Operasional Pemerintahan Desa",
    "01.02": "Sarana dan Prasarana Pemerintahan Desa",
    "01.03": "Administrasi Kependudukan, Pencatatan Sipil, Statistik dan Kearsipan",
    "01.04": "Tata Praja Pemerintahan, Perencanaan, Keuangan dan Pelaporan",
    "01.05": "Pertanahan",
    "02.01": "Pendidikan",
    "02.02": "Kesehatan",
    "02.03": "Pekerjaan Umum dan Penataan Ruang",
    "02.04": "Kawasan Permukiman",
    "02.05": "Kehutanan dan Lingkungan Hidup",
    "02.06": "Perhubungan, Komunikasi dan Informatika",
    "02.07": "Energi dan Sumber Daya Mineral",
    "02.08": "Pariwisata",
    "03.01": "Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat",
    "03.02": "Kebudayaan dan Keagamaan",
    "03.03": "Kepemudaan dan Olah Raga",
    "03.04": "Kelembagaan Masyarakat",
    "04.01": "Kelautan dan Perikanan",
    "04.02": "Pertanian dan Peternakan",
    "04.03": "Peningkatan Kapasitas Aparatur Desa",
    "04.04": "Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga",
    "04.05": "Koperasi, Usaha Mikro Kecil dan Menengah",
    "04.06": "Dukungan Penanaman Modal",
    "04.07": "Perdagangan dan Perindustrian",
    "05.01": "Penanggulangan Bencana",
    "05.02": "Keadaan Darurat",
    "05.03": "Keadaan Mendesak",
}

# Siskeudes Ref_Sumber, in its order.
FUNDING_SOURCES: list[tuple[str, str]] = [
    ("PAD", _("Pendapatan Asli Desa")),
    ("ADD", _("Alokasi Dana Desa")),
    ("DDS", _("Dana Desa")),
    ("PBH", _("Bagi Hasil Pajak dan Retribusi")),
    ("PBK", _("Bantuan Keuangan Kabupaten")),
    ("PBP", _("Bantuan Keuangan Provinsi")),
    ("SWD", _("Swadaya Masyarakat")),
    ("DLL", _("Lain-lain")),
]
FUNDING_CODES = frozenset(code for code, _label in FUNDING_SOURCES)

ACCOUNT_NAMES: dict[str, str] = dict(ACCOUNTS)


def account_level(code: str) -> int:
    return code.count(".") + 1


def account_name(code: str) -> str:
    return ACCOUNT_NAMES.get(code, code)


def bidang_name(code: str) -> str:
    return BIDANG.get(code, code)
