from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "skhcn.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"
