from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.kiosk.models import Announcement


class DeviceForm(forms.Form):
    label = forms.CharField(label=_("Nama anjungan"), max_length=80)
    idle_seconds = forms.IntegerField(
        label=_("Batas diam (detik)"),
        required=False,
        min_value=15,
        max_value=900,
        help_text=_("Kosong: ikut pengaturan desa."),
    )


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body", "published_on", "expires_on", "is_active"]
        help_texts = {
            "title": _(
                "Jadwal posyandu tidak perlu ditulis di sini: halaman desa dan anjungan menampilkannya langsung dari data posyandu (Kesehatan)."
            )
        }
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 5}),
        }
