import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from balai.audit.models import AuditEvent
from balai.core.masking import mask_number, mask_tail
from balai.people import codes, views
from balai.people.models import DuplicateDecision, Family, LifeEvent, Resident
from balai.people.tests.factories import FamilyFactory, ResidentFactory, RtFactory

TODAY = dt.date.today()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _names(response):
    return [r["name"] for r in response.context["residents"]]


def _resident_post(**overrides):
    data = {
        "nik": "3325014107900001",
        "name": "SITI AMINAH",
        "sex": "2",
        "birth_place": "BATANG",
        "birth_date": "1990-07-01",
        "religion": "1",
        "citizenship": "1",
        "residence_status": "1",
    }
    return data | overrides


@pytest.fixture
def client_b(operator_b):
    return _client(operator_b)


# --- Resident list -----------------------------------------------------------------------


def test_list_searches_by_name_nik_and_kk(client_a, village_a, resident_a):
    # given
    other = ResidentFactory(village=village_a, name="BUDI HARTONO")
    url = reverse("people:resident_list")
    # when / then
    assert _names(client_a.get(url, {"q": "wahyu"})) == ["SITI WAHYUNI"]
    assert _names(client_a.get(url, {"q": other.nik})) == ["BUDI HARTONO"]
    assert _names(client_a.get(url, {"q": resident_a.family.kk_number})) == ["SITI WAHYUNI"]
    assert _names(client_a.get(url, {"q": resident_a.nik[:8]})) == ["SITI WAHYUNI"]


def test_list_masks_nik_and_kk(client_a, resident_a):
    response = client_a.get(reverse("people:resident_list"))
    html = response.content.decode()
    # the end of the number tells people apart; the region and birth date stay hidden
    assert mask_tail(resident_a.nik) in html
    assert resident_a.nik[:12] not in html
    assert resident_a.birth_date.strftime("%d-%m-%Y") in html
    assert resident_a.nik not in html
    assert resident_a.family.kk_number not in html


def test_list_links_to_the_detail_page(client_a, resident_a):
    html = client_a.get(reverse("people:resident_list")).content.decode()
    assert f'href="{reverse("people:resident_detail", args=[resident_a.public_id])}"' in html


def test_add_member_form_is_prefilled_from_the_family(client_a, family_a):
    response = client_a.get(reverse("people:resident_create"), {"keluarga": family_a.public_id})
    assert response.context["form"]["kk_number"].value() == family_a.kk_number
    assert response.context["form"]["rt"].value() == family_a.rt.public_id


def test_list_shows_only_own_village(client_a, resident_a, resident_b):
    assert _names(client_a.get(reverse("people:resident_list"))) == ["SITI WAHYUNI"]


def test_list_filters_sex_age_rt_and_status(client_a, village_a, resident_a):
    # given: resident_a is a woman born 1985 in RT 001
    rt_2 = RtFactory(village=village_a, rw="002", rt="003")
    family_2 = FamilyFactory(village=village_a, rt=rt_2)
    ResidentFactory(village=village_a, family=family_2, name="ADI", sex=1, birth_date=dt.date(2015, 1, 2))
    ResidentFactory(village=village_a, family=family_2, name="MARDI", status=codes.STATUS_DEAD)
    url = reverse("people:resident_list")
    # then
    assert _names(client_a.get(url, {"sex": 2})) == ["SITI WAHYUNI"]
    assert _names(client_a.get(url, {"age_max": 17})) == ["ADI"]
    assert _names(client_a.get(url, {"age_min": 18, "age_max": 60})) == ["SITI WAHYUNI"]
    assert _names(client_a.get(url, {"rt": rt_2.pk})) == ["ADI"]
    assert _names(client_a.get(url, {"dusun": rt_2.dusun_id})) == ["ADI", "SITI WAHYUNI"]
    assert _names(client_a.get(url, {"status": codes.STATUS_DEAD})) == ["MARDI"]
    assert _names(client_a.get(url, {"status": "semua"})) == ["ADI", "MARDI", "SITI WAHYUNI"]


def test_list_ignores_malformed_filters(client_a, resident_a):
    response = client_a.get(reverse("people:resident_list"), {"age_min": "tua", "sex": "9", "rt": "x"})
    assert response.status_code == 200
    assert _names(response) == ["SITI WAHYUNI"]


def test_list_keyset_next_and_prev(client_a, village_a, family_a, monkeypatch):
    # given: five residents, two per page
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ["ANI", "BUDI", "CITRA", "DEWI", "EKO"]:
        ResidentFactory(village=village_a, family=family_a, name=name)
    url = reverse("people:resident_list")
    # when: walking forward
    first = client_a.get(url)
    second = client_a.get(url, {"after": first.context["next_id"]})
    third = client_a.get(url, {"after": second.context["next_id"]})
    # then
    assert _names(first) == ["ANI", "BUDI"]
    assert first.context["prev_id"] is None
    assert _names(second) == ["CITRA", "DEWI"]
    assert _names(third) == ["EKO"]
    assert third.context["next_id"] is None
    # and back again
    back = client_a.get(url, {"before": third.context["prev_id"]})
    assert _names(back) == ["CITRA", "DEWI"]
    assert _names(client_a.get(url, {"before": back.context["prev_id"]})) == ["ANI", "BUDI"]
    # the pager re-sends the filters and a public id by POST: no page numbers, no names
    filtered = client_a.post(url, {"q": "i"})
    assert _names(filtered) == ["ANI", "BUDI"]
    html = filtered.content.decode()
    assert '<input type="hidden" name="q" value="i">' in html
    assert f'<input type="hidden" name="after" value="{filtered.context["next_id"]}">' in html
    following = client_a.post(url, {"q": "i", "after": filtered.context["next_id"]})
    assert _names(following) == ["CITRA", "DEWI"]


def test_list_htmx_request_returns_only_the_rows(client_a, resident_a):
    response = client_a.get(reverse("people:resident_list"), {"q": "siti"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "SITI WAHYUNI" in html
    assert "<html" not in html
    assert 'id="filters"' not in html
    assert "HX-Request" in response["Vary"]


def test_list_search_posts_so_a_nik_never_lands_in_a_url(client_a, resident_a):
    html = client_a.get(reverse("people:resident_list")).content.decode()
    assert 'hx-trigger="keyup changed delay:300ms' in html
    assert 'hx-post="/penduduk/"' in html
    assert "hx-push-url" not in html
    found = client_a.post(reverse("people:resident_list"), {"q": resident_a.nik}, HTTP_HX_REQUEST="true")
    assert "SITI WAHYUNI" in found.content.decode()


def test_list_query_count_does_not_grow_with_rows(client_a, village_a, django_assert_max_num_queries):
    # given: residents spread over many families and RTs (N+1 would show here)
    for i in range(40):
        rt = RtFactory(village=village_a, rw="001", rt=f"{i % 8 + 1:03d}")
        ResidentFactory(village=village_a, family=FamilyFactory(village=village_a, rt=rt))
    url = reverse("people:resident_list")
    client_a.get(url)  # warm the session
    # then: session, user, village, RT list, page (+1 to resolve the cursor), and the read log
    # of the residents shown (issue 16): lock the chain, the page's event, its read-index rows
    # (the same statement on PostgreSQL), the new head
    with django_assert_max_num_queries(5 + 4):
        first = client_a.get(url)
    with django_assert_max_num_queries(6 + 4):
        client_a.get(url, {"after": first.context["residents"][10]["public_id"], "q": "a", "sex": 1})


# --- Resident detail ---------------------------------------------------------------------


def test_detail_logs_a_view_each_time(client_a, operator_a, resident_a):
    url = reverse("people:resident_detail", args=[resident_a.public_id])
    client_a.get(url)
    response = client_a.get(url)
    assert response.status_code == 200
    views_logged = AuditEvent.objects.filter(action="resident.viewed", object_id=resident_a.public_id)
    assert views_logged.count() == 2
    assert views_logged.first().actor == operator_a
    # the full NIK is shown to staff here
    assert resident_a.nik in response.content.decode()


def test_detail_shows_history_with_who_and_what(client_a, operator_a, resident_a):
    # given
    client_a.post(
        reverse("people:resident_edit", args=[resident_a.public_id]),
        _resident_post(
            nik=resident_a.nik,
            name=resident_a.name,
            sex="2",
            birth_date="1985-03-14",
            birth_place="PEKALONGAN",
        ),
    )
    # when
    html = client_a.get(reverse("people:resident_detail", args=[resident_a.public_id])).content.decode()
    # then
    assert "Data diubah" in html
    assert "operator_a" in html
    assert "BATANG" in html
    assert "PEKALONGAN" in html


# --- Create and edit ---------------------------------------------------------------------


def test_create_resident_into_a_family(client_a, family_a):
    response = client_a.post(
        reverse("people:resident_create"), _resident_post(kk_number=family_a.kk_number, family_relation="3")
    )
    resident = Resident.objects.get(name="SITI AMINAH")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:resident_detail", args=[resident.public_id])
    assert resident.family == family_a
    assert resident.rt == family_a.rt
    assert resident.events.get().kind == LifeEvent.Kind.REGISTERED


def test_create_shows_errors_next_to_fields(client_a):
    response = client_a.post(
        reverse("people:resident_create"), _resident_post(nik="3325 0141 07", name="", sex="")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert not Resident.objects.exists()
    assert set(response.context["form"].errors) == {"nik", "name", "sex"}
    assert '<div class="field-error" id="id_nik_error"><p>NIK harus 16 angka (tertulis 10 angka).</p>' in html
    assert '<div class="field-error" id="id_name_error">' in html


def test_service_refusal_shows_next_to_its_field(client_a, resident_b):
    # given: the NIK belongs to a living resident of another village
    data = _resident_post(
        nik=resident_b.nik, sex=str(resident_b.sex), birth_date=resident_b.birth_date.isoformat()
    )
    # when
    response = client_a.post(reverse("people:resident_create"), data)
    # then
    assert response.status_code == 400
    assert (
        '<div class="field-error" id="id_nik_error"><p>NIK ini sudah terdaftar sebagai penduduk hidup.</p>'
        in response.content.decode()
    )


def test_create_with_letters_in_nik_is_a_field_error(client_a):
    response = client_a.post(reverse("people:resident_create"), _resident_post(nik="33250141O7900001"))
    assert response.status_code == 400
    assert "nik" in response.context["form"].errors


def test_create_with_unknown_kk_number(client_a):
    response = client_a.post(reverse("people:resident_create"), _resident_post(kk_number="3325010101200001"))
    assert response.status_code == 400
    assert "kk_number" in response.context["form"].errors


def test_nik_warning_needs_acceptance(client_a):
    # given: the NIK says born 01-07-1990, the form says 1991
    data = _resident_post(birth_date="1991-07-01")
    # when
    first = client_a.post(reverse("people:resident_create"), data)
    # then: shown as a warning with the acceptance box, nothing saved
    html = first.content.decode()
    assert first.status_code == 200
    assert "Tanggal lahir tidak sesuai NIK" in html
    assert "Saya sudah memeriksa dan menerima perbedaan ini" in html
    assert not Resident.objects.exists()
    # when: submitted again with the box ticked
    second = client_a.post(reverse("people:resident_create"), data | {"accept_warnings": "on"})
    # then
    assert second.status_code == 302
    resident = Resident.objects.get()
    assert resident.nik_mismatch_accepted
    assert resident.birth_date == dt.date(1991, 7, 1)


def test_edit_resident(client_a, operator_a, resident_a, village_a):
    # given
    rt_2 = RtFactory(village=village_a, rw="002", rt="004")
    url = reverse("people:resident_edit", args=[resident_a.public_id])
    form = client_a.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"birth_date": "1985-03-14", "occupation": "65", "rt": rt_2.public_id}
    # when
    response = client_a.post(url, data)
    # then
    assert response.status_code == 302
    resident_a.refresh_from_db()
    assert resident_a.occupation == 65
    assert resident_a.rt == rt_2
    event = AuditEvent.objects.get(action="resident.updated")
    assert event.actor == operator_a
    assert event.changes["occupation"] == [9, 65]


def test_edit_keeps_a_legacy_nik_editable(client_a, village_a, family_a):
    # given: imported long ago with a NIK of an unknown region
    legacy = ResidentFactory(village=village_a, family=family_a, nik="9901011403850001", sex=1)
    url = reverse("people:resident_edit", args=[legacy.public_id])
    data = _resident_post(nik=legacy.nik, name=legacy.name, sex="1", birth_date="1985-03-14")
    # when
    response = client_a.post(url, data | {"birth_place": "KENDAL"})
    # then
    assert response.status_code == 302
    legacy.refresh_from_db()
    assert legacy.birth_place == "KENDAL"
    # but a new NIK must be well-formed
    response = client_a.post(url, data | {"nik": "9901011403850002"})
    assert response.status_code == 400
    assert "nik" in response.context["form"].errors


def test_edit_refuses_another_villages_rt(client_a, resident_a, village_b):
    rt_b = RtFactory(village=village_b)
    url = reverse("people:resident_edit", args=[resident_a.public_id])
    response = client_a.post(
        url, _resident_post(nik=resident_a.nik, sex="2", birth_date="1985-03-14", rt=rt_b.public_id)
    )
    assert response.status_code == 400
    assert "rt" in response.context["form"].errors


# --- Life events -------------------------------------------------------------------------


def test_birth_from_family_page(client_a, family_a, resident_a):
    # given
    page = client_a.get(reverse("people:family_detail", args=[family_a.public_id]))
    assert reverse("people:family_birth", args=[family_a.public_id]) in page.content.decode()
    born = TODAY - dt.timedelta(days=3)
    # when
    response = client_a.post(
        reverse("people:family_birth", args=[family_a.public_id]),
        {
            "name": "BAYU",
            "sex": "1",
            "birth_date": born.isoformat(),
            "birth_place": "BATANG",
            "birth_kind": "1",
            "place_type": "2",
            "weight_g": "3100",
        },
    )
    # then
    child = Resident.objects.get(name="BAYU")
    assert response.status_code == 302
    assert child.family == family_a
    assert child.nik.startswith("0")
    assert child.mother_name == "SITI WAHYUNI"
    event = child.events.get()
    assert event.kind == LifeEvent.Kind.BIRTH
    assert event.details["weight_g"] == 3100


def test_birth_in_the_future_is_refused(client_a, family_a):
    response = client_a.post(
        reverse("people:family_birth", args=[family_a.public_id]),
        {
            "name": "BAYU",
            "sex": "1",
            "birth_date": (TODAY + dt.timedelta(days=2)).isoformat(),
            "birth_kind": "1",
        },
    )
    assert response.status_code == 400
    assert "birth_date" in response.context["form"].errors


def test_death(client_a, resident_a):
    response = client_a.post(
        reverse("people:resident_event", args=[resident_a.public_id, "mati"]),
        {"event_date": TODAY.isoformat(), "cause": "1", "place": "RUMAH"},
    )
    assert response.status_code == 302
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_DEAD
    assert resident_a.events.get(kind=LifeEvent.Kind.DEATH).details["cause"] == 1


def test_death_twice_is_a_form_error(client_a, resident_a):
    url = reverse("people:resident_event", args=[resident_a.public_id, "mati"])
    client_a.post(url, {"event_date": TODAY.isoformat()})
    response = client_a.post(url, {"event_date": TODAY.isoformat()})
    assert response.status_code == 400
    assert "tidak berstatus hidup" in response.content.decode()


def test_missing_and_unknown_event_kind(client_a, resident_a):
    response = client_a.post(
        reverse("people:resident_event", args=[resident_a.public_id, "hilang"]),
        {"event_date": TODAY.isoformat()},
    )
    assert response.status_code == 302
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_MISSING
    assert (
        client_a.get(reverse("people:resident_event", args=[resident_a.public_id, "terbang"])).status_code
        == 404
    )


def test_move_out_elsewhere(client_a, resident_a):
    response = client_a.post(
        reverse("people:resident_event", args=[resident_a.public_id, "pindah"]),
        {"target": "luar", "destination": "Kota Semarang", "move_type": "3", "event_date": TODAY.isoformat()},
    )
    assert response.status_code == 302
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_MOVED
    assert resident_a.events.get().details["destination"] == "Kota Semarang"


def test_move_out_elsewhere_needs_a_destination(client_a, resident_a):
    response = client_a.post(
        reverse("people:resident_event", args=[resident_a.public_id, "pindah"]),
        {"target": "luar", "event_date": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "destination" in response.context["form"].errors


def test_transfer_to_another_village(client_a, client_b, resident_a, village_b):
    # given: the destination list offers the other villages only
    url = reverse("people:resident_event", args=[resident_a.public_id, "pindah"])
    choices = client_a.get(url).context["form"].fields["destination_village"].queryset
    assert list(choices) == [village_b]
    # when
    response = client_a.post(
        url, {"target": "desa", "destination_village": village_b.code, "event_date": TODAY.isoformat()}
    )
    # then: same record, now in Cepagan; the operator sees the event's consequences
    assert response.status_code == 302
    assert response["Location"].startswith("/penduduk/peristiwa/")
    assert client_a.get(response["Location"]).status_code == 200
    detail = reverse("people:resident_detail", args=[resident_a.public_id])
    assert client_b.get(detail).status_code == 200
    assert client_a.get(detail).status_code == 404
    resident_a.refresh_from_db()
    assert resident_a.village == village_b
    assert resident_a.status == codes.STATUS_ALIVE
    assert "SITI WAHYUNI" in client_b.get(reverse("people:resident_list")).content.decode()


def test_transfer_with_companions_moves_them_too(client_a, resident_a, family_a, village_b):
    child = ResidentFactory(village=family_a.village, family=family_a, name="ANAK", family_relation=4)
    client_a.post(
        reverse("people:resident_event", args=[resident_a.public_id, "pindah"]),
        {
            "target": "desa",
            "destination_village": village_b.code,
            "event_date": TODAY.isoformat(),
            "members": [child.public_id],
        },
    )
    child.refresh_from_db()
    family_a.refresh_from_db()
    assert child.village == village_b
    assert family_a.village == village_b


def test_move_in(client_a, family_a):
    data = _resident_post(
        origin="Kab. Pekalongan", event_date=TODAY.isoformat(), kk_number=family_a.kk_number
    )
    response = client_a.post(reverse("people:move_in"), data)
    assert response.status_code == 302
    resident = Resident.objects.get(name="SITI AMINAH")
    event = resident.events.get()
    assert event.kind == LifeEvent.Kind.MOVE_IN
    assert event.details["origin"] == "Kab. Pekalongan"
    assert resident.family == family_a


def test_move_in_needs_an_origin(client_a):
    response = client_a.post(reverse("people:move_in"), _resident_post(event_date=TODAY.isoformat()))
    assert response.status_code == 400
    assert "origin" in response.context["form"].errors


def test_family_split(client_a, family_a, resident_a):
    # given
    son = ResidentFactory(village=family_a.village, family=family_a, name="RUDI", family_relation=4)
    url = reverse("people:family_split", args=[family_a.public_id])
    # when
    response = client_a.post(
        url,
        {
            "members": [son.public_id],
            "head": son.public_id,
            "kk_number": "3325010505260001",
            "rt": family_a.rt.public_id,
            "event_date": TODAY.isoformat(),
        },
    )
    # then
    new = Family.objects.get(kk_number="3325010505260001")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:family_detail", args=[new.public_id])
    son.refresh_from_db()
    assert son.family == new
    assert new.head == son
    assert son.family_relation == 1
    assert son.events.get().kind == LifeEvent.Kind.FAMILY_SPLIT


def test_family_split_head_must_be_selected(client_a, family_a, resident_a):
    son = ResidentFactory(village=family_a.village, family=family_a, name="RUDI", family_relation=4)
    response = client_a.post(
        reverse("people:family_split", args=[family_a.public_id]),
        {
            "members": [son.public_id],
            "head": resident_a.public_id,
            "event_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "head" in response.context["form"].errors


def test_family_create_list_and_place(client_a, village_a, rt_a, resident_a):
    # given: a new KK
    response = client_a.post(
        reverse("people:family_create"), {"kk_number": "3325010101250007", "rt": rt_a.public_id}
    )
    family = Family.objects.get(kk_number="3325010101250007")
    assert response.status_code == 302
    # when: a resident is placed into it
    response = client_a.post(
        reverse("people:resident_place", args=[resident_a.public_id]),
        {"kk_number": family.kk_number, "relation": "1"},
    )
    # then
    assert response.status_code == 302
    resident_a.refresh_from_db()
    assert resident_a.family == family
    found = client_a.get(reverse("people:family_list"), {"q": "3325010101250007"}).context["page"].items
    assert found == [family]
    assert found[0].member_count == 1


def test_family_list_searches_head_name(client_a, family_a, resident_a):
    family_a.head = resident_a
    family_a.save()
    page = client_a.get(reverse("people:family_list"), {"q": "wahyuni"}).context["page"]
    assert page.items == [family_a]
    assert page.items[0].member_count == 1
    assert family_a.kk_number not in client_a.get(reverse("people:family_list")).content.decode()


def test_family_create_with_bad_kk_number(client_a):
    response = client_a.post(reverse("people:family_create"), {"kk_number": "123"})
    assert response.status_code == 400
    assert "kk_number" in response.context["form"].errors


def test_event_list_filters_by_kind(client_a, resident_a, family_a):
    client_a.post(
        reverse("people:resident_event", args=[resident_a.public_id, "mati"]),
        {"event_date": TODAY.isoformat()},
    )
    client_a.post(
        reverse("people:family_birth", args=[family_a.public_id]),
        {"name": "BAYU", "sex": "1", "birth_date": TODAY.isoformat(), "birth_kind": "1"},
    )
    url = reverse("people:event_list")
    assert len(client_a.get(url).context["page"].items) == 2
    deaths = client_a.get(url, {"kind": LifeEvent.Kind.DEATH}).context["page"].items
    assert [e.resident for e in deaths] == [resident_a]


# --- Duplicates --------------------------------------------------------------------------


@pytest.fixture
def twins(village_a, family_a):
    a = ResidentFactory(
        village=village_a,
        family=family_a,
        name="MUHAMMAD RIZKI",
        mother_name="SITI",
        birth_date=dt.date(2001, 4, 4),
        birth_place="",
    )
    b = ResidentFactory(
        village=village_a,
        family=family_a,
        name="MUHAMAD RIZKY",
        mother_name="SITI",
        birth_date=dt.date(2001, 4, 4),
        birth_place="BATANG",
    )
    return a, b


def test_duplicates_listed_side_by_side_with_masked_niks(client_a, twins):
    a, b = twins
    html = client_a.get(reverse("people:duplicate_list")).content.decode()
    assert "MUHAMMAD RIZKI" in html
    assert "MUHAMAD RIZKY" in html
    assert mask_number(a.nik) in html
    assert a.nik not in html
    assert b.nik not in html


def test_duplicate_merge(client_a, twins):
    a, b = twins
    response = client_a.post(
        reverse("people:duplicate_decide"),
        {
            "first": a.public_id,
            "second": b.public_id,
            "action": "gabung",
            "keep": "first",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.status == codes.STATUS_INVALID
    assert a.birth_place == "BATANG"
    assert client_a.get(reverse("people:duplicate_list")).context["pairs"] == []


def test_duplicate_merge_needs_a_choice(client_a, twins):
    a, b = twins
    response = client_a.post(
        reverse("people:duplicate_decide"),
        {
            "first": a.public_id,
            "second": b.public_id,
            "action": "gabung",
        },
    )
    assert response.status_code == 400
    assert "Pilih data yang dipertahankan" in response.content.decode()
    assert Resident.objects.filter(status=codes.STATUS_INVALID).count() == 0


def test_duplicate_dismiss(client_a, twins):
    a, b = twins
    response = client_a.post(
        reverse("people:duplicate_decide"),
        {
            "first": a.public_id,
            "second": b.public_id,
            "action": "bukan",
        },
    )
    assert response.status_code == 302
    assert DuplicateDecision.objects.get().decision == DuplicateDecision.Decision.DISMISSED
    assert client_a.get(reverse("people:duplicate_list")).context["pairs"] == []


def test_duplicate_decide_is_post_only(client_a):
    assert client_a.get(reverse("people:duplicate_decide")).status_code == 405


# --- Access ------------------------------------------------------------------------------


def test_other_village_gets_404_everywhere(client_b, resident_a, family_a, resident_b):
    # given
    r, f = resident_a.public_id, family_a.public_id
    gets = [
        reverse("people:resident_detail", args=[r]),
        reverse("people:resident_edit", args=[r]),
        reverse("people:resident_event", args=[r, "mati"]),
        reverse("people:resident_place", args=[r]),
        reverse("people:family_detail", args=[f]),
        reverse("people:family_birth", args=[f]),
        reverse("people:family_split", args=[f]),
        reverse("people:resident_create") + f"?keluarga={f}",
    ]
    # then
    for url in gets:
        assert client_b.get(url).status_code == 404, url
    posts = {
        reverse("people:resident_edit", args=[r]): _resident_post(),
        reverse("people:resident_event", args=[r, "mati"]): {"event_date": TODAY.isoformat()},
        reverse("people:resident_event", args=[r, "pindah"]): {
            "target": "luar",
            "destination": "X",
            "event_date": TODAY.isoformat(),
        },
        reverse("people:family_birth", args=[f]): {
            "name": "X",
            "sex": "1",
            "birth_date": TODAY.isoformat(),
            "birth_kind": "1",
        },
        reverse("people:duplicate_decide"): {"first": r, "second": resident_b.public_id, "action": "bukan"},
    }
    for url, data in posts.items():
        assert client_b.post(url, data).status_code == 404, url
    resident_a.refresh_from_db()
    assert resident_a.status == codes.STATUS_ALIVE
    assert resident_a.name == "SITI WAHYUNI"
    assert not DuplicateDecision.objects.exists()


def test_other_village_kk_is_unknown_in_forms(client_b, family_a):
    response = client_b.post(reverse("people:resident_create"), _resident_post(kk_number=family_a.kk_number))
    assert response.status_code == 400
    assert "kk_number" in response.context["form"].errors


def test_kader_gets_403(kader_a, resident_a):
    client = _client(kader_a)
    assert client.get(reverse("people:resident_list")).status_code == 403
    assert client.get(reverse("people:resident_detail", args=[resident_a.public_id])).status_code == 403
    assert client.post(reverse("people:duplicate_decide"), {}).status_code == 403


def test_kades_reads_but_does_not_write(kades_a, resident_a):
    client = _client(kades_a)
    assert client.get(reverse("people:resident_detail", args=[resident_a.public_id])).status_code == 200
    assert client.get(reverse("people:resident_create")).status_code == 403
    url = reverse("people:resident_event", args=[resident_a.public_id, "mati"])
    assert client.post(url, {"event_date": TODAY.isoformat()}).status_code == 403


def test_anonymous_is_sent_to_login(client, resident_a):
    for url in [
        reverse("people:resident_list"),
        reverse("people:resident_detail", args=[resident_a.public_id]),
        reverse("people:duplicate_decide"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_new_family_headed_by_a_resident_without_one(client_a, village_a, rt_a):
    # given: arrived alone, not yet in a KK
    loner = ResidentFactory(village=village_a, family=None, rt=rt_a, name="JOKO")
    detail = client_a.get(reverse("people:resident_detail", args=[loner.public_id])).content.decode()
    assert f"?kepala={loner.public_id}" in detail
    # when
    response = client_a.post(
        reverse("people:family_create") + f"?kepala={loner.public_id}",
        {"kk_number": "3325010101250009", "rt": rt_a.public_id, "issued_on": TODAY.isoformat()},
    )
    # then
    loner.refresh_from_db()
    assert response.status_code == 302
    assert loner.family.kk_number == "3325010101250009"
    assert loner.family.head == loner
    assert loner.events.get().kind == LifeEvent.Kind.NEW_FAMILY


def test_new_family_head_of_another_village_is_404(client_b, resident_a):
    url = reverse("people:family_create") + f"?kepala={resident_a.public_id}"
    assert client_b.post(url, {"kk_number": ""}).status_code == 404


def test_family_head_and_household_from_the_family_page(client_a, family_a):
    from balai.people.tests.factories import ResidentFactory

    # given a family whose head is not yet set
    father = ResidentFactory(village=family_a.village, family=family_a, family_relation=2)
    child = ResidentFactory(
        village=family_a.village, family=family_a, family_relation=4, birth_date=dt.date(2010, 1, 1)
    )
    # when the operator makes the father head, then registers the household
    client_a.post(reverse("people:family_head", args=[family_a.public_id]), {"head": father.public_id})
    family_a.refresh_from_db()
    assert family_a.head == father
    client_a.post(reverse("people:family_household", args=[family_a.public_id]))
    # then both members belong to one household headed by the father
    child.refresh_from_db()
    father.refresh_from_db()
    assert child.household_id == father.household_id is not None
    assert father.household_relation == 1
    assert father.family_relation == 1
    page = client_a.get(reverse("people:family_detail", args=[family_a.public_id])).content.decode()
    assert father.household.number in page


def test_list_pages_compiled_once_are_the_orms_pages(village_a, village_b):
    # The list's compiled query (selectors._LIST_PAGE) against the ORM's queryset for the same
    # filters: walked forward and back, every filter shape gives the same rows in the same order.
    from balai.people import selectors

    other = RtFactory(village=village_a, rw="002", rt="003")
    families = [FamilyFactory(village=village_a), FamilyFactory(village=village_a, rt=other)]
    for i in range(23):
        ResidentFactory(
            village=village_a,
            family=families[i % 2],
            rt=families[i % 2].rt,
            name=["ANI", "BUDI", "CITRA"][i % 3] + f" {i // 3:02d}",
            sex=1 + i % 2,
            birth_date=dt.date(1950 + 3 * i, 1 + i % 12, 1 + i % 28),
            status=codes.STATUS_ALIVE if i % 7 else codes.STATUS_DEAD,
        )
    ResidentFactory(village=village_b, name="ANI LAIN")
    shapes = [
        selectors.ResidentFilters(),
        selectors.ResidentFilters(status=None),
        selectors.ResidentFilters(sex=2, age_min=20),
        selectors.ResidentFilters(age_min=10, age_max=60, dusun_id=other.dusun_id),
        selectors.ResidentFilters(rt_id=other.pk, sex=1),
        selectors.ResidentFilters(sex=3),  # not a sex: no filter, as before
    ]
    for filters in shapes:
        expected = list(
            selectors.resident_filter(village=village_a, filters=filters, name_order=True)
            .order_by("name_key", "id")
            .values("id", "name_key", *views.LIST_FIELDS)
        )
        forward, after, pages = [], None, 0
        while True:
            page = selectors.resident_page(
                village=village_a, filters=filters, limit=4, fields=views.LIST_FIELDS, after=after
            )
            forward += page.items
            pages += 1
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert forward == expected
        backward, before = [], page.prev_cursor
        while before is not None:
            page = selectors.resident_page(
                village=village_a, filters=filters, limit=4, fields=views.LIST_FIELDS, before=before
            )
            backward = page.items + backward
            before = page.prev_cursor
        assert backward + forward[len(backward) :] == expected


def test_options_are_escaped_as_format_html_escapes_them():
    from django import forms as django_forms
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    from balai.people.templatetags.people_tags import options

    class Form(django_forms.Form):
        pick = django_forms.ChoiceField(
            choices=[("", "—"), ("a&b", 'Dusun "Krajan" <1>'), ("'x'", mark_safe("<b>aman</b>")), (3, "ÑA")]
        )

    for value in (None, "a&b", "'x'", "3"):
        field = Form({"pick": value} if value else {})["pick"]
        current = "" if field.value() is None else str(field.value())
        expected = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (v, mark_safe(" selected") if str(v) == current else "", label)
                for v, label in field.field.choices
            ),
        )
        assert options(field) == expected
