"""The encrypted stream of `balai backup` (issue 16, item 8): what it refuses, and that it never
hands out a byte it has not authenticated."""

from __future__ import annotations

import io

import pytest

from balai.core.backup import crypto
from balai.core.backup.crypto import BackupCryptoError, DecryptingReader, EncryptingWriter

PASS = "kata-sandi-cadangan-uji"


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(crypto, "CHUNK", 100)


def _seal(data: bytes, passphrase: str = PASS) -> bytes:
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, passphrase, log_n=10)
    writer.write(data)
    writer.close()
    return sink.getvalue()


def _open(sealed: bytes, passphrase: str = PASS) -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), passphrase)
    data = reader.read()
    reader.check_end()
    return data


def _code(sealed: bytes, passphrase: str = PASS) -> str:
    with pytest.raises(BackupCryptoError) as caught:
        _open(sealed, passphrase)
    return caught.value.code


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 1000])
def test_round_trip(size):
    data = bytes(range(256)) * 4
    assert _open(_seal(data[:size])) == data[:size]


def test_wrong_passphrase_is_named():
    assert _code(_seal(b"x" * 300), "kata-sandi-lain") == "wrong_passphrase"


def test_flipped_byte_in_a_chunk_is_tampering():
    sealed = bytearray(_seal(b"x" * 300))
    sealed[crypto.HEADER_SIZE + 150] ^= 1
    assert _code(bytes(sealed)) == "tampered"


def test_changed_header_is_refused():
    sealed = bytearray(_seal(b"x" * 300))
    sealed[len(crypto.MAGIC) + 5] ^= 1  # the salt
    assert _code(bytes(sealed)) == "wrong_passphrase"
    assert _code(b"PK\x03\x04 not an archive") == "not_archive"


def test_cut_at_a_chunk_boundary_or_inside_is_truncation():
    sealed = _seal(b"x" * 350)
    chunk = crypto.CHUNK + crypto.TAG
    assert _code(sealed[: crypto.HEADER_SIZE + 2 * chunk]) == "truncated"
    assert _code(sealed[: crypto.HEADER_SIZE + 5]) == "truncated"


def test_reordered_or_appended_chunks_are_tampering():
    sealed = _seal(b"a" * 100 + b"b" * 100 + b"c" * 50)
    head, chunk = crypto.HEADER_SIZE, crypto.CHUNK + crypto.TAG
    first, second, rest = (
        sealed[head : head + chunk],
        sealed[head + chunk : head + 2 * chunk],
        sealed[head + 2 * chunk :],
    )
    assert _code(sealed[:head] + second + first + rest) == "tampered"
    assert _code(sealed + b"extra") == "tampered"


class _Trickle(io.BytesIO):
    """A pipe: at most 7 bytes a read."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(7 if size is None or size < 0 else min(size, 7))


def test_short_reads_from_a_pipe_are_no_tampering():
    data = bytes(range(256)) * 3
    reader = DecryptingReader(_Trickle(_seal(data)), PASS)
    assert reader.read() == data
