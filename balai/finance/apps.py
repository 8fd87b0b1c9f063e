from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "balai.finance"
    label = "finance"
    verbose_name = "Keuangan desa"
