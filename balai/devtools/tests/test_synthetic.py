"""Issue 22 item 4: the bench builds 1,200 villages, beyond Batang's 248, as clearly synthetic
districts and villages of the same regency that only the bench asks for."""

import pytest
from django.core.exceptions import ValidationError

from balai.devtools import demo, synthetic
from balai.devtools.bench import BenchConfig, _codes
from balai.people.models import Resident
from balai.regions.selectors import nik_region_prefixes, region_names
from balai.regions.services import village_create


def test_the_bench_asks_for_1200_villages_and_gets_synthetic_ones_after_the_real():
    real = demo.demo_village_codes(248)
    codes = demo.demo_village_codes(1200, synthetic=True)
    assert codes[:248] == real
    assert len(set(codes)) == 1200
    assert all(synthetic.is_synthetic(c) for c in codes[248:])
    assert not any(synthetic.is_synthetic(c) for c in real)
    assert codes == demo.demo_village_codes(1200, synthetic=True)  # deterministic
    assert synthetic.synthetic_name(codes[248]) == "Desa Sintetis 81-9001"
    # never in the product's region list, and the demo proper never gets them
    assert not set(codes[248:]) & set(region_names())
    with pytest.raises(ValueError, match="hanya memiliki"):
        demo.demo_village_codes(1200)
    # the import village stays a real one (its file carries a real NIK region)
    populated, import_code = _codes(BenchConfig(villages=1200))
    assert import_code == real[-1]
    assert len(populated) == 1199
    assert _codes(BenchConfig(villages=248)) == (real[:-1], real[-1])  # as before


@pytest.mark.django_db
def test_a_synthetic_village_is_built_with_valid_numbers_and_refused_by_the_product():
    code = demo.demo_village_codes(249, synthetic=True)[-1]
    result = demo.generate(villages=1, residents_per_village=60, seed=3, codes=[code], extensions=False)
    assert result.villages_created == [code]
    village = Resident.objects.filter(village__code=code).first().village
    assert (village.name, village.district_name) == ("Desa Sintetis 81-9001", "Kecamatan Sintetis 81")
    assert village.regency_code == code.rsplit(".", 2)[0]
    niks = [n for n in Resident.objects.filter(village=village).values_list("nik", flat=True) if n]
    assert niks
    assert all(n[:6] in nik_region_prefixes() for n in niks)
    with pytest.raises(ValidationError):
        village_create(code=demo.demo_village_codes(250, synthetic=True)[-1])


@pytest.mark.django_db
def test_the_import_phase_vacuums_the_registry_after_emptying_the_import_village_on_postgresql():
    from django.db import connection

    from balai.devtools.bench import _vacuum_after_clear

    seconds = _vacuum_after_clear()
    assert (seconds is None) == (connection.vendor != "postgresql")
