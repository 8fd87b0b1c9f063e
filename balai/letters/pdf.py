"""Letter PDF with Typst: data in, bytes out. No ORM here.

The layout is `typst/letter.typ`, fixed by us; all letter data reaches it as JSON through
`sys.inputs`, so names, addresses and operator text can never be read as markup or code, and
the compiler's root holds only our layouts and the villages' logos (see `_root`), so no
template or data can read other files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import typst
from django.conf import settings

from balai.core.qr import qr_path
from balai.core.qr import qr_png as qr_png

TYPST_DIR = Path(__file__).parent / "typst"
_compiler: typst.Compiler | None = None
_lock = threading.Lock()
# Fixed creation date: the same content gives the same bytes, so a frozen letter re-renders identically.
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def qr_svg(text: str) -> str:
    """The verification QR as a compact SVG (see balai.core.qr), as letters issued before
    the PNG keep it (`Letter.qr_svg`). New letters print `qr_png`."""
    size, path = qr_path(text)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}"><path stroke="#000" d="{path}"/></svg>'
    )


_root_dir: Path | None = None
_logos: set[str] = set()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _root() -> Path:
    """The compiler's root: our layouts and the villages' logos, nothing else. It lives under
    BALAI_VAR_DIR because the logos are written at run time (the package may be read-only).
    A logo reaches Typst as a file, not as JSON: a 150 KB logo as a JSON array of numbers
    cost ~15 ms a letter; a file is read once and kept by the compiler."""
    global _root_dir
    if _root_dir is None:
        root = Path(settings.VAR_DIR) / "typst"
        (root / "logos").mkdir(parents=True, exist_ok=True)
        for name in ("letter.typ", "register.typ"):
            source = (TYPST_DIR / name).read_bytes()
            target = root / name
            if not target.exists() or target.read_bytes() != source:
                _write_atomic(target, source)
        _root_dir = root
    return _root_dir


def _logo_file(root: Path, logo: bytes) -> str:
    """The logo's path inside the root, named by its content (a changed logo is a new file)."""
    kind = "png" if logo.startswith(b"\x89PNG") else "jpg"
    name = f"{hashlib.sha256(logo).hexdigest()[:32]}.{kind}"
    if name not in _logos:
        path = root / "logos" / name
        if not path.exists():
            _write_atomic(path, logo)
        _logos.add(name)
    return f"/logos/{name}"


def render(
    content: dict[str, Any],
    *,
    qr: str | bytes | None = None,
    logo: bytes | None = None,
    png_ppi: float | None = None,
    stamp: str = "",
) -> bytes:
    """PDF (or, with `png_ppi`, a PNG of the first page for previews). `qr` is the QR code as
    PNG bytes (`qr_png`) or SVG text (`qr_svg`); `logo` PNG or JPEG bytes."""
    global _compiler
    data = dict(content)
    for key in ("logo_path", "qr", "qr_png", "stamp"):  # only ever set here
        data.pop(key, None)
    if stamp:
        data["stamp"] = stamp
    if isinstance(qr, bytes):
        data["qr_png"] = list(qr)
    elif qr:
        data["qr"] = qr
    with _lock:
        root = _root()
        if logo:
            data["logo_path"] = _logo_file(root, logo)
        if _compiler is None:
            _compiler = typst.Compiler(input=root / "letter.typ", root=root, ignore_system_fonts=True)
        inputs = {"data": json.dumps(data)}
        if png_ppi:
            out = _compiler.compile(format="png", ppi=png_ppi, sys_inputs=inputs)
        else:
            out = _compiler.compile(format="pdf", sys_inputs=inputs, timestamp=_EPOCH)
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out


_register_compiler: typst.Compiler | None = None


def render_register(data: dict[str, Any]) -> bytes:
    """A register (Buku Agenda) as a landscape PDF; see registers.py for `data`."""
    global _register_compiler
    with _lock:
        if _register_compiler is None:
            root = _root()
            _register_compiler = typst.Compiler(
                input=root / "register.typ", root=root, ignore_system_fonts=True
            )
        out = _register_compiler.compile(
            format="pdf", sys_inputs={"data": json.dumps(data)}, timestamp=_EPOCH
        )
    if isinstance(out, list):
        out = out[0]
    assert isinstance(out, bytes)
    return out
