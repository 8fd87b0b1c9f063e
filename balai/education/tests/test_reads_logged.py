"""Issue 16: opening a child's education record is logged as a read of the child's record."""

import pytest
from django.urls import reverse

from balai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_child_record_view_is_logged(client_a, make_child, operator_a):
    child = make_child("ANAK SEKOLAH")
    assert client_a.get(reverse("education:child", args=[child.public_id])).status_code == 200
    event = AuditEvent.objects.get(action="resident.viewed", object_id=child.public_id)
    assert event.changes == {"purpose": "education"}
    assert event.actor_id == operator_a.pk
