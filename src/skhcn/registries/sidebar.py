"""Portal sidebar blocks that show a registry (``SidebarKind`` values starting with ``reg_``)."""

from .constants import PublicationKind
from .registry import REGISTRIES

# sidebar kind -> (registry key, extra filter)
KINDS = {
    "reg_tasks": ("task", {}),
    "reg_enterprises": ("enterprise", {}),
    "reg_ip": ("ip", {}),
    "reg_support": ("support", {}),
    "reg_yearbooks": ("publication", {"kind": PublicationKind.YEARBOOK}),
    "reg_publications": ("publication", {"kind": PublicationKind.PUBLICATION}),
    "reg_films": ("film", {}),
}


def sidebar_context(block) -> dict:
    key, extra = KINDS.get(block.kind, (None, {}))
    if key is None:
        return {"block": block, "records": [], "registry": None}
    registry = REGISTRIES[key]
    count = max(1, min(block.item_count or 5, 20))
    ordering = ["-created_at", "-pk"] if key in ("film", "task", "enterprise", "ip") else None
    records = registry.public().filter(**extra)
    if ordering:
        records = records.order_by(*ordering)
    records = list(records[:count])
    more_url_query = ""
    if "kind" in extra:
        more_url_query = f"?loai={extra['kind']}"
    return {
        "block": block,
        "registry": registry,
        "records": records,
        "featured": records[0] if key == "film" and records else None,
        "more_query": more_url_query,
    }
