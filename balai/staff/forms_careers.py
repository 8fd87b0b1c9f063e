"""Forms of careers, leave and the BPD: they parse input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.staff.models import Acting, BpdMember, Decree, Leave, OfficialProfile, Position


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecreeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis SK"), choices=Decree.Kind.choices)
    number = forms.CharField(label=_("Nomor SK"), max_length=80)
    date = forms.DateField(label=_("Tanggal SK"), widget=_date_input())
    effective_on = forms.DateField(
        label=_("Terhitung mulai tanggal"),
        required=False,
        widget=_date_input(),
        help_text=_("Kosong = tanggal SK."),
    )
    signer = forms.CharField(label=_("Penanda tangan"), max_length=120, initial=_("Kepala Desa"))
    subject = forms.CharField(label=_("Tentang"), max_length=300, required=False)
    position = forms.ChoiceField(label=_("Jabatan"), required=False)
    acting = forms.ChoiceField(label=_("Status pelaksana"), choices=Acting.choices[1:], required=False)
    reason = forms.ChoiceField(label=_("Alasan pemberhentian"), choices=Decree.Reason.choices, required=False)
    note = forms.CharField(label=_("Keterangan"), max_length=300, required=False)
    scan = forms.FileField(label=_("Pindaian SK (PDF/JPEG/PNG)"), required=False)

    def __init__(self, *args: Any, positions: list[Position], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["position"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(p.public_id, p.title) for p in positions]


class ProfileForm(forms.Form):
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—"), *OfficialProfile.Sex.choices], required=False
    )
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Tanggal lahir"), required=False, widget=_date_input())
    religion = forms.CharField(label=_("Agama"), max_length=30, required=False)
    rank = forms.CharField(label=_("Pangkat/golongan"), max_length=30, required=False)
    education = forms.CharField(label=_("Pendidikan terakhir"), max_length=60, required=False)
    trainings = forms.CharField(
        label=_("Pelatihan (satu per baris)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    siltap = forms.CharField(label=_("Penghasilan tetap (Rp/bulan)"), max_length=20, required=False)
    allowance_grade = forms.CharField(label=_("Tunjangan / kelas"), max_length=60, required=False)
    funding_line = forms.CharField(label=_("Kode rekening siltap (5.1…)"), max_length=30, required=False)
    bpjs_health = forms.CharField(label=_("Nomor BPJS Kesehatan"), max_length=30, required=False)
    bpjs_employment = forms.CharField(label=_("Nomor BPJS Ketenagakerjaan"), max_length=30, required=False)


class LeaveForm(forms.Form):
    official = forms.ChoiceField(label=_("Perangkat"))
    kind = forms.ChoiceField(label=_("Jenis"), choices=Leave.Kind.choices)
    start = forms.DateField(label=_("Mulai"), widget=_date_input())
    end = forms.DateField(label=_("Sampai"), widget=_date_input(), required=False)
    reason = forms.CharField(label=_("Keperluan"), max_length=300)
    destination = forms.CharField(label=_("Tujuan (perjalanan dinas)"), max_length=200, required=False)
    transport = forms.CharField(label=_("Alat angkut"), max_length=60, required=False)

    def __init__(self, *args: Any, officials: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["official"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.public_id, f"{o.name} — {o.position}") for o in officials]


class BpdMemberForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=120)
    role = forms.ChoiceField(
        label=_("Jabatan BPD"), choices=BpdMember.Role.choices, initial=BpdMember.Role.MEMBER
    )
    area = forms.CharField(label=_("Wilayah pemilihan"), max_length=120, required=False)
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—"), *OfficialProfile.Sex.choices], required=False
    )
    term_start = forms.DateField(label=_("Awal masa keanggotaan"), widget=_date_input())
    term_end = forms.DateField(
        label=_("Akhir masa keanggotaan"),
        required=False,
        widget=_date_input(),
        help_text=_("Kosong = 8 tahun."),
    )
    decree_number = forms.CharField(label=_("Nomor SK peresmian (Bupati)"), max_length=80, required=False)
    decree_date = forms.DateField(label=_("Tanggal SK peresmian"), required=False, widget=_date_input())
    is_active = forms.BooleanField(label=_("Masih menjabat"), required=False, initial=True)


class PositionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis jabatan"), choices=Position.Kind.choices)
    title = forms.CharField(label=_("Nama jabatan"), max_length=120)
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=32767, required=False)
    dusun = forms.ChoiceField(
        label=_("Dusun (untuk kepala dusun)"),
        required=False,
        help_text=_("Pemegang jabatan ini tampil sebagai kepala dusun tersebut di profil desa."),
    )

    def __init__(self, *args: Any, dusuns: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dusun"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("— bukan kepala dusun —")),
            *((str(pk), n) for pk, n in dusuns or []),
        ]


class CorrectionForm(forms.Form):
    official = forms.ChoiceField(label=_("Perangkat"))
    day = forms.DateField(label=_("Tanggal"), widget=_date_input())
    check_in = forms.TimeField(
        label=_("Jam masuk"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    check_out = forms.TimeField(
        label=_("Jam pulang"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = forms.CharField(
        label=_("Alasan koreksi"),
        max_length=300,
        help_text=_("Mis. anjungan mati, lupa absen pulang. Dicatat di jejak audit."),
    )

    def __init__(self, *args: Any, officials: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["official"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.public_id, f"{o.name} — {o.position}") for o in officials]
