"""Every refusal the API can give, as 4xx JSON with the field named where there is one
(shapes: `balai.core.api_errors`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from balai.core.api_errors import NotFound, field_errors, pydantic_errors
from balai.core.errors import ApplicationError, NotAllowed
from balai.letters.policy import NotAllowed as LetterNotAllowed
from balai.people.services import NikWarning


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, data: Any, status: int) -> HttpResponse:
        return api.create_response(request, data, status=status)

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, {"detail": pydantic_errors(exc.errors)}, 422)

    @api.exception_handler(ValidationError)
    def domain_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, {"detail": field_errors(exc)}, 422)

    @api.exception_handler(NikWarning)
    def nik_warning(request: HttpRequest, exc: NikWarning) -> HttpResponse:
        return respond(
            request,
            {
                "detail": field_errors(exc),
                "warnings": exc.messages,
                "hint": _('Periksa datanya; bila sudah benar, kirim ulang dengan "accept_warnings": true.'),
            },
            409,
        )

    @api.exception_handler(ApplicationError)
    def refused(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return respond(request, {"detail": exc.message}, 409)

    # ninja picks the handler of the nearest class in the exception's MRO.
    @api.exception_handler(NotAllowed)
    @api.exception_handler(LetterNotAllowed)
    def not_allowed(request: HttpRequest, exc: NotAllowed | LetterNotAllowed) -> HttpResponse:
        return respond(request, {"detail": exc.message}, 403)

    @api.exception_handler(NotFound)
    def referenced_missing(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return respond(request, {"detail": [{"field": exc.field, "message": exc.message}]}, 404)

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, {"detail": _("Tidak ditemukan.")}, 404)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, {"detail": _("Tidak ditemukan.")}, 404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, {"detail": _("Akun ini tidak berhak atas data ini.")}, 403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            {
                "detail": _(
                    'Token API tidak ada, salah, atau sudah dicabut. Kirim header "Authorization: Bearer <token>".'
                )
            },
            401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc.message)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = _("Isi permintaan bukan JSON yang sah.")
        return respond(request, {"detail": message}, exc.status_code)
