from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skhcn.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from django.core import checks

        from .identity import check_identity_providers

        checks.register(check_identity_providers)
