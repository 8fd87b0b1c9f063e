import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from balai.core.db.parallel import split_read


def _reader(seen):
    def read(part):
        from django.db import connections

        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        seen.append((threading.get_ident(), id(connections["default"]), list(part)))
        return list(part)

    return read


@pytest.mark.django_db(transaction=True)
def test_split_read_halves_the_items_over_two_connections_on_postgresql():
    # given
    seen = []

    # when
    parts = split_read(ContentType, [1, 2, 3, 4, 5], _reader(seen), min_items=2)

    # then: the same items in order, whatever the database
    assert [i for part in parts for i in part] == [1, 2, 3, 4, 5]
    if connection.vendor == "postgresql":
        assert parts == [[1, 2], [3, 4, 5]]
        assert len({thread for thread, _c, _p in seen}) == 2
        assert len({conn for _t, conn, _p in seen}) == 2
    else:
        assert parts == [[1, 2, 3, 4, 5]]
        assert [thread for thread, _c, _p in seen] == [threading.get_ident()]


@pytest.mark.django_db(transaction=True)
def test_split_read_stays_on_one_connection_inside_a_transaction_and_for_few_items():
    # given
    seen = []

    # when: inside a transaction (a second connection would not see its rows), and too few items
    with transaction.atomic():
        inside = split_read(ContentType, [1, 2, 3, 4], _reader(seen), min_items=2)
    few = split_read(ContentType, [1, 2, 3], _reader(seen), min_items=4)

    # then
    assert inside == [[1, 2, 3, 4]]
    assert few == [[1, 2, 3]]
    assert {thread for thread, _c, _p in seen} == {threading.get_ident()}
