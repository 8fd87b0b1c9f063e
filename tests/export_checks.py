"""Every view of the project that answers with a spreadsheet, in one place.

tests/test_exports.py opens each one with data named like a formula and finds no formula;
it also fails for a URL pattern that looks like a spreadsheet export (route or name ending
in xlsx) and is not listed here, and tests/test_isolation.py fails when a view not listed
here answers with an xlsx file. Whoever adds an export adds it here and a case there.
"""

from __future__ import annotations

XLSX_EXPORTS: dict[str, str] = {
    "people:export_xlsx": "residents of the village, OpenSID's import format",
    "letters:register_xlsx": "outgoing letters register (Buku Agenda surat keluar)",
    "letters:incoming_xlsx": "incoming letters register (Buku Agenda surat masuk)",
    "education:follow_up_xlsx": "out-of-school and at-risk children to follow up",
    "health:report_monthly_xlsx": "monthly posyandu report (SKDN)",
    "health:eppgbm_export": "children measured in a month, e-PPGBM's upload format",
    "staff:attendance_recap_xlsx": "monthly attendance of the village officials",
    "staff:buku_aparat_xlsx": "Buku Aparat Pemerintah Desa (A4)",
    "staff:buku_keputusan_xlsx": "Buku Keputusan Kepala Desa (A2), decrees on officials",
    "staff:regional_xlsx": "staffing per village for the district/regency",
    "aid:recipients_xlsx": "a programme's recipients, OpenSID's aid format",
    "aid:cycle_xlsx": "a distribution cycle's report",
    "finance:book_xlsx": "a village finance book (Buku Kas Umum, bank, tax) with running balances",
    "finance:lra_xlsx": "the budget realisation report (LRA)",
    "finance:advance_book_xlsx": "Buku Pembantu Panjar (advances, SPJ, remainders returned)",
    "finance:activity_book_xlsx": "Buku Pembantu Kegiatan of one activity",
    "finance:regional_xlsx": "APBDes realisation per village for the district/regency",
    "regency:figures_xlsx": "the regency's monthly figures per village, from the snapshots",
    "regency:compare_xlsx": "one indicator across villages, ranked, with the median",
    "regency:freshness_xlsx": "the freshness board: last activity and missing work per village",
    "regency:digest_xlsx": "the weekly digest of the freshness board",
    "regency:rollout_xlsx": "the rollout stage of every village with what is missing",
    "dashboard:overview_xlsx": "population per district and village (the overview page)",
    "dashboard:village_xlsx": "one village's population per dusun",
    "dashboard:staff_performance_xlsx": "service performance per official in a month",
    "people:regional_quality_xlsx": "population data quality score per village",
    "health:regional_xlsx": "toddlers' weighing coverage and prevalence per village (suppressed)",
    "aid:regional_xlsx": "aid coverage per village (families, deciles), counts only",
    "education:regional_xlsx": "children's schooling per village (out of school, PAUD, PIP), counts only",
    "economy:regional_xlsx": "businesses per KBLI sector, potential and staple prices per village",
    "people:book_download": "the registry's books B1–B5 (?buku=…&format=xlsx), Permendagri 47/2016",
}
