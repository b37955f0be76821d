from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "skhcn.payments"
    verbose_name = "Thanh toán trực tuyến"

    def ready(self):
        from . import checks, panels, tasks  # noqa: F401  (registers the system checks, tracking panel, periodic jobs)
