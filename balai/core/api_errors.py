"""The API's error shapes and the helpers every module's operations use to declare them.

Shape: `{"detail": [{"field": "nik", "message": "..."}]}` for field errors (422, and 404 for
a referenced object that is not in the caller's village); `{"detail": "..."}` otherwise.
`balai.api.errors` turns exceptions into these responses.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from ninja import Schema


class NotFound(Exception):
    """An object named in the request body is not in the caller's village (or nowhere)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str | list[FieldError]


_ERROR_DESCRIPTIONS = {
    401: "Token API tidak ada, salah, atau sudah dicabut.",
    403: "Akun atau perannya tidak berhak atas data atau langkah ini.",
    404: "Tidak ditemukan di desa pengguna (juga untuk data desa lain).",
    409: "Ditolak oleh aturan alur (mis. langkah tidak sesuai keadaan surat).",
    422: "Isian tidak sah; `detail` menyebut isiannya.",
    429: "Terlalu banyak permintaan dari alamat ini.",
}


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """The `{"detail": ...}` error responses an operation can give, for its OpenAPI entry."""
    assert set(codes) <= set(_ERROR_DESCRIPTIONS), codes
    return dict.fromkeys(codes, ErrorOut)


def error_descriptions(*codes: int) -> dict[str, Any]:
    """`openapi_extra` naming what each error response means (ninja writes "Unauthorized" …)."""
    return {"responses": {code: {"description": _ERROR_DESCRIPTIONS[code]} for code in codes}}


def field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    if not hasattr(exc, "error_dict"):
        return [{"field": None, "message": m} for m in exc.messages]
    return [
        {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


# Pydantic's messages are English; the common ones are said in Bahasa Indonesia.
_PYDANTIC_MESSAGES = {
    "missing": "Wajib diisi.",
    "string_type": "Harus berupa teks.",
    "string_too_long": "Paling banyak {max_length} karakter.",
    "string_too_short": "Paling sedikit {min_length} karakter.",
    "int_type": "Harus berupa bilangan bulat.",
    "int_parsing": "Harus berupa bilangan bulat.",
    "int_from_float": "Harus berupa bilangan bulat.",
    "bool_type": "Harus true atau false.",
    "bool_parsing": "Harus true atau false.",
    "date_type": "Harus tanggal dengan format YYYY-MM-DD.",
    "date_parsing": "Harus tanggal dengan format YYYY-MM-DD.",
    "date_from_datetime_parsing": "Harus tanggal dengan format YYYY-MM-DD.",
    "date_from_datetime_inexact": "Harus tanggal dengan format YYYY-MM-DD.",
    "literal_error": "Harus salah satu dari: {expected}.",
    "list_type": "Harus berupa daftar.",
    "too_short": "Paling sedikit {min_length} isian.",
    "too_long": "Paling banyak {max_length} isian.",
    "greater_than_equal": "Paling kecil {ge}.",
    "less_than_equal": "Paling besar {le}.",
    "model_attributes_type": "Harus berupa objek JSON.",
    "dict_type": "Harus berupa objek JSON.",
    "extra_forbidden": "Isian tidak dikenal.",
}

# ninja prefixes locations with the parameter source and the body parameter's name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: tuple[Any, ...] | list[Any], body_param: str = "payload") -> str | None:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] == body_param:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or None


def pydantic_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for error in errors:
        ctx = error.get("ctx") or {}
        template = _PYDANTIC_MESSAGES.get(error.get("type", ""))
        try:
            message = template.format(**ctx) if template else str(error.get("msg", ""))
        except (KeyError, IndexError):
            message = str(error.get("msg", ""))
        result.append({"field": _field_name(error.get("loc", ())), "message": message})
    return result
