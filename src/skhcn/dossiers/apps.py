from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "skhcn.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"
    # Columns holding names of files in storages["private"] (skhcn.core.uploads.store_private): the backup checks
    # that each file a row names is in the archive (skhcn.core.backup.files).
    stored_file_fields = {
        "private": ("Dossier.result_stored_name", "DossierFile.stored_name", "DossierEventFile.stored_name"),
    }

    def ready(self):
        from . import notify, tasks  # noqa: F401  (registers the receipt attachment and the periodic jobs)
        from .workflow import recalculate  # noqa: F401  (receives deadlines' calendar_changed)
