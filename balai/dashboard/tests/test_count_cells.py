"""`{% count_cells %}` writes what the template loop with intcomma wrote, byte for byte."""

import random

from django.template import Context, Template, loader
from django.utils import translation

from balai.dashboard.selectors import Counts

# The row's cells as they were written before the tag (dashboard/_count_cells.html).
LOOP = (
    '{% load humanize %}<td class="num">{{ counts.residents|intcomma }}</td><td class="num">'
    '{{ counts.families|intcomma }}</td><td class="num">{{ counts.male_total|intcomma }}</td>'
    '<td class="num">{{ counts.female_total|intcomma }}</td>{% for n in counts.groups %}'
    '<td class="num">{{ n|intcomma }}</td>{% endfor %}<td class="num">{{ counts.unknown_age|intcomma }}</td>\n'
)


def test_count_cells_match_the_intcomma_loop():
    rnd = random.Random(7)
    rows = [Counts()]
    for scale in (9, 999, 1_000, 45_678, 5_004_626):
        counts = Counts(families=rnd.randint(0, scale))
        for sex in (1, 2):
            for band in range(16):
                counts.add_band(sex, band, rnd.randint(0, scale))
            counts.add_band(sex, None, rnd.randint(0, scale))
        rows.append(counts)
    with translation.override("id"):
        for counts in rows:
            expected = Template(LOOP).render(Context({"counts": counts}))
            assert loader.get_template("dashboard/_count_cells.html").render({"counts": counts}) == expected


# A district's village rows as the overview wrote them before `{% village_rows %}`.
ROWS_LOOP = (
    "{% for v in villages %}\n"
    '    <tr><th scope="row"><a href="{% url \'dashboard:village\' v.code %}">{{ v.name }}</a> '
    '<span class="muted">{{ v.code }}</span></th>{% include "dashboard/_count_cells.html" with counts=v.counts %}</tr>\n'
    "    {% endfor %}"
)


def test_village_rows_match_the_template_loop():
    from balai.dashboard.selectors import VillageRow

    rnd = random.Random(3)
    villages = []
    for i, name in enumerate(["Brokoh", "Kali & Sari", 'Desa "<b>Baru</b>"', "O'Neil"]):
        counts = Counts(families=rnd.randint(0, 5000))
        for band in range(16):
            counts.add_band(1 + band % 2, band, rnd.randint(0, 900))
        villages.append(VillageRow(f"33.25.0{i}.200{i}", name, f"33.25.0{i}", "Wonotunggal", counts))
    with translation.override("id"):
        expected = Template(ROWS_LOOP).render(Context({"villages": villages}))
        got = Template("{% load dashboard_tags %}{% village_rows villages %}").render(
            Context({"villages": villages})
        )
    assert got == expected
    assert "Kali &amp; Sari" in got
