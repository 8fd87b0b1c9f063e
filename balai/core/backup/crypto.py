"""The encrypted stream a backup archive is written in.

    header  = MAGIC (16 bytes) | log2 N (1) | r (1) | p (1) | salt (16) | nonce prefix (7) | key check (32)
    chunks  = AES-256-GCM(chunk i of at most CHUNK plaintext bytes), 16-byte tag each

The key comes from a passphrase through scrypt (parameters and salt in the header). Chunk i is
sealed with the nonce `prefix | i (4 bytes, big-endian) | last (1 byte)` and the whole header
as associated data (the STREAM construction of age and Tink): a changed, reordered, dropped or
appended chunk fails its tag, and an archive cut short ends without a chunk marked last. The
key check (HMAC-SHA-256 of the key over the header) tells a wrong passphrase apart from damage,
and gives a guesser nothing the first chunk's tag would not. Plaintext leaves `DecryptingReader`
only after its chunk's tag has been checked.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"BALAI-BACKUP-v1\n"
CHUNK = 1024 * 1024
TAG = 16
# scrypt 2^17 × 8: 128 MiB and about half a second on one core; age uses 2^18.
DEFAULT_LOG_N = 17
# A header asking for more work than this is refused rather than obeyed (it could be hostile).
MAX_LOG_N = 22
HEADER_FORMAT = "!16sBBB16s7s32s"
HEADER_SIZE = struct.calcsize(HEADER_FORMAT)


class BackupCryptoError(Exception):
    """A problem with an archive's encryption; `code` names it for the command's message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def derive_key(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    # hashlib's scrypt (OpenSSL): its memory cap must allow N×r×128 bytes.
    n = 1 << log_n
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=n * r * 128 + 1024 * 1024, dklen=32
    )


def _key_check(key: bytes, header_without_check: bytes) -> bytes:
    return hmac.new(key, b"balai-backup-key-check\n" + header_without_check, hashlib.sha256).digest()


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 2**32:
        raise BackupCryptoError("too_large", "archive too large (more than 2^32 chunks)")
    return prefix + struct.pack("!I", index) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object: what is written is sealed chunk by chunk into `sink`."""

    def __init__(self, sink: IO[bytes], passphrase: str, *, log_n: int = DEFAULT_LOG_N) -> None:
        if not passphrase:
            raise BackupCryptoError("no_passphrase", "empty passphrase")
        salt, prefix, r, p = os.urandom(16), os.urandom(7), 8, 1
        key = derive_key(passphrase, salt, log_n, r, p)
        partial = struct.pack(HEADER_FORMAT, MAGIC, log_n, r, p, salt, prefix, b"\x00" * 32)[:-32]
        self._header = partial + _key_check(key, partial)
        self._aead = AESGCM(key)
        self._prefix = prefix
        self._sink = sink
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        sink.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk is sealed (marked last) only at close.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._sink.flush()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index, last)
        self._sink.write(self._aead.encrypt(nonce, plain, self._header))
        self._index += 1

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._sink.flush()
            self._closed = True


def read_header(source: IO[bytes]) -> tuple[bytes, int, int, int, bytes, bytes, bytes]:
    header = _read_full(source, HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise BackupCryptoError("not_archive", "not a Balai backup archive (unknown header)")
    _magic, log_n, r, p, salt, prefix, check = struct.unpack(HEADER_FORMAT, header)
    if not (10 <= log_n <= MAX_LOG_N and 1 <= r <= 32 and 1 <= p <= 16):
        raise BackupCryptoError("damaged", "archive header damaged (key parameters out of range)")
    return header, log_n, r, p, salt, prefix, check


def _read_full(source: IO[bytes], size: int) -> bytes:
    """`size` bytes, fewer only at the end (a pipe may return less on one read)."""
    data = b""
    while len(data) < size:
        block = source.read(size - len(data))
        if not block:
            break
        data += block
    return data


class DecryptingReader:
    """A read-only file object over an encrypted archive; every byte it returns is authenticated.

    Raises BackupCryptoError: `wrong_passphrase`, `tampered` (a chunk fails its tag, data
    appended after the last chunk included) or `truncated` (the stream ends before its last chunk)."""

    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        header, log_n, r, p, salt, prefix, check = read_header(source)
        key = derive_key(passphrase, salt, log_n, r, p)
        if not hmac.compare_digest(_key_check(key, header[:-32]), check):
            raise BackupCryptoError("wrong_passphrase", "wrong passphrase (or a damaged archive header)")
        self._header = header
        self._aead = AESGCM(key)
        self._prefix = prefix
        self._source = source
        self._index = 0
        self._buffer = b""
        self._done = False
        self._pending = _read_full(source, CHUNK + TAG)

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        sealed = self._pending
        self._pending = _read_full(self._source, CHUNK + TAG)
        last = not self._pending
        if len(sealed) < TAG:
            raise BackupCryptoError("truncated", "archive cut short (it ends inside a chunk)")
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._index, last), sealed, self._header)
        except InvalidTag:
            if last:
                # Sealed as a middle chunk: the archive was cut at a chunk boundary.
                try:
                    self._aead.decrypt(_nonce(self._prefix, self._index, False), sealed, self._header)
                except InvalidTag:
                    pass
                else:
                    raise BackupCryptoError(
                        "truncated", f"archive cut short after chunk {self._index + 1}"
                    ) from None
            raise BackupCryptoError(
                "tampered", f"archive altered or damaged: chunk {self._index + 1} fails its check"
            ) from None
        self._index += 1
        self._done = last
        return plain

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._buffer += self._next_chunk()
        if size < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def seek(self, offset: int, whence: int = 0) -> int:
        # A stream: gzip only ever asks to stay where it is.
        raise io.UnsupportedOperation("an encrypted archive is read front to back")

    def check_end(self) -> None:
        """Read to the end: every remaining chunk must pass, ending with the last one."""
        while not self._done:
            self._next_chunk()
