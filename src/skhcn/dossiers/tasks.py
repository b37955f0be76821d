import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from skhcn.accounts.models import StaffProfile
from skhcn.core.jobs import periodic
from skhcn.deadlines import status as deadline
from skhcn.deadlines.services import current_calendar

from . import notify
from .constants import Status
from .documents.receipt import local_date, local_datetime
from .intake import deadline as intake_deadline
from .models import DailyJobRun
from .workflow.access import work_queue

logger = logging.getLogger(__name__)


# --- daily reminders to staff ----------------------------------------------------------------------------------------
REMINDER_JOB = "due_reminders"


def reminder_groups(user, now=None) -> dict[str, list]:
    """The staff member's queue split into "overdue" and "due_soon" (due today counts as due soon here), soonest
    first; dossiers whose deadline is further away, or not running, are left out. Online dossiers awaiting intake
    (one-stop officers) count with their intake deadline (``intake.deadline``): they carry ``intake_due_at``."""

    now = now or timezone.now()
    cal = current_calendar()
    days = settings.DEADLINE_DUE_SOON_WORKING_DAYS
    groups: dict[str, list] = {"overdue": [], "due_soon": []}
    # A paused dossier (supplement requested) has no running deadline: nothing to remind.
    queue = work_queue(user).exclude(due_at=None).exclude(status=Status.SUPPLEMENT_REQUESTED)
    for dossier in queue.select_related("procedure"):
        state = deadline.deadline_status(now, dossier.due_at, dossier.finished_at, due_soon_working_days=days, cal=cal)
        if state == deadline.OVERDUE:
            groups["overdue"].append(dossier)
        elif state in (deadline.ON_TIME, deadline.DUE_SOON):
            groups["due_soon"].append(dossier)
    waiting = intake_deadline.attach(intake_deadline.awaiting_intake(work_queue(user)).select_related("procedure"), cal)
    for dossier in waiting:
        if dossier.intake_due_at is None:
            continue
        state = intake_deadline.state(now, dossier.intake_due_at, cal, soon_hours=intake_deadline.REMINDER_HOURS)
        if state == intake_deadline.OVERDUE:
            groups["overdue"].append(dossier)
        elif state == intake_deadline.DUE_SOON:
            groups["due_soon"].append(dossier)
    for dossiers in groups.values():
        dossiers.sort(key=lambda d: (_reminder_due(d), d.pk))
    return groups


def _reminder_due(dossier):
    return getattr(dossier, intake_deadline.ATTRIBUTE, None) or dossier.due_at


def _due_text(dossier) -> str:
    if intake_due := getattr(dossier, intake_deadline.ATTRIBUTE, None):
        return f"tiếp nhận {local_datetime(intake_due)}"
    return local_date(dossier.due_at)


@task()
def send_due_reminders() -> int:
    """Tell each active staff member which dossiers of their queue are overdue or due soon (one digest, with links
    to the staff screen; in the admin's "Thông báo" and by e-mail). Returns the number of digests; a failure for one
    person is logged and does not stop the others."""

    now = timezone.now()
    sent = 0
    staff_ids = set(StaffProfile.objects.values_list("user_id", flat=True))
    users = get_user_model().objects.filter(is_active=True)
    for user in users.filter(pk__in=staff_ids).order_by("pk"):
        groups = reminder_groups(user, now)
        if not groups["overdue"] and not groups["due_soon"]:
            continue
        rows = {
            name: [
                {
                    "code": d.code,
                    "procedure": d.procedure.name,
                    "applicant": d.applicant_name,
                    "due": _due_text(d),
                    "status": d.get_status_display(),
                    "url": notify.staff_dossier_url(d),
                }
                for d in dossiers
            ]
            for name, dossiers in groups.items()
        }
        if notify.due_reminder(user, local_date(now), rows):
            sent += 1
    return sent


def claim_daily_run(job: str, day) -> bool:
    """True for exactly one caller per (job, day), across processes: the unique row is the lock."""

    try:
        with transaction.atomic():
            DailyJobRun.objects.create(job=job, day=day)
    except IntegrityError:
        return False
    return True


@periodic("dossiers.due_reminders", every=60)
def maybe_enqueue_due_reminders(now=None) -> bool:
    """Called by ``run_scheduler`` on every loop: once the local time reaches ``DOSSIER_REMINDER_HOUR`` (default 7),
    queue today's reminders, once per day however many schedulers run. True when this call queued them."""

    local = timezone.localtime(now or timezone.now())
    if local.hour < settings.DOSSIER_REMINDER_HOUR:
        return False

    # A plain read first: the insert below fails (and is logged by PostgreSQL) on every later loop of the day.
    if DailyJobRun.objects.filter(job=REMINDER_JOB, day=local.date()).exists():
        return False
    if not claim_daily_run(REMINDER_JOB, local.date()):
        return False
    try:
        send_due_reminders.enqueue()
    except Exception:
        logger.exception("Could not queue the due reminders of %s", local.date())
    return True
