from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "skhcn.deadlines"
    label = "deadlines"
    verbose_name = "Lịch làm việc và thời hạn"

    def ready(self):
        from . import services  # noqa: F401  (connects the cache invalidation signals)
