from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "skhcn.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from . import demo, staff  # noqa: F401  (demo data; the staff signal handlers below)
        from .identity import check_identity_providers

        checks.register(check_identity_providers)
        staff.connect_signals(self)
