from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "balai.letters"
    label = "letters"
    verbose_name = "Surat"
