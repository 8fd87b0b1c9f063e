import pytest
from django.utils import timezone

from balai.core.dates import Month
from balai.regency import figures as F
from balai.regency.models import VillageSnapshot
from balai.regency.services import snapshot_take

pytestmark = pytest.mark.django_db


def test_a_domain_figure_is_frozen_with_the_others(village_a, monkeypatch):
    # given a domain offering a figure through its snapshot_figures module
    def count(*, village_ids, month):
        return dict.fromkeys(village_ids, 42)

    monkeypatch.setattr(F, "FIGURES", [*F.FIGURES])
    monkeypatch.setattr(F, "BY_KEY", dict(F.BY_KEY))
    monkeypatch.setattr(F, "COUNTED", [*F.COUNTED])
    monkeypatch.setattr(F, "PLUGIN_COUNTS", {})
    monkeypatch.setattr(F, "PLUGIN_MONTH_COUNTS", {})
    offered = {"SNAPSHOT_FIGURES": [("bumdes_units", "Unit BUMDes", "Ekonomi", count)]}
    monkeypatch.setattr("balai.core.plugins.collect", lambda module, attr: offered.get(attr, []))
    F.load_plugins()
    # when the month is frozen
    snapshot_take(actor=None, month=Month.of(timezone.localdate()))
    # then the figure is in the snapshot and in the table's columns
    assert VillageSnapshot.objects.get(village=village_a).figures["bumdes_units"] == 42
    assert F.BY_KEY["bumdes_units"].label == "Unit BUMDes"
