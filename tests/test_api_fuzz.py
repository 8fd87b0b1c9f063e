"""OpenAPI-driven fuzzing of the API (issue 16 item 9): for every operation of
/api/v1/openapi.json, Schemathesis generates requests from the schema (valid and invalid
bodies, odd query values, random ids) and sends them as each role, and as nobody. The only
assertion is the one that matters for hostile input: never a server error.

Kept short (a few examples per operation and role) so it fits `make test`; raise
BALAI_FUZZ_EXAMPLES for a longer run.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from balai.accounts.models import Role, User
from balai.accounts.services import api_token_create
from balai.api.api import api

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("BALAI_FUZZ_EXAMPLES", "3"))
# The coverage phase sends every boundary case the schema defines (hundreds per operation):
# too long for every `make test`; the random (fuzzing) and the schema's examples phases run.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {
            "coverage": {"enabled": os.environ.get("BALAI_FUZZ_COVERAGE") == "1"},
            "stateful": {"enabled": False},
        }
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"), config=CONFIG)
schema.app = WSGIHandler()
# A village role, the district and regency roles, and nobody (every other village role goes
# through the same capability table as the operator).
ROLES = ["anonymous", Role.OPERATOR, Role.CAMAT, Role.DISPERMADES]


@pytest.fixture
def no_connection_close():
    # A WSGI request closes "old" database connections when it ends, which would end the
    # test's transaction; Django's own test client disconnects the same handlers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES, ids=str)
def auth_headers(request, resident_a, village_b) -> dict[str, str]:
    # Brokoh with a family and a resident, Cepagan beside it: the ids the fuzzer makes up
    # mostly miss, which is the point (404/422, never 500).
    role = request.param
    if role == "anonymous":
        return {}
    village = resident_a.village
    scope = {"district_code": village.district_code} if role == Role.CAMAT else {}
    if role not in (Role.CAMAT, Role.DISPERMADES):
        scope = {"village": village}
    user = User.objects.create_user(username=f"fuzz_{role}", password="rahasia-demo-123", role=role, **scope)
    _token, raw = api_token_create(user=user, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_for_any_generated_request(case, auth_headers, no_connection_close):
    response = case.call(headers=auth_headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} as {auth_headers and 'a role' or 'nobody'}: "
        f"{response.status_code}\n{case.as_curl_command()}\n{response.text[:1000]}"
    )
