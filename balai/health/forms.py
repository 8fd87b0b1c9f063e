"""Forms of the health module: parsing only; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.health import immunization, selectors
from balai.health.models import Attendance, ChildMeasurement, Posyandu, Pregnancy
from balai.people.forms import DateInput
from balai.regions.models import Dusun, Rt, Village
from balai.regions.selectors import rt_list


class RtChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.dusun.name} · RW {obj.rw} / RT {obj.rt}"


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class PosyanduForm(forms.Form):
    name = forms.CharField(label=_("Nama posyandu"), max_length=100)
    dusun = forms.ChoiceField(label=_("Dusun"), required=False)
    schedule = forms.CharField(
        label=_("Jadwal"), max_length=100, required=False, help_text=_("Mis. setiap tanggal 10")
    )
    rts = RtChoiceField(
        label=_("Wilayah (RT)"),
        queryset=Rt.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosong: semua RT di dusun ini (atau seluruh desa bila dusun kosong)."),
    )
    cadres = UserChoiceField(
        label=_("Kader"),
        queryset=Posyandu.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dusuns = Dusun.objects.filter(village=village).order_by("name").values_list("name", flat=True)
        dusun_field = self.fields["dusun"]
        assert isinstance(dusun_field, forms.ChoiceField)
        dusun_field.choices = [("", "—"), *((d, d) for d in dusuns)]
        rts = self.fields["rts"]
        assert isinstance(rts, forms.ModelMultipleChoiceField)
        rts.queryset = rt_list(village=village)
        cadres = self.fields["cadres"]
        assert isinstance(cadres, forms.ModelMultipleChoiceField)
        cadres.queryset = selectors.cadre_choices(village=village)


class SessionOpenForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal hari buka"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate


BREASTFEEDING_CHOICES = [("", "—"), ("ya", _("Ya")), ("tidak", _("Tidak"))]


class MeasurementRowForm(forms.Form):
    """One row of the session sheet. Numbers stay text: the service reads "9,4" and "9.4"."""

    weight_kg = forms.CharField(label=_("BB (kg)"), required=False, max_length=8)
    lenhei_cm = forms.CharField(label=_("PB/TB (cm)"), required=False, max_length=8)
    position = forms.ChoiceField(
        label=_("Cara ukur"),
        required=False,
        choices=[("", "—"), ("l", _("Terlentang")), ("h", _("Berdiri"))],
    )
    head_cm = forms.CharField(label=_("LK (cm)"), required=False, max_length=8)
    muac_cm = forms.CharField(label=_("LiLA (cm)"), required=False, max_length=8)
    oedema = forms.BooleanField(label=_("Edema"), required=False)
    exclusive_breastfeeding = forms.ChoiceField(
        label=_("ASI eksklusif"), required=False, choices=BREASTFEEDING_CHOICES
    )
    vitamin_a = forms.ChoiceField(
        label=_("Vitamin A"), required=False, choices=ChildMeasurement.VitaminA.choices
    )
    immunizations = forms.MultipleChoiceField(
        label=_("Imunisasi"),
        required=False,
        choices=[(v.code, v.label) for v in immunization.SCHEDULE],
    )
    confirm = forms.BooleanField(label=_("Nilai sudah diperiksa dan benar"), required=False)

    def breastfeeding(self) -> bool | None:
        value = self.cleaned_data.get("exclusive_breastfeeding")
        return {"ya": True, "tidak": False}.get(value or "")


class AlertFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis"),
        required=False,
        choices=[("", _("Semua")), *selectors.ALERT_KINDS.items()],
    )
    posyandu = forms.ModelChoiceField(
        label=_("Posyandu"),
        required=False,
        queryset=Posyandu.objects.none(),
        to_field_name="public_id",
        empty_label=_("Semua"),
    )
    dusun = forms.ChoiceField(label=_("Dusun"), required=False)

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posyandu = self.fields["posyandu"]
        assert isinstance(posyandu, forms.ModelChoiceField)
        posyandu.queryset = selectors.posyandu_list(village=village)
        dusun = self.fields["dusun"]
        assert isinstance(dusun, forms.ChoiceField)
        names = Dusun.objects.filter(village=village).order_by("name").values_list("name", flat=True)
        dusun.choices = [("", _("Semua")), *((d, d) for d in names)]


class AttendanceForm(forms.Form):
    target = forms.ChoiceField(choices=Attendance.Target.choices)
    present = forms.BooleanField(required=False)


class PregnancyForm(forms.Form):
    mother = forms.CharField(widget=forms.HiddenInput, max_length=16)
    lmp_date = forms.DateField(label=_("HPHT (hari pertama haid terakhir)"), widget=DateInput)
    gravida = forms.IntegerField(label=_("Kehamilan ke-"), required=False, min_value=1, max_value=20)
    risk_note = forms.CharField(label=_("Catatan risiko"), required=False, max_length=255)


class AntenatalVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Tanggal kunjungan"), widget=DateInput)
    weight_kg = forms.CharField(label=_("Berat badan (kg)"), required=False, max_length=8)
    muac_cm = forms.CharField(label=_("LiLA (cm)"), required=False, max_length=8)
    hb_g_dl = forms.CharField(label=_("Hb (g/dL)"), required=False, max_length=8)
    iron_tablets = forms.IntegerField(
        label=_("Tablet tambah darah diberikan (butir)"), min_value=0, initial=0
    )
    bp_systolic = forms.IntegerField(label=_("Tekanan darah sistolik (mmHg)"), required=False)
    bp_diastolic = forms.IntegerField(label=_("Tekanan darah diastolik (mmHg)"), required=False)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate


class PregnancyOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hasil"), choices=[c for c in Pregnancy.Outcome.choices if c[0] != Pregnancy.Outcome.ONGOING]
    )
    outcome_date = forms.DateField(label=_("Tanggal"), widget=DateInput)


class LinkBirthForm(forms.Form):
    baby = forms.CharField(max_length=16)
