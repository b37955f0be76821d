"""The category select of the search form: live categories in tree order (one narrow query)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryOption:
    id: int
    title: str
    path: str
    depth: int

    @property
    def label(self) -> str:
        # HomePage is at depth 2, first-level categories at 3: indent the deeper ones.
        return "— " * max(0, self.depth - 3) + self.title


def options() -> list[CategoryOption]:
    from skhcn.portal.models import CategoryPage

    rows = CategoryPage.objects.live().order_by("path").values_list("id", "title", "path", "depth")
    return [CategoryOption(*row) for row in rows]
