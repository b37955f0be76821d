from wagtail.admin.forms import WagtailAdminPageForm

from skhcn.core.text import vietnamese_slug


class PortalPageForm(WagtailAdminPageForm):
    """An empty slug is made from the title without diacritics ("Đẩy mạnh" -> "day-manh"), also without JavaScript."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = vietnamese_slug(cleaned["title"])
            self.instance.slug = cleaned["slug"]
            # Wagtail checks sibling uniqueness on the submitted slug; repeat it for the generated one.
            parent = self.parent_page
            siblings = parent.get_children() if parent else None
            if siblings is not None:
                if self.instance.pk:
                    siblings = siblings.exclude(pk=self.instance.pk)
                if siblings.filter(slug=cleaned["slug"]).exists():
                    self.add_error(
                        "slug", "Địa chỉ (slug) này đã được dùng trong cùng chuyên mục, hãy nhập địa chỉ khác."
                    )
        return cleaned
