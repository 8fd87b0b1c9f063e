"""The event page, its cancellation and the review queue through the UI."""

from django.urls import reverse
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.people import codes, services
from balai.people.models import ReviewItem


def test_event_page_cancel_and_review_queue(client_a, operator_a, resident_a):
    event = services.death_record(actor=operator_a, resident=resident_a, event_date=timezone.localdate())
    item = ReviewItem.objects.create(
        village=resident_a.village, event=event, module="aid", title="Konfirmasi kepala"
    )
    page = client_a.get(reverse("people:event_detail", args=[event.public_id]))
    assert page.status_code == 200
    assert "Batalkan peristiwa" in page.content.decode()

    queue = client_a.get(reverse("people:review_list"))
    assert "Konfirmasi kepala" in queue.content.decode()

    # an empty reason is refused on the form, nothing changes
    bad = client_a.post(reverse("people:event_cancel", args=[event.public_id]), {"reason": ""})
    assert bad.status_code == 400
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_DEAD

    done = client_a.post(reverse("people:event_cancel", args=[event.public_id]), {"reason": "Salah orang"})
    assert done.status_code == 302
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_ALIVE
    item.refresh_from_db()
    assert item.state == ReviewItem.State.DISMISSED
    assert AuditEvent.objects.filter(action="life_event.cancelled").exists()
    # a second cancellation is refused with a message, not a 500
    again = client_a.post(reverse("people:event_cancel", args=[event.public_id]), {"reason": "lagi"})
    assert again.status_code == 400
    assert "sudah dibatalkan" in again.content.decode()


def test_resolving_a_review_item(client_a, operator_a, resident_a):
    item = ReviewItem.objects.create(village=resident_a.village, module="staff", title="Jabatan kosong")
    response = client_a.post(
        reverse("people:review_resolve", args=[item.public_id]), {"state": "done", "note": "PLT"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ReviewItem.State.DONE
    assert item.resolved_by == operator_a
    again = client_a.post(reverse("people:review_resolve", args=[item.public_id]), {"state": "done"})
    assert again.status_code == 302  # refused with a message
    assert (
        client_a.post(reverse("people:review_resolve", args=[item.public_id]), {"state": "x"}).status_code
        == 302
    )
    assert "Jabatan kosong" in client_a.get(reverse("people:review_list") + "?status=done").content.decode()
