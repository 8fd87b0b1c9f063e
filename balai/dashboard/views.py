from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    if scope.village is not None:
        return redirect("people:resident_list")
    return redirect("dashboard:overview")


def overview(request: HttpRequest) -> HttpResponse:  # placeholder until the dashboard lands
    return HttpResponse(status=501)
