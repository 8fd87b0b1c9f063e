from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "balai.staff"
    label = "staff"
