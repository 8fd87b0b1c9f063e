from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "balai.desk"
    label = "desk"
    verbose_name = "Layanan (antrian, pengaduan, buku tamu)"
