from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "skhcn.payments"
    verbose_name = "Thanh toán trực tuyến"

    def ready(self):
        from . import checks, tasks  # noqa: F401  (registers the system checks and periodic jobs)
