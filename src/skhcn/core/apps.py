from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "skhcn.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        from . import signals  # noqa: F401
        from .throttle import check_storage_url

        checks.register(check_storage_url)
