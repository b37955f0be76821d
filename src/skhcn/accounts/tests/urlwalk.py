"""Every URL pattern of the project as one concrete path (path parameters filled with plausible values).

Shared by the walks over the whole URLconf: the two-factor gate (test_two_factor_gate) and the permission table
(tests/integration/test_url_permissions.py). A URL added later is covered without touching either.
"""

import re
import string
from functools import cache

from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RoutePattern
from hypothesis import Phase, find
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

SAMPLES = {
    IntConverter: "1",
    StringConverter: "abc",
    SlugConverter: "abc-1",
    PathConverter: "abc/def",
    UUIDConverter: "12345678-1234-5678-1234-567812345678",
}
ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


URL_CHARACTERS = string.ascii_lowercase + string.digits + "/-._"
FIRST_EXAMPLE = hypothesis_settings(database=None, derandomize=True, phases=[Phase.generate])


def _shortest_match(regex: str) -> str:
    """A string of URL characters the regex matches in full (hypothesis' first example: small and repeatable)."""
    return find(st.from_regex(regex, fullmatch=True, alphabet=URL_CHARACTERS), lambda _: True, settings=FIRST_EXAMPLE)


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):

        def value(match):
            converter = pattern.converters[match.group("name")]
            return SAMPLES.get(type(converter)) or _shortest_match(converter.regex)

        return ROUTE_PARAMETER.sub(value, str(pattern))
    return _shortest_match(pattern.regex.pattern.lstrip("^").removesuffix("$") or "")


@cache
def all_paths() -> tuple[str, ...]:
    """One concrete path per URL pattern of the project (URLconf walked recursively)."""
    paths = set()

    def walk(patterns, prefix):
        for entry in patterns:
            path = prefix + _sample(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, path)
            else:
                paths.add(path)

    walk(get_resolver().url_patterns, "/")
    return tuple(sorted(paths))
