import datetime as dt
from decimal import Decimal

from django.utils import timezone

from balai.core.services import audit_value, model_update
from balai.people.models import Resident
from balai.staff.models import AttendanceSettings


def test_model_update_saves_only_what_changed_and_says_what(resident_a):
    # given
    before = Resident.objects.get(pk=resident_a.pk).updated_at
    # when
    changes = model_update(
        instance=resident_a,
        fields=["name", "birth_place", "birth_date"],
        data={"name": "sri lestari", "birth_place": resident_a.birth_place, "nik": "ignored"},
    )
    # then
    assert changes.fields == ["name"]
    stored = Resident.objects.get(pk=resident_a.pk)
    assert stored.name == "sri lestari"
    assert stored.name_key == "SRI LESTARI"  # Resident.save keeps the search key with the name
    assert stored.updated_at > before
    assert stored.nik == resident_a.nik


def test_model_update_writes_nothing_without_a_change(resident_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        changes = model_update(instance=resident_a, fields=["name"], data={"name": resident_a.name})
    assert changes == {}
    assert changes.for_audit() == {}


def test_model_update_writes_also_only_with_a_change(village_a):
    rules = AttendanceSettings.objects.create(village=village_a)
    model_update(
        instance=rules, fields=["workdays"], data={"workdays": "12345"}, also={"skip_holidays": False}
    )
    assert AttendanceSettings.objects.get(pk=rules.pk).skip_holidays is True
    model_update(
        instance=rules, fields=["workdays"], data={"workdays": "123456"}, also={"skip_holidays": False}
    )
    assert AttendanceSettings.objects.get(pk=rules.pk).skip_holidays is False


def test_model_update_inserts_an_unsaved_instance(village_a):
    rules = AttendanceSettings(village=village_a)
    changes = model_update(instance=rules, fields=["workdays"], data={"workdays": "12345"})
    assert changes == {}
    assert AttendanceSettings.objects.filter(village=village_a).exists()


def test_for_audit_encodes_old_and_new_values(resident_a):
    old = resident_a.birth_date
    new = old + dt.timedelta(days=1)
    changes = model_update(instance=resident_a, fields=["birth_date"], data={"birth_date": new})
    assert changes == {"birth_date": [old, new]}
    assert changes.for_audit() == {"birth_date": [old.isoformat(), new.isoformat()]}
    assert changes.for_audit(repr) == {"birth_date": [repr(old), repr(new)]}


def test_audit_value_of_common_field_types(village_a):
    moment = timezone.now()
    assert audit_value(dt.time(7, 30)) == "07:30:00"
    assert audit_value(moment) == moment.isoformat()
    assert audit_value(Decimal("1.50")) == "1.50"
    assert audit_value(village_a) == village_a.pk
    assert audit_value(["a"]) == ["a"]
