from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "skhcn.notifications"
    verbose_name = "Thông báo"
