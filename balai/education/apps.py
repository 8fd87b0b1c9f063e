from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "balai.education"
    label = "education"
    verbose_name = "Pendidikan"
