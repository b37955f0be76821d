from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "skhcn.delivery"
    verbose_name = "Bưu chính công ích"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import carriers, tasks  # noqa: F401  (registers the carrier plugins and the periodic jobs)
