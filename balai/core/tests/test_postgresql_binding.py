"""PostgreSQL binds parameters on the server (balai.core.db.postgresql)."""

import pytest
from django.db import connection

from balai.regions.models import Region

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
LIMIT = 65535  # bound parameters a statement may carry


def test_parameters_are_bound_on_the_server():
    assert connection.features.uses_server_side_binding


@pytest.mark.django_db
def test_in_bulk_past_the_bound_parameter_limit():
    # given: more keys than one statement may bind
    codes = [f"99.{i:06d}" for i in range(LIMIT + 5000)]
    Region.objects.create(code=codes[-1], name="UJI", level=4, parent_code="99")
    # when
    found = Region.objects.in_bulk(codes)
    # then
    assert list(found) == [codes[-1]]


@pytest.mark.parametrize("n_fields", [1, 2, 5])
def test_bulk_update_batches_bind_under_the_limit(n_fields):
    # bulk_update binds pk IN (…) once a row, and WHEN pk = … THEN … twice a row and field
    fields = ["pk", "pk"] + [f"f{i}" for i in range(n_fields)]
    batch = connection.ops.bulk_batch_size(fields, list(range(100_000)))
    assert batch * (2 * n_fields + 1) <= LIMIT
    assert batch >= 1000
