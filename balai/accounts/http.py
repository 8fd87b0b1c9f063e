"""Typed requests: what a view may rely on, after healthchecks' `AuthenticatedHttpRequest`.

`ScopeMiddleware` gives every request its `scope`. `require(capability)` lets a view run only
for a signed-in user holding the capability and, for a village view, sets `request.village`
to the user's village (the only village it may name). A view states what it relies on by the
type of its request, so it reads `request.village` and `request.user` with no helper:

    @require("registry.read")
    def resident_list(request: VillageRequest) -> HttpResponse:
        page = selectors.resident_page(village=request.village, ...)

    @require("aggregates.read", village=False)
    def overview(request: RegionalRequest) -> HttpResponse:
        villages = request.scope.readable_villages()
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from balai.accounts.models import User
from balai.accounts.scope import Scope
from balai.regions.models import Village


class ScopedRequest(HttpRequest):
    """Any request past `ScopeMiddleware` (signed out, its scope is `ANONYMOUS`)."""

    scope: Scope


class RegionalRequest(ScopedRequest):
    """A view guarded by `require(capability, village=False)`: a signed-in user holding the
    capability, at any level; `scope.village` is None for district and regency users."""

    user: User


class VillageRequest(RegionalRequest):
    """A view guarded by `require(capability)`: a signed-in user of an active village."""

    village: Village


def scope_of(request: HttpRequest) -> Scope:
    return cast(ScopedRequest, request).scope
