"""The storages a backup copies and the database columns that name files in them.

Two kinds of columns name stored files:

* every ``FileField`` / ``ImageField`` (Wagtail images, renditions and documents, registry files...), found by
  looking at the models; the field's storage says which storage alias it belongs to;
* plain text columns holding a stored name, declared by their app in ``AppConfig.stored_file_fields``, e.g.
  ``{"private": ("DossierFile.stored_name",)}`` (files saved with ``skhcn.core.uploads.store_private``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.db import models

from .errors import BackupError

STATIC_ALIAS = "staticfiles"  # rebuilt by collectstatic: never backed up


@dataclass(frozen=True)
class ReferenceColumn:
    """A column naming files of storage ``alias``: ``label`` (app.Model.field) for messages."""

    label: str
    table: str
    pk_column: str
    column: str
    alias: str


def storage_aliases() -> list[str]:
    """The storages holding uploaded files: every configured one but the static files."""
    return [alias for alias in settings.STORAGES if alias != STATIC_ALIAS]


def alias_of(storage) -> str | None:
    for alias in storage_aliases():
        configured = storages[alias]
        if storage is configured or getattr(storage, "_wrapped", None) is configured:
            return alias
    if storage is default_storage:
        return "default"
    return None


def reference_columns() -> list[ReferenceColumn]:
    """Every column naming a stored file; BackupError when a file field keeps files in a storage not backed up."""
    columns = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.local_concrete_fields:
            if isinstance(field, models.FileField):
                alias = alias_of(field.storage)
                if alias is None:
                    raise BackupError(
                        f"Trường {meta.label}.{field.name} lưu tệp vào một kho lưu trữ không có trong STORAGES "
                        "nên không sao lưu được. Hãy khai báo kho đó trong STORAGES.",
                        "config",
                    )
                columns.append(_column(model, field, alias))
    for app_config in apps.get_app_configs():
        for alias, specs in getattr(app_config, "stored_file_fields", {}).items():
            if alias not in storage_aliases():
                raise BackupError(f"Ứng dụng {app_config.label} khai báo kho lưu trữ “{alias}” không có.", "config")
            for spec in specs:
                model_name, field_name = spec.split(".")
                model = app_config.get_model(model_name)
                columns.append(_column(model, model._meta.get_field(field_name), alias))
    return columns


def _column(model, field, alias: str) -> ReferenceColumn:
    meta = model._meta
    return ReferenceColumn(
        label=f"{meta.label}.{field.name}",
        table=meta.db_table,
        pk_column=meta.pk.column,
        column=field.column,
        alias=alias,
    )


def walk(storage, folder: str = "") -> Iterator[str]:
    """Every file name under ``folder``, sorted; folders that vanish while walked are skipped."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from walk(storage, posixpath.join(folder, name) if folder else name)


def first_files(alias: str, limit: int = 3) -> list[str]:
    found = []
    for name in walk(storages[alias]):
        found.append(name)
        if len(found) >= limit:
            break
    return found
