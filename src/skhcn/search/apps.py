from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "skhcn.search"
    label = "site_search"
    verbose_name = "Tìm kiếm"

    def ready(self):
        from . import signals

        signals.connect()
