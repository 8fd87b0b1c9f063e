"""Village UI of aid targeting and decision: parse input, call one service or selector, render.

Objects are looked up through selectors with the user's village, so another village's public
id gives 404 exactly like a missing one. Every page that shows candidates or recipients by
name records the view in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.aid import forms, selectors, services, targeting
from balai.aid.models import Candidate, Programme, Recipient
from balai.aid.rules import FIELDS, RuleError
from balai.core.http import ServiceCall, paginate
from balai.core.plugins import record_sections
from balai.people.models import Family
from balai.people.selectors import family_get
from balai.regions.models import Village

PAGE_SIZE = 50
WHAT_IF_ROWS = 25
# Rules that cannot be saved or evaluated are refused like a service's refusal.
RULE_ERRORS = (RuleError,)


def _get_or_404(getter: Callable[..., Any], request: VillageRequest, public_id: str) -> Any:
    try:
        return getter(village=request.village, public_id=public_id)
    except (Programme.DoesNotExist, Candidate.DoesNotExist, Recipient.DoesNotExist, Family.DoesNotExist):
        raise Http404


def _programme(request: VillageRequest, public_id: str) -> Programme:
    programme: Programme = _get_or_404(selectors.programme_get, request, public_id)
    return programme


# --- Programmes ---------------------------------------------------------------------------


@require("aid.read")
def home(request: VillageRequest) -> HttpResponse:
    village = request.village
    return render(
        request,
        "aid/home.html",
        {
            "rows": selectors.programme_overview(village=village),
            "welfare": selectors.welfare_summary(village=village),
        },
    )


@require("aid.write")
def programme_create(request: VillageRequest) -> HttpResponse:
    village = request.village
    today = timezone.localdate()
    initial = {
        "period": str(today.year),
        "period_start": today.replace(month=1, day=1),
        "period_end": today.replace(month=12, day=31),
    }
    form = forms.ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form, also=RULE_ERRORS) as call:
            programme = services.programme_create(actor=request.user, village=village, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Program disimpan. Atur syarat dan skor penjaringan."))
            return redirect("aid:programme_detail", programme.public_id)
    return render(request, "aid/programme_form.html", {"form": form, "title": _("Program bantuan baru")})


@require("aid.write")
def programme_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    form = forms.ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme.refresh_from_db()  # the ModelForm wrote into the instance while validating
        with ServiceCall(form, also=RULE_ERRORS) as call:
            services.programme_update(actor=request.user, programme=programme, data=data)
        if call.ok:
            messages.success(request, _("Perubahan program disimpan."))
            return redirect("aid:programme_detail", programme.public_id)
    return render(
        request, "aid/programme_form.html", {"form": form, "programme": programme, "title": _("Ubah program")}
    )


@require("aid.read")
def programme_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    ruleset = targeting.ruleset_for(programme)
    return render(
        request,
        "aid/programme_detail.html",
        {
            "programme": programme,
            "rules": [(r, FIELDS[r.field]) for r in ruleset.rules if r.field in FIELDS],
            "exclusions": ruleset.exclusions,
            "candidates": selectors.candidate_counts(village=village, programme=programme),
            "recipients": selectors.recipient_counts(village=village, programme=programme),
            "deliberations": selectors.deliberations_for(village=village, programme=programme),
            "decree": selectors.programme_decree(village=village, programme=programme),
            "benefit": selectors.benefit_label(programme),
            "public": selectors.public_recipient_summary(village=village, programme=programme),
            # Other apps' sections (finance: the APBDes line that pays this programme).
            "record_sections": record_sections("aid.programme", obj=programme, scope=request.scope),
        },
    )


# --- Rules and "what if" -------------------------------------------------------------------


def _rule_forms(request: VillageRequest, programme: Programme) -> tuple[Any, Any, list[Programme]]:
    village = request.village
    others = [p for p in selectors.programmes_for_village(village=village) if p.pk != programme.pk]
    if request.method == "POST":
        rule_set = forms.RuleFormSet(request.POST, prefix="aturan")
        ex_set = forms.ExclusionFormSet(request.POST, prefix="kecuali", form_kwargs={"programmes": others})
    else:
        rule_set = forms.RuleFormSet(
            prefix="aturan",
            initial=[
                {
                    "kind": c.kind,
                    "field": c.field,
                    "operator": c.operator,
                    "value": ", ".join(str(v) for v in c.value) if isinstance(c.value, list) else c.value,
                    "weight": c.weight or None,
                    "tier": c.tier or None,
                    "label": c.label,
                }
                for c in selectors.programme_criteria(village=village, programme=programme)
            ],
        )
        ex_set = forms.ExclusionFormSet(
            prefix="kecuali",
            form_kwargs={"programmes": others},
            initial=[
                {"excluded": e.excluded.public_id, "basis": e.basis, "reason": e.reason}
                for e in selectors.programme_exclusions(village=village, programme=programme)
            ],
        )
    return rule_set, ex_set, others


@require("aid.read")
def rules(request: VillageRequest, public_id: str) -> HttpResponse:
    """The rule editor. "Coba" evaluates the rules as typed without saving; "Simpan" saves."""
    programme = _programme(request, public_id)
    rule_set, ex_set, _others = _rule_forms(request, programme)
    errors: list[str] = []
    what_if: dict[str, Any] | None = None
    if request.method == "POST":
        action = request.POST.get("aksi", "coba")
        if action == "simpan" and not request.scope.can("aid.write"):
            raise PermissionDenied
        if rule_set.is_valid() and ex_set.is_valid():
            rows = [r for f in rule_set.forms if (r := f.row()) is not None]
            excl = [r for f in ex_set.forms if (r := f.row()) is not None]
            proposed = targeting.ruleset_from_rows(rows, excl)
            with ServiceCall(also=RULE_ERRORS) as call:
                if action == "simpan":
                    services.rules_save(actor=request.user, programme=programme, ruleset=proposed)
                    messages.success(request, _("Aturan penjaringan disimpan."))
                    return redirect("aid:programme_detail", programme.public_id)
                evaluation = targeting.evaluate_programme(programme=programme, ruleset=proposed)
                what_if = _what_if(request, programme, evaluation)
            errors = call.messages
        else:
            errors = [_("Periksa baris aturan yang ditandai.")]
    return render(
        request,
        "aid/rules.html",
        {
            "programme": programme,
            "rule_set": rule_set,
            "ex_set": ex_set,
            "errors": errors,
            "what_if": what_if,
            "fields": list(FIELDS.values()),
        },
    )


def _what_if(
    request: VillageRequest, programme: Programme, evaluation: targeting.Evaluation
) -> dict[str, Any]:
    top = evaluation.order[:WHAT_IF_ROWS]
    families = {
        f.pk: f
        for f in Family.objects.filter(
            village=programme.village, pk__in=[evaluation.table.ids[i] for i in top]
        ).select_related("head")
    }
    rows = [
        {"rank": n, "family": families.get(evaluation.table.ids[i]), "explanation": evaluation.explain(i)}
        for n, i in enumerate(top, start=1)
    ]
    services.recipient_list_viewed(actor=request.user, programme=programme, what="what_if", count=len(rows))
    return {"counts": evaluation.counts(), "rows": rows, "quota": programme.quota}


# --- Candidates -----------------------------------------------------------------------------


@require("aid.read")
def candidates(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    if request.method == "POST":
        if not request.scope.can("aid.write"):
            raise PermissionDenied
        if request.POST.get("aksi") == "verifikasi":
            return _verify_selected(request, programme)
        with ServiceCall(also=RULE_ERRORS) as call:
            counts = services.candidates_generate(actor=request.user, programme=programme)
        if call.ok:
            messages.success(
                request,
                _(
                    "Daftar calon dihitung: %(candidates)s calon dari %(families)s keluarga (%(excluded)s dikecualikan)."
                )
                % counts,
            )
        else:
            messages.error(request, call.text("; "))
        return redirect("aid:candidates", programme.public_id)
    filters = selectors.candidate_filters()
    status = request.GET.get("status", "")
    if status not in dict(filters):
        status = ""
    page = paginate(
        request, selectors.candidate_list(village=village, programme=programme, status=status), PAGE_SIZE
    )
    counts = selectors.candidate_counts(village=village, programme=programme)
    services.recipient_list_viewed(
        actor=request.user, programme=programme, what="candidates", count=len(page)
    )
    return render(
        request,
        "aid/candidates.html",
        {
            "programme": programme,
            "candidates": page,
            "total": counts[""],
            "filters": [(value, label, counts[value]) for value, label in filters],
            "status": status,
            "page": page,
            "decreed": selectors.programme_decree(village=village, programme=programme) is not None,
            "verify_form": forms.VerifyForm(
                initial={
                    "verified_on": timezone.localdate(),
                    "verifier_name": request.user.get_full_name(),
                }
            ),
        },
    )


def _verify_selected(request: VillageRequest, programme: Programme) -> HttpResponse:
    """One field visit's result for the ticked candidates (all recorded, or none)."""
    try:
        chosen = selectors.candidates_by_public_ids(
            village=request.village, programme=programme, public_ids=request.POST.getlist("pilih")
        )
    except Candidate.DoesNotExist:
        raise Http404
    form = forms.VerifyForm(request.POST)
    if not chosen:
        messages.error(request, _("Pilih calon yang diverifikasi."))
    elif not form.is_valid():
        messages.error(request, _("Isi hasil, tanggal dan petugas verifikasi."))
    else:
        d = form.cleaned_data
        with ServiceCall(request=request) as call:
            services.candidates_verify(
                actor=request.user,
                candidates=chosen,
                result=d["result"],
                verified_on=d["verified_on"],
                verifier_name=d["verifier_name"],
                notes=d["notes"],
            )
        if call.ok:
            messages.success(request, _("Hasil verifikasi %(n)s calon dicatat.") % {"n": len(chosen)})
    return redirect("aid:candidates", programme.public_id)


@require("aid.write")
def nominate(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    form = forms.NominateForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        assert form.family is not None
        family = form.family
        with ServiceCall(form, also=RULE_ERRORS) as call:
            candidate = services.candidate_nominate(
                village=village,
                family=family,
                programme=programme,
                source=form.cleaned_data["source"],
                actor=request.user,
                proposer_name=form.cleaned_data["proposer_name"],
                note=form.cleaned_data["note"],
            )
        if call.ok:
            messages.success(request, _("Usulan masuk daftar calon."))
            return redirect("aid:candidate_detail", candidate.public_id)
    return render(
        request, "aid/simple_form.html", {"form": form, "programme": programme, "title": _("Usulkan calon")}
    )


@require("aid.read")
def candidate_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    candidate: Candidate = _get_or_404(selectors.candidate_get, request, public_id)
    form = forms.VerifyForm(
        request.POST or None,
        initial={"verified_on": timezone.localdate(), "verifier_name": request.user.get_full_name()},
    )
    if request.method == "POST":
        if not request.scope.can("aid.write"):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            with ServiceCall(form, also=RULE_ERRORS) as call:
                services.candidate_verify(
                    actor=request.user,
                    candidate=candidate,
                    result=d["result"],
                    verified_on=d["verified_on"],
                    verifier_name=d["verifier_name"],
                    notes=d["notes"],
                )
            if call.ok:
                messages.success(request, _("Hasil verifikasi dicatat."))
                return redirect("aid:candidate_detail", candidate.public_id)
    services.recipient_list_viewed(
        actor=request.user, programme=candidate.programme, what=f"candidate:{candidate.public_id}", count=1
    )
    return render(
        request,
        "aid/candidate_detail.html",
        {
            "candidate": candidate,
            "programme": candidate.programme,
            "verifications": list(candidate.verifications.all()),
            "form": form,
            "can_verify": candidate.status in services.OPEN_CANDIDATE,
        },
    )


# --- Deliberation and decree ----------------------------------------------------------------


@require("aid.write")
def deliberation_create(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    verified = list(
        selectors.candidate_list(village=village, programme=programme, status=Candidate.Status.VERIFIED)
    )
    form = forms.DeliberationForm(
        request.POST or None, initial={"held_on": timezone.localdate(), "place": _("Balai Desa")}
    )
    if request.method == "POST":
        try:
            approved = selectors.candidates_by_public_ids(
                village=village, programme=programme, public_ids=request.POST.getlist("setuju")
            )
            declined = selectors.candidates_by_public_ids(
                village=village, programme=programme, public_ids=request.POST.getlist("tolak")
            )
        except Candidate.DoesNotExist:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            with ServiceCall(form, also=RULE_ERRORS) as call:
                services.deliberation_record(
                    actor=request.user,
                    programme=programme,
                    held_on=d["held_on"],
                    place=d["place"],
                    chair=d["chair"],
                    minutes=d["minutes"],
                    attendees=form.attendee_list(),
                    approved=approved,
                    declined=declined,
                )
            if call.ok:
                messages.success(request, _("Hasil musyawarah desa dicatat."))
                return redirect("aid:programme_detail", programme.public_id)
    services.recipient_list_viewed(
        actor=request.user, programme=programme, what="deliberation", count=len(verified)
    )
    chosen = (
        set(request.POST.getlist("setuju")) if request.method == "POST" else {c.public_id for c in verified}
    )
    return render(
        request,
        "aid/deliberation_form.html",
        {"programme": programme, "form": form, "verified": verified, "chosen": chosen},
    )


@require("aid.decide")
def decree_create(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    deliberations = selectors.deliberations_for(village=village, programme=programme)
    form = forms.DecreeForm(
        request.POST or None,
        deliberations=deliberations,
        initial={
            "decided_on": timezone.localdate(),
            "title": _("Penetapan Keluarga Penerima Manfaat %(name)s") % {"name": programme.name},
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        deliberation = next(x for x in deliberations if x.public_id == d["deliberation"])
        with ServiceCall(form, also=RULE_ERRORS) as call:
            services.decree_issue(
                actor=request.user,
                programme=programme,
                deliberation=deliberation,
                number=d["number"],
                title=d["title"],
                decided_on=d["decided_on"],
            )
        if call.ok:
            messages.success(request, _("SK ditetapkan; penerima terdaftar."))
            return redirect("aid:recipients", programme.public_id)
    approved = selectors.candidate_list(
        village=village, programme=programme, status=Candidate.Status.APPROVED
    )
    services.recipient_list_viewed(
        actor=request.user, programme=programme, what="decree", count=approved.count()
    )
    return render(
        request,
        "aid/decree_form.html",
        {"programme": programme, "form": form, "approved": approved, "deliberations": deliberations},
    )


# --- Recipients -----------------------------------------------------------------------------


@require("aid.read")
def recipients(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    status = request.GET.get("status", "")
    if status not in Recipient.Status.values:
        status = ""
    page = paginate(
        request, selectors.recipient_list(village=village, programme=programme, status=status), PAGE_SIZE
    )
    counts = selectors.recipient_counts(village=village, programme=programme)
    services.recipient_list_viewed(
        actor=request.user, programme=programme, what="recipients", count=len(page)
    )
    return render(
        request,
        "aid/recipients.html",
        {
            "programme": programme,
            "recipients": page,
            "total": counts[""],
            "filters": [(value, label, counts[value]) for value, label in Recipient.Status.choices],
            "status": status,
            "page": page,
            "decree": selectors.programme_decree(village=village, programme=programme),
        },
    )


@require("aid.read")
def recipient_add(request: VillageRequest, public_id: str) -> HttpResponse:
    programme = _programme(request, public_id)
    village = request.village
    decree = selectors.programme_decree(village=village, programme=programme)
    if not (request.scope.can("aid.decide") if decree else request.scope.can("aid.write")):
        raise PermissionDenied
    form = forms.RecipientAddForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        assert form.family is not None
        family = form.family
        with ServiceCall(form, also=RULE_ERRORS) as call:
            recipient = services.recipient_enrol(
                actor=request.user,
                programme=programme,
                family=family,
                source=Recipient.Source.MANUAL,
                external_id=form.cleaned_data["external_id"],
                reason=form.cleaned_data["reason"],
            )
        if call.ok:
            messages.success(request, _("Penerima ditambahkan."))
            return redirect("aid:recipient_detail", recipient.public_id)
    return render(
        request,
        "aid/simple_form.html",
        {"form": form, "programme": programme, "title": _("Tambah penerima"), "decree": decree},
    )


@require("aid.read")
def recipient_detail(request: VillageRequest, public_id: str) -> HttpResponse:
    recipient: Recipient = _get_or_404(selectors.recipient_get, request, public_id)
    village = request.village
    may_change = request.scope.can("aid.decide") if recipient.decree_id else request.scope.can("aid.write")
    form = forms.RecipientStatusForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            with ServiceCall(form, also=RULE_ERRORS) as call:
                services.recipient_change_status(
                    actor=request.user,
                    recipient=recipient,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            if call.ok:
                messages.success(request, _("Perubahan status penerima dicatat."))
                return redirect("aid:recipient_detail", recipient.public_id)
    services.recipient_list_viewed(
        actor=request.user, programme=recipient.programme, what=f"recipient:{recipient.public_id}", count=1
    )
    return render(
        request,
        "aid/recipient_detail.html",
        {
            "recipient": recipient,
            "programme": recipient.programme,
            "changes": selectors.recipient_changes(village=village, recipient=recipient),
            "form": form,
            "may_change": may_change,
        },
    )


# --- Welfare data -------------------------------------------------------------------------


@require("aid.read")
def welfare_home(request: VillageRequest) -> HttpResponse:
    village = request.village
    form = forms.FamilyPickForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        assert form.family is not None
        return redirect("aid:family_welfare", form.family.public_id)
    return render(
        request,
        "aid/welfare_home.html",
        {"form": form, "summary": selectors.welfare_summary(village=village)},
    )


def _family(request: VillageRequest, public_id: str) -> Family:
    family: Family = _get_or_404(family_get, request, public_id)
    return family


@require("aid.read")
def family_welfare(request: VillageRequest, public_id: str) -> HttpResponse:
    family = _family(request, public_id)
    village = request.village
    if request.method == "POST":
        raise Http404  # read-only page; forms post to their own pages
    services.family_welfare_viewed(actor=request.user, family=family)
    return render(
        request,
        "aid/family_welfare.html",
        {
            "family": family,
            "surveys": selectors.welfare_history(village=village, family=family),
            "deciles": selectors.decile_history(village=village, family=family),
            "aid_status": selectors.family_aid_status(village=village, family=family),
        },
    )


@require("aid.write")
def survey_create(request: VillageRequest, public_id: str) -> HttpResponse:
    family = _family(request, public_id)
    village = request.village
    form = forms.SurveyForm(
        request.POST or None,
        initial={"surveyed_on": timezone.localdate(), "enumerator_name": request.user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with ServiceCall(form, also=RULE_ERRORS) as call:
            services.welfare_survey_record(actor=request.user, village=village, family=family, data=data)
        if call.ok:
            messages.success(request, _("Pendataan kesejahteraan disimpan."))
            return redirect("aid:family_welfare", family.public_id)
    return render(request, "aid/survey_form.html", {"form": form, "family": family})


@require("aid.write")
def decile_create(request: VillageRequest, public_id: str) -> HttpResponse:
    family = _family(request, public_id)
    village = request.village
    form = forms.DecileForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with ServiceCall(form, also=RULE_ERRORS) as call:
            services.decile_record(
                actor=request.user,
                village=village,
                family=family,
                decile=d["decile"],
                received_on=d["received_on"],
                source=d["source"],
                reference_period=d["reference_period"],
            )
        if call.ok:
            messages.success(request, _("Desil resmi dicatat."))
            return redirect("aid:family_welfare", family.public_id)
    return render(
        request, "aid/simple_form.html", {"form": form, "family": family, "title": _("Catat desil DTSEN")}
    )


@require("aid.write")
def decile_import(request: VillageRequest) -> HttpResponse:
    """A DTSEN decile list as received (No. KK + desil): applied whole or refused whole."""
    village = request.village
    form = forms.DecileImportForm(
        request.POST or None, request.FILES or None, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            rows = form.rows()
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            d = form.cleaned_data
            with ServiceCall(form, also=RULE_ERRORS) as call:
                count = services.deciles_import(
                    actor=request.user,
                    village=village,
                    rows=rows,
                    received_on=d["received_on"],
                    source=d["source"],
                    reference_period=d["reference_period"],
                )
            if call.ok:
                messages.success(request, _("%(n)s desil DTSEN disimpan.") % {"n": count})
                return redirect("aid:welfare_home")
    return render(
        request, "aid/simple_form.html", {"form": form, "title": _("Impor desil DTSEN"), "multipart": True}
    )


# --- Public transparency ------------------------------------------------------------------


def public_programmes(request: HttpRequest, village_code: str) -> HttpResponse:
    """What a village chose to publish: counts, or counts and masked names. Never addresses,
    never NIK/KK, never programmes kept private (the default)."""
    try:
        village = Village.objects.get(code=village_code, is_active=True)
    except Village.DoesNotExist:
        raise Http404
    published = [
        (p, selectors.public_recipient_summary(village=village, programme=p))
        for p in selectors.programmes_for_village(village=village).exclude(privacy=Programme.Privacy.PRIVATE)
    ]
    return render(request, "aid/public.html", {"village": village, "published": published})
