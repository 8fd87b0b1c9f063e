from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from balai.audit.services import audit_source


class AuditSourceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_source(request.META.get("REMOTE_ADDR", "") or "web"):
            return self.get_response(request)
