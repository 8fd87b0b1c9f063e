"""Test helpers for the database, shared by every app's tests."""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def rows_for_the_module(django_db_blocker):
    """Rows built once for a module's tests, as Django's TestCase.setUpTestData does: they are
    written in a transaction that stays open until the module ends and is then rolled back;
    each test (with the `db` fixture) runs in a savepoint inside it and rolls back to it, so
    every test still starts from the same rows. Use from a module-scoped fixture that also
    asks for `django_db_setup`:

        with rows_for_the_module(django_db_blocker):
            yield build()
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
