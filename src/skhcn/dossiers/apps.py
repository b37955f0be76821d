from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "skhcn.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the periodic jobs)
