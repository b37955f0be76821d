"""Work queues of the staff screens: which dossiers a staff member sees in each queue, filtered, searched and sorted.

``staff_queue(user, queue, filters)`` builds the queryset (nothing is evaluated); the view slices one page off it.
Designed for a million dossiers on PostgreSQL:

* every queue starts from the user's scope (``access``: all, their division, or their assigned dossiers) and a
  status set, which the composite indexes ``(status, due_at)``, ``(division, status, due_at)`` and
  ``(assignee, status, due_at)`` serve, already in the default order (due time ascending, nulls last);
* ``.only()`` the columns a row shows, the procedure's name and code joined (``select_related``);
* no ``COUNT(*)``: the view fetches one row more than a page to know whether a next page exists, and counts at most
  ``COUNT_CAP`` rows (``capped_count``) to say "1.234 hồ sơ" or "hơn 1.000 hồ sơ".

Search (``q``) picks one matching strategy by the shape of the query, so that most searches stay on indexed or
selective columns: a dossier code (``UPPER(code)`` index), digits (phone or ID number, normalised as on the public
tracking page), or text — the applicant name ``icontains`` (accent-sensitive: the dossier has no folded name column)
or the procedure's folded ``search_text`` (accent-insensitive through ``core.text.fold``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import user_roles
from skhcn.core.text import fold
from skhcn.deadlines import status as deadline
from skhcn.deadlines.calendar import TZ, add_working_days
from skhcn.deadlines.services import current_calendar
from skhcn.procedures.models import Procedure

from ..constants import CLOCK_RUNNING_STATES, Status
from ..documents.codes import normalise_code, normalise_id, normalise_phone
from ..intake import deadline as intake_deadline
from ..models import FILED_DUE, Dossier
from ..workflow.access import visible_dossiers, work_queue
from ..workflow.timing import local_midnight

PAGE_SIZE = 50
MAX_PROCEDURES = 200  # a catalogue has ~60; a search word matching more is not selective anyway
COUNT_CAP = 1000


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    description: str
    # Roles the menu shows it to (None: every staff role).
    roles: frozenset[str] | None = None


WAITING_FOR_APPLICANT = frozenset({Status.COMPLETION_REQUESTED, Status.SUPPLEMENT_REQUESTED, Status.AWAITING_FEE})

QUEUES: dict[str, Queue] = {
    q.slug: q
    for q in (
        Queue("can-xu-ly", "Cần xử lý", "Hồ sơ đang chờ xử lý theo vai trò của tài khoản."),
        Queue(
            "cho-phan-cong",
            "Chờ phân công",
            "Hồ sơ đã chuyển về phòng, chưa phân công chuyên viên thẩm định.",
            frozenset({StaffRole.DIVISION_HEAD, StaffRole.ADMINISTRATOR}),
        ),
        Queue("sap-den-han", "Sắp đến hạn", "Hồ sơ đang giải quyết, đến hạn trả kết quả trong thời gian tới."),
        Queue("qua-han", "Quá hạn", "Hồ sơ đang giải quyết đã quá hạn trả kết quả."),
        Queue(
            "cho-nguoi-nop",
            "Chờ người nộp",
            "Hồ sơ chờ người nộp bổ sung, hoàn thiện hoặc nộp phí, lệ phí.",
        ),
        Queue("tat-ca", "Tất cả", "Tất cả hồ sơ trong phạm vi được xem."),
    )
}

SORTS: dict[str, tuple[str, tuple]] = {
    "due": ("Hạn trả kết quả (sớm nhất trước)", (F("due_at").asc(nulls_last=True), "id")),
    "-due": ("Hạn trả kết quả (muộn nhất trước)", (F("due_at").desc(nulls_last=True), "-id")),
    "received": ("Ngày tiếp nhận (cũ nhất trước)", (F("received_at").asc(nulls_last=True), "id")),
    "-received": ("Ngày tiếp nhận (mới nhất trước)", (F("received_at").desc(nulls_last=True), "-id")),
    "code": ("Mã hồ sơ (A–Z)", ("code", "id")),
    "-code": ("Mã hồ sơ (Z–A)", ("-code", "-id")),
}
DEFAULT_SORT = "due"

# What a queue row shows (and the version, for the bulk assignment's expected_version).
ROW_FIELDS = (
    "id",
    "code",
    "status",
    "channel",
    "applicant_name",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "division_id",
    "assignee_id",
    "version",
    "procedure__name",
    "procedure__code",
)

_CODE = re.compile(r"^[0-9A-Za-z.]+-\d{6}-\d+$")
_DIGITS = re.compile(r"^[+\d][\d\s.\-]{5,}$")


def queues_for(user) -> list[Queue]:
    roles = user_roles(user)
    return [q for q in QUEUES.values() if q.roles is None or roles & q.roles]


def due_soon_before(now: datetime | None = None) -> datetime:
    """Dossiers due before this moment (and not yet overdue) are "due soon" or due today, as
    ``deadlines.status.deadline_status`` says: at most N working days between today and the due day."""

    now = now or timezone.now()
    days = settings.DEADLINE_DUE_SOON_WORKING_DAYS
    today = now.astimezone(TZ).date()
    return local_midnight(add_working_days(current_calendar(), today, days + 1))


def _base(user, queue: str) -> QuerySet[Dossier]:
    now = timezone.now()
    if queue == "can-xu-ly":
        return work_queue(user)
    visible = visible_dossiers(user)
    if queue == "cho-phan-cong":
        return visible.filter(status=Status.TRANSFERRED)
    if queue == "sap-den-han":
        return visible.filter(status__in=CLOCK_RUNNING_STATES, due_at__gte=now, due_at__lt=due_soon_before(now))
    if queue == "qua-han":
        return visible.filter(status__in=CLOCK_RUNNING_STATES, due_at__lt=now)
    if queue == "cho-nguoi-nop":
        return visible.filter(status__in=WAITING_FOR_APPLICANT)
    if queue == "tat-ca":
        # Every filed dossier has a code; saying so lets PostgreSQL walk the partial (due_at, id) index in order.
        return visible.filter(code__isnull=False)
    raise KeyError(queue)


def _pk(value):
    return getattr(value, "pk", value)


def search_condition(query: str) -> Q | None:
    """The condition for a search box value (module docstring); None for a blank query."""

    query = (query or "").strip()
    if not query:
        return None
    if _CODE.match(query.replace(" ", "")):
        return Q(code__iexact=normalise_code(query))
    if _DIGITS.match(query):
        phone, id_number = normalise_phone(query), normalise_id(query)
        return Q(lookup_phone=phone) | Q(lookup_id_number=id_number) | Q(code__icontains=query)
    # Every branch is indexed on PostgreSQL (trigram indexes on UPPER(name) and UPPER(code), the procedure foreign
    # key, the normalised ID number), so the OR becomes a bitmap OR instead of a scan of every dossier.
    procedure_ids = list(
        Procedure.objects.filter(search_text__icontains=fold(query)).values_list("id", flat=True)[:MAX_PROCEDURES]
    )
    return (
        Q(applicant_name__icontains=query)
        | Q(procedure_id__in=procedure_ids)
        | Q(code__icontains=query)
        | Q(lookup_id_number=normalise_id(query))
    )


def staff_queue(user, queue: str, filters: Mapping | None = None) -> QuerySet[Dossier]:
    """The dossiers of ``queue`` (a ``QUEUES`` slug) for ``user``, filtered and sorted; KeyError for an unknown queue.

    ``filters`` (all optional; model instances or primary keys): ``procedure``, ``field`` (procedure field),
    ``division``, ``status``, ``channel``, ``received_from`` / ``received_to`` (``datetime.date``, inclusive, Vietnam
    time), ``q`` (search), ``sort`` (a ``SORTS`` key, default "due": soonest due first, so overdue ones lead).
    """
    filters = filters or {}
    qs = _base(user, queue)
    if value := filters.get("procedure"):
        qs = qs.filter(procedure_id=_pk(value))
    if value := filters.get("field"):
        qs = qs.filter(procedure__field_id=_pk(value))
    if value := filters.get("division"):
        qs = qs.filter(division_id=_pk(value))
    if value := filters.get("status"):
        qs = qs.filter(status=value)
    if value := filters.get("channel"):
        qs = qs.filter(channel=value)
    if value := filters.get("received_from"):
        qs = qs.filter(received_at__gte=local_midnight(value))
        if queue == "tat-ca":
            # Implied (a due time never precedes the receipt; no due time sorts as FILED_DUE_NULL) but it lets the
            # due-ordered index start at the range instead of walking every older dossier.
            qs = qs.alias(filed_due=FILED_DUE).filter(filed_due__gte=local_midnight(value))
    if value := filters.get("received_to"):
        qs = qs.filter(received_at__lt=local_midnight(value + timedelta(days=1)))
    if (condition := search_condition(filters.get("q") or "")) is not None:
        qs = qs.filter(condition)
    sort = filters.get("sort") or DEFAULT_SORT
    ordering = SORTS.get(sort, SORTS[DEFAULT_SORT])[1]
    if queue == "tat-ca" and sort == DEFAULT_SORT and not filters.get("status"):
        # The same order, spelled as the "dossier_filed_due" index is; with a status filter the (status, due_at)
        # index already gives it.
        ordering = (FILED_DUE, "id")
    return qs.select_related("procedure").only(*ROW_FIELDS).order_by(*ordering)


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most ``cap`` + 1 rows (``SELECT COUNT(*) FROM (... LIMIT cap+1)``)."""
    count = qs.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(qs: QuerySet, number: int, size: int = PAGE_SIZE) -> Page:
    """One page by OFFSET/LIMIT, fetching one extra row to know whether a next page exists (no COUNT)."""
    number = max(1, number)
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    return Page(rows=rows[:size], number=number, has_next=len(rows) > size)


def page_and_count(qs: QuerySet, number: int, size: int = PAGE_SIZE, *, searching: bool = False):
    """(page, count, capped) for a queue view.

    A search runs its matching (trigram and bitmap scans on PostgreSQL) once: the ordered ids of up to
    ``COUNT_CAP`` + 1 matches give both the count and the page, whose rows are then fetched by primary key.
    Without a search, the page is one indexed LIMIT query and the count a capped one, skipped when the whole result
    fits the first page."""
    number = max(1, number)
    offset = (number - 1) * size
    if searching and offset + size < COUNT_CAP:
        ids = list(qs.values_list("id", flat=True)[: COUNT_CAP + 1])
        page_ids = ids[offset : offset + size + 1]
        by_id = {row.pk: row for row in qs.order_by().filter(pk__in=page_ids[:size])}
        page = Page(
            rows=[by_id[pk] for pk in page_ids[:size] if pk in by_id], number=number, has_next=len(page_ids) > size
        )
        return page, min(len(ids), COUNT_CAP), len(ids) > COUNT_CAP
    page = page_of(qs, number, size)
    if number == 1 and not page.has_next:
        return page, len(page.rows), False  # the whole result is on this page: no count query
    count, capped = capped_count(qs)
    return page, count, capped


@dataclass(frozen=True)
class Badge:
    key: str
    label: str


PAUSED_BADGE = Badge("paused", "Tạm dừng tính thời hạn")


def deadline_badge(dossier, now: datetime | None = None) -> Badge | None:
    """The derived deadline status of a row (``deadlines.status``) with its text; None before the clock starts and
    for dossiers ended without a result (withdrawn, stopped, refused at intake). An online dossier awaiting intake:
    its intake deadline's status ("Sắp đến hạn tiếp nhận", "Quá hạn tiếp nhận"; ``intake.deadline``)."""

    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return PAUSED_BADGE
    if intake_deadline.awaits_intake(dossier):
        # Online dossier awaiting intake: its intake deadline (``intake.deadline``), no result deadline yet.
        due = intake_deadline.due_at(dossier)
        if due is None:
            return None
        key = intake_deadline.state(now or timezone.now(), due)
        return Badge(key, intake_deadline.LABELS[key])
    if dossier.due_at is None:
        return None
    if dossier.finished_at is None and dossier.status not in CLOCK_RUNNING_STATES:
        return None
    key = deadline.deadline_status(now or timezone.now(), dossier.due_at, dossier.finished_at)
    return Badge(key, deadline.label(key))
