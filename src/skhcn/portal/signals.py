from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published, post_page_move

from skhcn.core import generation

from .models import ArticlePage, PortalSettings, SidebarBlock, SidebarItem


@receiver(page_published, sender=ArticlePage)
def _stamp_publication_time(sender, instance, **kwargs):
    # An article published without an explicit date shows the moment it went live.
    if instance.published_at is None:
        when = instance.go_live_at or instance.first_published_at or timezone.now()
        ArticlePage.objects.filter(pk=instance.pk, published_at__isnull=True).update(published_at=when)
        instance.published_at = when


@receiver(post_save, sender=SidebarBlock)
@receiver(post_delete, sender=SidebarBlock)
@receiver(post_save, sender=SidebarItem)
@receiver(post_delete, sender=SidebarItem)
@receiver(post_save, sender=PortalSettings)
def _chrome_changed(sender, **kwargs):
    generation.bump()


@receiver(post_page_move)
def _follow_moved_article(sender, instance, parent_page_after, **kwargs):
    ArticlePage.objects.filter(pk=instance.pk).update(category_id=parent_page_after.id)
