from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "skhcn.procedures"
    label = "procedures"
    verbose_name = "Thủ tục hành chính"

    def ready(self):
        from . import demo, search  # noqa: F401  (demo data; the site search's group of procedures)
