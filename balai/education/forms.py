from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.core.digits import DigitsField
from balai.education import rules
from balai.education.models import Enrolment, FollowUp, Level, Scholarship, School, npsn_validator
from balai.education.selectors import ChildFilters
from balai.regions.models import Dusun, Village


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Nama sekolah"), max_length=150)
    npsn = DigitsField(
        label=_("NPSN"),
        max_length=8,
        min_length=1,
        validators=[npsn_validator],
        help_text=_("8 angka, dari data Dapodik/Kemendikdasmen."),
    )
    level = forms.ChoiceField(label=_("Jenjang"), choices=Level.choices)
    status = forms.ChoiceField(label=_("Status"), choices=School.Status.choices)
    address = forms.CharField(label=_("Alamat"), max_length=255, required=False)


class EnrolmentForm(forms.Form):
    school = forms.ChoiceField(label=_("Sekolah"))
    school_year = forms.IntegerField(label=_("Tahun ajaran (tahun pertama)"), min_value=2000, max_value=2100)
    grade = forms.IntegerField(label=_("Kelas (0 untuk PAUD)"), min_value=0, max_value=12)
    enrolled_year = forms.IntegerField(label=_("Tahun masuk sekolah ini"), min_value=1990, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), choices=Enrolment.Status.choices, initial="aktif")
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)

    def __init__(self, *args: Any, schools: list[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (s.public_id, f"{s.name} ({s.get_level_display()}, NPSN {s.npsn})") for s in schools
        ]


class EnrolmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Enrolment.Status.choices)
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


class AbsenceForm(forms.Form):
    reported_on = forms.DateField(label=_("Tanggal laporan"), widget=forms.DateInput(attrs={"type": "date"}))
    reporter = forms.CharField(label=_("Pelapor (sekolah/kader)"), max_length=120)
    days_absent = forms.IntegerField(label=_("Hari tidak masuk"), min_value=1, max_value=365)
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


class ScholarshipForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2010, max_value=2100)
    status = forms.ChoiceField(label=_("Status PIP"), choices=Scholarship.Status.choices)
    kip_number = forms.CharField(label=_("Nomor KIP"), max_length=30, required=False)
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)


class FollowUpForm(forms.Form):
    noted_on = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label=_("Hasil"), choices=FollowUp.Outcome.choices)
    note = forms.CharField(
        label=_("Catatan"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


REASON_CHOICES = (
    [("", _("Semua alasan"))]
    + [(str(v), str(label)) for v, label in rules.Reason.choices]
    + [(str(v), str(label)) for v, label in rules.Risk.choices]
)


class ChildFilterForm(forms.Form):
    dusun = forms.TypedChoiceField(label=_("Dusun"), required=False, coerce=int, empty_value=None)
    age_min = forms.IntegerField(label=_("Umur dari"), required=False, min_value=0, max_value=30)
    age_max = forms.IntegerField(label=_("Umur sampai"), required=False, min_value=0, max_value=30)
    reason = forms.ChoiceField(label=_("Alasan"), required=False, choices=REASON_CHOICES)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *rules.Status.choices]
    )
    tanggal = forms.DateField(
        label=_("Tanggal acuan"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, village: Village, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dusuns = Dusun.objects.filter(village=village).order_by("name").values_list("pk", "name")
        self.fields["dusun"].choices = [("", _("Semua dusun")), *dusuns]  # type: ignore[attr-defined]

    def filters(self) -> ChildFilters:
        if not self.is_valid():
            return ChildFilters()
        d = self.cleaned_data
        return ChildFilters(
            dusun=d.get("dusun"),
            age_min=d.get("age_min"),
            age_max=d.get("age_max"),
            reason=d.get("reason") or "",
            status=d.get("status") or "",
        )

    def day(self, today: dt.date) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("tanggal"):
            day: dt.date = self.cleaned_data["tanggal"]
            return day
        return today

    def as_dict(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}
