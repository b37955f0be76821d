"""Registry changes show at once on cached pages (the sidebar blocks and the public lists): bump the content
generation on every save and delete; a publication whose PDF changed gets its text read again."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from skhcn.core import generation

from . import models, services

WATCHED = (
    models.ScienceTask,
    models.TaskReport,
    models.TaskArticleLink,
    models.ScienceEnterprise,
    models.IntellectualProperty,
    models.IPArticleLink,
    models.SupportGrant,
    models.Publication,
    models.Film,
)


def _changed(sender, **kwargs):
    generation.bump()


for model in WATCHED:
    post_save.connect(_changed, sender=model, dispatch_uid=f"registries-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"registries-delete-{model.__name__}")


@receiver(post_save, sender=models.Publication, dispatch_uid="registries-publication-text")
def _publication_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.queue_text_extraction(instance)
