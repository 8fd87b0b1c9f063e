import pytest
from django.core.management import CommandError, call_command

from balai.audit.models import AuditEvent
from balai.audit.services import audit_record


def test_audit_events_are_append_only(operator_a, village_a):
    audit_record(actor=operator_a, village=village_a, action="x.done")
    event = AuditEvent.objects.get()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_chains_are_per_village(operator_a, village_a, village_b):
    audit_record(actor=operator_a, village=village_a, action="a.one")
    audit_record(actor=None, village=village_b, action="b.one")
    audit_record(actor=operator_a, village=village_a, action="a.two")
    seqs = list(AuditEvent.objects.filter(village=village_a).values_list("seq", flat=True))
    assert seqs == [1, 2]
    assert AuditEvent.objects.get(village=village_b).seq == 1


def test_audit_verify_command_reports_a_deleted_event(operator_a, village_a, capsys):
    for i in range(3):
        audit_record(actor=operator_a, village=village_a, action=f"step.{i}")
    call_command("audit_verify")
    assert "rantai utuh" in capsys.readouterr().out
    # A raw delete (bypassing the model guard) breaks the chain.
    AuditEvent.objects.filter(seq=2)._raw_delete(AuditEvent.objects.db)
    with pytest.raises(CommandError):
        call_command("audit_verify")
