"""Pages of the public filtered lists (procedure catalogue, S&T registries): the ``page`` parameter read strictly,
with a notice when it is not a page number or lies past the end, and the query string the page links keep."""

import re
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator

PAGE_RE = re.compile(r"[1-9][0-9]{0,5}")


def page_with_notices(paginator: Paginator, raw_page: str, messages) -> tuple[Page, list[str]]:
    """The page asked for (the first one when ``raw_page`` is blank or not a number, the last one when past the end)
    and the notices saying so; ``messages`` has ``PAGE_INVALID`` and ``PAGE_PAST_END`` (with ``{requested}`` and
    ``{number}``)."""
    notices = []
    requested = 1
    if raw_page and PAGE_RE.fullmatch(raw_page):
        requested = int(raw_page)
    elif raw_page:
        notices.append(messages.PAGE_INVALID)
    page = paginator.get_page(requested)
    if page.number != requested:
        notices.append(messages.PAGE_PAST_END.format(requested=requested, number=page.number))
    return page, notices


def filter_query_string(data: dict[str, str], form) -> str:
    """The filter parameters the page links keep: those given, less the ones the form rejected."""
    return urlencode({name: value for name, value in data.items() if value and name not in form.errors})
