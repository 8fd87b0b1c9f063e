# ruff: noqa: F811  (fixtures imported from distribution_fixtures)
import subprocess

from django.utils import timezone

from balai.aid import exports, imports
from balai.aid import selectors as aid_selectors
from balai.aid.models import Entitlement, Programme, Recipient
from balai.aid.services import distribution as dist
from balai.aid.tests.distribution_fixtures import (  # noqa: F401
    blt_a,
    enrol,
    make_family,
    make_programme,
    signature_png,
    two_recipients,
)
from balai.core.masking import mask_number


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def test_recipient_xlsx_is_opensid_format_and_imports_back(operator_a, village_a):
    # given: PKH with two recipients, exported
    pkh = make_programme(village_a, name="PKH", code="pkh", source="pusat", uses_targeting=False)
    families = [make_family(village_a, n) for n in ("SLAMET", "WARSINAH")]
    for f in families:
        enrol(pkh, f, source=Recipient.Source.IMPORT, external_id=f"K-{f.pk}")
    data = exports.recipients_xlsx(pkh, exports.recipient_lines(pkh, Recipient.objects.filter(programme=pkh)))
    # when: read back by the OpenSID importer
    parsed = imports.parse_opensid(data)
    # then
    assert parsed.target_unit == Programme.TargetUnit.FAMILY
    assert [r.peserta for r in parsed.rows] == [f.kk_number for f in families]
    assert [r.nik for r in parsed.rows] == [f.head.nik for f in families]
    assert parsed.rows[0].external_id == f"K-{families[0].pk}"
    # and into another programme of the same village: every row matches
    other = make_programme(village_a, name="PKH lama", code="pkh2", source="pusat", uses_targeting=False)
    verdicts = imports.classify(programme=other, parsed=parsed)
    assert {v.match for v in verdicts} == {imports.M.MATCHED}


def test_recipient_pdf_masks_nik_unless_asked(operator_a, blt_a, two_recipients):
    lines = exports.recipient_lines(blt_a, Recipient.objects.filter(programme=blt_a))
    nik = two_recipients[0].family.head.nik
    masked = _pdf_text(exports.recipients_pdf(blt_a, lines, actor=operator_a, full_numbers=False))
    assert "SLAMET RIYADI" in masked
    assert nik not in masked
    assert mask_number(nik) in masked
    full = _pdf_text(exports.recipients_pdf(blt_a, lines, actor=operator_a, full_numbers=True))
    assert nik in full


def test_cycle_report_xlsx_and_pdf(operator_a, kades_a, blt_a, two_recipients):
    cycle = dist.cycle_create(
        actor=operator_a,
        programme=blt_a,
        covers_start=blt_a.period_start,
        covers_end=blt_a.period_start.replace(month=3, day=31),
        planned_on=blt_a.period_start.replace(month=4, day=5),
    )
    cycle = dist.cycle_transition(actor=kades_a, cycle=cycle, action="approve")
    ent = Entitlement.objects.get(cycle=cycle, recipient=two_recipients[0])
    dist.distribution_record(
        actor=operator_a,
        entitlement=ent,
        distributed_on=timezone.localdate(),
        received_by="proxy",
        receiver_name="SITI",
        proxy_relation="anak",
        proof=dist.proof_from_signature(signature_png()),
    )
    ents = aid_selectors.entitlements_of(village=blt_a.village, cycle=cycle)
    lines = exports.entitlement_lines(ents)
    summary = aid_selectors.cycle_summary(village=blt_a.village, cycle=cycle)
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(exports.cycle_xlsx(cycle, lines, summary)))
    cells = [str(c) for row in book.get_sheet_by_name("Penyaluran").to_python() for c in row]
    assert "SITI (wakil, anak)" in cells
    assert "Belum disalurkan" in cells
    text = _pdf_text(exports.cycle_pdf(cycle, lines, summary, actor=operator_a, full_numbers=False))
    assert "Rp900.000" in text
    assert "WARSINAH" in text


def test_recipient_pdf_title_once_and_one_kades_in_the_signatures(operator_a, kades_a, blt_a, two_recipients):
    from balai.staff.models import Official

    village = blt_a.village
    Official.objects.create(
        village=village, user=kades_a, name="H. SUPARMAN", position="Kepala Desa", signs_letters=True,
        signs_as=Official.SignsAs.OWN, order=1,
    )  # fmt: skip
    Official.objects.create(
        village=village, user=operator_a, name="RINI ASTUTI", position="Kasi Kesejahteraan", order=3
    )
    blt_a.name = "BLT Dana Desa 2026"
    lines = exports.recipient_lines(blt_a, Recipient.objects.filter(programme=blt_a))

    # Printed by the kasi: the kasi prepared it, the kades acknowledges it — each once.
    text = _pdf_text(exports.recipients_pdf(blt_a, lines, actor=operator_a, full_numbers=False))
    assert "Daftar Penerima BLT Dana Desa 2026" in text
    assert "2026 2026" not in text
    assert text.count("H. SUPARMAN") == 1
    assert "Mengetahui," in text
    assert f"Kepala Desa {village.name}" in text
    assert "Kasi Kesejahteraan" in text
    assert text.count("RINI ASTUTI") == 1
    # Printed by the kades himself: one signature block, his.
    text = _pdf_text(exports.recipients_pdf(blt_a, lines, actor=kades_a, full_numbers=False))
    assert text.count("H. SUPARMAN") == 1
    assert "Yang membuat" not in text
    assert "Petugas" not in text
    # A programme named without its period gets it once, in words.
    blt_a.name = "BLT Dana Desa"
    text = _pdf_text(exports.recipients_pdf(blt_a, lines, actor=operator_a, full_numbers=False))
    assert "Daftar Penerima BLT Dana Desa Periode 2026" in text
