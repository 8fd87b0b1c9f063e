from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "balai.core"
    label = "core"

    def ready(self) -> None:
        from balai.core import checks  # noqa: F401 - registers the system checks
