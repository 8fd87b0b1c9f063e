"""Signed anchors of the audit chains: what a database administrator cannot rewrite.

The chains' SHA-256 links only show an edit that was not followed by recomputing the links;
whoever can write the database can delete events, recompute every later hash and move the
chain head (issue 16). An anchor is the head of each chain (key, seq, hash, time) signed with
an Ed25519 key kept **outside the database** (`BALAI_AUDIT_KEY_FILE`, a PEM file; created on
first use with mode 0600), appended to a file outside the database (`BALAI_AUDIT_ANCHOR_FILE`,
one JSON object a line) by `balai audit-anchor`, run on a schedule (cron/systemd timer, e.g.
hourly) and best copied off the machine too (a remote log, the regency's server).

`balai audit-verify` then checks, besides the links, that every anchored event is still in its
chain with the anchored hash: a truncated chain ends before an anchor, a deletion or insertion
(renumbered and re-linked) or an edit before an anchor changes the anchored event's hash, and
a deleted chain is missing. Events after the last anchor are protected from the next anchor
on. The verification needs only the public key (`BALAI_AUDIT_PUBLIC_KEY_FILE`, or derived
from the private key file).
"""

from __future__ import annotations

import base64
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)
from django.conf import settings
from django.utils import timezone

from balai.audit.models import AuditChain

PREFIX = b"balai-audit-anchor-v1\n"
SYSLOG_TAG = "balai-audit-anchor"


def key_file() -> Path:
    configured = getattr(settings, "BALAI_AUDIT_KEY_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "keys" / "audit-ed25519.pem"


def anchor_file() -> Path:
    configured = getattr(settings, "BALAI_AUDIT_ANCHOR_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit-anchors.jsonl"


def private_key(create: bool = True) -> Ed25519PrivateKey:
    path = key_file()
    if not path.exists():
        if not create:
            raise FileNotFoundError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return key
    loaded = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return loaded


def public_key() -> Ed25519PublicKey:
    configured = getattr(settings, "BALAI_AUDIT_PUBLIC_KEY_FILE", "")
    if configured:
        loaded = load_pem_public_key(Path(configured).read_bytes())
        if not isinstance(loaded, Ed25519PublicKey):
            raise ValueError(f"{configured}: not an Ed25519 public key")
        return loaded
    return private_key(create=False).public_key()


def public_pem() -> str:
    return public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass(frozen=True)
class Anchor:
    chain: str
    seq: int
    hash: str
    at: str
    signature: str = ""

    def message(self) -> bytes:
        return PREFIX + json.dumps([self.chain, self.seq, self.hash, self.at], separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps(
            {"chain": self.chain, "seq": self.seq, "hash": self.hash, "at": self.at, "sig": self.signature},
            separators=(",", ":"),
        )


def sign(anchor: Anchor, key: Ed25519PrivateKey) -> Anchor:
    sig = base64.b64encode(key.sign(anchor.message())).decode()
    return Anchor(anchor.chain, anchor.seq, anchor.hash, anchor.at, sig)


def signature_ok(anchor: Anchor, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(base64.b64decode(anchor.signature), anchor.message())
    except (InvalidSignature, ValueError):
        return False
    return True


def anchor_heads(path: Path | None = None) -> list[Anchor]:
    """Sign every chain's head now and append the anchors to the file; returns them."""
    key = private_key()
    now = timezone.now().isoformat()
    anchors = [
        sign(Anchor(chain.key, chain.last_seq, chain.last_hash, now), key)
        for chain in AuditChain.objects.order_by("key")
        if chain.last_seq
    ]
    target = path or anchor_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        for anchor in anchors:
            fh.write(anchor.to_json() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return anchors


def read_anchors(path: Path | None = None) -> tuple[list[Anchor], list[str]]:
    """(anchors, problems): the file's lines; a line that does not parse is a problem."""
    source = path or anchor_file()
    if not source.exists():
        return [], []
    anchors: list[Anchor] = []
    problems: list[str] = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        # A copy kept by a syslog server: the anchor is what follows the tag.
        line = line.split(f"{SYSLOG_TAG}: ", 1)[-1]
        try:
            data = json.loads(line)
            anchors.append(
                Anchor(
                    str(data["chain"]), int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["sig"])
                )
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"baris {number} berkas jangkar tidak terbaca")
    return anchors, problems


def copy_targets() -> list[str]:
    """Where `balai audit-anchor` also sends every anchor (BALAI_AUDIT_ANCHOR_COPY_TO)."""
    return [t.strip() for t in getattr(settings, "BALAI_AUDIT_ANCHOR_COPY_TO", "").split(",") if t.strip()]


def copy_anchors(made: list[Anchor], target: str) -> str:
    """Send the anchors just made to a second place, off the machine where possible:

    - `syslog+udp://host:514` or `syslog+tcp://host:514`: one syslog message an anchor (facility
      local0, tag balai-audit-anchor) to a log server the database administrator does not run;
    - anything else is a path: a directory gets `audit-anchors.jsonl` in it, a file is appended
      to (a second disk, a mounted share of the regency's server).

    Returns where the anchors went, for the command's message; raises OSError when they did not."""
    parts = urlsplit(target)
    if parts.scheme in ("syslog+udp", "syslog+tcp"):
        if not parts.hostname:
            raise OSError(f"{target}: no host")
        address = (parts.hostname, parts.port or 514)
        # RFC 3164 lines, priority local0.info (16 * 8 + 6); over TCP one line each (RFC 6587).
        lines = [f"<134>{SYSLOG_TAG}: {anchor.to_json()}".encode() for anchor in made]
        if parts.scheme == "syslog+tcp":
            with socket.create_connection(address, timeout=10) as conn:
                conn.sendall(b"".join(line + b"\n" for line in lines))
        else:
            with socket.socket(
                socket.AF_INET6 if ":" in address[0] else socket.AF_INET, socket.SOCK_DGRAM
            ) as udp:
                for line in lines:
                    udp.sendto(line, address)
        return f"{address[0]}:{address[1]} (syslog {parts.scheme.removeprefix('syslog+')})"
    path = Path(target)
    if path.is_dir() or target.endswith("/"):
        path = path / "audit-anchors.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for anchor in made:
            fh.write(anchor.to_json() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return str(path)
