"""Demo data of the letters module for one freshly generated village (see balai.devtools.demo.demo_extensions).

Per village: 10–20 incoming letters (surat masuk) received over the last five months from the
offices a village hears from (kecamatan, Dinas Kesehatan, Dispermades, Puskesmas, Polsek, BPD,
schools …). Most were passed on by disposition to the sekretaris, a kasi or the bendahara with
an instruction and a due date; the older ones are done, the recent ones open or not yet passed on.
Everything is invented.

Agenda numbers come from the same counter as `services.incoming.incoming_create` (so the next
letter the operator records continues the numbers) and every row gets the audit events the
services write, as "system". The services themselves need a signed-in clerk of the village, and the demo
accounts do not exist yet when this runs (bench villages have none), so rows go in with
bulk_create: this runs for every bench village too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from balai.audit.services import PendingEvent, audit_record_many
from balai.letters import numbering
from balai.letters.models import Disposition, IncomingLetter
from balai.letters.services.incoming import INCOMING_SEQUENCE
from balai.regions.models import Village
from balai.staff.models import Official

MONTHS_BACK = 5
DONE_AFTER_DAYS = 21  # letters older than this are mostly followed up


@dataclass(frozen=True)
class Sample:
    sender: str  # "{kec}", "{kab}", "{desa}" are filled in
    number: str  # "{n}" a serial, "{y}" the year
    subject: str
    summary: str
    to: str  # who the kepala desa passes it to: "sekdes", "kasi", "kaur", "" (no disposition)
    instruction: str
    follow_up: str


SAMPLES = [
    Sample(
        "Camat {kec}",
        "005/{n}/Kec.{kec}/{y}",
        "Undangan Rapat Koordinasi Kepala Desa",
        "Rapat koordinasi bulanan kepala desa se-Kecamatan {kec} di pendopo kecamatan.",
        "sekdes",
        "Siapkan bahan laporan bulanan desa dan dampingi Kepala Desa.",
        "Bahan laporan disiapkan; Kepala Desa hadir didampingi Sekdes.",
    ),
    Sample(
        "Camat {kec}",
        "140/{n}/Kec.{kec}/{y}",
        "Permintaan Data Perangkat Desa",
        "Pemutakhiran data perangkat desa dan BPD untuk profil kecamatan.",
        "sekdes",
        "Lengkapi data perangkat dan kirim ke kecamatan.",
        "Data perangkat dan BPD dikirim ke Seksi Pemerintahan kecamatan.",
    ),
    Sample(
        "Camat {kec}",
        "470/{n}/Kec.{kec}/{y}",
        "Pemutakhiran Data Kependudukan Semester II",
        "Rekap mutasi penduduk (lahir, mati, pindah, datang) per bulan.",
        "kasi",
        "Rekap mutasi penduduk dari register dan serahkan ke kecamatan.",
        "Rekap mutasi dikirim ke kecamatan.",
    ),
    Sample(
        "Dinas Kesehatan Kabupaten {kab}",
        "440/{n}/Dinkes/{y}",
        "Pelaksanaan Bulan Penimbangan Balita",
        "Penimbangan serentak balita di posyandu dan pelaporan e-PPGBM.",
        "kasi",
        "Koordinasikan dengan kader posyandu dan bidan desa.",
        "Jadwal penimbangan disampaikan ke kader; laporan e-PPGBM terkirim.",
    ),
    Sample(
        "Dinas Kesehatan Kabupaten {kab}",
        "440/{n}/Dinkes/{y}",
        "Sub PIN Polio Serentak",
        "Imunisasi polio tambahan bagi anak 0–7 tahun di posyandu dan sekolah.",
        "kasi",
        "Umumkan ke warga melalui RT dan masjid.",
        "Pengumuman disampaikan lewat RT, masjid dan grup warga.",
    ),
    Sample(
        "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten {kab}",
        "412/{n}/Dispermades/{y}",
        "Penyampaian Laporan Realisasi Dana Desa Tahap II",
        "Batas penyampaian laporan realisasi penggunaan Dana Desa tahap II.",
        "kaur",
        "Susun laporan realisasi dan konsultasikan dengan pendamping desa.",
        "Laporan realisasi tahap II diunggah dan dikirim ke Dispermades.",
    ),
    Sample(
        "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten {kab}",
        "414/{n}/Dispermades/{y}",
        "Pelatihan Operator Sistem Informasi Desa",
        "Undangan pelatihan operator desa, dua hari, membawa laptop.",
        "sekdes",
        "Tugaskan operator desa mengikuti pelatihan.",
        "Operator desa mengikuti pelatihan; sertifikat diarsipkan.",
    ),
    Sample(
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten {kab}",
        "470/{n}/Disdukcapil/{y}",
        "Jadwal Pelayanan Jemput Bola Perekaman KTP-el",
        "Perekaman KTP-el di balai desa bagi pemula dan warga lanjut usia.",
        "kasi",
        "Data warga yang belum rekam KTP-el dan undang mereka.",
        "Daftar warga belum rekam dikirim; 23 warga direkam di balai desa.",
    ),
    Sample(
        "Kepala Puskesmas {kec}",
        "445/{n}/PKM/{y}",
        "Undangan Lokakarya Mini Lintas Sektor",
        "Lokmin triwulanan: stunting, imunisasi dan kesehatan ibu hamil.",
        "kasi",
        "Hadiri dan bawa data balita stunting per dusun.",
        "Hadir; data stunting per dusun diserahkan ke Puskesmas.",
    ),
    Sample(
        "Kepala Puskesmas {kec}",
        "443/{n}/PKM/{y}",
        "Fogging Fokus Demam Berdarah",
        "Pengasapan di lingkungan kasus DBD; warga diminta PSN 3M plus.",
        "kasi",
        "Beri tahu ketua RT setempat dan gerakkan kerja bakti PSN.",
        "Ketua RT diberi tahu; kerja bakti PSN dilaksanakan Minggu pagi.",
    ),
    Sample(
        "Kepala Kepolisian Sektor {kec}",
        "B/{n}/Polsek/{y}",
        "Pengamanan Kegiatan Keagamaan dan Hajatan Warga",
        "Koordinasi keamanan dan ketertiban selama kegiatan warga.",
        "kasi",
        "Koordinasikan dengan Linmas dan ketua RW.",
        "Jadwal ronda dan Linmas disusun bersama Bhabinkamtibmas.",
    ),
    Sample(
        "Kepala Kepolisian Sektor {kec}",
        "B/{n}/Polsek/{y}",
        "Sosialisasi Pencegahan Penyalahgunaan Narkoba",
        "Penyuluhan bagi karang taruna dan remaja masjid di balai desa.",
        "sekdes",
        "Siapkan tempat dan undang karang taruna.",
        "Sosialisasi terlaksana di balai desa, 60 peserta.",
    ),
    Sample(
        "Ketua BPD {desa}",
        "005/{n}/BPD/{y}",
        "Undangan Musyawarah Desa Penyusunan RKP Desa",
        "Musdes penyusunan RKP Desa tahun berikutnya bersama pemerintah desa.",
        "sekdes",
        "Siapkan rancangan RKP Desa dan daftar usulan dusun.",
        "Rancangan RKP Desa dipaparkan pada musdes; berita acara ditandatangani.",
    ),
    Sample(
        "Ketua BPD {desa}",
        "005/{n}/BPD/{y}",
        "Penyampaian Aspirasi Warga tentang Jalan Usaha Tani",
        "Usulan perbaikan jalan usaha tani dari hasil serap aspirasi BPD.",
        "kaur",
        "Masukkan ke daftar usulan dan cek ketersediaan anggaran.",
        "Dimasukkan ke daftar usulan RKP Desa.",
    ),
    Sample(
        "Kepala SD Negeri {desa} 01",
        "421.2/{n}/SD/{y}",
        "Permohonan Data Anak Usia Sekolah",
        "Data anak usia 6–7 tahun untuk penerimaan murid baru.",
        "kasi",
        "Ambil data dari register penduduk, tanpa NIK lengkap.",
        "Rekap jumlah anak per dusun dikirim ke sekolah.",
    ),
    Sample(
        "Kepala SMP Negeri 1 {kec}",
        "421.3/{n}/SMP/{y}",
        "Undangan Peringatan Hari Guru Nasional",
        "Upacara dan syukuran Hari Guru di halaman sekolah.",
        "",
        "",
        "",
    ),
    Sample(
        "Kepala KUA Kecamatan {kec}",
        "B-{n}/Kua.11.25/PW.01/{y}",
        "Bimbingan Perkawinan bagi Calon Pengantin",
        "Jadwal bimwin calon pengantin; desa diminta meneruskan ke catin.",
        "kasi",
        "Sampaikan kepada warga yang mengurus pengantar nikah.",
        "Disampaikan kepada catin yang mengurus pengantar nikah.",
    ),
    Sample(
        "Badan Penanggulangan Bencana Daerah Kabupaten {kab}",
        "360/{n}/BPBD/{y}",
        "Kesiapsiagaan Menghadapi Musim Penghujan",
        "Imbauan waspada banjir dan tanah longsor; laporan cepat bila ada kejadian.",
        "kasi",
        "Teruskan ke kepala dusun; data titik rawan longsor.",
        "Imbauan diteruskan; tiga titik rawan dilaporkan ke BPBD.",
    ),
    Sample(
        "Badan Pendapatan Daerah Kabupaten {kab}",
        "973/{n}/Bapenda/{y}",
        "Penyampaian SPPT PBB-P2",
        "SPPT PBB-P2 tahun berjalan untuk dibagikan kepada wajib pajak.",
        "kaur",
        "Bagikan lewat kepala dusun dan catat setoran.",
        "SPPT dibagikan; setoran dicatat per dusun.",
    ),
    Sample(
        "Komandan Rayon Militer {kec}",
        "B/{n}/Koramil/{y}",
        "Karya Bakti TNI Pembersihan Saluran Irigasi",
        "Kerja bakti bersama warga membersihkan saluran irigasi.",
        "",
        "",
        "",
    ),
]


def _place(name: str) -> str:
    words = name.split()
    if words and words[0].upper() in {"KABUPATEN", "KOTA", "KECAMATAN", "DESA", "KELURAHAN"}:
        words = words[1:]
    return " ".join(w.capitalize() for w in words)


def _recipients(village: Village) -> dict[str, Official]:
    """Who gets what: sekretaris, the kasi and the bendahara; the kepala desa disposes."""
    officials = list(Official.objects.filter(village=village, is_active=True).order_by("order", "id"))
    if not officials:
        return {}
    by_role: dict[str, Official] = {}
    for official in officials:
        position = official.position.lower()
        if position.startswith("sekretaris"):
            by_role.setdefault("sekdes", official)
        elif position.startswith("kasi"):
            by_role.setdefault("kasi", official)
        elif position.startswith(("kaur", "bendahara")):
            by_role.setdefault("kaur", official)
    fallback = by_role.get("sekdes") or officials[-1]
    return {role: by_role.get(role, fallback) for role in ("sekdes", "kasi", "kaur")}


# Where this app's demo data comes among the apps' in `balai demo` (lowest first; see
# balai.devtools.demo.demo_extensions): the order is part of what the demo produces.
DEMO_ORDER = 20


def extend_village(*, village: Village, rnd: random.Random, today: dt.date) -> dict[str, int]:
    if IncomingLetter.objects.filter(village=village).exists():
        return {}  # already there: running the demo again adds nothing
    recipients = _recipients(village)
    names = {
        "kec": _place(village.district_name),
        "kab": _place(village.regency_name),
        "desa": _place(village.name),
    }
    count = rnd.randint(10, 20)
    samples = rnd.sample(SAMPLES, min(count, len(SAMPLES)))  # no office writes the same twice
    received = sorted(
        today - dt.timedelta(days=rnd.randint(0, MONTHS_BACK * 30)) for _ in range(len(samples))
    )
    now = timezone.now()

    letters: list[IncomingLetter] = []
    plans: list[tuple[Sample, str, int]] = []  # sample, disposition status, days to the due date
    for sample, received_on in zip(samples, received, strict=True):
        letter_date = received_on - dt.timedelta(days=rnd.choice([0, 1, 1, 2, 3, 5]))
        year = received_on.year
        age = (today - received_on).days
        if not sample.to or not recipients or (age < 4 and rnd.random() < 0.6):
            status = ""  # not passed on (yet)
        elif age > DONE_AFTER_DAYS:
            status = Disposition.Status.DONE if rnd.random() < 0.85 else Disposition.Status.IN_PROGRESS
        else:
            status = rnd.choice([Disposition.Status.OPEN, Disposition.Status.IN_PROGRESS])
        plans.append((sample, status, rnd.choice([3, 5, 7, 7, 14])))
        letters.append(
            IncomingLetter(
                village=village,
                year=year,
                agenda_number=0,  # below
                received_on=received_on,
                sender=sample.sender.format(**names),
                letter_number=sample.number.format(n=rnd.randint(12, 980), y=letter_date.year, **names),
                letter_date=letter_date,
                subject=sample.subject,
                summary=sample.summary.format(**names),
                note="" if sample.to else "Untuk diketahui; diarsipkan.",
                status=(
                    IncomingLetter.Status.NEW
                    if not status
                    else IncomingLetter.Status.DONE
                    if status == Disposition.Status.DONE
                    else IncomingLetter.Status.DISPOSED
                ),
            )
        )
    # Agenda numbers in order of receipt, each year's taken from its counter in one step.
    per_year = Counter(letter.year for letter in letters)
    next_number = {
        year: numbering.next_sequence(village=village, year=year, type_code=INCOMING_SEQUENCE, count=n) - n
        for year, n in per_year.items()
    }
    for letter in letters:
        next_number[letter.year] += 1
        letter.agenda_number = next_number[letter.year]
    IncomingLetter.objects.bulk_create(letters)

    dispositions: list[Disposition] = []
    events: list[PendingEvent] = []
    for letter, (sample, status, due_days) in zip(letters, plans, strict=True):
        events.append(
            PendingEvent(
                "incoming_letter.recorded",
                "incoming_letter",
                letter.public_id,
                {
                    "agenda_number": letter.agenda_number,
                    "sender": letter.sender,
                    "letter_number": letter.letter_number,
                    "scan": "",
                },
            )
        )
        if not status:
            continue
        official = recipients[sample.to]
        due_on = letter.received_on + dt.timedelta(days=due_days)
        done = status == Disposition.Status.DONE
        done_on = min(letter.received_on + dt.timedelta(days=rnd.randint(1, due_days)), today)
        disposition = Disposition(
            village=village,
            incoming=letter,
            to_official=official,
            instruction=sample.instruction,
            due_on=due_on,
            status=status,
            follow_up=sample.follow_up if done else ("Sedang dikerjakan." if status != "open" else ""),
            done_at=now - dt.timedelta(days=(today - done_on).days) if done else None,
        )
        dispositions.append(disposition)
        events.append(
            PendingEvent(
                "incoming_letter.disposed",
                "incoming_letter",
                letter.public_id,
                {
                    "disposition": disposition.public_id,
                    "to": official.public_id,
                    "instruction": disposition.instruction,
                    "due_on": due_on.isoformat(),
                },
            )
        )
        if status != Disposition.Status.OPEN:
            events.append(
                PendingEvent(
                    "incoming_letter.followed_up",
                    "incoming_letter",
                    letter.public_id,
                    {
                        "disposition": disposition.public_id,
                        "status": [Disposition.Status.OPEN.value, status],
                        "follow_up": disposition.follow_up,
                    },
                )
            )
    Disposition.objects.bulk_create(dispositions)
    audit_record_many(actor=None, village=village, events=events)
    return {"incoming_letters": len(letters), "dispositions": len(dispositions)}
