"""ServiceCall turns a service's refusal into what the page shows; paginate clamps ?hal=."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from balai.core.errors import ApplicationError, NotAllowed
from balai.core.http import ServiceCall, page_number, paginate


class NameForm(forms.Form):
    name = forms.CharField()


class Warning_(ValidationError):
    pass


class RowsRefused(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _valid_form() -> NameForm:
    form = NameForm({"name": "SITI"})
    assert form.is_valid()
    return form


def _request_with_messages() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_completed_call_is_ok_and_keeps_its_result() -> None:
    with ServiceCall() as call:
        value = 41 + 1
    assert call.ok
    assert value == 42
    assert (call.errors, call.messages, call.text(), call.refusal) == ({}, [], "", None)


def test_field_errors_go_next_to_the_fields_the_form_has_the_rest_on_top() -> None:
    # given
    form = _valid_form()
    # when
    with ServiceCall(form) as call:
        raise ValidationError({"name": ["Nama sudah dipakai."], "nik": ["NIK salah."]})
    # then
    assert not call.ok
    assert form.errors["name"] == ["Nama sudah dipakai."]
    assert form.errors[NON_FIELD_ERRORS] == ["NIK salah."]
    assert call.errors == {"name": ["Nama sudah dipakai."], "nik": ["NIK salah."]}
    assert call.text() == "Nama sudah dipakai. NIK salah."


def test_a_message_without_a_field_and_a_refused_operation_go_on_top() -> None:
    form = _valid_form()
    with ServiceCall(form) as call:
        raise ValidationError(["Satu.", "Dua."])
    assert form.non_field_errors() == ["Satu.", "Dua."]

    form = _valid_form()
    with ServiceCall(form) as call:
        raise ApplicationError("Ditolak.")
    assert form.non_field_errors() == ["Ditolak."]
    assert isinstance(call.refusal, ApplicationError)


def test_a_refused_operation_can_belong_to_a_field() -> None:
    form = _valid_form()
    with ServiceCall(form, field="name"):
        raise ApplicationError("Nama ini dipakai anjungan lain.")
    assert form.errors["name"] == ["Nama ini dipakai anjungan lain."]


def test_warnings_the_user_may_confirm_stay_off_the_form() -> None:
    form = _valid_form()
    with ServiceCall(form, warn=(Warning_,)) as call:
        raise Warning_({"nik": ["Tanggal lahir tidak cocok dengan NIK."]})
    assert not call.ok
    assert call.warnings == ["Tanggal lahir tidak cocok dengan NIK."]
    assert form.is_valid()


def test_other_refusal_types_are_named_with_also() -> None:
    with ServiceCall(also=(RowsRefused,)) as call:
        raise RowsRefused(["Baris 1: nilai kosong.", "Baris 2: bukan angka."])
    assert call.messages == ["Baris 1: nilai kosong.", "Baris 2: bukan angka."]


def test_with_a_request_the_refusal_is_flashed_once() -> None:
    request = _request_with_messages()
    with ServiceCall(request=request):
        raise ValidationError({"a": ["Satu."], "b": ["Dua."]})
    assert [str(m) for m in get_messages(request)] == ["Satu. Dua."]


def test_a_step_the_role_may_not_take_is_a_403_not_a_message() -> None:
    request = _request_with_messages()
    form = _valid_form()
    with pytest.raises(PermissionDenied, match="Hanya kepala desa."), ServiceCall(form, request=request):
        raise NotAllowed("Hanya kepala desa.")
    assert form.is_valid()
    assert list(get_messages(request)) == []


def test_anything_else_is_a_bug_and_propagates() -> None:
    with pytest.raises(KeyError), ServiceCall(_valid_form()):
        raise KeyError("x")


@pytest.mark.parametrize(
    ("value", "page"),
    [
        (None, 1),
        ("", 1),
        ("2", 2),
        (" 3 ", 3),
        ("abc", 1),
        ("1e3", 1),
        ("0", 1),
        ("-5", 1),
        ("99999999999999999999999", 4),
        ("9" * 5000, 1),  # too long to parse at all
    ],
)
def test_page_number_is_always_a_page_there_is(value: str | None, page: int) -> None:
    assert page_number(value, 4) == page


def test_an_empty_list_has_one_empty_page() -> None:
    page = paginate(RequestFactory().get("/", {"hal": "7"}), [], 10)
    assert (page.number, list(page)) == (1, [])


def test_paginate_reads_the_page_asked_for() -> None:
    page = paginate(RequestFactory().get("/", {"hal": "2"}), list(range(25)), 10)
    assert list(page) == list(range(10, 20))
    assert page.has_previous()
    assert page.has_next()
