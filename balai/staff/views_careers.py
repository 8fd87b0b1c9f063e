"""Officials' careers in the back office: org chart, posts, each official's record and decrees,
the Buku Aparat (A4) and Buku Keputusan (A2), leave and travel, the BPD, terms ending."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balai.accounts.decorators import require
from balai.accounts.http import RegionalRequest, VillageRequest
from balai.core import xlsx
from balai.core.http import ServiceCall
from balai.core.plugins import record_sections
from balai.regions.selectors import dusun_list
from balai.staff import bpd, careers, exports, leave, rules, selectors
from balai.staff.forms_careers import BpdMemberForm, DecreeForm, LeaveForm, PositionForm, ProfileForm
from balai.staff.models import BpdMember, Decree, DecreeScan, Leave, Official


def _official(request: VillageRequest, public_id: str) -> Official:
    try:
        return selectors.official_get(village=request.village, public_id=public_id)
    except Official.DoesNotExist:
        raise Http404


# --- Org chart and posts -----------------------------------------------------------------------


def _chart_rows(chart: selectors.OrgChart) -> list[tuple[str, list[str]]]:
    """The SOTK rows as (css class, boxes as escaped HTML). Built here rather than by an include
    per box: the template engine's work was most of the page's CPU (issue 18: p95 ≤ 50 ms)."""
    career = reverse("staff:official_career", args=["ID"])
    vacant = _("Lowong")

    def box(b: selectors.ChartBox) -> str:
        holder = (
            format_html(
                '<a href="{}">{}</a>', career.replace("/ID/", f"/{b.holder.public_id}/"), b.holder.name
            )
            if b.holder
            else format_html("<em>{}</em>", vacant)
        )
        acting = (
            format_html('\n<div class="a">{}: {}</div>', b.acting_label, b.acting.name) if b.acting else ""
        )
        return format_html(
            '<div class="sotk-box{}"><div class="t">{}</div>\n<div class="n">{}</div>{}</div>',
            " vacant" if b.vacant else "",
            b.position.title,
            holder,
            acting,
        )

    def row(css: str, boxes: list[selectors.ChartBox]) -> tuple[str, list[str]]:
        return css, [box(b) for b in boxes]

    rows = []
    if chart.head:
        rows.append(row("sotk-row", chart.head))
    if chart.secretary or chart.kaur:
        rows += [row("sotk-row sotk-group", chart.secretary), row("sotk-row", chart.kaur)]
    for boxes in (chart.kasi, chart.kadus, chart.staff):
        if boxes:
            rows.append(row("sotk-row sotk-group", boxes))
    return rows


@require("staff.read")
def org_chart(request: VillageRequest) -> HttpResponse:
    village = request.village
    today = timezone.localdate()
    chart = selectors.org_chart(village=village)
    boxes = chart.boxes
    # One read of the BPD serves both its list (serving today) and its terms ending soon.
    members = list(bpd.bpd_members(village=village).filter(is_active=True, term_end__gte=today))
    return render(
        request,
        "staff/org_chart.html",
        {
            "chart_rows": _chart_rows(chart),
            "positions": len(boxes),
            "vacant": sum(b.vacant for b in boxes),
            "bpd": [m for m in members if m.term_start <= today],
            "warnings": selectors.term_warnings(village=village, today=today, bpd=members),
            "ended": selectors.terms_ended(village=village, today=today),
            "can_write": request.scope.can("staff.write"),
        },
    )


@require("staff.write")
def positions(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = PositionForm(
        request.POST or None, dusuns=list(dusun_list(village=village).values_list("pk", "name"))
    )
    if request.method == "POST":
        if request.POST.get("action") == "seed":
            created = careers.positions_seed_standard(actor=request.user, village=village)
            messages.success(request, _("%(n)d jabatan standar ditambahkan.") % {"n": len(created)})
            return redirect("staff:positions")
        if form.is_valid():
            with ServiceCall(form) as call:
                careers.position_create(actor=request.user, village=village, data=form.cleaned_data)
            if call.ok:
                messages.success(request, _("Jabatan ditambahkan."))
                return redirect("staff:positions")
    return render(
        request,
        "staff/positions.html",
        {"positions": selectors.position_list(village=village), "form": form},
        status=400 if form.errors else 200,
    )


# --- One official's record ---------------------------------------------------------------------


@require("staff.read")
def official_career(request: VillageRequest, public_id: str) -> HttpResponse:
    village = request.village
    official = _official(request, public_id)
    can_write = request.scope.can("staff.write")
    posts = list(selectors.position_list(village=village))
    form = DecreeForm(request.POST or None, request.FILES or None, positions=posts)
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("scan", None)
            with ServiceCall(form) as call:
                careers.decree_record(
                    actor=request.user,
                    village=village,
                    official=official,
                    data={**data, "position": data.get("position") or None},
                    scan=upload.read() if upload else None,
                )
            if call.ok:
                messages.success(request, _("SK %(number)s dicatat.") % {"number": data["number"]})
                return redirect("staff:official_career", public_id=official.public_id)
    profile = careers.profile_of(official)
    return render(
        request,
        "staff/official_career.html",
        {
            "official": official,
            "profile": profile,
            "decrees": selectors.official_decrees(village=village, official=official),
            "leaves": selectors.leave_list(village=village, official=official)[:20],
            "form": form,
            "can_write": can_write,
            # Other apps' sections (finance: the siltap budgeted and paid this year).
            "record_sections": record_sections("staff.official", obj=official, scope=request.scope),
        },
        status=400 if form.errors else 200,
    )


@require("staff.write")
def official_profile(request: VillageRequest, public_id: str) -> HttpResponse:
    official = _official(request, public_id)
    profile = careers.profile_of(official)
    initial = {name: getattr(profile, name) for name in careers.PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            careers.profile_update(actor=request.user, official=official, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Data kepegawaian %(name)s disimpan.") % {"name": official.name})
            return redirect("staff:official_career", public_id=official.public_id)
    return render(
        request,
        "staff/official_profile.html",
        {"official": official, "form": form},
        status=400 if form.errors else 200,
    )


@require("staff.read")
def decree_scan(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        decree = selectors.decree_get(village=request.village, public_id=public_id)
        scan = DecreeScan.objects.get(decree=decree)
    except (Decree.DoesNotExist, DecreeScan.DoesNotExist):
        raise Http404
    response = HttpResponse(bytes(scan.data), content_type=decree.scan_type or "application/octet-stream")
    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(decree.scan_type, "bin")
    response["Content-Disposition"] = f'inline; filename="sk-{decree.public_id}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Village books (Permendagri 47/2016) -------------------------------------------------------


@require("staff.read")
def buku_aparat(request: VillageRequest) -> HttpResponse:
    return render(request, "staff/buku_aparat.html", {"rows": selectors.buku_aparat(village=request.village)})


@require("staff.read")
def buku_aparat_xlsx(request: VillageRequest) -> HttpResponse:
    village = request.village
    data = exports.buku_aparat_xlsx(rows=selectors.buku_aparat(village=village), village=village)
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="buku-aparat-{village.code}.xlsx"'
    return response


def _year(request: VillageRequest) -> int:
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1990 <= year <= 2100 else timezone.localdate().year


@require("staff.read")
def buku_keputusan(request: VillageRequest) -> HttpResponse:
    year = _year(request)
    return render(
        request,
        "staff/buku_keputusan.html",
        {"decrees": selectors.decree_list(village=request.village, year=year), "year": year},
    )


@require("staff.read")
def buku_keputusan_xlsx(request: VillageRequest) -> HttpResponse:
    village, year = request.village, _year(request)
    data = exports.buku_keputusan_xlsx(
        decrees=list(selectors.decree_list(village=village, year=year)), village=village, year=year
    )
    response = HttpResponse(data, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="buku-keputusan-{village.code}-{year}.xlsx"'
    return response


# --- Leave and travel --------------------------------------------------------------------------


@require("staff.leave")
def leave_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    clerk = request.scope.can("staff.write")
    own = selectors.official_for_user(village=village, user=request.user)
    officials = (
        list(selectors.official_list(village=village, active_only=True)) if clerk else ([own] if own else [])
    )
    form = LeaveForm(
        request.POST or None, officials=officials, initial={"official": own.public_id if own else ""}
    )
    if request.method == "POST" and form.is_valid():
        official = _official(request, form.cleaned_data["official"])
        with ServiceCall(form) as call:
            leave.leave_request(
                actor=request.user, village=village, official=official, data=form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Pengajuan dikirim kepada kepala desa."))
            return redirect("staff:leave_list")
    status = request.GET.get("status", "")
    shown = selectors.leave_list(village=village, status=status if status in Leave.Status.values else "")
    if not clerk and not request.scope.can("staff.approve"):
        shown = shown.filter(official=own) if own else shown.none()
    rows = [(item, leave.may_decide(request.user, item)) for item in shown[:200]]
    # "Waiting for my decision" (the office home's task): what this user may decide.
    mine = request.GET.get("keputusan") == "saya"
    if mine:
        rows = [(item, may) for item, may in rows if may]
    return render(
        request,
        "staff/leave_list.html",
        {
            "rows": rows,
            "form": form if officials else None,
            "status": status,
            "mine": mine,
            "statuses": Leave.Status.choices,
            "allowance": rules.ANNUAL_LEAVE_DAYS,
        },
        status=400 if form.errors else 200,
    )


def _leave(request: VillageRequest, public_id: str) -> Leave:
    try:
        return selectors.leave_get(village=request.village, public_id=public_id)
    except Leave.DoesNotExist:
        raise Http404


@require_POST
@require("staff.approve")
def leave_decide(request: VillageRequest, public_id: str) -> HttpResponse:
    item = _leave(request, public_id)
    approve = request.POST.get("action") == "approve"
    with ServiceCall(request=request) as call:
        leave.leave_decide(actor=request.user, leave=item, approve=approve, note=request.POST.get("note", ""))
    if call.ok:
        messages.success(request, _("Pengajuan disetujui.") if approve else _("Pengajuan ditolak."))
    return redirect("staff:leave_list")


@require_POST
@require("staff.leave")
def leave_cancel(request: VillageRequest, public_id: str) -> HttpResponse:
    item = _leave(request, public_id)
    with ServiceCall(request=request) as call:
        leave.leave_cancel(actor=request.user, leave=item)
    if call.ok:
        messages.success(request, _("Pengajuan dibatalkan."))
    return redirect("staff:leave_list")


@require("staff.leave")
def leave_sppd(request: VillageRequest, public_id: str) -> HttpResponse:
    """The travel order (SPPD) as a printable page (print to PDF from the browser)."""
    item = _leave(request, public_id)
    if item.kind != Leave.Kind.TRAVEL or item.status != Leave.Status.APPROVED:
        raise Http404
    head = selectors.signatories(village=request.village).filter(signs_as=Official.SignsAs.OWN).first()
    return render(request, "staff/sppd.html", {"leave": item, "village": request.village, "head": head})


# --- The district: the kepala desa's own leave -------------------------------------------------


@require("staff.head_leave", village=False)
def head_leave_list(request: RegionalRequest) -> HttpResponse:
    rows = selectors.head_leave_requests(villages=request.scope.readable_villages())
    return render(request, "staff/head_leave_list.html", {"rows": rows})


@require_POST
@require("staff.head_leave", village=False)
def head_leave_decide(request: RegionalRequest, public_id: str) -> HttpResponse:
    item = (
        selectors.head_leave_requests(villages=request.scope.readable_villages())
        .filter(public_id=public_id)
        .first()
    )
    if item is None:
        raise Http404
    approve = request.POST.get("action") == "approve"
    with ServiceCall(request=request) as call:
        leave.leave_decide(actor=request.user, leave=item, approve=approve, note=request.POST.get("note", ""))
    if call.ok:
        messages.success(request, _("Pengajuan disetujui.") if approve else _("Pengajuan ditolak."))
    return redirect("staff:head_leave_list")


# --- BPD ---------------------------------------------------------------------------------------


@require("staff.read")
def bpd_list(request: VillageRequest) -> HttpResponse:
    village = request.village
    can_write = request.scope.can("staff.write")
    form = BpdMemberForm(request.POST or None)
    if request.method == "POST":
        if not can_write:
            raise Http404
        if form.is_valid():
            with ServiceCall(form) as call:
                bpd.bpd_member_create(actor=request.user, village=village, data=form.cleaned_data)
            if call.ok:
                messages.success(request, _("Anggota BPD ditambahkan."))
                return redirect("staff:bpd_list")
    return render(
        request,
        "staff/bpd_list.html",
        {
            "members": bpd.bpd_members(village=village),
            "today": timezone.localdate(),
            "form": form if can_write else None,
            "term_years": rules.BPD_TERM.years,
        },
        status=400 if form.errors else 200,
    )


@require("staff.write")
def bpd_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        member = bpd.bpd_member_get(village=request.village, public_id=public_id)
    except BpdMember.DoesNotExist:
        raise Http404
    initial = {name: getattr(member, name) for name in bpd.FIELDS}
    form = BpdMemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            bpd.bpd_member_update(actor=request.user, member=member, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Anggota BPD disimpan."))
            return redirect("staff:bpd_list")
    return render(
        request, "staff/bpd_form.html", {"member": member, "form": form}, status=400 if form.errors else 200
    )


# --- District and regency ----------------------------------------------------------------------


@require("aggregates.read", village=False)
def regional(request: RegionalRequest) -> HttpResponse:
    today = timezone.localdate()
    data = selectors.staffing_regional(villages=request.scope.readable_villages(), today=today)
    return render(request, "staff/regional.html", {"data": data, "today": today})


@require("aggregates.read", village=False)
def regional_xlsx(request: RegionalRequest) -> HttpResponse:
    today = timezone.localdate()
    data = selectors.staffing_regional(villages=request.scope.readable_villages(), today=today)
    response = HttpResponse(
        exports.staffing_regional_xlsx(data=data, today=today), content_type=xlsx.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="kepegawaian-desa-{today:%Y-%m-%d}.xlsx"'
    return response


@require("aggregates.read", village=False)
def regional_pdf(request: RegionalRequest) -> HttpResponse:
    from balai.core import tablepdf

    today = timezone.localdate()
    data = selectors.staffing_regional(villages=request.scope.readable_villages(), today=today)
    report = tablepdf.Report(
        title=_("Kepegawaian desa per %(day)s") % {"day": today.strftime("%d-%m-%Y")},
        source=_("Balai — data perangkat desa, dihitung saat diunduh"),
        landscape=True,
        tables=[
            tablepdf.Table(
                title=_("Per desa"),
                columns=[
                    _("Desa"),
                    _("Kecamatan"),
                    _("Jabatan"),
                    _("Terisi"),
                    _("Lowong"),
                    _("Plt./Pj."),
                    _("Masa jabatan berakhir ≤ 6 bulan"),
                    _("Kehadiran bulan ini (%)"),
                ],
                rows=[
                    [
                        r.name,
                        r.district_name,
                        r.positions,
                        r.filled,
                        r.vacant,
                        r.acting,
                        len(r.ending or []),
                        r.attendance_rate,
                    ]
                    for r in data
                ],
                text_columns=2,
            ),
            tablepdf.Table(
                title=_("Masa jabatan berakhir"),
                columns=[_("Desa"), _("Nama"), _("Jabatan"), _("Berakhir"), _("Dasar")],
                rows=[[r.name, w.name, w.position, w.ends_on, w.rule] for r in data for w in r.ending or []],
                text_columns=5,
            ),
        ],
    )
    response = HttpResponse(tablepdf.render(report), content_type=tablepdf.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kepegawaian-desa-{today:%Y-%m-%d}.pdf"'
    return response


# --- Attendance corrections --------------------------------------------------------------------


@require("staff.write")
def attendance_correction(request: VillageRequest) -> HttpResponse:
    from balai.staff import attendance
    from balai.staff.forms_careers import CorrectionForm
    from balai.staff.models import Attendance

    village = request.village
    officials = list(selectors.official_list(village=village, active_only=True))
    form = CorrectionForm(request.POST or None, officials=officials)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        official = _official(request, data["official"])
        with ServiceCall(form) as call:
            attendance.attendance_correct(
                actor=request.user,
                official=official,
                day=data["day"],
                check_in=data["check_in"],
                check_out=data["check_out"],
                reason=data["reason"],
            )
        if call.ok:
            messages.success(request, _("Kehadiran %(name)s dikoreksi.") % {"name": official.name})
            return redirect(f"{request.path}")
    recent = (
        Attendance.objects.filter(village=village, corrected_by__isnull=False)
        .select_related("official", "corrected_by")
        .order_by("-day", "-pk")[:30]
    )
    return render(
        request,
        "staff/attendance_correction.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


# --- PDFs (Typst) ------------------------------------------------------------------------------


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _heading(village) -> str:
    return _("PEMERINTAH DESA %(name)s") % {"name": village.name.upper()}


def _d(day) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


@require("staff.leave")
def leave_sppd_pdf(request: VillageRequest, public_id: str) -> HttpResponse:
    from balai.staff import pdf

    item = _leave(request, public_id)
    if item.kind != Leave.Kind.TRAVEL or item.status != Leave.Status.APPROVED:
        raise Http404
    village = request.village
    head = selectors.signatories(village=village).filter(signs_as=Official.SignsAs.OWN).first()
    data = pdf.render(
        heading=_heading(village),
        title=_("SURAT PERINTAH PERJALANAN DINAS (SPPD)"),
        subtitle=_("Nomor: %(n)s") % {"n": item.number},
        facts=[
            (
                _("Pejabat yang memberi perintah"),
                f"{head.position} — {head.name}" if head else _("Kepala Desa"),
            ),
            (_("Nama yang diperintah"), item.official.name),
            (_("Jabatan"), item.official.position),
            (_("Maksud perjalanan dinas"), item.reason),
            (_("Alat angkut"), item.transport or "—"),
            (_("Tempat berangkat"), village.name),
            (_("Tempat tujuan"), item.destination),
            (_("Lama perjalanan"), f"{_d(item.start)} – {_d(item.end)} ({item.days} {_('hari kerja')})"),
        ],
        signature=(
            f"{village.name}, {_d(item.decided_at.date() if item.decided_at else None)}",
            head.position if head else _("Kepala Desa"),
            head.name if head else "",
        ),
    )
    return _pdf_response(data, f"sppd-{item.public_id}.pdf")


@require("staff.read")
def buku_aparat_pdf(request: VillageRequest) -> HttpResponse:
    from balai.staff import pdf

    village = request.village
    rows = []
    for n, r in enumerate(selectors.buku_aparat(village=village), start=1):
        p = r.profile
        rows.append(
            [
                str(n),
                r.official.name,
                r.official.nipd,
                r.official.nip,
                ("L" if p.sex == 1 else "P" if p.sex == 2 else "") if p else "",
                ", ".join(x for x in ((p.birth_place if p else ""), _d(p.birth_date if p else None)) if x),
                p.religion if p else "",
                p.rank if p else "",
                r.official.position,
                p.education if p else "",
                f"{r.appointment.number}, {_d(r.appointment.date)}" if r.appointment else "",
                f"{r.dismissal.number}, {_d(r.dismissal.date)}" if r.dismissal else "",
                "" if r.official.is_active else _("Tidak menjabat"),
            ]
        )
    data = pdf.render(
        heading=_heading(village),
        title=_("BUKU APARAT PEMERINTAH DESA"),
        subtitle=_("Model A4, Permendagri 47/2016"),
        columns=[
            _("No"),
            _("Nama"),
            _("NIAP"),
            _("NIP"),
            _("L/P"),
            _("Tempat, tgl lahir"),
            _("Agama"),
            _("Pangkat/gol."),
            _("Jabatan"),
            _("Pendidikan"),
            _("No. & tgl SK pengangkatan"),
            _("No. & tgl SK pemberhentian"),
            _("Ket."),
        ],
        rows=rows,
        landscape=True,
        table_size=7.5,
    )
    return _pdf_response(data, f"buku-aparat-{village.code}.pdf")


@require("staff.read")
def org_chart_pdf(request: VillageRequest) -> HttpResponse:
    from balai.staff import pdf

    village = request.village
    chart = selectors.org_chart(village=village)
    rows = [
        [
            box.position.get_kind_display(),
            box.position.title,
            box.holder.name if box.holder else _("Lowong"),
            f"{box.acting_label}: {box.acting.name}" if box.acting else "",
        ]
        for box in chart.boxes
    ]
    members = bpd.bpd_members(village=village, on=timezone.localdate())
    rows += [
        [_("BPD"), m.get_role_display(), m.name, f"{_d(m.term_start)} – {_d(m.term_end)}"] for m in members
    ]
    data = pdf.render(
        heading=_heading(village),
        title=_("SUSUNAN ORGANISASI DAN TATA KERJA PEMERINTAH DESA"),
        subtitle=_("%(n)d jabatan, %(v)d lowong, per %(d)s")
        % {"n": len(chart.boxes), "v": chart.vacant, "d": _d(timezone.localdate())},
        columns=[_("Kelompok"), _("Jabatan"), _("Pejabat"), _("Keterangan")],
        rows=rows,
        table_size=9.5,
    )
    return _pdf_response(data, f"susunan-organisasi-{village.code}.pdf")


@require("staff.write")
def attendance_calendar(request: VillageRequest) -> HttpResponse:
    """The village's own days off and make-up working days: typed one by one or imported."""
    from balai.staff import attendance
    from balai.staff.models import CalendarDay

    village = request.village
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        with ServiceCall() as call:
            if action == "import":
                upload = request.FILES.get("file")
                if upload is None:
                    errors = [_("Pilih berkas XLSX atau CSV.")]
                elif upload.size and upload.size > 2 * 1024 * 1024:
                    errors = [_("Berkas paling besar 2 MB.")]
                else:
                    n = attendance.calendar_import(actor=request.user, village=village, data=upload.read())
                    messages.success(request, _("%(n)d tanggal disimpan.") % {"n": n})
            elif action == "remove":
                try:
                    day = dt.date.fromisoformat(request.POST.get("day", ""))
                except ValueError:
                    raise Http404
                attendance.calendar_day_remove(actor=request.user, village=village, day=day)
                messages.success(request, _("Tanggal dihapus."))
            else:
                attendance.calendar_days_set(
                    actor=request.user,
                    village=village,
                    rows=[(request.POST.get("day"), request.POST.get("kind"), request.POST.get("name"))],
                )
                messages.success(request, _("Tanggal disimpan."))
        errors = errors or call.messages
        if not errors:
            return redirect("staff:attendance_calendar")
    days = CalendarDay.objects.filter(village=village, day__year__gte=timezone.localdate().year - 1).order_by(
        "day"
    )
    return render(
        request,
        "staff/attendance_calendar.html",
        {"days": days, "errors": errors, "kinds": CalendarDay.Kind.choices},
        status=400 if errors else 200,
    )


@require("staff.read")
def buku_keputusan_pdf(request: VillageRequest) -> HttpResponse:
    from balai.staff import pdf

    village, year = request.village, _year(request)
    rows = [
        [
            str(n),
            f"{d.number}, {_d(d.date)}",
            d.subject,
            f"{d.get_kind_display()} {d.official.name} — {d.position_title}",
            d.signer,
            d.note,
        ]
        for n, d in enumerate(selectors.decree_list(village=village, year=year), start=1)
    ]
    data = pdf.render(
        heading=_heading(village),
        title=_("BUKU KEPUTUSAN KEPALA DESA"),
        subtitle=_("Model A2, Permendagri 47/2016 — tahun %(year)d") % {"year": year},
        columns=[
            _("No"),
            _("Nomor dan tanggal"),
            _("Tentang"),
            _("Uraian singkat"),
            _("Penanda tangan"),
            _("Ket."),
        ],
        rows=rows,
        landscape=True,
    )
    return _pdf_response(data, f"buku-keputusan-{village.code}-{year}.pdf")
