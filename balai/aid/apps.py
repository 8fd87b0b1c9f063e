from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "balai.aid"
    label = "aid"
    verbose_name = "Bantuan sosial"
