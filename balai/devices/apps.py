from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "balai.devices"
    label = "devices"
    verbose_name = "Anjungan (PIN dan kartu)"
