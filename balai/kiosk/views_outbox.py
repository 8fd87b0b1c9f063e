"""Requests left in the kiosk's outbox while the link was down, received when it returns.

The kiosk's script (static/kiosk/outbox.js) posts each kept item as JSON: the server's signed
grant (balai.devices.outbox) and the form's fields. The grant says what the item is and for
whom; the service de-duplicates by the form's one-time key, so an item sent twice (the answer
lost on the way back, a second kiosk tab) is one request. A changed or expired grant, or one
another device received, is refused (400/403) and the script drops the item.

No CSRF token: the item was made when this page could not reach the server, and its token may
have rotated since. The grant — signed by the server, bound to this device, whose credential
cookie is SameSite=Strict — is what proves the form came from here.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from balai.audit.services import audit_record
from balai.core.http import ServiceCall
from balai.devices.device import device_required
from balai.devices.http import DeviceRequest
from balai.devices.outbox import Grant, GrantRefused, grant_read
from balai.kiosk import services
from balai.kiosk.models import KioskLetterRequest
from balai.people import codes
from balai.people.models import Resident

MAX_BODY = 64 * 1024


def _refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _fields(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k)[:64]: str(v)[:4000] for k, v in list(raw.items())[:40] if isinstance(v, (str, int))}


def _resident(request: DeviceRequest, grant: Grant) -> Resident | None:
    if not grant.resident:
        return None
    return (
        Resident.objects.select_related("family")
        .filter(village=request.kiosk_device.village, public_id=grant.resident, status=codes.STATUS_ALIVE)
        .first()
    )


def _letter(request: DeviceRequest, grant: Grant, fields: dict[str, str], resident: Resident | None) -> str:
    assert resident is not None  # HANDLERS: needs a signed-in resident
    from balai.kiosk.views_services import _letters_api

    api = _letters_api()
    device = request.kiosk_device
    letter_type = next(
        (t for t in api.kiosk_letter_types(village=device.village) if t.code == grant.target), None
    )
    if letter_type is None:
        raise GrantRefused
    letter = api.letter_kiosk_request(
        village=device.village,
        type_code=letter_type.code,
        subject=resident,
        fields={f.name: fields.get(f.name, "").strip() for f in letter_type.fields},
        device_label=device.label,
        idempotency_key=grant.key[:64],
    )
    # The resident left before it arrived: an issued letter waits for the office to print it.
    KioskLetterRequest.objects.get_or_create(
        submit_token=grant.key[:64],
        defaults={
            "village": device.village,
            "resident": resident,
            "device": device,
            "letter_public_id": letter.public_id,
            "type_code": letter_type.code,
            "print_failed_at": timezone.now() if letter.state in ("issued", "handed_over") else None,
        },
    )
    return letter.public_id


def _complaint(
    request: DeviceRequest, grant: Grant, fields: dict[str, str], resident: Resident | None
) -> str:
    from balai.desk import services as desk

    device = request.kiosk_device
    complaint, _created = desk.complaint_submit(
        actor=None,
        village=device.village,
        data=fields,
        resident=resident,
        device_id=device.public_id,
        submit_key=grant.key,
    )
    return complaint.public_id


def _correction(
    request: DeviceRequest, grant: Grant, fields: dict[str, str], resident: Resident | None
) -> str:
    assert resident is not None  # HANDLERS: needs a signed-in resident
    from balai.kiosk import selectors

    device = request.kiosk_device
    if resident.family is None:
        raise GrantRefused
    subject = None
    if fields.get("subject"):
        try:
            subject = selectors.family_member_get(
                village=device.village, family=resident.family, public_id=fields["subject"]
            )
        except Resident.DoesNotExist:
            raise GrantRefused from None
    report = services.correction_report(
        resident=resident,
        device=device,
        family=resident.family,
        subject=subject,
        text=fields.get("text", ""),
        submit_token=grant.key[:32],
    )
    return report.public_id


# kind -> (handler, needs a signed-in resident)
HANDLERS = {
    "letter": (_letter, True),
    "complaint": (_complaint, False),
    "correction": (_correction, True),
}


@csrf_exempt
@require_POST
@device_required
def outbox_receive(request: DeviceRequest) -> HttpResponse:
    device = request.kiosk_device
    if len(request.body) > MAX_BODY:
        return _refuse(400, _("Permintaan terlalu besar."))
    try:
        payload = json.loads(request.body or b"{}")
        grant = grant_read(payload.get("grant", ""))
    except (ValueError, AttributeError, GrantRefused):
        return _refuse(400, _("Permintaan dari kotak keluar ditolak: isinya berubah atau sudah kedaluwarsa."))
    if grant.device != device.public_id:
        return _refuse(403, _("Permintaan ini dibuat di anjungan lain."))
    handler = HANDLERS.get(grant.kind)
    if handler is None:
        return _refuse(400, _("Jenis permintaan tidak dikenal."))
    resident = _resident(request, grant)
    if handler[1] and resident is None:
        return _refuse(404, _("Penduduk tidak ditemukan di desa ini."))
    fields = _fields(payload.get("fields"))
    try:
        with ServiceCall() as call:
            object_id = handler[0](request, grant, fields, resident)
    except GrantRefused:
        return _refuse(400, _("Permintaan dari kotak keluar ditolak."))
    if not call.ok:
        # The fields do not pass the service's checks: kept for the office to see in the
        # audit trail (code only), not retried forever.
        audit_record(
            actor=None, village=device.village, action="kiosk.outbox_refused", object_type="kiosk_device",
            object_id=device.public_id, changes={"code": grant.code, "kind": grant.kind, "error": call.text()[:200]},
        )  # fmt: skip
        return _refuse(422, call.text())
    audit_record(
        actor=None, village=device.village, action="kiosk.outbox_received", object_type=grant.kind,
        object_id=object_id, changes={"code": grant.code, "device": device.public_id},
    )  # fmt: skip
    return JsonResponse({"ok": True, "code": grant.code})
