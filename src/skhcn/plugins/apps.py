from django.apps import AppConfig


class PluginsConfig(AppConfig):
    name = "skhcn.plugins"
    label = "plugins"
    verbose_name = "Phần bổ trợ"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
