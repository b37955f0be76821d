from django.urls import path

from . import views
from .feeds import RegistryFeed
from .registry import REGISTRIES

app_name = "registries"

urlpatterns = [
    path("", views.index, name="index"),
    path("tong-hop-ho-tro/", views.support_totals, name="support_totals"),
]
for _registry in REGISTRIES.values():
    urlpatterns += [
        path(f"{_registry.slug}/", views.registry_list, {"key": _registry.key}, name=f"{_registry.key}_list"),
        path(
            f"{_registry.slug}/<str:code>/",
            views.registry_detail,
            {"key": _registry.key},
            name=f"{_registry.key}_detail",
        ),
        path(f"rss/{_registry.slug}/", RegistryFeed(_registry.key), name=f"{_registry.key}_feed"),
    ]
