from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skhcn.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from django.core import checks

        from . import staff
        from .identity import check_identity_providers

        checks.register(check_identity_providers)
        staff.connect_signals(self)
