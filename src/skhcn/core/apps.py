from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "skhcn.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        from . import signals  # noqa: F401
