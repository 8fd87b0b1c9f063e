import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The overview is cached per set of villages; ids repeat between tests.
    cache.clear()
    yield
    cache.clear()
