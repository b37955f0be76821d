from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "skhcn.visits"
    label = "visits"
    verbose_name = "Thống kê truy cập"

    def ready(self):
        from . import fragments, tasks  # noqa: F401  (live fragment; periodic jobs)
