from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from balai.accounts import throttle
from balai.core.ratelimit import client_ip


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    password = forms.CharField(label=_("Kata sandi"), strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
        "inactive": _("Akun ini tidak aktif."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password or self.request is None:
            return super().clean()
        # Counted before the password is checked (accounts.throttle): parallel guesses queue.
        attempt = throttle.reserve(username=username, address=client_ip(self.request))
        if attempt.refusal:
            raise ValidationError(attempt.refusal, code="throttled")
        cleaned = super().clean()
        throttle.succeeded(attempt)
        return cleaned
