"""Isolation entries of the health reports' URLs, merged into this package's `isolation.py`
(the file the project's isolation test reads; see tests/test_isolation.py).

The report pages show counts only, never a child, and take no object in the path: each is a
`Listing` (the other village's names, NIKs and ids must not appear). The e-PPGBM export is by
name: the isolation test's viewer (an operator, no health.read) is refused; that a kader's
export holds only the own village's children is tested in test_eppgbm.py.
"""

from __future__ import annotations

from typing import Any

from tests.isolation_checks import Listing

UI_CHECKS: dict[str, Any] = {
    "health:report_monthly": Listing(),
    "health:report_monthly_xlsx": Listing(),
    "health:stunting": Listing(),
    # Village users are redirected to health:stunting (the check follows the redirect).
    "health:regional": Listing(),
    "health:regional_xlsx": Listing(),
    "health:regional_pdf": Listing(),
    "health:eppgbm_export": Listing(refused=(403,)),
}
