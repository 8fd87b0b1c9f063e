import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from balai.health import charts, pdf
from balai.health.selectors import ChildGrowth, MeasurementRow
from balai.health.who import _sd, table

SVG = "{http://www.w3.org/2000/svg}"


def _median(indicator: str, sex: int, day: int) -> float:
    name = "weianthro" if indicator == "wfa" else "lenanthro"
    return _sd(table(name)[sex][day], 0)


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text)


def _circles(root: ET.Element) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]


def _curve_y_at(root: ET.Element, stroke: str, x: float) -> float:
    """y of the first polyline with this stroke at x (linear between its vertices)."""
    for line in root.iter(f"{SVG}polyline"):
        if line.get("stroke") != stroke:
            continue
        pts = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y0
    raise AssertionError(f"no {stroke} curve at x={x}")


def test_chart_is_svg_with_five_sd_curves_and_one_point_per_measurement():
    # given: three weighings on the median
    points = [charts.ChartPoint(d, _median("wfa", 1, d), f"hari {d}") for d in (30, 120, 300)]

    # when
    root = _svg(charts.growth_chart_svg(indicator="wfa", sex=1, points=points))

    # then
    strokes = [p.get("stroke") for p in root.iter(f"{SVG}polyline")]
    for k in charts.SD_LINES:
        assert charts.LINE_STROKE[k] in strokes
    assert len(_circles(root)) == 3
    assert root.get("viewBox") == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
    assert [t.text for t in root.iter(f"{SVG}title")][1:] == ["hari 30", "hari 120", "hari 300"]


def test_a_point_on_the_median_sits_on_the_median_curve():
    # given
    day = 300
    point = charts.ChartPoint(day, _median("wfa", 2, day))

    # when
    root = _svg(charts.growth_chart_svg(indicator="wfa", sex=2, points=[point]))

    # then: same pixel height as the 0 SD line at that age (within a pixel)
    (cx, cy) = _circles(root)[0]
    assert abs(_curve_y_at(root, charts.LINE_STROKE[0], cx) - cy) < 1.0


def test_points_run_left_to_right_with_age_and_up_with_weight():
    points = [charts.ChartPoint(d, w) for d, w in ((60, 5.0), (200, 7.5), (500, 10.0))]

    circles = _circles(_svg(charts.growth_chart_svg(indicator="wfa", sex=1, points=points)))

    xs, ys = [c[0] for c in circles], [c[1] for c in circles]
    assert xs == sorted(xs)
    assert ys == sorted(ys, reverse=True)  # SVG y grows downwards


def test_girls_and_boys_get_their_own_curves():
    boy = charts.growth_chart_svg(indicator="lhfa", sex=1, points=[])
    girl = charts.growth_chart_svg(indicator="lhfa", sex=2, points=[])

    assert boy != girl
    assert "Laki-laki" in boy
    assert "Perempuan" in girl


def test_length_chart_breaks_at_24_months_into_length_and_height_segments():
    root = _svg(charts.growth_chart_svg(indicator="lhfa", sex=1, points=[], max_months=60))

    median_lines = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == charts.LINE_STROKE[0]]
    assert len(median_lines) == 2


def test_range_is_0_to_24_months_for_an_infant_and_0_to_60_later():
    young = [charts.ChartPoint(100, 6.0)]
    older = [charts.ChartPoint(100, 6.0), charts.ChartPoint(900, 12.0)]

    assert charts.chart_months(young) == 24
    assert charts.chart_months(older) == 60
    assert ">24</text>" in charts.growth_chart_svg(indicator="wfa", sex=1, points=young)
    assert ">60</text>" in charts.growth_chart_svg(indicator="wfa", sex=1, points=older)


def test_points_outside_the_standard_are_left_out_and_flagged_ones_drawn_hollow():
    points = [
        charts.ChartPoint(-5, 3.0),
        charts.ChartPoint(2000, 20.0),  # past five years
        charts.ChartPoint(400, 9.0, flagged=True),
    ]

    root = _svg(charts.growth_chart_svg(indicator="wfa", sex=1, points=points))

    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 1
    assert circles[0].get("fill") == "#ffffff"


def test_a_point_far_below_the_curves_widens_the_range_instead_of_leaving_the_frame():
    root = _svg(charts.growth_chart_svg(indicator="lhfa", sex=1, points=[charts.ChartPoint(700, 40.0)]))

    (_cx, cy) = _circles(root)[0]
    assert charts.TOP <= cy <= charts.TOP + charts.PLOT_H


@pytest.mark.parametrize(("indicator", "sex"), [("bmi", 1), ("wfa", 3)])
def test_unknown_indicator_or_sex_is_refused(indicator, sex):
    with pytest.raises(ValueError, match="no chart"):
        charts.growth_chart_svg(indicator=indicator, sex=sex, points=[])


def _growth(n: int) -> ChildGrowth:
    born = dt.date(2021, 1, 1)
    rows = []
    for i in range(n):
        day = 1 + round(i * 30.4375)
        rows.append(
            MeasurementRow(
                public_id=f"m{i}",
                measured_on=born + dt.timedelta(days=day),
                age_days=day,
                weight_kg=round(_median("wfa", 1, day), 1),
                lenhei_cm=round(_median("lhfa", 1, day), 1),
                lenhei_scored_cm=round(_median("lhfa", 1, day), 1),
                position="l" if day < 731 else "h",
                z_lhfa=0.0,
                z_wfa=0.0,
                z_wflh=0.0,
                cat_lhfa="normal",
                cat_wfa="bb_normal",
                cat_wflh="gizi_baik",
                flags="",
                weight_trend="N",
            )
        )
    return ChildGrowth("anak", "ANAK", 1, born, rows)


def test_growth_charts_of_a_child_with_60_measurements():
    svgs = charts.growth_charts(_growth(60))

    assert set(svgs) == {"wfa", "lhfa"}
    for svg in svgs.values():
        assert len(_circles(_svg(svg))) == 60
    assert "ANAK" not in svgs["wfa"]  # no personal data in the image


def test_svg_holds_no_markup_from_labels():
    svg = charts.growth_chart_svg(
        indicator="wfa", sex=1, points=[charts.ChartPoint(10, 3.5, "<script>x</script>")]
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_pdf_embeds_both_charts():
    svgs = charts.growth_charts(_growth(12))

    out = pdf.render(
        {
            "title": "Kartu Menuju Sehat (KMS)",
            "subtitle": "ANAK",
            "facts": [["Tanggal lahir", "01-01-2021"]],
            "wfa": svgs["wfa"],
            "lhfa": svgs["lhfa"],
            "table_title": "Riwayat",
            "columns": ["Tanggal", "BB"],
            "rows": [["01-02-2021", "4,5"]],
            "footnote": "#set text(red) ]) ",
        }
    )

    assert out.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", out)) == 2
