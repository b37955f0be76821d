from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "skhcn.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
