"""The category select of the search form: live sections (the portal's categories) in tree order (one narrow query)."""

from dataclasses import dataclass

from skhcn.core.search_sources import page_index


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
    rows = page_index().sections().order_by("path").values_list("id", "title", "path", "depth")
    return [CategoryOption(*row) for row in rows]
