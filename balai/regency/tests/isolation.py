"""Isolation entries for the regency pages (see tests/test_isolation.py): they are for the
district and regency offices, so a village operator is refused (403) whatever the page. How a
camat is kept to their own district is tested in `test_snapshots.py` and `test_board.py`."""

from tests.isolation_checks import Listing, Obj, Public

REFUSED = Listing(refused=(403,))

UI_CHECKS = {
    "regency:figures": REFUSED,
    "regency:figures_xlsx": REFUSED,
    "regency:figures_csv": REFUSED,
    "regency:snapshot_take": REFUSED,
    "regency:freshness": REFUSED,
    "regency:digest": REFUSED,
    "regency:rollout": REFUSED,
    "regency:activate": REFUSED,
}

API = "/api/v1/regency"
# District and regency tokens only: a village operator's token is refused (403).
# (The API's Listing check expects 200; these answer a village token 403 and carry no village
# data, which `Public` checks: no other village's names or ids in the answer.)
REGIONAL_ONLY = Public("district and regency tokens only; a village token gets 403")
API_CHECKS = {
    ("GET", f"{API}/figures"): REGIONAL_ONLY,
    ("GET", f"{API}/figures/variables"): REGIONAL_ONLY,
    ("GET", f"{API}/freshness"): REGIONAL_ONLY,
    ("GET", f"{API}/rollout"): REGIONAL_ONLY,
}

UI_CHECKS |= {
    # Open data: aggregates only, for anyone (the suppression is tested in test_opendata.py).
    "regency_opendata:index": Public("open data index; aggregates only"),
    "regency_opendata:month_csv": Public("open data CSV; aggregates only", (("month", "2001-01"),)),
    "regency_opendata:ckan_action": Public("CKAN action API; aggregates only", (("action", "package_show"),)),
}
UI_CHECKS["regency:compare"] = REFUSED
UI_CHECKS["regency:figures_pdf"] = REFUSED
UI_CHECKS["regency:report_pdf"] = REFUSED
UI_CHECKS["regency:rollout_village"] = Obj({"code": "village_code"}, refused=(403,))
for _name in ("freshness", "digest", "rollout", "compare"):
    UI_CHECKS[f"regency:{_name}_xlsx"] = REFUSED
    UI_CHECKS[f"regency:{_name}_pdf"] = REFUSED
