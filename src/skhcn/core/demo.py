"""Demo data, registered by each app: ``manage.py load_demo`` runs the loaders in their order.

``core`` knows no feature app: an app registers its loader with ``@demo_loader`` in its demo module (imported by its
``AppConfig.ready``). A loader gets the command's output and ``if_empty`` (``load_demo --if-empty``, what ``make run``
does: skip the app's demo when it has data already) and writes what it did; running it again creates no duplicates.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True)
class DemoLoader:
    name: str
    order: int  # lower first: pages before the records that link to them, accounts (and their logins) last
    load: Callable[[TextIO, bool], None]


_registry: dict[str, DemoLoader] = {}


def demo_loader(name: str, order: int):
    """Register ``func(stdout, if_empty)`` as the demo loader ``name``."""

    def register(func: Callable[[TextIO, bool], None]) -> Callable[[TextIO, bool], None]:
        _registry[name] = DemoLoader(name, order, func)
        return func

    return register


def registered() -> list[DemoLoader]:
    return sorted(_registry.values(), key=lambda loader: loader.order)
