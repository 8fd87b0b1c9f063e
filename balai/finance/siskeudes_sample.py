"""A crafted Siskeudes v2.0 export (the example village-year of SISKEUDES.md §4, invented
values) for tests, the benchmark and the browser walkthrough. It carries what real exports
carry: amounts in scientific notation (`e+07` and `e+007`), `MM/DD/YY HH:MM:SS` dates, a
line break inside text, a binary logo in Ta_Pemda, another village's rows, postings 1–3 in
Ta_Anggaran, an unknown column."""

from __future__ import annotations

from typing import Any


def sci(value: int, *, wide: bool = False) -> str:
    text = f"{value:.16e}"  # 5.7000000000000000e+07
    if wide:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{exp[0]}{int(exp[1:]):03d}"  # e+007
    return text


def sample_tables(
    kd_desa: str, year: int, *, extra_payments: int = 0, other_desa: str = "99.9999."
) -> dict[str, list[dict[str, Any]]]:
    yy = str(year)[2:]
    d = kd_desa
    nk = f"{d}00.00.00."
    jalan, siltap = f"{d}02.03.01.", f"{d}01.01.01."

    def rab(
        keg: str,
        rek: str,
        sd: str,
        jml: int,
        hrg: int,
        jml_pak: int | None = None,
        desa: str = d,
        uraian: str = "",
    ) -> dict[str, Any]:
        jml_pak = jml if jml_pak is None else jml_pak
        return {
            "Tahun": str(year),
            "Kd_Desa": desa,
            "Kd_Keg": keg,
            "Kd_Rincian": rek,
            "Kd_SubRinci": "01",
            "No_Urut": "01",
            "SumberDana": sd,
            "Uraian": uraian or rek,
            "Satuan": "paket",
            "JmlSatuan": sci(jml),
            "HrgSatuan": sci(hrg),
            "Anggaran": sci(jml * hrg),
            "JmlSatuanPAK": sci(jml_pak),
            "HrgSatuanPAK": sci(hrg),
            "AnggaranStlhPAK": sci(jml_pak * hrg, wide=True),
            "AnggaranPAK": sci((jml_pak - jml) * hrg),
            "Kode_SBU": "",
        }

    tables: dict[str, list[dict[str, Any]]] = {
        "Ref_Version": [{"Versi": "V2.0 R2.0.0.", "Tgl_Rilis": "11/21/18 00:00:00"}],
        "Ta_Pemda": [
            {
                "Tahun": str(year),
                "Kd_Prov": "33",
                "Kd_Kab": "25",
                "Nama_Pemda": "Kab. Contoh",
                "Logo": "\x89PNG\x00\x01binary",
            }
        ],
        "Ta_Desa": [
            {
                "Tahun": str(year),
                "Kd_Desa": d,
                "No_Perdes": f"3 Tahun {year - 1}",
                "Tgl_Perdes": f"12/20/{str(year - 1)[2:]} 00:00:00",
                "No_Perdes_PB": f"7 Tahun {year}",
                "Tgl_Perdes_PB": f"08/01/{yy} 00:00:00",
            },
        ],
        "Ta_Kegiatan": [
            {
                "Tahun": str(year),
                "Kd_Desa": d,
                "Kd_Sub": f"{d}01.01.",
                "Kd_Keg": siltap,
                "ID_Keg": "01.01.01.",
                "Nama_Kegiatan": "Penyediaan Penghasilan Tetap\ndan Tunjangan Kepala Desa",
                "Pagu": sci(1),
                "Nm_PPTKD": "Kaur Keuangan",
                "Lokasi": "Desa",
                "KolomBaru2024": "x",
            },
            {
                "Tahun": str(year),
                "Kd_Desa": d,
                "Kd_Sub": f"{d}02.03.",
                "Kd_Keg": jalan,
                "ID_Keg": "02.03.01.",
                "Nama_Kegiatan": "Pemeliharaan Jalan Desa",
                "Pagu": sci(1),
                "Nm_PPTKD": "Kasi Pembangunan",
                "Lokasi": "Dusun I",
                "KolomBaru2024": "",
            },
        ],
        "Ta_RABRinci": [
            rab(nk, "4.2.1.01.", "DDS", 1, 800_000_000, uraian="Dana Desa"),
            rab(nk, "4.2.3.01.", "ADD", 1, 400_000_000, uraian="Alokasi Dana Desa"),
            rab(siltap, "5.1.1.01.", "ADD", 12, 3_000_000, uraian="Siltap Kepala Desa"),
            rab(jalan, "5.2.1.07.", "DDS", 100, 222_000, 120, uraian="Batu, pasir\r\nsemen"),
            rab(jalan, "5.2.2.01.", "DDS", 1, 1_500_000, uraian="Honor TPK"),
            rab(nk, "6.2.2.01.", "DDS", 1, 50_000_000, uraian="Penyertaan modal BUMDes"),
            rab(f"{other_desa}00.00.00.", "4.2.1.01.", "DDS", 1, 999_000_000, desa=other_desa),
        ],
        "Ta_Anggaran": [
            {
                "KdPosting": str(p),
                "Tahun": str(year),
                "KURincianSD": f"{nk}4.2.1.01.01DDS",
                "Kd_Rincian": "4.2.1.01.",
                "Anggaran": sci(800_000_000),
                "Kd_Desa": d,
            }
            for p in (1, 2, 3)
        ],
        "Ta_TBP": [
            {
                "Tahun": str(year),
                "No_Bukti": f"0001/TBP/{d}/{year}",
                "Tgl_Bukti": f"04/15/{yy} 00:00:00",
                "Kd_Desa": d,
                "Uraian": "Penerimaan Dana Desa\ntahap I",
                "Jumlah": sci(320_000_000),
                "KdBayar": "2",
            },
        ],
        "Ta_TBPRinci": [
            {
                "Tahun": str(year),
                "No_Bukti": f"0001/TBP/{d}/{year}",
                "Kd_Desa": d,
                "Kd_Keg": nk,
                "Kd_Rincian": "4.2.1.01.",
                "RincianSD": "4.2.1.01.DDS",
                "SumberDana": "DDS",
                "Nilai": sci(320_000_000, wide=True),
            },
        ],
        "Ta_SPP": [
            {
                "Tahun": str(year),
                "No_SPP": f"0001/SPP/{d}/{year}",
                "Tgl_SPP": f"02/05/{yy} 00:00:00",
                "Jn_SPP": "LS",
                "Kd_Desa": d,
                "Keterangan": "Siltap Januari–Juni",
                "Jumlah": sci(18_000_000),
                "Potongan": sci(0),
            },
            {
                "Tahun": str(year),
                "No_SPP": f"0002/SPP/{d}/{year}",
                "Tgl_SPP": f"05/20/{yy} 00:00:00",
                "Jn_SPP": "LS",
                "Kd_Desa": d,
                "Keterangan": "Material jalan",
                "Jumlah": sci(22_200_000),
                "Potongan": sci(2_500_000),
            },
            {
                "Tahun": str(year),
                "No_SPP": f"0003/SPP/{d}/{year}",
                "Tgl_SPP": f"06/03/{yy} 00:00:00",
                "Jn_SPP": "UM",
                "Kd_Desa": d,
                "Keterangan": "Panjar honor TPK",
                "Jumlah": sci(1_500_000),
                "Potongan": sci(0),
            },
        ],
        "Ta_SPPRinci": [
            {
                "Tahun": str(year),
                "No_SPP": f"0001/SPP/{d}/{year}",
                "Kd_Keg": siltap,
                "Kd_Rincian": "5.1.1.01.",
                "Kd_SubRinci": "01",
                "Sumberdana": "ADD",
                "Nilai": sci(18_000_000),
            },
            {
                "Tahun": str(year),
                "No_SPP": f"0002/SPP/{d}/{year}",
                "Kd_Keg": jalan,
                "Kd_Rincian": "5.2.1.07.",
                "Kd_SubRinci": "01",
                "Sumberdana": "DDS",
                "Nilai": sci(22_200_000),
            },
            {
                "Tahun": str(year),
                "No_SPP": f"0003/SPP/{d}/{year}",
                "Kd_Keg": jalan,
                "Kd_Rincian": "5.2.2.01.",
                "Kd_SubRinci": "01",
                "Sumberdana": "DDS",
                "Nilai": sci(1_500_000),
            },
        ],
        "Ta_SPPPot": [
            {
                "Tahun": str(year),
                "No_SPP": f"0002/SPP/{d}/{year}",
                "Kd_Keg": jalan,
                "No_Bukti": "00002/KWT",
                "Kd_Rincian": "7.1.1.01.",
                "Nilai": sci(2_200_000),
            },
            {
                "Tahun": str(year),
                "No_SPP": f"0002/SPP/{d}/{year}",
                "Kd_Keg": jalan,
                "No_Bukti": "00002/KWT",
                "Kd_Rincian": "7.1.1.03.",
                "Nilai": sci(300_000),
            },
        ],
        "Ta_SPJ": [
            {
                "Tahun": str(year),
                "No_SPJ": f"0001/SPJ/{d}/{year}",
                "Tgl_SPJ": f"06/20/{yy} 00:00:00",
                "Kd_Desa": d,
                "No_SPP": f"0003/SPP/{d}/{year}",
                "Keterangan": "SPJ honor TPK",
            }
        ],
        "Ta_SPJRinci": [
            {
                "Tahun": str(year),
                "No_SPJ": f"0001/SPJ/{d}/{year}",
                "Kd_Keg": jalan,
                "Kd_Rincian": "5.2.2.01.",
                "Sumberdana": "DDS",
                "JmlCair": sci(1_500_000),
                "Nilai": sci(1_500_000),
                "Sisa": sci(0),
            },
        ],
        "Ta_Pajak": [
            {
                "Tahun": str(year),
                "No_SSP": f"0001/SSP/{d}/{year}",
                "Tgl_SSP": f"06/10/{yy} 00:00:00",
                "Kd_Desa": d,
                "Kd_MAP": "411211-100",
                "Jn_Transaksi": "Setor",
                "Kd_Rincian": "7.1.1.01.",
                "Jumlah": sci(2_200_000),
            },
            {
                "Tahun": str(year),
                "No_SSP": f"0002/SSP/{d}/{year}",
                "Tgl_SSP": f"06/10/{yy} 00:00:00",
                "Kd_Desa": d,
                "Kd_MAP": "411122-100",
                "Jn_Transaksi": "Setor",
                "Kd_Rincian": "7.1.1.03.",
                "Jumlah": sci(300_000),
            },
        ],
        "Ta_SaldoAwal": [
            {
                "Tahun": str(year),
                "Kd_Desa": d,
                "Kd_Rincian": "1.1.1.02.",
                "Jenis": "NERACA",
                "Anggaran": sci(0),
                "Debet": sci(25_000_000),
                "Kredit": sci(0),
            },
        ],
    }
    # More small LS payments on the siltap line (for the benchmark's 5,000 transactions).
    for i in range(extra_payments):
        number = f"{i + 4:04d}/SPP/{d}/{year}"
        month = 1 + i % 12
        tables["Ta_SPP"].append(
            {
                "Tahun": str(year),
                "No_SPP": number,
                "Tgl_SPP": f"{month:02d}/15/{yy} 00:00:00",
                "Jn_SPP": "LS",
                "Kd_Desa": d,
                "Keterangan": f"Belanja {i}",
                "Jumlah": sci(1_000),
                "Potongan": sci(0),
            }
        )
        tables["Ta_SPPRinci"].append(
            {
                "Tahun": str(year),
                "No_SPP": number,
                "Kd_Keg": siltap,
                "Kd_Rincian": "5.1.1.01.",
                "Kd_SubRinci": "01",
                "Sumberdana": "ADD",
                "Nilai": sci(1_000),
            }
        )
    return tables
