from django.apps import AppConfig


class RegencyConfig(AppConfig):
    name = "balai.regency"
    label = "regency"
    verbose_name = "Kabupaten"

    def ready(self) -> None:
        from balai.regency import figures

        figures.load_plugins()
