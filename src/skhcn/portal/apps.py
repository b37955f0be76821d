from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "skhcn.portal"
    label = "portal"
    verbose_name = "Cổng thông tin"

    def ready(self):
        from . import fragments, signals, tasks  # noqa: F401  (live fragments; signal handlers; periodic jobs)
        from .demo import loader  # noqa: F401  (demo data)
