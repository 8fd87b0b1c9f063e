import datetime as dt

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


def test_batch_hash_is_the_event_hash_of_the_payload():
    # The batch spells the payload's JSON field by field; it must hash exactly as
    # AuditEvent.compute_hash() re-reads it, whatever the text holds.
    from balai.audit.models import event_hash
    from balai.audit.services import _HashedBatch

    shared = {"purpose": "list", "when": dt.date(2026, 1, 2), "n": [1, None, "é"]}
    batch = _HashedBatch(
        village_id=None,
        occurred_at="2026-12-06T10:00:00+00:00",
        actor_id=7,
        label='Bu "Siti" ñ',
        source="10.0.0.1",
    )
    prev = "0" * 64
    for seq, (action, object_id, changes) in enumerate(
        [("resident.viewed", "abc", shared), ("x.ü\n", "", {}), ("a", "12", shared)], start=1
    ):
        copy, text = batch.changes(changes)
        payload = {
            "seq": seq,
            "village": None,
            "occurred_at": "2026-12-06T10:00:00+00:00",
            "actor": 7,
            "actor_label": 'Bu "Siti" ñ',
            "action": action,
            "object_type": "resident",
            "object_id": object_id,
            "changes": copy,
            "source": "10.0.0.1",
        }
        digest = batch.digest(prev, seq, action, "resident", object_id, text)
        assert digest == event_hash(prev, payload)
        prev = digest
    # Events sharing one dict share its converted copy (converted once on INSERT).
    assert batch.changes(shared)[0] is batch.changes(shared)[0]


def test_a_page_of_reads_is_one_event_naming_every_record_and_verifies(operator_a, village_a):
    from balai.audit.models import RecordRead
    from balai.audit.services import audit_record_read, audit_verify

    ids = [f"id{i}" for i in range(5)]
    assert (
        audit_record_read(
            actor=operator_a,
            village=village_a,
            action="resident.viewed",
            object_type="resident",
            object_ids=[*ids, "id0"],
            changes={"purpose": "list"},
        )
        == 5
    )
    event = AuditEvent.objects.get(action="resident.viewed")
    # The hash covers the records shown; the index has one row each, pointing at the event.
    assert event.changes == {"purpose": "list", "records": ids}
    assert event.object_id == ""
    assert event.hash == event.compute_hash()
    assert sorted(RecordRead.objects.values_list("event_id", "object_id")) == [(event.pk, i) for i in ids]
    checked, problems = audit_verify(anchors=False)
    assert problems == []


def test_a_read_of_one_record_keeps_it_in_object_id(operator_a, village_a):
    from balai.audit.models import RecordRead

    audit_record(
        actor=operator_a,
        village=village_a,
        action="resident.viewed",
        object_type="resident",
        object_id="abc",
        changes={"purpose": "detail"},
    )
    event = AuditEvent.objects.get()
    assert (event.object_id, event.changes) == ("abc", {"purpose": "detail"})
    assert list(RecordRead.objects.values_list("event_id", "object_id")) == [(event.pk, "abc")]


def test_reads_cannot_bypass_the_read_index(operator_a, village_a):
    from balai.audit.services import PendingEvent, audit_record_many

    with pytest.raises(ValueError, match="audit_record_read"):
        audit_record_many(
            actor=operator_a,
            village=village_a,
            events=[PendingEvent("resident.viewed", "resident", "x", {})],
        )
    assert not AuditEvent.objects.exists()


def test_audit_verify_reports_a_read_index_row_deleted_or_invented(operator_a, village_a):
    from balai.audit.models import RecordRead
    from balai.audit.services import audit_record_read, audit_verify

    audit_record_read(
        actor=operator_a,
        village=village_a,
        action="resident.viewed",
        object_type="resident",
        object_ids=["a", "b"],
    )
    audit_record(
        actor=operator_a, village=village_a, action="resident.viewed", object_type="resident", object_id="c"
    )
    assert audit_verify(anchors=False)[1] == []
    # Deleting "a"'s row would hide the read from a's "who read my data".
    RecordRead.objects.filter(object_id="a")._raw_delete(RecordRead.objects.db)
    problems = audit_verify(anchors=False)[1]
    assert [p.message for p in problems] == ["read index differs from the read event"]
    # A row that points at no read event invents one.
    audit_record(actor=operator_a, village=village_a, action="x.done")
    RecordRead.objects.bulk_create(
        [RecordRead(event_id=AuditEvent.objects.get(action="x.done").pk, object_id="z")]
    )
    messages = [p.message for p in audit_verify(anchors=False)[1]]
    assert "1 read-index rows point at no read event" in messages


def test_record_ids_are_indexed_whatever_they_hold(operator_a, village_a):
    from balai.audit.models import RecordRead
    from balai.audit.services import audit_record_read, audit_verify

    for ids in (["a,b", "c d", "é"], ["x\x1fy", "z"]):
        audit_record_read(
            actor=operator_a,
            village=village_a,
            action="resident.viewed",
            object_type="resident",
            object_ids=ids,
        )
    assert sorted(RecordRead.objects.values_list("object_id", flat=True)) == sorted(
        ["a,b", "c d", "é", "x\x1fy", "z"]
    )
    assert audit_verify(anchors=False)[1] == []


@pytest.mark.django_db(transaction=True)
def test_a_read_in_its_own_transaction_commits_without_waiting_for_the_disk(
    operator_a, village_a, monkeypatch
):
    from django.db import connection, transaction

    from balai.audit import services

    seen = []
    append = services._append

    def spy(**kw):
        result = append(**kw)
        setting = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                setting = cursor.fetchone()[0]
        seen.append((kw["relaxed"], setting))
        return result

    monkeypatch.setattr(services, "_append", spy)

    def read():
        services.audit_record_read(
            actor=operator_a,
            village=village_a,
            action="resident.viewed",
            object_type="resident",
            object_ids=["a", "b"],
        )

    # when: a read on its own (a list page), then one inside a caller's transaction (which may hold a change)
    read()
    with transaction.atomic():
        read()

    # then: only the first is relaxed; on PostgreSQL for its own transaction alone
    if connection.vendor == "postgresql":
        assert seen == [(True, "off"), (False, "on")]
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    else:
        assert seen == [(True, None), (False, None)]
    assert AuditEvent.objects.filter(action="resident.viewed").count() == 2


def test_a_page_of_reads_skipping_whole_events_is_the_same_as_the_rows_sliced(operator_a, village_a):
    import datetime as dt

    from django.utils import timezone

    from balai.audit.selectors import read_rows, read_rows_page
    from balai.audit.services import audit_record_read

    # given: pages of 1 to 7 records and single reads, interleaved
    for i in range(12):
        size = 1 + (i * 5) % 7
        audit_record_read(
            actor=operator_a,
            village=village_a,
            action="resident.viewed",
            object_type="resident",
            object_ids=[f"r{i:02d}-{j}" for j in reversed(range(size))],
            changes={"purpose": "list"},
        )
    window = {"start": timezone.now() - dt.timedelta(days=1), "end": timezone.now() + dt.timedelta(days=1)}
    every = list(read_rows(**window))
    assert len(every) > 30

    # then: every window of rows, whatever event it starts or ends in
    for offset in range(len(every) + 2):
        for limit in (1, 4, 11):
            assert read_rows_page(offset=offset, limit=limit, **window) == every[offset : offset + limit]
    # narrowed to one officer, and to one record
    assert read_rows_page(offset=3, limit=5, actor_id=operator_a.pk, **window) == every[3:8]
    one = read_rows_page(offset=0, limit=5, object_type="resident", object_id="r03-1", **window)
    assert [row[3] for row in one] == ["r03-1"]
