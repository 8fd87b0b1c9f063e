"""Demo data of the front desk for a newly generated village: service categories and counters,
today's queue, complaints, guest book, IKM answers and a month of staff attendance.

Bulk inserts only (this runs for every village of the bench regency too).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from functools import lru_cache

from django.utils import timezone

from balai.core.ids import public_ids
from balai.desk.models import (
    IKM_FIELDS,
    Complaint,
    Counter,
    GuestEntry,
    QueueCall,
    SatisfactionResponse,
    ServiceCategory,
    Ticket,
    TicketSequence,
)
from balai.desk.services import DEFAULT_CATEGORIES, new_tracking_number
from balai.regions.models import Village
from balai.staff.models import Attendance, Official

COMPLAINTS = [
    ("pengaduan", "Lampu penerangan jalan mati", "Lampu jalan di dekat mushola sudah seminggu mati."),
    ("pengaduan", "Saluran air tersumbat", "Selokan di RT 03 meluap kalau hujan."),
    ("saran", "Jam pelayanan hari Sabtu", "Mohon kantor desa buka Sabtu pagi untuk warga yang bekerja."),
    ("pertanyaan", "Syarat surat pindah", "Apa saja yang perlu dibawa untuk surat pindah?"),
    ("saran", "Tempat duduk ruang tunggu", "Kursi ruang tunggu kurang, banyak lansia berdiri."),
]
GUESTS = [
    ("Ahmad Fauzi", "Dinas Pertanian", "Koordinasi kelompok tani", "Kepala Desa"),
    ("Sri Lestari", "Puskesmas", "Jadwal posyandu", "Sekretaris Desa"),
    ("Budi Hartono", "Kecamatan", "Monitoring dana desa", "Kaur Keuangan"),
    ("Dewi Anggraini", "Mahasiswa KKN", "Izin kegiatan", "Kepala Desa"),
    ("Eko Prasetyo", "Warga desa tetangga", "Silaturahmi", ""),
    ("Rina Wulandari", "BPJS Kesehatan", "Sosialisasi JKN", "Kasi Pelayanan"),
]


@lru_cache(maxsize=4)
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("ID", years=[year]).keys())


def _id_source() -> Iterator[str]:
    # One call to the OS per 256 ids: drawing each id's 16 characters one by one was a
    # fifth of this module's demo time.
    while True:
        yield from public_ids(256)


def _aware(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# Where this app's demo data comes among the apps' in `balai demo` (lowest first; see
# balai.devtools.demo.demo_extensions): the order is part of what the demo produces.
DEMO_ORDER = 60


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    ids = _id_source()
    ServiceCategory.objects.bulk_create(
        [
            ServiceCategory(village=village, code=code, name=name, order=n, public_id=next(ids))
            for n, (code, name) in enumerate(DEFAULT_CATEGORIES)
        ],
        ignore_conflicts=True,  # another demo hook may have set the village's categories already
    )
    categories = list(ServiceCategory.objects.filter(village=village).order_by("order"))
    Counter.objects.bulk_create(
        [Counter(village=village, name=f"Loket {n}", order=n, public_id=next(ids)) for n in (1, 2)]
    )
    counters = list(Counter.objects.filter(village=village).order_by("order"))

    # Today's queue: the morning's tickets, the first ones served, one at each counter.
    tickets: list[Ticket] = []
    last: dict[int, int] = {}
    for n in range(rnd.randint(8, 14)):
        category = categories[rnd.choice([0, 0, 0, 1, 1, 2])]
        last[category.pk] = last.get(category.pk, 0) + 1
        tickets.append(
            Ticket(
                village=village,
                category=category,
                day=today,
                number=last[category.pk],
                created_at=_aware(today, 8, 0) + dt.timedelta(minutes=6 * n),
                public_id=next(ids),
            )
        )
    served = len(tickets) // 2
    calls: list[QueueCall] = []
    for n, ticket in enumerate(tickets[:served]):
        counter = counters[n % len(counters)]
        ticket.counter = counter
        ticket.called_at = ticket.created_at + dt.timedelta(minutes=10)
        ticket.calls = 1
        ticket.state = Ticket.State.CALLED if n >= served - len(counters) else Ticket.State.DONE
    Ticket.objects.bulk_create(tickets)
    for ticket in Ticket.objects.filter(village=village, counter__isnull=False).select_related(
        "category", "counter"
    ):
        if ticket.counter is None or ticket.called_at is None:
            continue
        calls.append(
            QueueCall(
                village=village,
                ticket=ticket,
                counter=ticket.counter,
                label=ticket.label,
                counter_name=ticket.counter.name,
                called_at=ticket.called_at,
            )
        )
    QueueCall.objects.bulk_create(sorted(calls, key=lambda c: c.called_at))
    # New tickets taken in the demo continue after the planted ones.
    TicketSequence.objects.bulk_create(
        [TicketSequence(village=village, category_id=pk, day=today, last_number=n) for pk, n in last.items()]
    )

    complaints = []
    states = [
        Complaint.State.RECEIVED,
        Complaint.State.IN_PROGRESS,
        Complaint.State.ANSWERED,
        Complaint.State.CLOSED,
    ]
    for n, (kind, subject, body) in enumerate(COMPLAINTS):
        state = states[n % len(states)]
        created = _aware(
            today - dt.timedelta(days=rnd.randint(1, 25)), rnd.randint(8, 14), rnd.randint(0, 59)
        )
        complaints.append(
            Complaint(
                village=village,
                public_id=next(ids),
                tracking_number=new_tracking_number(),
                kind=kind,
                subject=subject,
                body=body,
                source=rnd.choice([Complaint.Source.KIOSK, Complaint.Source.OPERATOR]),
                state=state,
                response="Terima kasih, sudah kami tindak lanjuti." if state in states[2:] else "",
                responded_at=created + dt.timedelta(days=2) if state in states[2:] else None,
            )
        )
    Complaint.objects.bulk_create(complaints)

    guests = [
        GuestEntry(
            village=village,
            public_id=next(ids),
            name=name,
            origin=origin,
            purpose=purpose,
            visiting=visiting,
            visited_at=_aware(
                today - dt.timedelta(days=rnd.randint(0, 27)), rnd.randint(8, 14), rnd.randint(0, 59)
            ),
        )
        for name, origin, purpose, visiting in GUESTS
    ]
    GuestEntry.objects.bulk_create(guests)

    answers = []
    for _n in range(rnd.randint(20, 40)):
        base = rnd.choice([3, 3, 3, 4, 4, 2])
        answers.append(
            SatisfactionResponse(
                village=village,
                public_id=next(ids),
                service=rnd.choice(categories).name,
                created_at=_aware(today - dt.timedelta(days=rnd.randint(0, 27)), rnd.randint(8, 14), 0),
                **{f: max(1, min(4, base + rnd.choice([-1, 0, 0, 0, 1]))) for f in IKM_FIELDS},
            )
        )
    SatisfactionResponse.objects.bulk_create(answers)

    # A month of attendance (Monday–Friday, national holidays off) for every official.
    officials = list(Official.objects.filter(village=village, is_active=True).values_list("pk", flat=True))
    rows = []
    now = timezone.localtime()
    for back in range(30, -1, -1):
        day = today - dt.timedelta(days=back)
        if day.isoweekday() > 5 or day in _holidays(day.year):
            continue
        for official_id in officials:
            if rnd.random() < 0.08:
                continue  # absent
            check_in = _aware(day, 7, 15) + dt.timedelta(minutes=rnd.randint(0, 70))
            if day == today and check_in > now:
                continue
            check_out = _aware(day, 14, 40) + dt.timedelta(minutes=rnd.randint(0, 90))
            rows.append(
                Attendance(
                    village=village,
                    official_id=official_id,
                    public_id=next(ids),
                    day=day,
                    check_in_at=check_in,
                    check_in_method=Attendance.Method.CARD_PIN,
                    check_out_at=check_out if day < today or check_out <= now else None,
                    check_out_method=Attendance.Method.CARD_PIN if day < today or check_out <= now else "",
                )
            )
    Attendance.objects.bulk_create(rows)
    return {
        "desk_tickets": len(tickets),
        "desk_complaints": len(complaints),
        "desk_guests": len(guests),
        "desk_ikm": len(answers),
        "staff_attendance": len(rows),
    }
