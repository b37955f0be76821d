from django.db import models


class ContentGeneration(models.Model):
    """A single counter that editors' changes bump; rendered-page caches in every process key on it."""

    value = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thế hệ nội dung"

    def __str__(self):
        return str(self.value)
