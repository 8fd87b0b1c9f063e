"""The map of village points on the compare page: server-drawn SVG, no tiles, coloured by the
chosen indicator; villages without a point listed beside it; a camat's map shows only their
district; coordinates are validated where the operator enters them."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from balai.core.dates import Month
from balai.regency import geo
from balai.regency.models import VillageSnapshot
from balai.regions import services
from balai.regions.models import Village

pytestmark = pytest.mark.django_db


def _snap(village, residents):
    VillageSnapshot.objects.create(
        village=village,
        month=Month.of(timezone.localdate()).first,
        taken_at=timezone.now(),
        figures={"residents": residents},
    )


@pytest.fixture
def mapped(village_a, village_b):
    Village.objects.filter(pk=village_a.pk).update(latitude=Decimal("-7.02"), longitude=Decimal("109.70"))
    _snap(village_a, 1200)
    _snap(village_b, 800)
    return village_a, village_b


def test_compare_page_draws_points_and_lists_villages_without(client, mapped, regency_viewer):
    client.force_login(regency_viewer)
    html = client.get(reverse("regency:compare") + "?indikator=residents").content.decode()
    assert '<svg id="village-map"' in html
    svg = html.split('<svg id="village-map"')[1].split("</svg>")[0]
    assert svg.count("<circle cx=") == 1  # Brokoh only: Cepagan has no point
    assert "Brokoh (Wonotunggal): 1.200" in html
    unplaced = html.split('id="unplaced"')[1].split("</ul>")[0]
    assert "Cepagan" in unplaced
    # offline: nothing fetched from elsewhere
    assert "tile" not in html.lower()
    assert "https://" not in svg


def test_camat_map_shows_only_their_district(client, mapped, camat_a):
    Village.objects.filter(pk=mapped[1].pk).update(latitude=Decimal("-6.94"), longitude=Decimal("109.69"))
    client.force_login(camat_a)
    html = client.get(reverse("regency:compare")).content.decode()
    assert "Brokoh" in html
    assert "Cepagan" not in html
    # and the ranking's downloads too, even asked for the other district
    for name in ("compare_xlsx", "compare_pdf"):
        body = client.get(reverse(f"regency:{name}") + "?kecamatan=33.25.12").content
        assert b"Cepagan" not in body


def test_compare_xlsx_ranks_with_median_and_as_of(client, mapped, regency_viewer):
    from balai.regency.tests.test_downloads import _sheets, _text

    client.force_login(regency_viewer)
    sheets = _sheets(client.get(reverse("regency:compare_xlsx") + "?indikator=residents").content)
    ranking = _text(sheets["Banding desa"])
    assert ranking.index("Brokoh") < ranking.index("Cepagan")
    assert "Median |  | 1000.0" in ranking
    assert "Indikator: Penduduk" in _text(sheets["Keterangan"])


def test_map_colours_by_quantile_and_keeps_no_value_grey():
    places = [geo.Place(str(i), f"D{i}", "K", -7.0 + i / 100, 109.8 + i / 100, i * 10) for i in range(10)]
    places.append(geo.Place("x", "Tanpa", "K", -6.95, 109.9, None))
    drawn = geo.village_map(places)
    fills = {d.place.name: d.fill for d in drawn.dots}
    assert fills["D0"] == geo.PALETTE[0]
    assert fills["D9"] == geo.PALETTE[-1]
    assert fills["Tanpa"] == geo.NO_VALUE
    assert all(0 <= d.x <= drawn.width and 0 <= d.y <= drawn.height for d in drawn.dots)
    # north is up: the northernmost point has the smallest y
    assert min(drawn.dots, key=lambda d: d.y).place.lat == max(p.lat for p in places)
    assert drawn.scale_km > 0
    assert drawn.scale_px > 0


def test_map_of_one_village_and_of_none():
    one = geo.village_map([geo.Place("a", "A", "K", -7.0, 109.8, 5)])
    assert len(one.dots) == 1
    assert one.dots[0].x == one.width / 2
    assert geo.village_map([]).dots == []


def test_demo_points_lie_in_batang():
    rnd = random.Random(1)
    for code in geo.DISTRICT_CENTRES:
        lat, lon = geo.demo_point(code, rnd)
        assert Decimal("-7.15") < lat < Decimal("-6.85")
        assert Decimal("109.6") < lon < Decimal("110.1")


def test_operator_sets_coordinates_with_comma_and_audit(village_a, operator_a):
    services.village_profile_update(
        actor=operator_a, village=village_a, data={"latitude": "-6,951234", "longitude": " 109,843 "}
    )
    village_a.refresh_from_db()
    assert village_a.latitude == Decimal("-6.951234")
    assert village_a.longitude == Decimal("109.843")
    # and clears them together
    services.village_profile_update(
        actor=operator_a, village=village_a, data={"latitude": "", "longitude": ""}
    )
    village_a.refresh_from_db()
    assert village_a.latitude is None


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"latitude": "95", "longitude": "109.8"}, "latitude", "di antara -90 dan 90"),
        ({"latitude": "-6.9", "longitude": "190"}, "longitude", "di antara -180 dan 180"),
        (
            {"latitude": "6.9", "longitude": "-109.8"},
            "longitude",
            "-109,8 di luar wilayah Indonesia (94,5 sampai 141,5)",
        ),
        ({"latitude": "109.8", "longitude": "-6.9"}, "latitude", "di antara -90 dan 90"),
        ({"latitude": "enam", "longitude": "109.8"}, "latitude", "angka derajat"),
        ({"latitude": "NaN", "longitude": "109.8"}, "latitude", "angka derajat"),
        ({"latitude": "-6.9", "longitude": ""}, "longitude", "bersama-sama"),
        ({"latitude": "-40", "longitude": "109.8"}, "latitude", "di luar wilayah Indonesia"),
    ],
)
def test_bad_coordinates_are_refused_naming_the_field(village_a, operator_a, data, field, words):
    with pytest.raises(ValidationError) as exc:
        services.village_profile_update(
            actor=operator_a, village=village_a, data={**data, "address": "Jl. Baru"}
        )
    assert field in exc.value.message_dict
    assert words in exc.value.message_dict[field][0]
    village_a.refresh_from_db()
    assert village_a.latitude is None
    assert village_a.address != "Jl. Baru"  # nothing written


def test_profile_form_keeps_the_input_on_a_bad_coordinate(client, village_a, operator_a):
    client.force_login(operator_a)
    page = client.post(
        reverse("regions:profile_edit"), {"address": "Jl. Raya 1", "latitude": "-96", "longitude": "109.8"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Lintang harus di antara -90 dan 90 derajat" in html
    assert 'value="Jl. Raya 1"' in html
    ok = client.post(reverse("regions:profile_edit"), {"latitude": "-7,02", "longitude": "109,70"})
    assert ok.status_code == 302
    shown = client.get(reverse("regions:profile")).content.decode().split('id="coordinates">')[1]
    assert shown.startswith("lintang -7,020000 · bujur 109,700000"), shown[:60]


def test_svg_numbers_are_not_localised(client, mapped, regency_viewer):
    # Indonesian formatting writes 12,5 for 12.5: an SVG coordinate with a comma is a list,
    # which put every dot in the corner and every name letter by letter.
    client.force_login(regency_viewer)
    html = client.get(reverse("regency:compare")).content.decode()
    svg = html.split('<svg id="village-map"')[1].split("</svg>")[0]
    import re

    for attr in re.findall(r'\b(?:cx|cy|x|y|x2|width|height)="([^"]*)"', svg):
        assert "," not in attr, attr


def test_legend_names_each_class():
    places = [geo.Place(str(i), f"D{i}", "K", -7.0, 109.8 + i / 100, v) for i, v in enumerate([8, 10, 12])]
    legend = [text for _colour, text in geo.village_map(places).legend]
    assert legend == ["8", "> 8 s.d. 10", "> 10 s.d. 12"]


def test_labels_stay_inside_the_drawing_and_numbers_are_indonesian():
    from balai.regency.templatetags.regency_tags import num

    places = [
        geo.Place("1", "Kiri", "A", -6.9, 109.70, 1312),
        geo.Place("2", "Kanan Sekali", "B", -6.9, 109.95, 1041.0),
    ]
    drawing = geo.village_map(places)
    right = max(drawing.dots, key=lambda d: d.x)
    left = min(drawing.dots, key=lambda d: d.x)
    # the right-most village is labelled to the left of its dot, ending inside the drawing
    assert right.label_anchor == "end"
    assert right.label_x < right.x <= drawing.width
    assert left.label_anchor == "start"
    for x, _y, _name, anchor in drawing.districts:
        assert 0 <= x <= drawing.width
        assert anchor in {"start", "middle", "end"}
    assert (num(1312), num(1041.0), num(1041.5), num(None)) == ("1.312", "1.041", "1.041,5", "–")
