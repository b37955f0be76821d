from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "skhcn.registries"
    verbose_name = "Cơ sở dữ liệu khoa học và công nghệ"

    def ready(self):
        from . import demo, search, signals  # noqa: F401  (demo data; the site search's groups; signal handlers)
