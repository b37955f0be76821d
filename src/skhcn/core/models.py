from django.db import models


class ContentGeneration(models.Model):
    """A single counter that editors' changes bump; rendered-page caches in every process key on it."""

    value = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thế hệ nội dung"

    def __str__(self):
        return str(self.value)


class AppendOnlyError(TypeError, ValueError):
    """A history row was about to be changed. Both a TypeError and a ValueError: callers were written against
    either (dossier and shipment histories raised the first, the payment log the second)."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} is append-only.")


class AppendOnlyModel(models.Model):
    """A history: rows are added, never changed (``save`` of a stored row and queryset ``update`` refuse)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)
