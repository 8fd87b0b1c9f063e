"""The public face of each village (no sign-in, phone-first, cached) and the operator's page
for its news and announcements."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect

from balai.accounts.decorators import require
from balai.accounts.http import VillageRequest
from balai.core.http import ServiceCall
from balai.desk.models import Complaint
from balai.letters.selectors import normalize_tracking_code
from balai.portal import selectors, services
from balai.portal.forms import ComplaintForm, PostForm, TrackForm, new_challenge
from balai.portal.models import Post
from balai.regions.models import Village

# How long a cached front page may show a section's figures (APBDes realisation, UMKM count)
# after they changed; the operator's own edits show at once (see `home`).
PAGE_SECONDS = 300
# What browsers and shared caches may keep (a visitor sees an edit within a minute).
HTTP_SECONDS = 60


def _village(code: str) -> Village:
    try:
        return selectors.public_village(code=code)
    except Village.DoesNotExist as exc:
        raise Http404(_("Desa tidak ditemukan.")) from exc


def _public(response: HttpResponse) -> HttpResponse:
    # Nothing personal on these pages: shared caches may keep them a minute.
    response["Cache-Control"] = f"public, max-age={HTTP_SECONDS}"
    return response


def home(request: HttpRequest, village_code: str) -> HttpResponse:
    """The same page for every visitor: rendered once and kept until something it shows
    changes (the village's stamp moves on every operator write to the profile, officials,
    posts or services) or PAGE_SECONDS pass (the sections' figures, e.g. APBDes realisation).
    A cached view asks the database one indexed row, not the nine queries of a render."""
    stamp = selectors.public_stamp(code=village_code)
    if stamp is None:
        raise Http404(_("Desa tidak ditemukan."))
    key = services.page_cache_key(village_code, stamp)
    html = cache.get(key)
    if html is None:
        village = _village(village_code)
        html = render_to_string(
            "portal/home.html",
            {
                "village": village,
                "profile": selectors.profile(village=village),
                "officials": selectors.officials(village=village),
                "announcements": list(selectors.posts(village=village, kind=Post.Kind.ANNOUNCEMENT, limit=5)),
                "news": list(selectors.posts(village=village, kind=Post.Kind.NEWS, limit=5)),
                "services": selectors.letter_services(),
                "counters": selectors.counter_services(village=village),
                "sections": selectors.sections(village=village),
            },
        )
        cache.set(key, html, PAGE_SECONDS)
    return _public(HttpResponse(html))


def post_detail(request: HttpRequest, village_code: str, public_id: str) -> HttpResponse:
    village = _village(village_code)
    try:
        post = selectors.post_get(village=village, public_id=public_id)
    except Post.DoesNotExist as exc:
        raise Http404 from exc
    return _public(render(request, "portal/post.html", {"village": village, "post": post}))


def posts(request: HttpRequest, village_code: str) -> HttpResponse:
    village = _village(village_code)
    return _public(
        render(
            request,
            "portal/posts.html",
            {"village": village, "posts": list(selectors.posts(village=village, limit=50))},
        )
    )


def _client_address(request: HttpRequest) -> str:
    # The proxy in front of Balai sets REMOTE_ADDR (see docs/deploy); a forwarded header
    # could be forged by the sender, so it is not trusted here.
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


@csrf_protect
@cache_control(no_store=True)
def complaint(request: HttpRequest, village_code: str) -> HttpResponse:
    village = _village(village_code)
    status = 200
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        if form.is_valid():
            with ServiceCall(form) as call:
                made = services.public_complaint_submit(
                    village=village, data=form.cleaned_data, address=_client_address(request)
                )
            if call.ok:
                return redirect(
                    "portal:complaint_status", village_code=village.code, number=made.tracking_number
                )
        status = (
            429
            if any("Terlalu banyak" in m or "banyak pengaduan" in m for m in form.non_field_errors())
            else 400
        )
        question, token = new_challenge()
        data = request.POST.copy()
        data["challenge"] = token
        data["answer"] = ""
        form.data = data
    else:
        question, token = new_challenge()
        import secrets

        form = ComplaintForm(initial={"challenge": token, "submit_key": secrets.token_hex(12)})
    return render(
        request,
        "portal/complaint.html",
        {"village": village, "form": form, "question": question},
        status=status,
    )


@cache_control(no_store=True)
def complaint_status(request: HttpRequest, village_code: str, number: str) -> HttpResponse:
    village = _village(village_code)
    try:
        found = selectors.complaint_track(village=village, number=number)
    except Complaint.DoesNotExist as exc:
        raise Http404(_("Nomor pelacakan tidak ditemukan.")) from exc
    return render(request, "portal/complaint_status.html", {"village": village, "complaint": found})


@cache_control(no_store=True)
def complaint_track(request: HttpRequest, village_code: str) -> HttpResponse:
    village = _village(village_code)
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            found = selectors.complaint_track(village=village, number=form.cleaned_data["nomor"])
        except Complaint.DoesNotExist:
            form.add_error("nomor", _("Nomor pelacakan tidak ditemukan di desa ini."))
        else:
            return redirect(
                "portal:complaint_status", village_code=village.code, number=found.tracking_number
            )
    return render(request, "portal/track.html", {"village": village, "form": form})


@cache_control(no_store=True)
def letter_track(request: HttpRequest, village_code: str) -> HttpResponse:
    """The letters module's status page, reached from the village's page by the code on the
    resident's receipt (the code carries no personal data)."""
    village = _village(village_code)
    code = normalize_tracking_code(request.GET.get("kode", ""))
    if code:
        return redirect("verify:tracking", code=code)
    error = _("Kode pelacakan surat tidak dikenal; periksa kembali.") if request.GET.get("kode") else ""
    return render(
        request,
        "portal/letter_track.html",
        {"village": village, "error": error},
        status=400 if error else 200,
    )


# --- The operator's posts -------------------------------------------------------------------


@require("portal.write")
def manage(request: VillageRequest) -> HttpResponse:
    form = PostForm(request.POST or None, initial={"published_on": selectors.today()})
    if request.method == "POST" and form.is_valid():
        with ServiceCall(form) as call:
            services.post_create(actor=request.user, village=request.village, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Tulisan diterbitkan di halaman publik desa."))
            return redirect("portal:manage")
    return render(
        request,
        "portal/manage.html",
        {"form": form, "posts": selectors.staff_posts(village=request.village), "village": request.village},
        status=400 if form.errors else 200,
    )


@require("portal.write")
def manage_edit(request: VillageRequest, public_id: str) -> HttpResponse:
    try:
        post = selectors.staff_post_get(village=request.village, public_id=public_id)
    except Post.DoesNotExist as exc:
        raise Http404 from exc
    form = PostForm(request.POST or None, instance=post)
    if request.method == "POST":
        # A ModelForm's is_valid writes the cleaned values onto the instance: read them, then
        # let the service compare them with the stored row.
        post.refresh_from_db()
        check = PostForm(request.POST)
        if check.is_valid():
            with ServiceCall(check) as call:
                services.post_update(actor=request.user, post=post, data=check.cleaned_data)
            if call.ok:
                messages.success(request, _("Tulisan disimpan."))
                return redirect("portal:manage")
        form = check
    return render(
        request, "portal/manage_edit.html", {"form": form, "post": post}, status=400 if form.errors else 200
    )
