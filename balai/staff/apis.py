"""Staffing through the REST API, read-only: officials with their posts and decrees, the posts
of the organisation, the monthly attendance summary, and per-village figures for the regency.

No personal identifiers beyond what the Buku Aparat itself shows (names, posts, NIPD): no NIK,
no BPJS numbers, no birth dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from balai.accounts.api_auth import village_for
from balai.accounts.http import scope_of
from balai.core.dates import Period
from balai.staff import selectors
from balai.staff.models import AbsenceReport, Official, OfficialProfile

router = Router(tags=["staff"])


class DecreeOut(Schema):
    public_id: str
    kind: str
    number: str
    date: dt.date
    effective_on: dt.date
    position: str
    signer: str


class OfficialOut(Schema):
    public_id: str
    name: str
    position: str
    post: str | None
    acting: str
    nipd: str
    is_active: bool
    term_start: dt.date | None
    term_end: dt.date | None


class OfficialDetailOut(OfficialOut):
    decrees: list[DecreeOut]


class PositionOut(Schema):
    public_id: str
    kind: str
    title: str
    holder: str | None
    holder_name: str | None
    acting_name: str | None
    vacant: bool


class MonthQuery(Schema):
    bulan: str = Field("", description="YYYY-MM; kosong = bulan lengkap terakhir (bulan lalu)")


class AttendanceRowOut(Schema):
    official: str
    name: str
    position: str
    present: int
    late: int
    excused: int
    absent: int
    # Residents' kiosk reports that the official was absent, this month.
    reports: int = 0


class AttendanceOut(Schema):
    month: str
    running: bool = Field(False, description="bulan berjalan: datanya belum lengkap")
    data_until: dt.date | None = Field(None, description="hari terakhir yang tercakup")
    workdays: int
    rows: list[AttendanceRowOut]


class VillageOut(Schema):
    code: str
    name: str
    district_name: str
    positions: int
    filled: int
    vacant: int
    acting: int
    terms_ending: int
    attendance_rate: float | None
    # Official-days this month excused by approved leave or travel (out of the rate's denominator).
    excused_days: int


def _official_out(o: Official, profile: OfficialProfile | None) -> dict[str, Any]:
    return {
        "public_id": o.public_id,
        "name": o.name,
        "position": o.position,
        "post": profile.post.public_id if profile and profile.post else None,
        "acting": profile.acting if profile else "",
        "nipd": o.nipd,
        "is_active": o.is_active,
        "term_start": o.term_start,
        "term_end": o.term_end,
    }


@router.get("/officials", response=list[OfficialOut], summary="Perangkat desa pengguna dan jabatannya")
def officials(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "staff.read")
    profiles = {
        p.official_id: p for p in OfficialProfile.objects.filter(village=village).select_related("post")
    }
    return [_official_out(o, profiles.get(o.pk)) for o in selectors.official_list(village=village)]


@router.get("/officials/{public_id}", response=OfficialDetailOut, summary="Satu perangkat dengan riwayat SK")
def official_detail(request: HttpRequest, public_id: str) -> dict[str, Any]:
    village = village_for(request, "staff.read")
    try:
        official = selectors.official_get(village=village, public_id=public_id)
    except Official.DoesNotExist:
        raise Http404
    profile = OfficialProfile.objects.filter(official=official).select_related("post").first()
    return {
        **_official_out(official, profile),
        "decrees": [
            {
                "public_id": d.public_id,
                "kind": d.kind,
                "number": d.number,
                "date": d.date,
                "effective_on": d.effective_on,
                "position": d.position_title,
                "signer": d.signer,
            }
            for d in selectors.official_decrees(village=village, official=official)
        ],
    }


@router.get("/positions", response=list[PositionOut], summary="Susunan organisasi: jabatan, pejabat, lowong")
def positions(request: HttpRequest) -> list[dict[str, Any]]:
    village = village_for(request, "staff.read")
    return [
        {
            "public_id": box.position.public_id,
            "kind": box.position.kind,
            "title": box.position.title,
            "holder": box.holder.public_id if box.holder else None,
            "holder_name": box.holder.name if box.holder else None,
            "acting_name": box.acting.name if box.acting else None,
            "vacant": box.vacant,
        }
        for box in selectors.org_chart(village=village).boxes
    ]


@router.get("/attendance", response=AttendanceOut, summary="Rekap kehadiran perangkat satu bulan")
def attendance(request: HttpRequest, query: Query[MonthQuery]) -> dict[str, Any]:
    village = village_for(request, "attendance.recap")
    period = Period.choose(query.bulan, today=timezone.localdate())
    shown = period.month
    recap = selectors.attendance_recap(village=village, year=shown.year, month=shown.month)
    return {
        **period.as_api(),
        "workdays": len(recap.workdays),
        "rows": [
            {
                "official": r.official.public_id,
                "name": r.official.name,
                "position": r.official.position,
                "present": r.present,
                "late": r.late,
                "excused": r.excused,
                "absent": r.absent,
                "reports": r.reports,
            }
            for r in recap.rows
        ],
    }


class AbsenceReportOut(Schema):
    public_id: str
    official: str
    official_name: str
    seen_at: dt.datetime
    note: str
    status: str
    decided_at: dt.datetime | None
    decision_note: str


class AbsenceQuery(Schema):
    status: str = Field("", description="baru, ditangani, tidak_terbukti; kosong: semua")


@router.get(
    "/absence-reports",
    response=list[AbsenceReportOut],
    summary="Laporan warga dari anjungan: perangkat tidak di kantor (tanpa identitas pelapor)",
)
def absence_reports(request: HttpRequest, query: Query[AbsenceQuery]) -> list[dict[str, Any]]:
    village = village_for(request, "attendance.recap")
    status = query.status if query.status in AbsenceReport.Status.values else ""
    return [
        {
            "public_id": r.public_id,
            "official": r.official.public_id,
            "official_name": r.official.name,
            "seen_at": r.seen_at,
            "note": r.note,
            "status": r.status,
            "decided_at": r.decided_at,
            "decision_note": r.decision_note,
        }
        for r in selectors.absence_report_list(village=village, status=status)[:200]
    ]


@router.get(
    "/villages", response=list[VillageOut], summary="Per desa: jabatan terisi/lowong, masa jabatan, kehadiran"
)
def villages(request: HttpRequest) -> list[dict[str, Any]]:
    scope = scope_of(request)
    if not scope.can("aggregates.read"):
        raise PermissionDenied
    data = selectors.staffing_regional(villages=scope.readable_villages(), today=timezone.localdate())
    return [
        {
            "code": r.code,
            "name": r.name,
            "district_name": r.district_name,
            "positions": r.positions,
            "filled": r.filled,
            "vacant": r.vacant,
            "acting": r.acting,
            "terms_ending": len(r.ending or []),
            "attendance_rate": r.attendance_rate,
            "excused_days": r.excused_days,
        }
        for r in data
    ]
