from __future__ import annotations

import secrets

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from balai.desk.models import Complaint
from balai.portal.models import Post

CHALLENGE_SALT = "balai.portal.challenge"
CHALLENGE_MAX_AGE = 2 * 3600


def new_challenge() -> tuple[str, str]:
    """(question, signed token): a small sum a person answers at a glance and a naive bot does not."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b}", signing.dumps({"a": a, "b": b}, salt=CHALLENGE_SALT)


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis"), choices=Complaint.Kind.choices, initial=Complaint.Kind.COMPLAINT
    )
    subject = forms.CharField(label=_("Perihal"), max_length=120)
    body = forms.CharField(label=_("Isi"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Nama (boleh dikosongkan)"), max_length=120, required=False)
    contact = forms.CharField(
        label=_("Kontak untuk jawaban (boleh dikosongkan)"), max_length=60, required=False
    )
    answer = forms.IntegerField(label=_("Jawaban hitungan"))
    challenge = forms.CharField(widget=forms.HiddenInput)
    submit_key = forms.CharField(widget=forms.HiddenInput, required=False)
    # Left empty by people (it is hidden); filled in by form-filling bots.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Isian ini harus kosong."))
        return ""

    def clean(self) -> dict:
        data = super().clean() or {}
        token, answer = data.get("challenge"), data.get("answer")
        if token is None or answer is None:
            return data
        try:
            numbers = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        except signing.BadSignature:
            self.add_error("answer", _("Soal hitungan sudah kedaluwarsa; jawab soal yang baru."))
            return data
        if int(numbers["a"]) + int(numbers["b"]) != answer:
            self.add_error("answer", _("Jawaban hitungan salah."))
        return data


class TrackForm(forms.Form):
    nomor = forms.CharField(label=_("Nomor pelacakan"), max_length=20)


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["kind", "title", "body", "published_on", "is_published"]
        help_texts = {
            "title": _(
                "Jadwal posyandu tidak perlu ditulis di sini: halaman desa dan anjungan menampilkannya langsung dari data posyandu (Kesehatan)."
            )
        }
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 10}),
        }
