"""Issue 16, item 4: the signed anchors also leave the machine (`balai audit-anchor --copy-to`),
to a second directory or a remote syslog server, and a copy can be verified against."""

from __future__ import annotations

import socket
import threading

import pytest
from django.core.management import CommandError, call_command

from balai.audit import anchors
from balai.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path):
    settings.BALAI_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.pem")
    settings.BALAI_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    settings.BALAI_AUDIT_ANCHOR_COPY_TO = ""


@pytest.fixture
def trail(operator_a, village_a):
    for i in range(3):
        audit_record(actor=operator_a, village=village_a, action=f"resident.viewed.{i}")


def test_copy_to_a_directory_can_be_verified_against(trail, tmp_path):
    copies = tmp_path / "share"
    copies.mkdir()
    call_command("audit_anchor", copy_to=[str(copies)])
    copy = copies / "audit-anchors.jsonl"
    assert copy.read_text() == (tmp_path / "anchors.jsonl").read_text()
    # the local file lost: the copy still proves the chain
    (tmp_path / "anchors.jsonl").unlink()
    assert audit_verify(anchor_path=copy)[1] == []


def test_copy_to_udp_syslog_and_the_log_verifies(trail, tmp_path, settings):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        settings.BALAI_AUDIT_ANCHOR_COPY_TO = f"syslog+udp://127.0.0.1:{server.getsockname()[1]}"
        call_command("audit_anchor")
        line = server.recv(4096).decode()
    assert line.startswith("<134>balai-audit-anchor: {")
    # the syslog server's file, as it keeps the line, is an anchor file for audit-verify
    log = tmp_path / "remote.log"
    log.write_text(f"Dec  6 08:00:01 balai-host {line.removeprefix('<134>')}\n")
    assert anchors.read_anchors(log)[0] == anchors.read_anchors()[0]


def test_copy_to_tcp_syslog(trail):
    received: list[bytes] = []
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(5)

        def accept() -> None:
            conn, _ = server.accept()
            with conn:
                while data := conn.recv(4096):
                    received.append(data)

        thread = threading.Thread(target=accept)
        thread.start()
        call_command("audit_anchor", copy_to=[f"syslog+tcp://127.0.0.1:{server.getsockname()[1]}"])
        thread.join(5)
    lines = b"".join(received).decode().splitlines()
    assert len(lines) == 1
    assert '"seq":3' in lines[0]


def test_a_copy_that_fails_fails_the_run_after_the_local_anchor(trail, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(CommandError, match="Salinan jangkar gagal"):
        call_command("audit_anchor", copy_to=[f"syslog+tcp://127.0.0.1:{port}"])
    assert len(anchors.read_anchors()[0]) == 1
