"""Certified electronic signature (TTE) of a letter's PDF through a BSrE-style HTTP service.

The deployment's Ed25519 signature (signing.py) proves a letter came from Balai; a TTE adds a
signature by the official's own certificate inside the PDF. The service is reached through a
`transport` callable so tests (and sites with a proxy) supply their own; the passphrase is
passed through per call and never stored or logged.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class TteError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PdfSigner(Protocol):
    def sign_pdf(self, pdf: bytes, *, nik: str, passphrase: str) -> bytes: ...


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes


Transport = Callable[[HttpRequest], HttpResponse]


def urllib_transport(request: HttpRequest, timeout: float = 30) -> HttpResponse:
    req = urllib.request.Request(request.url, data=request.body or None, method=request.method)
    for k, v in request.headers.items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - configured https URL
            return HttpResponse(resp.status, dict(resp.headers), resp.read())
    except urllib.error.HTTPError as e:
        return HttpResponse(e.code, dict(e.headers), e.read())
    except (urllib.error.URLError, TimeoutError) as e:
        raise TteError(f"Layanan TTE tidak dapat dihubungi: {e}")


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "balai" + secrets.token_hex(12)
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for name, (filename, data, ctype) in files.items():
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n"
        ).encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


@dataclass
class BsreSigner:
    """`POST {base}/api/sign/pdf` (multipart: file, nik, passphrase, tampilan) -> signed PDF."""

    base_url: str
    username: str = ""
    password: str = ""
    transport: Transport = field(default=urllib_transport)

    def _auth(self) -> dict[str, str]:
        if not self.username:
            return {}
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def sign_pdf(self, pdf: bytes, *, nik: str, passphrase: str) -> bytes:
        if not passphrase:
            raise TteError("Passphrase TTE wajib diisi.")
        body, ctype = _multipart(
            {"nik": nik, "passphrase": passphrase, "tampilan": "invisible"},
            {"file": ("surat.pdf", pdf, "application/pdf")},
        )
        response = self.transport(
            HttpRequest(
                "POST",
                f"{self.base_url.rstrip('/')}/api/sign/pdf",
                {"Content-Type": ctype, **self._auth()},
                body,
            )
        )
        if response.status == 200 and response.body.startswith(b"%PDF"):
            return response.body
        raise TteError(f"Layanan TTE menolak: {self._message(response)}")

    @staticmethod
    def _message(response: HttpResponse) -> str:
        try:
            data = json.loads(response.body.decode())
            return str(data.get("error") or data.get("message") or response.status)
        except (ValueError, UnicodeDecodeError, AttributeError):
            return f"HTTP {response.status}"


def signer_from_settings() -> BsreSigner:
    """The deployment's TTE service: settings `BALAI_TTE_URL`, `BALAI_TTE_USERNAME`,
    `BALAI_TTE_PASSWORD`, or the same names in the environment."""
    from django.conf import settings

    def value(name: str) -> str:
        return str(getattr(settings, name, "") or os.environ.get(name, ""))

    url = value("BALAI_TTE_URL")
    if not url:
        raise TteError("Layanan TTE belum dikonfigurasi (BALAI_TTE_URL).")
    return BsreSigner(url, username=value("BALAI_TTE_USERNAME"), password=value("BALAI_TTE_PASSWORD"))
