"""Issue 16, audit a database administrator cannot rewrite: chain heads signed with an Ed25519
key outside the database and appended to a file; `audit-verify` checks the chains against
them. Each rewrite below passed the plain link check before (the reproduction), and is
reported against the anchors now."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from balai.audit import anchors
from balai.audit.models import AuditChain, AuditEvent
from balai.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path):
    settings.BALAI_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.pem")
    settings.BALAI_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")


@pytest.fixture
def trail(operator_a, village_a):
    for i in range(6):
        audit_record(actor=operator_a, village=village_a, action=f"resident.viewed.{i}")
    return AuditChain.objects.get(key=village_a.code)


def _relink(chain: AuditChain) -> None:
    """What a database administrator can do: renumber and recompute every link and the head."""
    prev, seq = "0" * 64, 0
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq", "pk"):
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = event.compute_hash()
        AuditEvent.objects.filter(pk=event.pk).update(seq=-event.pk)  # dodge the unique (chain, seq)
        AuditEvent.objects.filter(pk=event.pk).update(seq=seq, prev_hash=prev, hash=event.hash)
        prev = event.hash
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=seq, last_hash=prev)


def _messages(**kw) -> list[str]:
    return [p.message for p in audit_verify(**kw)[1]]


def test_anchored_intact_chain_verifies(trail):
    anchors.anchor_heads()
    assert _messages() == []
    assert anchors.key_file().stat().st_mode & 0o777 == 0o600


def test_truncation_is_reported(trail):
    anchors.anchor_heads()
    # given: the last event deleted and the head moved back (passed audit-verify before)
    last = AuditEvent.objects.filter(chain=trail).order_by("-seq").first()
    AuditEvent.objects.filter(pk=last.pk).delete()
    _relink(trail)
    assert _messages(anchors=False) == []  # the reproduction: links alone see nothing
    # then
    assert any(m.startswith("truncated") for m in _messages())


def test_deletion_in_the_middle_with_recomputed_links_is_reported(trail):
    anchors.anchor_heads()
    AuditEvent.objects.filter(chain=trail, seq__in=[2, 3]).delete()
    _relink(trail)
    assert _messages(anchors=False) == []
    found = _messages()
    assert any(m.startswith("truncated") or m.startswith("rewritten") for m in found)


def test_edit_with_recomputed_links_is_reported(trail):
    anchors.anchor_heads()
    AuditEvent.objects.filter(chain=trail, seq=2).update(actor_label="orang-lain")
    _relink(trail)
    assert _messages(anchors=False) == []
    assert any(m.startswith("rewritten") for m in _messages())


def test_insertion_with_recomputed_links_is_reported(trail, village_a):
    anchors.anchor_heads()
    first = AuditEvent.objects.get(chain=trail, seq=1)
    for event in AuditEvent.objects.filter(chain=trail).order_by("-seq"):
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq * 10)  # room for an insert
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                chain=trail, seq=15, village=village_a, occurred_at=first.occurred_at, actor_label="x",
                action="forged", prev_hash="", hash="",
            )
        ]
    )  # fmt: skip
    _relink(trail)
    assert _messages(anchors=False) == []
    assert any(m.startswith("rewritten") for m in _messages())


def test_deleted_chain_is_reported(trail):
    anchors.anchor_heads()
    AuditEvent.objects.filter(chain=trail).delete()
    AuditChain.objects.filter(pk=trail.pk).delete()
    assert any("deleted" in m for m in _messages())


def test_a_forged_anchor_is_refused(trail, settings):
    anchors.anchor_heads()
    path = anchors.anchor_file()
    line = json.loads(path.read_text().splitlines()[0])
    line["seq"] = 1  # moved back to hide what came after
    path.write_text(json.dumps(line) + "\n")
    assert any("tidak sah" in m for m in _messages())


def test_events_after_the_last_anchor_are_allowed(trail, operator_a, village_a):
    anchors.anchor_heads()
    audit_record(actor=operator_a, village=village_a, action="later")
    assert _messages() == []


def test_commands(trail, capsys):
    call_command("audit_anchor")
    assert "ditandatangani" in capsys.readouterr().out
    call_command("audit_verify")
    assert "rantai utuh" in capsys.readouterr().out
    AuditEvent.objects.filter(chain=trail, seq=6).delete()
    _relink(trail)
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert "truncated" in capsys.readouterr().err
    call_command("audit_anchor", "--public-key")
    assert "BEGIN PUBLIC KEY" in capsys.readouterr().out
