"""The kiosk interface: a resident's own request, self-service issue, idempotency, tracking."""

import json
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from balai.accounts.models import Role, User
from balai.audit.models import AuditEvent
from balai.core.errors import ApplicationError
from balai.letters import kiosk
from balai.letters.models import Letter, LetterSettings
from balai.letters.selectors import tracking_status
from balai.letters.services import kiosk as kiosk_services
from balai.letters.services.settings import letter_kiosk_settings_update
from balai.people import codes
from balai.people.tests.factories import ResidentFactory
from balai.staff.models import Official

S = Letter.State


def ask(resident, type_code="penduduk", key="tap-00000001", **fields):
    return kiosk.letter_kiosk_request(
        village=resident.village,
        type_code=type_code,
        subject=resident,
        fields={"keperluan": "Pendaftaran sekolah"} | fields,
        device_label="Anjungan Balai Desa",
        idempotency_key=key,
    )


def test_self_service_type_is_issued_at_once_and_audited_without_user(kades_official_a, resident_a):
    # when
    letter = ask(resident_a)
    # then
    assert letter.state == S.ISSUED
    assert letter.channel == Letter.Channel.KIOSK
    assert letter.number
    assert letter.token
    assert letter.signer == kades_official_a
    events = AuditEvent.objects.filter(object_type="letter", object_id=letter.public_id).order_by("seq")
    assert [e.action for e in events] == [
        "letter.requested",
        "letter.verified",
        "letter.signed",
        "letter.issued",
    ]
    assert all(e.actor_id is None and e.source == "kiosk:Anjungan Balai Desa" for e in events)
    assert kiosk.letter_pdf_bytes(village=resident_a.village, letter=letter).startswith(b"%PDF")


def test_sekdes_signs_on_behalf_when_no_kades(sekdes_official_a, resident_a):
    # when
    letter = ask(resident_a)
    # then
    assert letter.state == S.ISSUED
    assert letter.signer == sekdes_official_a
    assert letter.content["signer"]["on_behalf"].startswith("a.n. Kepala Desa")


def test_without_signatory_the_request_waits_in_the_queue(resident_a):
    # when
    letter = ask(resident_a)
    # then
    assert letter.state == S.SUBMITTED
    assert not letter.number
    with pytest.raises(ApplicationError):
        kiosk.letter_pdf_bytes(village=resident_a.village, letter=letter)


def test_type_needing_documents_goes_to_the_operator_queue(kades_official_a, resident_a):
    # when
    letter = ask(resident_a, type_code="domisili")
    # then
    assert letter.state == S.SUBMITTED
    assert letter.assigned_to is None
    assert letter.checked_requirements == ["Fotokopi KK", "Fotokopi KTP"]


def test_type_not_offered_at_the_kiosk_is_refused(kades_official_a, resident_a):
    # when / then
    with pytest.raises(ValidationError) as e:
        ask(resident_a, type_code="kuasa")
    assert "anjungan" in str(e.value.message_dict["type_code"])
    assert not Letter.objects.exists()


def test_subject_rule_and_fields_are_checked(kades_official_a, village_a):
    # given
    dead = ResidentFactory(village=village_a, status=codes.STATUS_DEAD)
    alive = ResidentFactory(village=village_a)
    # when / then
    with pytest.raises(ValidationError) as e:
        ask(dead)
    assert "tidak berstatus hidup" in e.value.message_dict["subject"][0]
    with pytest.raises(ValidationError) as e:
        ask(alive, type_code="bepergian", key="tap-00000002", tujuan="", tanggal_berangkat="kemarin")
    assert set(e.value.message_dict) >= {"tujuan", "tanggal_berangkat"}
    assert not Letter.objects.exists()
    assert kiosk.kiosk_subject_error(type_code="penduduk", subject=dead).startswith("Penduduk tidak")


def test_resident_of_another_village_is_refused(kades_official_a, village_a, resident_b):
    # when / then
    with pytest.raises(ApplicationError):
        kiosk.letter_kiosk_request(
            village=village_a,
            type_code="penduduk",
            subject=resident_b,
            fields={"keperluan": "x"},
            device_label="A",
            idempotency_key="tap-00000009",
        )


def test_same_key_twice_gives_one_letter(kades_official_a, resident_a):
    # when
    first = ask(resident_a, key="tap-double-1")
    second = ask(resident_a, key="tap-double-1")
    # then
    assert first.pk == second.pk
    assert Letter.objects.count() == 1
    assert first.sequence == 1


def test_same_key_for_another_request_is_refused(kades_official_a, resident_a):
    # given
    ask(resident_a, key="tap-double-2")
    # when / then
    with pytest.raises(ValidationError) as e:
        ask(resident_a, type_code="domisili", key="tap-double-2")
    assert "idempotency_key" in e.value.message_dict


@pytest.mark.parametrize("key", ["", "short", "a b c d e f g", "x" * 65])
def test_malformed_key_is_refused(resident_a, key):
    with pytest.raises(ValidationError):
        ask(resident_a, key=key)


def test_concurrent_double_taps_on_a_sqlite_file_make_one_letter_each(sqlite_file_env):
    # given: a SQLite file configured as in production (WAL, IMMEDIATE transactions)
    env = sqlite_file_env
    # when: six threads send the same 10 keys at once
    done = subprocess.run(
        [sys.executable, "-m", "balai.letters.tests.concurrent_kiosk", "10", "6"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then: every key answered with one letter, issued with consecutive numbers
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["errors"] == []
    assert result["answers_per_key"] == [1] * 10
    assert result["letters"] == 10
    assert result["sequences"] == list(range(1, 11))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads on the test database: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_tap_makes_one_letter_on_postgresql(village_a, kades_a, resident_a):
    # given
    Official.objects.create(
        village=village_a,
        user=kades_a,
        name="Suparman",
        position="Kepala Desa",
        signs_letters=True,
        signs_as=Official.SignsAs.OWN,
    )
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def tap() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(ask(resident_a, key="tap-race-0001").pk)
        except BaseException as e:  # noqa: BLE001 - asserted below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tap) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert errors == []
    assert len(set(results)) == 1
    assert Letter.objects.filter(idempotency_key="tap-race-0001").count() == 1


def test_key_race_after_precheck_returns_the_winner(kades_official_a, resident_a, monkeypatch):
    # given: the winner's row appears between the pre-check and the insert
    winner = ask(resident_a, key="tap-race-0002")
    real = kiosk_services._same_request
    calls = {"n": 0}

    def first_misses(*args, **kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args, **kwargs)

    monkeypatch.setattr(kiosk_services, "_same_request", first_misses)
    # when
    again = ask(resident_a, key="tap-race-0002")
    # then
    assert again.pk == winner.pk
    assert Letter.objects.count() == 1


def test_tracking_code_and_status_page_data(kades_official_a, resident_a, village_a, village_b):
    # given
    letter = ask(resident_a, type_code="domisili")
    # then
    assert len(letter.tracking_code) == 10
    assert letter.tracking_code not in resident_a.nik
    assert kiosk.letter_by_tracking_code(village=village_a, code=letter.tracking_code_display).pk == letter.pk
    with pytest.raises(Letter.DoesNotExist):
        kiosk.letter_by_tracking_code(village=village_b, code=letter.tracking_code)
    with pytest.raises(Letter.DoesNotExist):
        kiosk.letter_by_tracking_code(village=village_a, code="")
    status = tracking_status(code=letter.tracking_code)
    assert status is not None
    assert status.state == S.SUBMITTED
    assert kiosk.tracking_url(letter).endswith(f"/v/lacak/{letter.tracking_code}")


def test_tracking_codes_are_distinct(kades_official_a, resident_a):
    codes_ = {ask(resident_a, key=f"tap-many-{i:04d}").tracking_code for i in range(30)}
    assert len(codes_) == 30


def test_letters_of_family_are_village_scoped(kades_official_a, resident_a, family_a, village_b):
    # given
    letter = ask(resident_a)
    # then
    assert list(kiosk.letters_of_family(village=resident_a.village, family=family_a)) == [letter]
    assert not kiosk.letters_of_family(village=village_b, family=family_a).exists()
    with pytest.raises(Letter.DoesNotExist):
        kiosk.letter_pdf_bytes(village=village_b, letter=letter)


def test_kiosk_types_default_and_fields(village_a):
    # when
    types = {t.code: t for t in kiosk.kiosk_letter_types(village=village_a)}
    # then
    assert "domisili" in types
    assert not types["domisili"].self_service
    assert types["domisili"].requirements == ("Surat pengantar RT/RW",)
    assert types["penduduk"].self_service
    assert "kuasa" not in types
    assert [f.name for f in types["bepergian"].fields][:2] == ["tujuan", "tanggal_berangkat"]


def test_kiosk_settings_update_is_audited_and_applied(village_a, kades_a, kades_official_a, resident_a):
    # when
    letter_kiosk_settings_update(
        actor=kades_a, village=village_a, kiosk_types=["penduduk", "kuasa"], self_service_types=[]
    )
    # then
    types = {t.code: t for t in kiosk.kiosk_letter_types(village=village_a)}
    assert set(types) == {"penduduk", "kuasa"}
    assert not types["penduduk"].self_service
    assert ask(resident_a).state == S.SUBMITTED
    event = AuditEvent.objects.get(action="letter_settings.kiosk_updated")
    assert event.changes["self_service_types"][1] == []


def test_operator_cannot_widen_self_service(village_a, operator_a):
    # given
    letter_kiosk_settings_update(
        actor=operator_a, village=village_a, kiosk_types=["penduduk"], self_service_types=[]
    )
    # when / then
    with pytest.raises(ApplicationError):
        letter_kiosk_settings_update(
            actor=operator_a, village=village_a, kiosk_types=["penduduk"], self_service_types=["penduduk"]
        )


def test_type_needing_documents_cannot_be_self_service(village_a, kades_a):
    with pytest.raises(ValidationError) as e:
        letter_kiosk_settings_update(
            actor=kades_a,
            village=village_a,
            kiosk_types=["beda_identitas"],
            self_service_types=["beda_identitas"],
        )
    assert "Beda Identitas" in e.value.message_dict["self_service_types"][0]


def test_tte_village_sends_self_service_to_the_queue(village_a, kades_official_a, resident_a):
    # given: a certified signature needs the kepala desa's passphrase
    LetterSettings.objects.create(village=village_a, use_tte=True)
    # when / then
    assert ask(resident_a).state == S.SUBMITTED


def test_other_village_user_cannot_change_settings(village_a, operator_b):
    with pytest.raises(ApplicationError):
        letter_kiosk_settings_update(
            actor=operator_b, village=village_a, kiosk_types=[], self_service_types=[]
        )


def test_kader_cannot_change_settings(village_a):
    kader = User.objects.create_user(
        username="k1", password="x-12345678", role=Role.KADER_POSYANDU, village=village_a
    )
    with pytest.raises(ApplicationError):
        letter_kiosk_settings_update(actor=kader, village=village_a, kiosk_types=[], self_service_types=[])
