from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "skhcn.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        from . import signals, throttle  # noqa: F401  (signal handlers; the storage check below)

        checks.register(throttle.check_storage_url)
