from django import forms
from django.conf import settings
from django.db.models.functions import ExtractYear

from skhcn.core import generation
from skhcn.core.localcache import TTLCache
from skhcn.search.forms import QueryField

from .registry import Registry


class Messages:
    QUERY_TOO_LONG = "Từ khóa quá dài (tối đa {limit} ký tự)."
    CHOICE_UNKNOWN = "Lựa chọn “{label}” không hợp lệ, đang hiện tất cả."
    PAGE_INVALID = "Số trang không hợp lệ, đang hiện trang 1."
    PAGE_PAST_END = "Không có trang {requested}, đang hiện trang cuối ({number})."


_years = TTLCache(max_entries=64)


def years_in_use(registry: Registry, lookup: str) -> list[int]:
    """Distinct years of the public records (newest first), for the year filter. It scans the table, so the answer
    is kept per process until the content generation changes (every save of a record bumps it)."""
    key = (registry.key, lookup, generation.current())
    cached = _years.get(key)
    if cached is None:
        cached = _distinct_years(registry, lookup)
        _years.set(key, cached, ttl=3600)
    return cached


def _distinct_years(registry: Registry, lookup: str) -> list[int]:
    queryset = registry.model.objects.filter(is_public=True).order_by()
    if lookup.endswith("__year"):
        name = lookup.removesuffix("__year")
        values = queryset.exclude(**{f"{name}__isnull": True}).annotate(y=ExtractYear(name)).values_list("y", flat=True)
    else:
        values = queryset.exclude(**{f"{lookup}__isnull": True}).values_list(lookup, flat=True)
    return sorted({value for value in values.distinct() if value}, reverse=True)


class RegistryFilterForm(forms.Form):
    """The public list's search box and one select per filter of the registry; invalid values are dropped."""

    q = QueryField(
        label="Từ khóa",
        required=False,
        max_length=settings.SEARCH_MAX_QUERY_LENGTH,
        error_messages={"max_length": Messages.QUERY_TOO_LONG.format(limit=settings.SEARCH_MAX_QUERY_LENGTH)},
        widget=forms.TextInput(attrs={"type": "search", "maxlength": settings.SEARCH_MAX_QUERY_LENGTH}),
    )

    def __init__(self, registry: Registry, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.registry = registry
        self.fields["q"].label = registry.query_label
        for spec in registry.filters:
            if spec.choices is not None:
                choices = list(spec.choices.choices)
            else:
                choices = [(str(year), str(year)) for year in years_in_use(registry, spec.lookup)]
            self.fields[spec.param] = forms.ChoiceField(
                label=spec.label,
                required=False,
                choices=[("", spec.all_label)] + choices,
                error_messages={"invalid_choice": Messages.CHOICE_UNKNOWN.format(label=spec.label)},
            )

    @classmethod
    def params(cls, registry: Registry) -> list[str]:
        return ["q"] + [spec.param for spec in registry.filters]

    def criteria(self) -> dict:
        """{lookup: value} of the valid filters (an invalid one is dropped; its error shows beside the field)."""
        data = getattr(self, "cleaned_data", {})
        result = {}
        for spec in self.registry.filters:
            value = data.get(spec.param)
            if value:
                result[spec.lookup] = int(value) if spec.choices is None else value
        return result

    @property
    def query(self) -> str:
        return getattr(self, "cleaned_data", {}).get("q") or ""
