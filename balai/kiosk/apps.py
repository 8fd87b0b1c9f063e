from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "balai.kiosk"
    label = "kiosk"
    verbose_name = "Anjungan mandiri"
