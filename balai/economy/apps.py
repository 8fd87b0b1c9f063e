from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "balai.economy"
    label = "economy"
    verbose_name = "Ekonomi desa"
