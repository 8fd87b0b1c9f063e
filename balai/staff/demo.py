"""Demo data of staffing for one freshly generated village (see balai.devtools.demo.demo_extensions).

Per village: the standard posts (SOTK) plus a kepala dusun per dusun; the officials the generator
made get their post, a personnel record from the registry and an appointment decree; one more
kasi is appointed so some posts stay vacant; a BPD whose term (begun in 2019, lengthened to eight
years by UU 3/2024) ends within months, so the regency sees terms ending soon; an approved leave
this month (excused in the recap) and an open leave request for the kepala desa to decide.

Rows go in with bulk_create, no audit events per row: this runs for every bench village too.
"""

from __future__ import annotations

import datetime as dt
import random

from balai.people.models import Resident
from balai.regions.models import Dusun, Village
from balai.staff import rules
from balai.staff.models import BpdMember, Decree, Leave, Official, OfficialProfile, Position

DEMO_ORDER = 15

# The generator's position names → the standard post they hold.
POST_OF = {
    "Kepala Desa": "Kepala Desa",
    "Sekretaris Desa": "Sekretaris Desa",
    "Kasi Pemerintahan": "Kasi Pemerintahan",
    "Kaur Keuangan (Bendahara)": "Kaur Keuangan",
}
EDUCATION = ["SLTA/sederajat", "Diploma III", "S1", "S1", "SLTA/sederajat"]
TRAININGS = ["Bimtek Siskeudes 2024", "Pelatihan administrasi desa (Permendagri 47/2016)", "Bimtek SID 2025"]


def _title(name: str) -> str:
    return " ".join(w.capitalize() for w in name.split())


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    if village.is_kelurahan:
        return {}  # a kelurahan's staff are civil servants of the regency, not perangkat desa
    officials = list(Official.objects.filter(village=village).select_related("resident").order_by("order"))
    if not officials:
        return {}
    wanted = list(rules.STANDARD_SOTK)
    dusuns = list(Dusun.objects.filter(village=village).order_by("pk"))
    of_dusun = {f"Kepala Dusun {d.name}"[:120]: d for d in dusuns}
    wanted += [("kadus", f"Kepala Dusun {d.name}"[:120], 30 + n) for n, d in enumerate(dusuns)]
    posts = Position.objects.bulk_create(
        [
            Position(village=village, kind=kind, title=title, order=order, dusun=of_dusun.get(title))
            for kind, title, order in wanted
        ]
    )
    by_title = {p.title: p for p in posts}
    code = village.code_digits[-4:]

    # One more kasi from the registry, so the chart has a new face and vacancies remain.
    taken = {o.resident_id for o in officials}
    adults = list(
        Resident.objects.filter(
            village=village,
            status=1,
            birth_date__lte=today - dt.timedelta(days=25 * 365),
            birth_date__gt=today - dt.timedelta(days=45 * 365),
        )
        .exclude(pk__in=[pk for pk in taken if pk])
        .order_by("pk")
        .values_list("pk", "name", "sex", "birth_place", "birth_date")[:200]
    )
    extra: list[Official] = []
    if adults:
        pk, name, _sex, _place, _born = rnd.choice(adults)
        extra.append(
            Official(
                village=village,
                resident_id=pk,
                name=_title(name),
                position="Kasi Pelayanan",
                order=len(officials) + 1,
                nipd=f"{code}22{today.year - 1}",
            )
        )
        Official.objects.bulk_create(extra)
    # The kepala dusun the registry's generator named become officials holding their dusun's
    # post (by decree, below): the profile shows them from the post, not from a typed name.
    kadus: list[Official] = []
    for dusun in dusuns:
        head = (
            Resident.objects.filter(village=village, name=dusun.head_name, status=1)
            .exclude(pk__in=[o.resident_id for o in [*officials, *extra] if o.resident_id])
            .values_list("pk", flat=True)
            .first()
            if dusun.head_name
            else None
        )
        if head is not None:
            kadus.append(
                Official(
                    village=village,
                    resident_id=head,
                    name=_title(dusun.head_name),
                    position=f"Kepala Dusun {dusun.name}"[:120],
                    order=len(officials) + len(extra) + len(kadus) + 1,
                    nipd=f"{code}3{len(kadus)}{today.year - 3}",
                )
            )
    Official.objects.bulk_create(kadus)
    Dusun.objects.filter(village=village).update(head_name="")
    extra += kadus
    residents = {
        r.pk: r
        for r in Resident.objects.filter(
            pk__in=[o.resident_id for o in [*officials, *extra] if o.resident_id]
        )
    }

    profiles: list[OfficialProfile] = []
    decrees: list[Decree] = []
    for n, official in enumerate([*officials, *extra], start=1):
        title = POST_OF.get(official.position, official.position)
        post = by_title.get(title)
        resident = residents.get(official.resident_id) if official.resident_id else None
        profiles.append(
            OfficialProfile(
                village=village,
                official=official,
                post=post,
                sex=resident.sex if resident and resident.sex in (1, 2) else None,
                birth_place=(resident.birth_place if resident else "")[:100],
                birth_date=resident.birth_date if resident else None,
                religion="Islam",
                education=rnd.choice(EDUCATION),
                trainings="\n".join(rnd.sample(TRAININGS, 2)),
                siltap=3_000_000
                if post and post.kind == "kades"
                else 2_400_000
                if post and post.kind == "sekdes"
                else 2_200_000,
                funding_line="5.1.1.01" if post and post.kind == "kades" else "5.1.2.01",
            )
        )
        if post is None:
            continue
        start = official.term_start or dt.date(rnd.randint(2018, 2024), rnd.randint(1, 12), 1)
        signer = "Bupati Batang" if post.kind == "kades" else f"Kepala Desa {village.name}"
        decrees.append(
            Decree(
                village=village,
                official=official,
                kind=Decree.Kind.APPOINTMENT,
                number=f"141/{n:02d}/{code}/{start.year}",
                date=start - dt.timedelta(days=rnd.randint(3, 20)),
                effective_on=start,
                signer=signer,
                subject=f"Pengangkatan {title}",
                position=post,
                position_title=title,
            )
        )
        # The decree sets the term: perangkat until 60, the head eight years.
        born = resident.birth_date if resident else None
        end = rules.term_end_for(kind=post.kind, start=start, birth_date=born)
        # `order` stays: the demo accounts find the kades, sekdes and bendahara by it.
        Official.objects.filter(pk=official.pk).update(
            position=title, term_start=start, term_end=end or official.term_end
        )
    OfficialProfile.objects.bulk_create(profiles)
    Decree.objects.bulk_create(decrees)

    # The BPD: elected in 2019 for six years, lengthened to eight; their term ends within months.
    voters = list(
        Resident.objects.filter(
            village=village,
            status=1,
            birth_date__lte=today - dt.timedelta(days=30 * 365),
            birth_date__gt=today - dt.timedelta(days=65 * 365),
        )
        .exclude(pk__in=list(residents))
        .order_by("pk")
        .values_list("pk", "name", "sex")[:300]
    )
    bpd_start = rules.add_years(today + dt.timedelta(days=rnd.randint(40, 170)), -rules.BPD_TERM.years)
    roles = [
        BpdMember.Role.CHAIR,
        BpdMember.Role.VICE,
        BpdMember.Role.SECRETARY,
        BpdMember.Role.MEMBER,
        BpdMember.Role.MEMBER,
    ]
    members = [
        BpdMember(
            village=village,
            resident_id=pk,
            name=_title(name),
            role=role,
            area=dusuns[i % len(dusuns)].name if dusuns else "",
            sex=sex if sex in (1, 2) else None,
            term_start=bpd_start,
            term_end=rules.add_years(bpd_start, rules.BPD_TERM.years) - dt.timedelta(days=1),
            decree_number=f"141/{rnd.randint(100, 999)}/{bpd_start.year}",
            decree_date=bpd_start - dt.timedelta(days=7),
        )
        for i, ((pk, name, sex), role) in enumerate(
            zip(rnd.sample(voters, min(5, len(voters))), roles, strict=False)
        )
    ]
    BpdMember.objects.bulk_create(members)

    # Leave: an approved annual leave early this month (excused in the recap), an open request.
    leaves: list[Leave] = []
    first = today.replace(day=1)
    workdays = [
        first + dt.timedelta(days=d) for d in range(0, 10) if (first + dt.timedelta(days=d)).isoweekday() <= 5
    ]
    finance = next((o for o in officials if o.position.startswith("Kaur Keuangan")), None)
    if finance is not None and len(workdays) >= 2:
        leaves.append(
            Leave(
                village=village,
                official=finance,
                kind=Leave.Kind.ANNUAL,
                start=workdays[0],
                end=workdays[1],
                days=2,
                reason="Keperluan keluarga",
                status=Leave.Status.APPROVED,
            )
        )
    asker = next((o for o in officials if o.position == "Kasi Pemerintahan"), None)
    if asker is not None:
        ahead = today + dt.timedelta(days=7)
        while ahead.isoweekday() > 5:
            ahead += dt.timedelta(days=1)
        leaves.append(
            Leave(
                village=village,
                official=asker,
                kind=Leave.Kind.TRAVEL,
                start=ahead,
                end=ahead,
                days=1,
                reason="Rapat koordinasi pemerintahan desa",
                destination="Kantor Kecamatan",
                transport="Sepeda motor dinas",
            )
        )
    Leave.objects.bulk_create(leaves)
    reports = _absence_reports(village=village, officials=officials, rnd=rnd, today=today)
    return {
        "positions": len(posts),
        "decrees": len(decrees),
        "bpd_members": len(members),
        "leave": len(leaves),
        "absence_reports": reports,
    }


def _absence_reports(
    *, village: Village, officials: list[Official], rnd: random.Random, today: dt.date
) -> int:
    """Two residents' kiosk reports of an absent official on recent weekdays at mid-morning: one
    waiting for the kepala desa, one already found unfounded."""
    from django.utils import timezone

    from balai.staff.models import AbsenceReport

    targets = [
        o for o in officials if o.position.startswith(("Kasi", "Kaur Umum", "Kepala Dusun"))
    ] or officials[1:]
    reporters = list(
        Resident.objects.filter(
            village=village, status=1, birth_date__lte=today - dt.timedelta(days=18 * 365)
        )
        .exclude(pk__in=[o.resident_id for o in officials if o.resident_id])
        .order_by("pk")[:50]
    )
    if not targets or len(reporters) < 2:
        return 0
    days = [today - dt.timedelta(days=n) for n in range(1, 8)]
    days = [d for d in days if d.isoweekday() <= 5][:2]
    rows = []
    for n, day in enumerate(days):
        seen = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n, 15)))
        decided = n == 1
        rows.append(
            AbsenceReport(
                village=village,
                official=rnd.choice(targets),
                resident=rnd.choice(reporters),
                seen_at=seen,
                note=["Meja pelayanan kosong, ditunggu satu jam", "Kantor tutup saat jam pelayanan"][n],
                status=AbsenceReport.Status.UNFOUNDED if decided else AbsenceReport.Status.OPEN,
                decided_at=seen + dt.timedelta(days=1) if decided else None,
                decision_note="Sedang bertugas di posyandu dusun (surat tugas ada)" if decided else "",
                device_id="demo",
                submit_key=f"demo-{rnd.getrandbits(48):012x}",
            )
        )
    AbsenceReport.objects.bulk_create(rows)
    return len(rows)
