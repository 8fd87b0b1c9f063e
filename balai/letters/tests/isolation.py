"""Letters' entries for tests/test_isolation.py (see its "Modules' own checks" block).

The first letters routes are listed in tests/test_isolation.py itself; later ones are here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.isolation_checks import API, Listing, Obj, Public

UI_CHECKS: dict[str, Any] = {
    # The resident's status link: no sign-in, type/status/dates only, random code.
    "verify:tracking": Public("public letter status by tracking code", (("code", "tidakada23"),)),
    "letters:register_pdf": Listing(),
    "letters:incoming_list": Listing(),
    "letters:incoming_create": Listing(),
    "letters:incoming_xlsx": Listing(),
    "letters:incoming_pdf": Listing(),
    "letters:incoming_detail": Obj({"public_id": "incoming"}),
    "letters:incoming_scan": Obj({"public_id": "incoming"}),
    "letters:incoming_dispose": Obj({"public_id": "incoming"}),
    "letters:disposition_follow_up": Obj({"public_id": "disposition"}),
    # The ketua RT's phone page: only role ketua_rt (an operator is refused), only their RT's
    # residents (balai/letters/tests/test_rt_pengantar.py checks another RT's is 404).
    "letters_rt:home": Listing(refused=(403,)),
    "letters_rt:decide": Obj({"public_id": "rt_pengantar"}, refused=(403, 405)),
    # Naming the ketua RT: the village's RTs only; another village's RT (or resident posted
    # as the head) answers as a missing one.
    "letters:rt_heads": Listing(),
    "letters:rt_head_detail": Obj({"rt_public_id": "rt"}),
}

API_CHECKS: dict[tuple[str, str], Any] = {
    # The village's RTs and their ketua (names, accounts; no NIK).
    ("GET", f"{API}/letters/rt-heads"): Listing(),
}

MISSING = {
    "incoming": "tidakada23456789",
    "disposition": "tidakada23456789",
    "rt_pengantar": "tidakada23456789",
}


def populate(*, village: Any, operator: Any, family: Any, resident: Any, tag: str) -> dict[str, Any]:
    from balai.letters.services import incoming as incoming_services
    from balai.staff.models import Official

    today = timezone.localdate()
    incoming = incoming_services.incoming_create(
        actor=operator,
        village=village,
        data={
            "sender": f"PENGIRIM {tag}",
            "letter_number": f"NOMOR-{tag}",
            "letter_date": today.isoformat(),
            "received_on": today.isoformat(),
            "subject": f"PERIHAL {tag}",
        },
        scan=("pindaian.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    official = Official.objects.create(village=village, name=f"KASI {tag}", position="Kasi Pelayanan")
    # A disposition is the kepala desa's act; the office records it here directly.
    from balai.letters.models import Disposition

    disposition = Disposition.objects.create(
        village=village, incoming=incoming, to_official=official, instruction=f"INSTRUKSI {tag}"
    )
    from balai.letters.models import Letter, RtPengantar
    from balai.letters.services.workflow import letter_request_create
    from balai.people.tests.factories import RtFactory

    letter = letter_request_create(
        actor=operator, village=village, type_code="domisili", subject=resident, fields={"keperluan": tag}
    )
    pengantar = RtPengantar.objects.create(
        village=village, letter=Letter.objects.get(pk=letter.pk), rt=resident.rt or RtFactory(village=village)
    )
    return {
        "incoming": incoming.public_id,
        "disposition": disposition.public_id,
        "rt_pengantar": pengantar.public_id,
    }


def markers(village: Any) -> list[str]:
    from balai.letters.models import Disposition, IncomingLetter

    found: list[str] = []
    for row in IncomingLetter.objects.filter(village=village).values_list(
        "public_id", "sender", "letter_number", "subject"
    ):
        found += list(row)
    for row in Disposition.objects.filter(village=village).values_list("public_id", "instruction"):
        found += list(row)
    return found


def fingerprint(village: Any) -> dict[str, Any]:
    from balai.letters.models import Disposition, IncomingLetter, LetterSettings

    return {
        "incoming": list(
            IncomingLetter.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "status", "sender", "agenda_number", "scan_size")
        ),
        "dispositions": list(
            Disposition.objects.filter(village=village)
            .order_by("pk")
            .values_list("pk", "status", "follow_up", "to_official_id")
        ),
        "settings": list(LetterSettings.objects.filter(village=village).values_list()),
    }
