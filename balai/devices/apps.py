from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "balai.devices"
    label = "devices"
