from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "balai.dashboard"
    label = "dashboard"
