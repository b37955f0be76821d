from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "skhcn.notifications"
    verbose_name = "Thông báo"

    def ready(self):
        from . import checks, tasks  # noqa: F401  (registers the system checks and periodic jobs)
