from django.utils.html import escape

from skhcn.core.fragments import provider

from .services import totals


@provider("rating", same_for_everyone=True)
def rating_line(request, arg: str) -> str:
    if not arg.isdigit():
        return ""
    return escape(totals(int(arg)).line)
