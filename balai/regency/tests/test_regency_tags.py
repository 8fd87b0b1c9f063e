from types import SimpleNamespace

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation

from balai.regency.templatetags.regency_tags import figure, figure_cells


class Row:
    def __init__(self, values):
        self.values = values

    def value(self, key):
        return self.values.get(key)


@pytest.mark.parametrize("value", [0, 7, 999, 1000, 1_000_844, -14_000_000, 2_147_483_648])
def test_an_integer_is_written_as_intcomma_writes_it_in_indonesian(value):
    with translation.override("id"):
        assert figure(Row({"k": value}), "k") == str(intcomma(value))


def test_the_cells_of_a_row_are_each_figure_escaped_in_order():
    figures = [SimpleNamespace(key=k) for k in ("a", "b", "c")]
    with translation.override("id"):
        html = figure_cells(Row({"a": 1234, "b": 20.85}), figures)
    assert html == '<td class="num">1.234</td><td class="num">20,9</td><td class="num">–</td>'
