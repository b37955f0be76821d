"""The notification content of dossiers: which dossier event tells whom what, with which links and attachment.
``skhcn.notifications`` only records, renders and sends; it knows nothing of dossiers.

Called inside the transaction of the change (``workflow.perform``), so the notification commits with it; every
function here is ``guarded`` (its own savepoint, failures logged) so that building the message can never undo the
change. Sending happens after commit. The receipt attached to e-mails is built at send time
(``receipt_attachment``, registered with ``notifications.sending`` below).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from skhcn.accounts.constants import StaffRole
from skhcn.core.sitemaps import absolute_url
from skhcn.core.text import format_vnd
from skhcn.notifications import services as notifications
from skhcn.notifications.constants import Attachment, Event
from skhcn.notifications.sending import register_attachment
from skhcn.notifications.services import guarded

from .constants import Action, ReceiveMethod
from .documents.forms_pdf import applicant_receipt
from .documents.receipt import fee_text, local_date, receive_text, tracking_url

ATTACH_RECEIPT = {Event.SUBMITTED, Event.RECEIVED}


def staff_dossier_url(dossier) -> str:
    """Absolute link to the dossier's staff page (in e-mails to staff)."""
    return absolute_url(f"/admin/ho-so/{dossier.pk}/")


def applicant_values(dossier) -> dict[str, str]:
    """The values every applicant notification may use (the template variables of ``notifications.templating``)."""
    return {
        "co_quan": settings.AGENCY_NAME,
        "ma_ho_so": dossier.code or "",
        "thu_tuc": dossier.procedure.name,
        "ma_thu_tuc": dossier.procedure.code,
        "nguoi_nop": dossier.applicant_name,
        "trang_ho_so": absolute_url(reverse("dossiers:edit", kwargs={"pk": dossier.pk})),
        "tra_cuu": tracking_url(dossier.code) if dossier.code else "",
        "ngay_hen_tra": local_date(dossier.due_at or dossier.expected_return_at),
    }


@guarded
def notify_applicant(dossier, event: str, values: dict | None = None, *, attachment: str = ""):
    """Tell the applicant of ``dossier`` about ``event``: in their account, and by e-mail / SMS as they chose. A
    dossier filed on paper has no usable account: it is told by e-mail and SMS to the contacts on the dossier."""
    user = dossier.applicant if dossier.applicant.is_active else None
    preference = notifications.preference_for(user)
    if user is None:
        preference.sms = settings.SMS_WITHOUT_ACCOUNT
    return notifications.notify(
        event,
        user=user,
        dossier=dossier,
        values={**applicant_values(dossier), **(values or {})},
        link=reverse("dossiers:edit", kwargs={"pk": dossier.pk}),
        email=dossier.applicant_email if preference.email else "",
        phone=dossier.applicant_phone if preference.sms else "",
        attachment=attachment,
    )


def receipt_attachment(notification) -> tuple[str, bytes, str] | None:
    """The applicant's receipt (PDF) for an e-mail about a dossier; None when the notification has no dossier."""
    dossier = notification.dossier
    if dossier is None:
        return None
    content, filename = applicant_receipt(dossier)
    return filename, content, "application/pdf"


register_attachment(Attachment.RECEIPT, receipt_attachment)


def _date_text(iso: str | None) -> str:
    return local_date(datetime.fromisoformat(iso)) if iso else ""


@guarded
def submitted(dossier) -> None:
    notify_applicant(dossier, Event.SUBMITTED, attachment=Attachment.RECEIPT)


@guarded
def workflow_event(event, kind: str) -> None:
    """The applicant's notification for a workflow event (``transitions.Transition.notify`` names ``kind``)."""
    dossier = event.dossier
    method = event.details.get("method", "")
    values = {
        "ngay_hen_tra": local_date(dossier.due_at) if dossier.due_at else "tính từ khi Ông/Bà nộp phí, lệ phí",
        "noi_dung": event.comment,
        "le_phi": fee_text(dossier.procedure),
        "so_tien": format_vnd(dossier.procedure.fee_amount) if dossier.procedure.fee_amount else "",
        "hinh_thuc_nhan": (ReceiveMethod(method).label if method in ReceiveMethod.values else receive_text(dossier))
        or "theo đăng ký",
        "so_ket_qua": dossier.result_number or "",
        "ngay_hen_cu": _date_text(event.details.get("old_due")),
        "ngay_hen_moi": _date_text(event.details.get("new_due")),
    }
    if kind == Event.RESULT_RETURNED and method == ReceiveMethod.ONLINE:
        values["lien_ket_ket_qua"] = absolute_url(reverse("dossiers:result", kwargs={"pk": dossier.pk}))
    attachment = Attachment.RECEIPT if kind in ATTACH_RECEIPT else ""
    notify_applicant(dossier, kind, values, attachment=attachment)


@guarded
def staff_event(event) -> None:
    """Staff notifications of a workflow event: the new assignee hears of the assignment (not when they took it
    themselves); the department's leaders hear of an apology the one-stop officer drafted (form 04), which one of them
    signs and issues."""
    if event.action == Action.ASSIGN:
        _assigned(event)
    elif event.action == Action.PREPARE_APOLOGY:
        _apology_prepared(event)


def _staff_values(event) -> dict[str, str]:
    dossier = event.dossier
    return {
        "ma_ho_so": dossier.code,
        "thu_tuc": dossier.procedure.name,
        "ma_thu_tuc": dossier.procedure.code,
        "nguoi_nop": dossier.applicant_name,
        "ngay_hen_tra": local_date(dossier.due_at),
        "noi_dung": event.comment or "—",
        "lien_ket_can_bo": staff_dossier_url(dossier),
    }


def _assigned(event) -> None:
    dossier = event.dossier
    assignee = dossier.assignee
    if assignee is None or assignee.pk == event.actor_id:
        return
    notifications.notify_staff(
        assignee,
        Event.ASSIGNED,
        _staff_values(event),
        link=reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk}),
        dossier=dossier,
    )


def _apology_prepared(event) -> None:
    dossier = event.dossier
    values = {**_staff_values(event), "ngay_hen_moi": _day_text(event.details.get("proposed_due"))}
    link = reverse("dossiers_staff:action", kwargs={"pk": dossier.pk, "action": Action.APOLOGIZE})
    leaders = get_user_model().objects.filter(is_active=True, staff_profile__role=StaffRole.LEADER)
    for leader in leaders.exclude(pk=event.actor_id).order_by("pk"):
        notifications.notify_staff(leader, Event.APOLOGY_PREPARED, values, link=link, dossier=dossier)


def _day_text(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


@guarded
def due_reminder(user, today: str, rows: dict[str, list[dict]]) -> bool:
    """The daily digest of a staff member's overdue and due-soon dossiers."""
    lines = []
    for heading, key in (("HỒ SƠ QUÁ HẠN", "overdue"), ("HỒ SƠ SẮP ĐẾN HẠN", "due_soon")):
        if rows[key]:
            lines.append(f"{heading} ({len(rows[key])}):")
            lines += [
                f"- {r['code']} — {r['procedure']} — {r['applicant']} — hạn {r['due']} — {r['status']}\n  {r['url']}"
                for r in rows[key]
            ]
            lines.append("")
    notification = notifications.notify_staff(
        user,
        Event.DUE_REMINDER,
        {
            "ngay": today,
            "so_qua_han": len(rows["overdue"]),
            "so_sap_den_han": len(rows["due_soon"]),
            "danh_sach": "\n".join(lines).strip(),
        },
        link=reverse("dossiers_staff:queue", kwargs={"queue": "sap-den-han"}) if rows["due_soon"] else "",
    )
    return notification is not None
