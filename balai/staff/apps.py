from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "balai.staff"
    label = "staff"
    verbose_name = "Perangkat desa"
