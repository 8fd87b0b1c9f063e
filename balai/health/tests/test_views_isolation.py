"""A kader or bidan of village B gets 404 for every health object of village A, exactly like a
missing id, on GET and POST, and nothing of A changes (tests/test_isolation.py checks the
same URLs with operators, who are refused with 403)."""

import pytest
from django.urls import reverse

from balai.health.tests import isolation

OBJECT_URLS = {name: check for name, check in isolation.UI_CHECKS.items() if hasattr(check, "params")}
MATERNAL = {name for name in OBJECT_URLS if "pregnancy" in name}


@pytest.fixture
def a_objects(village_a, operator_a, family_a, resident_a):
    return isolation.populate(
        village=village_a, operator=operator_a, family=family_a, resident=resident_a, tag="ANGGREK"
    )


def _cases():
    for name in sorted(OBJECT_URLS):
        users = ["bidan_b"] if name in MATERNAL else ["kader_b", "bidan_b"]
        for user in users:
            yield pytest.param(name, user, id=f"{name}[{user}]")


@pytest.mark.parametrize(("name", "user"), list(_cases()))
def test_health_role_of_another_village_gets_404(client, request, a_objects, village_a, name, user):
    # given
    client.force_login(request.getfixturevalue(user))
    check = OBJECT_URLS[name]
    theirs = {param: a_objects[kind] for param, kind in check.params.items()}
    missing = {param: isolation.MISSING[kind] for param, kind in check.params.items()}
    before = isolation.fingerprint(village_a)
    form = isolation.form_refs(type("Other", (), {"id_of": staticmethod(a_objects.__getitem__)})())

    # when
    url, missing_url = reverse(name, kwargs=theirs), reverse(name, kwargs=missing)
    got, posted = client.get(url), client.post(url, form | {"target": "elderly", "present": "on"})
    missing_got, missing_posted = client.get(missing_url), client.post(missing_url, form)

    # then
    assert got.status_code in (404, 405)
    assert posted.status_code == 404
    assert (got.status_code, posted.status_code) == (missing_got.status_code, missing_posted.status_code)
    assert isolation.fingerprint(village_a) == before


def test_kader_of_b_cannot_measure_a_child_of_a_in_their_own_session(client, kader_b, village_b, a_objects):
    # given: B's own session, A's child
    from balai.health import services

    posyandu = services.posyandu_create(actor=kader_b, village=village_b, name="KENANGA")
    session = services.session_open(
        actor=kader_b, village=village_b, posyandu=posyandu, held_on=posyandu.created_at.date()
    )
    client.force_login(kader_b)

    # when
    got = client.post(
        reverse("health:session_row", args=[session.public_id, a_objects["health_child"]]),
        {f"c{a_objects['health_child']}-weight_kg": "9"},
    )

    # then
    assert got.status_code == 404


def test_pregnancy_of_b_cannot_take_a_mother_or_baby_of_a(client, bidan_b, village_b, a_objects):
    client.force_login(bidan_b)

    created = client.post(
        reverse("health:pregnancy_create"), {"mother": a_objects["health_mother"], "lmp_date": "2026-09-01"}
    )
    page = client.get(reverse("health:pregnancy_create"), {"ibu": a_objects["health_mother"]})

    assert created.status_code == 404
    assert page.status_code == 404
