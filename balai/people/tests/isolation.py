"""Isolation entries of the registry's single-data pages: life event pages, the review queue,
books, the monthly report, statistics and data quality (see tests/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from balai.people.models import ReviewItem
from tests.isolation_checks import API, Listing, Obj

UI_CHECKS: dict[str, Any] = {
    "people:event_detail": Obj({"public_id": "event"}),
    "people:event_cancel": Obj({"public_id": "event"}),
    "people:review_list": Listing(),
    "people:review_resolve": Obj({"public_id": "review"}),
    "people:books": Listing(),
    # Without ?format= it answers with the books page; the files themselves are built from the
    # signed-in user's village only (balai/people/tests/test_books.py checks one).
    "people:book_download": Listing(),
    "people:monthly_report": Listing(),
    "people:statistics": Listing(),
    "people:regional_statistics": Listing(),
    "people:regional_quality": Listing(),
    "people:regional_quality_xlsx": Listing(),
    "people:regional_quality_pdf": Listing(),
}
API_CHECKS: dict[tuple[str, str], Any] = {
    ("POST", f"{API}/events/{{public_id}}/cancel"): Obj({"public_id": "event"}),
    ("GET", f"{API}/population/monthly"): Listing(),
    ("GET", f"{API}/population/monthly/regional"): Listing(),
    ("GET", f"{API}/population/statistics"): Listing(),
    ("GET", f"{API}/population/statistics/regional"): Listing(),
    ("GET", f"{API}/population/quality"): Listing(),
    ("GET", f"{API}/population/quality/ranking"): Listing(),
    ("GET", f"{API}/population/reviews"): Listing(),
}
MISSING = {"review": "tidakada23456789"}


def populate(*, village: Any, operator: Any, family: Any, resident: Any, tag: str) -> dict[str, Any]:
    item = ReviewItem.objects.create(
        village=village, module="people", title=f"TINJAUAN {tag}", resident=resident, reason="uji"
    )
    return {"review": item.public_id, "review_title": item.title}


def markers(village: Any) -> list[str]:
    return [
        *ReviewItem.objects.filter(village=village).values_list("title", flat=True),
        *ReviewItem.objects.filter(village=village).values_list("public_id", flat=True),
    ]


def fingerprint(village: Any) -> dict[str, Any]:
    return {"reviews": sorted(ReviewItem.objects.filter(village=village).values_list("public_id", "state"))}
