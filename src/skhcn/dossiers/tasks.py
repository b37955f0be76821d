import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

from .models import Dossier
from .receipt import applicant_receipt, local_date, local_datetime, receipt_filename, render_receipt, tracking_url

logger = logging.getLogger(__name__)


@task()
def send_submission_email(dossier_id: int) -> bool:
    """Tell the applicant the dossier arrived, with the receipt attached. Failures are logged, then re-raised so the
    task backend records them; the dossier itself was committed before this runs."""
    try:
        dossier = Dossier.objects.select_related("procedure").get(pk=dossier_id)
        if not dossier.applicant_email:
            return False
        context = {
            "dossier": dossier,
            "procedure": dossier.procedure,
            "submitted": local_datetime(dossier.submitted_at),
            "expected": local_date(dossier.expected_return_at),
            "tracking_url": tracking_url(dossier.code),
            "agency_name": settings.AGENCY_NAME,
        }
        message = EmailMultiAlternatives(
            subject=f"Đã nhận hồ sơ trực tuyến {dossier.code}",
            body=render_to_string("dossiers/email/submitted.txt", context),
            to=[dossier.applicant_email],
        )
        message.attach_alternative(render_to_string("dossiers/email/submitted.html", context), "text/html")
        message.attach(receipt_filename(dossier), render_receipt(dossier), "application/pdf")
        message.send()
    except Exception:
        logger.exception("Submission e-mail of dossier %s failed", dossier_id)
        raise
    return True


# --- staff workflow: e-mails to the applicant ------------------------------------------------------------------------
# kind -> (subject, lead paragraph, heading of the officer's comment or "" to leave it out)
WORKFLOW_EMAILS: dict[str, tuple[str, str, str]] = {
    "received": (
        "Hồ sơ {code} đã được tiếp nhận",
        "{agency} đã tiếp nhận hồ sơ của Ông/Bà. Giấy tiếp nhận hồ sơ và hẹn trả kết quả được đính kèm thư này.",
        "",
    ),
    "fee_requested": (
        "Hồ sơ {code}: đề nghị nộp phí, lệ phí",
        "{agency} đã tiếp nhận hồ sơ của Ông/Bà. Thời hạn giải quyết được tính từ khi Ông/Bà nộp phí, lệ phí "
        "theo quy định ({fee}).",
        "",
    ),
    "completion_requested": (
        "Hồ sơ {code}: yêu cầu bổ sung, hoàn thiện",
        "Hồ sơ của Ông/Bà chưa đủ điều kiện tiếp nhận. Vui lòng bổ sung, hoàn thiện theo nội dung dưới đây, "
        "tải tài liệu lên trang hồ sơ và bấm “Đã bổ sung hồ sơ”.",
        "Nội dung cần bổ sung, hoàn thiện",
    ),
    "refused_at_intake": (
        "Hồ sơ {code}: từ chối tiếp nhận",
        "{agency} từ chối tiếp nhận hồ sơ của Ông/Bà vì lý do dưới đây.",
        "Lý do",
    ),
    "supplement_requested": (
        "Hồ sơ {code}: yêu cầu bổ sung hồ sơ",
        "Trong quá trình giải quyết, hồ sơ của Ông/Bà cần được bổ sung theo nội dung dưới đây. Thời hạn giải quyết "
        "tạm dừng cho đến khi Ông/Bà bổ sung. Vui lòng tải tài liệu lên trang hồ sơ và bấm “Đã bổ sung hồ sơ”.",
        "Nội dung cần bổ sung",
    ),
    "result_ready": (
        "Hồ sơ {code} đã có kết quả",
        "Hồ sơ của Ông/Bà đã có kết quả giải quyết. Kết quả sẽ được trả theo hình thức Ông/Bà đã chọn: {receive}.",
        "",
    ),
    "result_returned": (
        "Hồ sơ {code}: đã trả kết quả",
        "{agency} đã trả kết quả giải quyết hồ sơ của Ông/Bà ({method}).",
        "",
    ),
    "apology": (
        "Hồ sơ {code}: thư xin lỗi và hẹn lại ngày trả kết quả",
        "{agency} thành thật xin lỗi Ông/Bà vì hồ sơ chưa thể giải quyết đúng hẹn. "
        "Ngày hẹn trả ban đầu: {old_due}. Ngày hẹn trả mới: {new_due}.",
        "Lý do",
    ),
    "refused": (
        "Hồ sơ {code}: từ chối giải quyết",
        "Sau khi xem xét, {agency} từ chối giải quyết hồ sơ của Ông/Bà vì lý do dưới đây.",
        "Lý do",
    ),
    "stopped": (
        "Hồ sơ {code}: dừng xử lý",
        "{agency} thông báo dừng xử lý hồ sơ của Ông/Bà vì lý do dưới đây.",
        "Lý do",
    ),
}


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _date_text(iso: str | None) -> str:
    from datetime import datetime

    return local_date(datetime.fromisoformat(iso)) if iso else ""


def workflow_email_context(event) -> dict:
    from django.urls import reverse

    from .constants import ReceiveMethod
    from .receipt import fee_text, receive_text

    dossier = event.dossier
    kind = event.details.get("notify", "")
    subject, lead, comment_heading = WORKFLOW_EMAILS[kind]
    method = event.details.get("method", "")
    values = {
        "code": dossier.code,
        "agency": settings.AGENCY_NAME,
        "fee": fee_text(dossier.procedure),
        "receive": receive_text(dossier) or "theo đăng ký",
        "method": ReceiveMethod(method).label if method in ReceiveMethod.values else "",
        "old_due": _date_text(event.details.get("old_due")),
        "new_due": _date_text(event.details.get("new_due")),
    }
    page_url = _base_url() + reverse("dossiers:edit", kwargs={"pk": dossier.pk})
    lines = [("Mã hồ sơ", dossier.code), ("Thủ tục", f"{dossier.procedure.name} (mã {dossier.procedure.code})")]
    if kind == "received" and dossier.due_at:
        lines.append(("Ngày hẹn trả kết quả", local_date(dossier.due_at)))
    if dossier.result_number and kind in ("result_ready", "result_returned"):
        lines.append(("Số kết quả", dossier.result_number))
    online_result = kind == "result_returned" and method == ReceiveMethod.ONLINE
    return {
        "dossier": dossier,
        "subject": subject.format(**values),
        "lead": lead.format(**values),
        "comment_heading": comment_heading,
        "comment": event.comment if comment_heading else "",
        "lines": lines,
        "page_url": page_url,
        "result_url": _base_url() + reverse("dossiers:result", kwargs={"pk": dossier.pk}) if online_result else "",
        "tracking_url": tracking_url(dossier.code),
        "agency_name": settings.AGENCY_NAME,
    }


@task()
def send_workflow_email(event_id: int) -> bool:
    """The applicant's e-mail for one workflow event (``DossierEvent.details["notify"]`` names the kind). Runs after
    commit; a failure is logged and re-raised for the task backend, the dossier is not affected."""
    from .models import DossierEvent

    try:
        event = DossierEvent.objects.select_related("dossier__procedure").get(pk=event_id)
        dossier = event.dossier
        if not dossier.applicant_email or event.details.get("notify") not in WORKFLOW_EMAILS:
            return False
        context = workflow_email_context(event)
        message = EmailMultiAlternatives(
            subject=context["subject"],
            body=render_to_string("dossiers/email/workflow.txt", context),
            to=[dossier.applicant_email],
        )
        message.attach_alternative(render_to_string("dossiers/email/workflow.html", context), "text/html")
        if event.details["notify"] == "received":
            content, filename = applicant_receipt(dossier)
            message.attach(filename, content, "application/pdf")
        message.send()
    except Exception:
        logger.exception("Workflow e-mail of event %s failed", event_id)
        raise
    return True


# --- daily reminders to staff ----------------------------------------------------------------------------------------
REMINDER_JOB = "due_reminders"


def reminder_groups(user, now=None) -> dict[str, list]:
    """The staff member's queue split into "overdue" and "due_soon" (due today counts as due soon here), soonest
    first; dossiers whose deadline is further away, or not running, are left out."""
    from django.utils import timezone

    from skhcn.deadlines import status as deadline
    from skhcn.deadlines.services import current_calendar

    from .access import work_queue
    from .constants import Status

    now = now or timezone.now()
    cal = current_calendar()
    days = int(getattr(settings, "DEADLINE_DUE_SOON_WORKING_DAYS", deadline.DEFAULT_DUE_SOON_WORKING_DAYS))
    groups: dict[str, list] = {"overdue": [], "due_soon": []}
    # A paused dossier (supplement requested) has no running deadline: nothing to remind.
    queue = work_queue(user).exclude(due_at=None).exclude(status=Status.SUPPLEMENT_REQUESTED)
    for dossier in queue.select_related("procedure"):
        state = deadline.deadline_status(now, dossier.due_at, dossier.finished_at, due_soon_working_days=days, cal=cal)
        if state == deadline.OVERDUE:
            groups["overdue"].append(dossier)
        elif state in (deadline.ON_TIME, deadline.DUE_SOON):
            groups["due_soon"].append(dossier)
    return groups


def staff_admin_url(dossier) -> str:
    return f"{_base_url()}/admin/ho-so/{dossier.pk}/"


@task()
def send_due_reminders() -> int:
    """E-mail each active staff member with an e-mail address the dossiers of their queue that are overdue or due
    soon (grouped, with links to the staff screen). Returns the number of e-mails sent; one failed address is
    logged and does not stop the others."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from skhcn.accounts.models import StaffProfile

    now = timezone.now()
    sent = 0
    staff_ids = set(StaffProfile.objects.values_list("user_id", flat=True))
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
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
                    "due": local_date(d.due_at),
                    "status": d.get_status_display(),
                    "url": staff_admin_url(d),
                }
                for d in dossiers
            ]
            for name, dossiers in groups.items()
        }
        context = {
            "overdue": rows["overdue"],
            "due_soon": rows["due_soon"],
            "today": local_date(now),
            "agency_name": settings.AGENCY_NAME,
        }
        subject = (
            f"Nhắc việc ngày {local_date(now)}: {len(rows['overdue'])} hồ sơ quá hạn, "
            f"{len(rows['due_soon'])} hồ sơ sắp đến hạn"
        )
        try:
            message = EmailMultiAlternatives(
                subject=subject, body=render_to_string("dossiers/email/reminders.txt", context), to=[user.email]
            )
            message.attach_alternative(render_to_string("dossiers/email/reminders.html", context), "text/html")
            message.send()
            sent += 1
        except Exception:
            logger.exception("Reminder e-mail to user %s failed", user.pk)
    return sent


def claim_daily_run(job: str, day) -> bool:
    """True for exactly one caller per (job, day), across processes: the unique row is the lock."""
    from django.db import IntegrityError, transaction

    from .models import DailyJobRun

    try:
        with transaction.atomic():
            DailyJobRun.objects.create(job=job, day=day)
    except IntegrityError:
        return False
    return True


def maybe_enqueue_due_reminders(now=None) -> bool:
    """Called by ``run_scheduler`` on every loop: once the local time reaches ``DOSSIER_REMINDER_HOUR`` (default 7),
    queue today's reminders, once per day however many schedulers run. True when this call queued them."""
    from django.utils import timezone

    from .constants import REMINDER_HOUR

    local = timezone.localtime(now or timezone.now())
    if local.hour < int(getattr(settings, "DOSSIER_REMINDER_HOUR", REMINDER_HOUR)):
        return False
    from .models import DailyJobRun

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
