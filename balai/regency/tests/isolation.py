"""Isolation entries for the regency pages (see tests/test_isolation.py): they are for the
district and regency offices, so a village operator is refused (403) whatever the page. How a
camat is kept to their own district is tested in `test_snapshots.py` and `test_board.py`."""

from tests.isolation_checks import Listing

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
API_CHECKS = {
    ("GET", f"{API}/figures"): Listing(refused=(403,)),
    ("GET", f"{API}/figures/variables"): Listing(refused=(403,)),
    ("GET", f"{API}/freshness"): Listing(refused=(403,)),
    ("GET", f"{API}/rollout"): Listing(refused=(403,)),
}
