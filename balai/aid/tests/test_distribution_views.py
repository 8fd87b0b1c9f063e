# ruff: noqa: F811  (fixtures imported from distribution_fixtures)
import base64

import pytest
from django.urls import reverse
from django.utils import timezone

from balai.aid.models import Distribution, DistributionCycle, Entitlement, Programme, RecipientImport
from balai.aid.tests.distribution_fixtures import (  # noqa: F401
    blt_a,
    give_decile,
    make_family,
    make_programme,
    photo_jpeg,
    signature_png,
    two_recipients,
)
from balai.aid.tests.test_imports import _row, opensid_file
from balai.audit.models import AuditEvent


@pytest.fixture
def cycle_a(client, operator_a, blt_a, two_recipients):
    client.force_login(operator_a)
    response = client.post(
        reverse("aid:cycles", args=[blt_a.public_id]),
        {"covers_start": "2026-01-01", "covers_end": "2026-03-31", "planned_on": "2026-04-05", "label": ""},
    )
    assert response.status_code == 302
    return DistributionCycle.objects.get(programme=blt_a)


def test_operator_runs_a_cycle_and_records_with_signature(client, operator_a, kades_a, cycle_a):
    # given: the operator cannot approve; the head can
    url = reverse("aid:cycle_transition", args=[cycle_a.public_id, "approve"])
    assert client.post(url).status_code == 403
    client.force_login(kades_a)
    client.post(url)
    cycle_a.refresh_from_db()
    assert cycle_a.status == "approved"
    # when: the operator records a distribution with a drawn signature
    client.force_login(operator_a)
    ent = Entitlement.objects.filter(cycle=cycle_a).first()
    page = client.get(reverse("aid:distribution_record", args=[ent.public_id]))
    assert page.status_code == 200
    assert b"aid-canvas" in page.content
    signature = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    response = client.post(
        reverse("aid:distribution_record", args=[ent.public_id]),
        {
            "distributed_on": timezone.localdate().isoformat(),
            "received_by": "recipient",
            "proof_kind": "signature",
            "signature": signature,
        },
    )
    # then
    assert response.status_code == 302
    d = Distribution.objects.get(entitlement=ent)
    detail = client.get(reverse("aid:cycle_detail", args=[cycle_a.public_id]))
    assert reverse("aid:distribution_proof", args=[d.public_id]).encode() in detail.content
    proof = client.get(reverse("aid:distribution_proof", args=[d.public_id]))
    assert proof.status_code == 200
    assert proof["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="aid.proof.viewed", object_id=d.public_id).exists()


def test_blank_signature_and_missing_relation_are_shown(client, operator_a, kades_a, cycle_a):
    client.force_login(kades_a)
    client.post(reverse("aid:cycle_transition", args=[cycle_a.public_id, "approve"]))
    client.force_login(operator_a)
    ent = Entitlement.objects.filter(cycle=cycle_a).first()
    response = client.post(
        reverse("aid:distribution_record", args=[ent.public_id]),
        {
            "distributed_on": timezone.localdate().isoformat(),
            "received_by": "proxy",
            "receiver_name": "SITI",
            "proof_kind": "photo",
        },
    )
    assert response.status_code == 400
    assert "Foto bukti belum dipilih" in response.content.decode()
    upload = photo_jpeg()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("aid:distribution_record", args=[ent.public_id]),
        {
            "distributed_on": timezone.localdate().isoformat(),
            "received_by": "proxy",
            "receiver_name": "SITI",
            "proof_kind": "photo",
            "photo": SimpleUploadedFile("a.jpg", upload, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 400
    assert "Hubungan wakil" in response.content.decode()
    assert not Distribution.objects.exists()


def test_proof_not_served_to_roles_without_aid_read(client, operator_a, kader_a, kades_a, cycle_a):
    client.force_login(kades_a)
    client.post(reverse("aid:cycle_transition", args=[cycle_a.public_id, "approve"]))
    client.force_login(operator_a)
    ent = Entitlement.objects.filter(cycle=cycle_a).first()
    client.post(
        reverse("aid:distribution_record", args=[ent.public_id]),
        {
            "distributed_on": timezone.localdate().isoformat(),
            "received_by": "recipient",
            "proof_kind": "signature",
            "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        },
    )
    d = Distribution.objects.get()
    client.force_login(kader_a)
    assert client.get(reverse("aid:distribution_proof", args=[d.public_id])).status_code == 403


def test_exports_are_audited_and_pdf_masks_nik(client, operator_a, kades_a, blt_a, two_recipients):
    client.force_login(kades_a)
    nik = two_recipients[0].family.head.nik
    pdf = client.get(reverse("aid:recipients_pdf", args=[blt_a.public_id]) + "?nik=lengkap")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    # the head may not take the full-NIK spreadsheet
    assert client.get(reverse("aid:recipients_xlsx", args=[blt_a.public_id])).status_code == 403
    client.force_login(operator_a)
    xlsx = client.get(reverse("aid:recipients_xlsx", args=[blt_a.public_id]))
    assert xlsx.status_code == 200
    events = AuditEvent.objects.filter(action="aid.recipient_list_viewed", object_id=blt_a.public_id)
    whats = [e.changes["what"] for e in events]
    assert "ekspor pdf" in whats  # the head asked for full NIK, but gets masked
    assert "ekspor xlsx NIK lengkap" in whats
    assert nik not in str(whats)


def test_import_through_the_ui(client, operator_a, village_a):
    pkh = make_programme(village_a, name="PKH", code="pkh", source="pusat", uses_targeting=False)
    families = [make_family(village_a, n) for n in ("A SATU", "B DUA")]
    client.force_login(operator_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = opensid_file([_row(f) for f in families] + [_row(families[0])])
    response = client.post(
        reverse("aid:import_start", args=[pkh.public_id]),
        {"format": "opensid", "file": SimpleUploadedFile("pkh.xlsx", data)},
    )
    batch = RecipientImport.objects.get()
    assert response.status_code == 302
    preview = client.get(reverse("aid:import_preview", args=[batch.public_id])).content.decode()
    assert "Baris ganda" in preview
    # all or nothing: refused, nothing written
    client.post(reverse("aid:import_apply", args=[batch.public_id]))
    assert not pkh.recipients.exists()
    # explicit choice: the matched rows
    client.post(reverse("aid:import_apply", args=[batch.public_id]), {"apply_matched": "1"})
    assert pkh.recipients.count() == 2


def test_coverage_pages(client, operator_a, blt_a, two_recipients):
    give_decile(two_recipients[0].family, 8)
    poor = make_family(blt_a.village, "MISKIN BELUM DAPAT")
    give_decile(poor, 2)
    client.force_login(operator_a)
    assert client.get(reverse("aid:coverage")).status_code == 200
    page = client.get(reverse("aid:targeting_errors") + "?jenis=eksklusi").content.decode()
    assert "MISKIN BELUM DAPAT" in page
    page = client.get(reverse("aid:targeting_errors") + "?jenis=inklusi").content.decode()
    assert "SLAMET RIYADI" in page
    assert AuditEvent.objects.filter(action="aid.recipient_list_viewed").count() == 2


def test_regional_shows_counts_without_names(
    client, camat_a, regency_viewer, blt_a, two_recipients, village_b
):
    give_decile(two_recipients[0].family, 3)
    for user in (camat_a, regency_viewer):
        client.force_login(user)
        response = client.get(reverse("aid:regional"))
        text = response.content.decode()
        assert response.status_code == 200
        assert "Brokoh" in text
        assert "SLAMET" not in text
    # the camat of Wonotunggal does not see Cepagan (another district)
    client.force_login(camat_a)
    assert "Cepagan" not in client.get(reverse("aid:regional")).content.decode()


def test_regional_refused_to_roles_without_aggregates(client, kader_a):
    client.force_login(kader_a)
    assert client.get(reverse("aid:regional")).status_code == 403


def test_programme_of_closed_status_cannot_get_cycle(client, operator_a, blt_a):
    Programme.objects.filter(pk=blt_a.pk).update(status="closed")
    client.force_login(operator_a)
    response = client.post(
        reverse("aid:cycles", args=[blt_a.public_id]),
        {"covers_start": "2026-01-01", "covers_end": "2026-03-31", "planned_on": "2026-04-05"},
    )
    assert response.status_code == 400
    assert "Program sudah selesai" in response.content.decode()
