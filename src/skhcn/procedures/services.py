"""Catalogue queries: the public list's filters, accent-insensitive search and the summary line."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Length

from skhcn.core.text import fold
from skhcn.search import matching

from .constants import OnlineLevel
from .models import Procedure, ProcedureField

# Values of the "buu_chinh" filter.
POSTAL_ANY = "co"
POSTAL_SUBMISSION = "nhan"
POSTAL_RETURN = "tra"
POSTAL_NONE = "khong"
POSTAL_CHOICES = [
    (POSTAL_ANY, "Có thể qua bưu chính"),
    (POSTAL_SUBMISSION, "Nhận hồ sơ qua bưu chính"),
    (POSTAL_RETURN, "Trả kết quả qua bưu chính"),
    (POSTAL_NONE, "Không qua bưu chính"),
]
MAX_SEARCH_WORDS = 12
# ``search_text`` starts with the folded name and code (``Procedure.build_search_text``): the part searched as title.
TITLE_LENGTH = Length("name") + Value(1) + Length("code")


@dataclass(frozen=True)
class Summary:
    total: int
    full_online: int
    partial_online: int
    by_post: int

    def __str__(self) -> str:
        return f"{self.total} thủ tục · {self.full_online} trực tuyến toàn trình · {self.by_post} qua bưu chính"


def active_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_active=True).select_related("field")


def fields_in_use() -> QuerySet[ProcedureField]:
    """Fields that have at least one active procedure (the list's filter options)."""
    return ProcedureField.objects.filter(procedures__is_active=True).distinct()


def summary() -> Summary:
    """Counts of the active catalogue, computed from the data (never hard-coded)."""
    counts = Procedure.objects.filter(is_active=True).aggregate(
        total=Count("pk"),
        full_online=Count("pk", filter=Q(online_level=OnlineLevel.FULL)),
        partial_online=Count("pk", filter=Q(online_level=OnlineLevel.PARTIAL)),
        by_post=Count("pk", filter=Q(post_submission=True) | Q(post_return=True)),
    )
    return Summary(**counts)


def search_words(query: str) -> list[str]:
    """Folded words of a free-text query ("Cấp GIẤY đăng ký" -> ["cap", "giay", "dang", "ky"])."""
    words = [word for word in fold(query).split() if word]
    return list(dict.fromkeys(words))[:MAX_SEARCH_WORDS]


def filter_catalogue(
    *,
    query: str = "",
    field: ProcedureField | None = None,
    online_level: str = "",
    postal: str = "",
) -> QuerySet[Procedure]:
    procedures = matching.filter_words(active_procedures(), query)
    if field is not None:
        procedures = procedures.filter(field=field)
    if online_level:
        procedures = procedures.filter(online_level=online_level)
    if postal == POSTAL_ANY:
        procedures = procedures.filter(Q(post_submission=True) | Q(post_return=True))
    elif postal == POSTAL_SUBMISSION:
        procedures = procedures.filter(post_submission=True)
    elif postal == POSTAL_RETURN:
        procedures = procedures.filter(post_return=True)
    elif postal == POSTAL_NONE:
        procedures = procedures.filter(post_submission=False, post_return=False)
    return matching.title_first(procedures, query, TITLE_LENGTH)


def get_active(code: str) -> Procedure | None:
    return active_procedures().prefetch_related("documents").filter(code=code).first() if len(code) <= 40 else None
