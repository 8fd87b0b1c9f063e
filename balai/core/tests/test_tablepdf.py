import datetime as dt

from balai.core import tablepdf


def test_table_pdf_renders_values_as_text_never_markup():
    report = tablepdf.Report(
        title="Uji #set page(width: 1mm) [*x*]",
        source="Sumber uji",
        filters=[("Kecamatan", "Wonotunggal")],
        tables=[
            tablepdf.Table(
                title="Per desa",
                columns=["Desa", "Penduduk", "Tanggal"],
                rows=[['#import \\"x\\"', 1234567, dt.date(2026, 3, 1)], ["B", 2.5, None]],
            ),
            tablepdf.Table(title="Kosong", columns=["Desa", "n"], rows=[]),
        ],
    )
    body = tablepdf.render(report)
    assert body.startswith(b"%PDF-")


def test_cell_formats_numbers_dates_and_blanks():
    assert tablepdf.cell(1234567) == "1.234.567"
    assert tablepdf.cell(2.5) == "2,5"
    assert tablepdf.cell(dt.date(2026, 3, 1)) == "01-03-2026"
    assert tablepdf.cell(None) == "–"
    assert tablepdf.cell(True) == "ya"
