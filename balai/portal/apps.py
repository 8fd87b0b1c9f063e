from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "balai.portal"
    label = "portal"
    verbose_name = "Portal desa"
