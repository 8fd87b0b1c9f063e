from django.apps import AppConfig


class RegencyConfig(AppConfig):
    name = "balai.regency"
    label = "regency"
    verbose_name = "Kabupaten"
