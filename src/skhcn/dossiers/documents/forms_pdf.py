"""Printable one-stop forms 01–05 of a dossier, numbered and titled by the dossier's form set (``formsets``).

* 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả — the official one, issued when staff receive the dossier;
* 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — from a completion (intake) or supplement (processing) request;
* 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ — from a refusal at intake;
* 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả — from the apology;
* 05 Phiếu kiểm soát quá trình giải quyết hồ sơ — one row per hand-off (``HandOff``).

``render_form(dossier, number)`` returns the PDF, or raises ``FormUnavailable`` with a Vietnamese message when the
form does not apply to the dossier's history (no request, no apology ...). The register (06) is ``register``.

Document numbers ("Số: 123/PYCBS") are the id of the event the form records: unique and stable, but not a yearly
serial — the department's outgoing-document register is not part of this system.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import staff_profile
from skhcn.core.pdf import VIETNAM, AdministrativePDF, local, place_and_date

from ..constants import Action, Channel
from ..models import Dossier, DossierEvent
from .formsets import Form, FormKind, get_form_set
from .receipt import (
    applicant_beside_qr,
    document_rows,
    fee_text,
    matter_text,
    receipt_filename,
    receive_text,
    render_receipt,
    tracking_url,
)

ONE_STOP_UNIT = "Bộ phận Một cửa"
HEAD_OF_AGENCY = "Giám đốc"
SIGN_NOTE = "Ký và ghi rõ họ tên"
REQUEST_ACTIONS = (Action.REQUEST_COMPLETION, Action.REQUEST_SUPPLEMENT)
NUMBER_SUFFIXES = {
    FormKind.COMPLETION_REQUEST: "PYCBS",
    FormKind.REFUSAL: "PTCTN",
    FormKind.APOLOGY: "PXL",
}
PRINTABLE = (
    FormKind.RECEIPT,
    FormKind.COMPLETION_REQUEST,
    FormKind.REFUSAL,
    FormKind.APOLOGY,
    FormKind.CONTROL_SLIP,
)


class FormMessages:
    UNKNOWN = "Không có mẫu số {number} trong bộ biểu mẫu của hồ sơ."
    NOT_RECEIVED = "Hồ sơ chưa được tiếp nhận nên chưa có {title} (mẫu số {number})."
    NO_REQUEST = "Hồ sơ không có yêu cầu bổ sung, hoàn thiện nên không có {title} (mẫu số {number})."
    NO_REFUSAL = "Hồ sơ không bị từ chối tiếp nhận nên không có {title} (mẫu số {number})."
    NO_APOLOGY = "Hồ sơ chưa có văn bản xin lỗi, hẹn lại nên không có {title} (mẫu số {number})."


class FormUnavailable(Exception):
    """The form does not apply to this dossier (``message`` says why, in Vietnamese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- small formatting helpers ----------------------------------------------------------------------------------------
def dmy(value) -> str:
    """dd/mm/yyyy (Vietnam time for datetimes); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def dmy_hm(value: datetime | None) -> str:
    return local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def clock_words(value: datetime) -> str:
    """ "09 giờ 30 phút, ngày 02/03/2026" (Vietnam time)."""
    moment = local(value)
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def staff_name(user) -> str:
    """The staff member's full name from their profile, else the account's name, else ""."""
    if user is None:
        return ""
    profile = _profile(user)
    return (profile.full_name if profile is not None else "") or user.get_full_name() or ""


def _profile(user):

    return staff_profile(user) if user is not None else None


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


# --- lookups ---------------------------------------------------------------------------------------------------------
def form_for_number(dossier: Dossier, number: str) -> Form:
    form_set = get_form_set(dossier.form_set)
    for form in form_set.forms:
        if form.number == number and form.kind in PRINTABLE:
            return form
    raise FormUnavailable(FormMessages.UNKNOWN.format(number=number))


def _event(dossier: Dossier, actions, event_id: int | None = None) -> DossierEvent | None:
    events = dossier.events.filter(action__in=actions).select_related("actor__staff_profile__division")
    if event_id is not None:
        return events.filter(pk=event_id).first()
    return events.order_by("-at", "-id").first()


def available_forms(dossier: Dossier) -> list[Form]:
    """The forms 01–05 that apply to the dossier now (for the staff screens' print buttons)."""
    form_set = get_form_set(dossier.form_set)
    actions = set(dossier.events.values_list("action", flat=True).distinct())
    applies = {
        FormKind.RECEIPT: dossier.received_at is not None,
        FormKind.COMPLETION_REQUEST: bool(actions & set(REQUEST_ACTIONS)),
        FormKind.REFUSAL: Action.REFUSE_INTAKE in actions,
        FormKind.APOLOGY: Action.APOLOGIZE in actions,
        FormKind.CONTROL_SLIP: dossier.received_at is not None,
    }
    return [form for form in form_set.forms if applies.get(form.kind)]


def register_number(dossier: Dossier) -> str:
    """ "Quyển số 2026, số thứ tự 12": the dossier's rank among those received in the same (Vietnam-time) year."""
    received = local(dossier.received_at)
    start = datetime(received.year, 1, 1, tzinfo=VIETNAM)

    rank = (
        Dossier.objects.filter(received_at__gte=start)
        .filter(Q(received_at__lt=dossier.received_at) | Q(received_at=dossier.received_at, pk__lte=dossier.pk))
        .count()
    )
    return f"Quyển số {received.year}, số thứ tự {rank}"


# --- shared layout ---------------------------------------------------------------------------------------------------
def _start(dossier: Dossier, form: Form, *, unit: str, moment, number: str = "", orientation: str = "portrait"):
    form_set = get_form_set(dossier.form_set)
    pdf = AdministrativePDF(
        title=f"{form.title} – {dossier.code}", author=settings.AGENCY_NAME, orientation=orientation
    )
    pdf.form_mark(f"Mẫu số {form.number} (ban hành kèm theo {form_set.circular})")
    lines = [settings.AGENCY_NAME, unit] if unit else [settings.AGENCY_NAME]
    pdf.national_header(
        lines,
        right_note=place_and_date(settings.AGENCY_PLACE, moment),
        left_note=f"Số: {number}" if number else "",
    )
    pdf.document_title(form.title.upper(), f"Mã hồ sơ: {dossier.code}")
    return pdf


def _applicant_lines(pdf: AdministrativePDF, dossier: Dossier, label: str = "Hồ sơ của") -> None:
    pdf.labelled(label, dossier.applicant_name)
    if dossier.applicant_id_number:
        pdf.labelled("Số định danh cá nhân / Mã số thuế", dossier.applicant_id_number)
    pdf.labelled("Địa chỉ", dossier.applicant_address)
    pdf.labelled("Số điện thoại", dossier.applicant_phone)
    pdf.labelled("Thư điện tử", dossier.applicant_email)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- the forms -------------------------------------------------------------------------------------------------------
def _receipt(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    if dossier.received_at is None:
        raise FormUnavailable(FormMessages.NOT_RECEIVED.format(title=form.title.lower(), number=form.number))
    procedure = dossier.procedure
    pdf = _start(dossier, form, unit=ONE_STOP_UNIT, moment=dossier.received_at)

    applicant_beside_qr(pdf, dossier, receiver=f"{ONE_STOP_UNIT} – {settings.AGENCY_NAME}", name_label="Ông/Bà/Tổ chức")

    pdf.paragraph("1. Thành phần hồ sơ nộp gồm:", style="B", align="L")
    rows = [[str(i), name, kind, str(count)] for i, (name, kind, count) in enumerate(document_rows(dossier), 1)]
    if not rows:
        rows = [["", "Không có giấy tờ kèm theo", "", ""]]
    pdf.grid(
        ["STT", "Tên giấy tờ", "Hình thức (bản chính, bản sao)", "Số lượng"],
        rows,
        (12, 88, 42, 18),
        aligns=("CENTER", "LEFT", "LEFT", "CENTER"),
    )
    sets = "01 bộ (bản điện tử)" if dossier.channel == Channel.ONLINE else "01 bộ"
    pdf.labelled("2. Số lượng hồ sơ", sets)
    pdf.labelled("3. Hình thức nộp", dossier.get_channel_display())
    pdf.labelled(
        "4. Thời hạn giải quyết theo quy định",
        f"{procedure.processing_time} {procedure.get_time_unit_display()}",
    )
    pdf.labelled("5. Thời gian nhận hồ sơ", clock_words(dossier.received_at))
    if dossier.due_at is not None:
        due = clock_words(dossier.due_at)
    else:
        due = "được tính từ ngày nộp đủ phí, lệ phí; sẽ thông báo khi ghi nhận đã nộp phí, lệ phí"
    pdf.labelled("6. Thời gian trả kết quả giải quyết hồ sơ", due)
    pdf.labelled("7. Đăng ký nhận kết quả tại", receive_text(dossier))
    pdf.labelled("8. Phí, lệ phí", fee_text(procedure))
    pdf.labelled("Vào Sổ theo dõi hồ sơ", register_number(dossier))
    pdf.signatures(
        [
            ("Người nộp hồ sơ", SIGN_NOTE, dossier.applicant_name),
            ("Người tiếp nhận hồ sơ", SIGN_NOTE, staff_name(dossier.received_by)),
        ]
    )
    pdf.paragraph(f"Tra cứu tình trạng hồ sơ: {tracking_url(dossier.code)}", align="L")
    return pdf


def _completion_request(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    event = _event(dossier, REQUEST_ACTIONS, event_id)
    if event is None:
        raise FormUnavailable(FormMessages.NO_REQUEST.format(title=form.title.lower(), number=form.number))
    profile = _profile(event.actor)
    unit = ONE_STOP_UNIT
    if event.action == Action.REQUEST_SUPPLEMENT and profile is not None and profile.division_id:
        unit = profile.division.name
    number = f"{event.pk}/{NUMBER_SUFFIXES[form.kind]}"
    pdf = _start(dossier, form, unit=unit, moment=event.at, number=number)
    _applicant_lines(pdf, dossier)
    pdf.labelled("Nội dung yêu cầu giải quyết", matter_text(dossier))
    if event.action == Action.REQUEST_COMPLETION:
        when = f"tiếp nhận hồ sơ ({dmy(event.at)})"
    else:
        when = f"giải quyết hồ sơ (tiếp nhận ngày {dmy(dossier.received_at)})"
    pdf.paragraph(
        f"Qua kiểm tra trong quá trình {when}, {settings.AGENCY_NAME} đề nghị Ông/Bà/Tổ chức bổ sung, hoàn thiện "
        "hồ sơ gồm những nội dung sau:",
        align="J",
    )
    items, reasons = [], []
    for line in _lines(event.comment):
        (reasons if line.lower().startswith("lý do") else items).append(line)
    documents = event.details.get("documents") if isinstance(event.details, dict) else None
    if documents:
        rows = [
            [
                str(i),
                str(d.get("name", "")),
                str(d.get("original", "") or ""),
                str(d.get("certified_copy", "") or ""),
                str(d.get("copy", "") or ""),
            ]
            for i, d in enumerate(documents, 1)
        ]
        pdf.grid(
            ["STT", "Tên giấy tờ cần bổ sung, hoàn thiện", "Bản chính", "Bản sao chứng thực", "Bản photo"],
            rows,
            (12, 88, 20, 22, 18),
            aligns=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER"),
        )
    else:
        rows = [[str(i), line] for i, line in enumerate(items, 1)] or [["1", "(Theo nội dung trao đổi)"]]
        pdf.grid(["STT", "Nội dung cần bổ sung, hoàn thiện"], rows, (12, 148), aligns=("CENTER", "LEFT"))
    if reasons:
        for line in reasons:
            pdf.paragraph(line)
    officer = staff_name(event.actor) or "cán bộ " + unit
    contact = [officer]
    if profile is not None and profile.position:
        contact.append(profile.position)
    contact.append(unit)
    email = getattr(event.actor, "email", "") if event.actor is not None else ""
    pdf.paragraph(
        "Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà/Tổ chức liên hệ với "
        + ", ".join(contact)
        + (f" (thư điện tử: {email})" if email else "")
        + " để được hướng dẫn.",
    )
    if dossier.channel == Channel.ONLINE:
        pdf.paragraph(f"Hồ sơ bổ sung nộp trực tuyến tại: {tracking_url(dossier.code)}", align="L")
    pdf.signatures([("Người hướng dẫn", SIGN_NOTE, staff_name(event.actor))])
    return pdf


def _refusal(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    event = _event(dossier, (Action.REFUSE_INTAKE,), event_id)
    if event is None:
        raise FormUnavailable(FormMessages.NO_REFUSAL.format(title=form.title.lower(), number=form.number))
    number = f"{event.pk}/{NUMBER_SUFFIXES[form.kind]}"
    pdf = _start(dossier, form, unit=ONE_STOP_UNIT, moment=event.at, number=number)
    pdf.paragraph(f"{ONE_STOP_UNIT} – {settings.AGENCY_NAME} nhận được hồ sơ của:", align="L")
    _applicant_lines(pdf, dossier, label="Ông/Bà/Tổ chức")
    pdf.labelled("Nội dung yêu cầu giải quyết", matter_text(dossier))
    if dossier.submitted_at:
        pdf.labelled("Thời gian nộp hồ sơ", clock_words(dossier.submitted_at))
    pdf.paragraph(
        f"Qua xem xét, {settings.AGENCY_NAME} thông báo không tiếp nhận, giải quyết hồ sơ này "
        "với lý do cụ thể như sau:",
    )
    for line in _lines(event.comment):
        pdf.paragraph(f"– {line}")
    pdf.paragraph("Xin thông báo để Ông/Bà/Tổ chức được biết và thực hiện./.")
    pdf.signatures([("Người tiếp nhận hồ sơ", SIGN_NOTE, staff_name(event.actor))])
    return pdf


def _apology(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    event = _event(dossier, (Action.APOLOGIZE,), event_id)
    if event is None:
        raise FormUnavailable(FormMessages.NO_APOLOGY.format(title=form.title.lower(), number=form.number))
    details = event.details if isinstance(event.details, dict) else {}
    old_due = _iso(details.get("old_due")) or dossier.original_due_at
    new_due = _iso(details.get("new_due")) or dossier.due_at
    number = f"{event.pk}/{NUMBER_SUFFIXES[form.kind]}"
    pdf = _start(dossier, form, unit="", moment=event.at, number=number)
    pdf.paragraph(f"Kính gửi: {dossier.applicant_name or 'Ông/Bà/Tổ chức'}", style="B", align="C")
    pdf.ln(2)
    received = dmy(dossier.received_at or dossier.submitted_at)
    pdf.paragraph(
        f"{settings.AGENCY_NAME} đã tiếp nhận hồ sơ của Ông/Bà/Tổ chức ngày {received}, "
        f"đề nghị giải quyết thủ tục {matter_text(dossier)}, mã hồ sơ {dossier.code}.",
    )
    pdf.labelled("Ngày hẹn trả kết quả giải quyết hồ sơ", dmy(old_due))
    pdf.paragraph(
        f"Tuy nhiên đến nay, {settings.AGENCY_NAME} chưa trả kết quả giải quyết hồ sơ của Ông/Bà/Tổ chức đúng hạn."
    )
    reasons = _lines(event.comment)
    pdf.labelled("Lý do", reasons[0] if reasons else "")
    for line in reasons[1:]:
        pdf.paragraph(line)
    pdf.paragraph(
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà/Tổ chức. "
        f"{settings.AGENCY_NAME} thành thật xin lỗi và mong nhận được sự thông cảm của Ông/Bà/Tổ chức.",
    )
    new_day = local(new_due) if new_due else None
    pdf.paragraph(
        f"{settings.AGENCY_NAME} sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà/Tổ chức vào "
        + (f"ngày {new_day:%d} tháng {new_day:%m} năm {new_day:%Y}." if new_day else "ngày được thông báo sau."),
    )
    pdf.paragraph("Xin trân trọng cảm ơn./.")

    profile = _profile(event.actor)
    signer = staff_name(event.actor) if profile is not None and profile.role == StaffRole.LEADER else ""
    pdf.signatures([(HEAD_OF_AGENCY, "Ký tên, đóng dấu", signer)])
    return pdf


def _control_slip(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    if dossier.received_at is None:
        raise FormUnavailable(FormMessages.NOT_RECEIVED.format(title=form.title.lower(), number=form.number))
    pdf = _start(dossier, form, unit=ONE_STOP_UNIT, moment=dossier.received_at, orientation="landscape")
    pdf.labelled("Kèm theo hồ sơ của", dossier.applicant_name)
    pdf.labelled("Nội dung yêu cầu giải quyết", matter_text(dossier))
    pdf.labelled("Ngày tiếp nhận", dmy_hm(dossier.received_at))
    pdf.labelled("Ngày hẹn trả kết quả", dmy_hm(dossier.due_at) or "chưa tính (chờ nộp phí, lệ phí)")
    division = dossier.division.name if dossier.division_id else ""
    pdf.labelled("Cơ quan, đơn vị giải quyết", f"{settings.AGENCY_NAME}" + (f" – {division}" if division else ""))
    handoffs = dossier.handoffs.select_related("from_user__staff_profile", "to_user__staff_profile").order_by(
        "given_at", "id"
    )
    rows = []
    for index, handoff in enumerate(handoffs, 1):
        if handoff.outcome:
            outcome = f"{handoff.get_outcome_display()} ({dmy(handoff.finished_at)})"
        elif handoff.finished_at:
            outcome = f"Hoàn thành {dmy(handoff.finished_at)}"
        else:
            outcome = "Đang giải quyết"
        rows.append(
            [
                str(index),
                f"Giao: {handoff.from_unit}\nNhận: {handoff.to_unit}",
                f"Giao: {dmy_hm(handoff.given_at)}\nNhận: {dmy_hm(handoff.received_at)}",
                dmy(handoff.due_at),
                outcome,
                staff_name(handoff.from_user),
                staff_name(handoff.to_user),
                handoff.note,
            ]
        )
    if not rows:
        rows = [["", "Chưa có lượt giao, nhận hồ sơ", "", "", "", "", "", ""]]
    pdf.ln(1)
    pdf.grid(
        [
            "STT",
            "Tên cơ quan, đơn vị giao, nhận",
            "Thời gian giao, nhận hồ sơ",
            "Hạn xử lý",
            "Kết quả giải quyết (trước hạn / đúng hạn / trễ hạn)",
            "Người giao (ký, ghi rõ họ tên)",
            "Người nhận (ký, ghi rõ họ tên)",
            "Ghi chú",
        ],
        rows,
        (10, 58, 44, 22, 34, 32, 32, 25),
        aligns=("CENTER", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER", "CENTER", "LEFT"),
        font_size=11,
        min_row_height=16,
        padding=(1.2, 1),
    )
    return pdf


BUILDERS = {
    FormKind.RECEIPT: _receipt,
    FormKind.COMPLETION_REQUEST: _completion_request,
    FormKind.REFUSAL: _refusal,
    FormKind.APOLOGY: _apology,
    FormKind.CONTROL_SLIP: _control_slip,
}


def render_form(dossier: Dossier, number: str, *, event_id: int | None = None) -> bytes:
    """Form ``number`` ("01"–"05") of ``dossier`` as PDF bytes; ``FormUnavailable`` when it does not apply.

    ``event_id`` picks one request (02), refusal (03) or apology (04) when there were several; the latest otherwise.
    """
    form = form_for_number(dossier, number)
    return BUILDERS[form.kind](dossier, form, event_id).to_bytes()


def form_filename(dossier: Dossier, number: str) -> str:
    return f"mau-{number}-{dossier.code}.pdf"


def applicant_receipt(dossier: Dossier) -> tuple[bytes, str]:
    """What the applicant downloads as their receipt: the official form 01 once staff have received the dossier,
    the provisional receipt of the online submission before that."""
    if dossier.received_at is not None:
        try:
            return render_form(dossier, "01"), form_filename(dossier, "01")
        except FormUnavailable:
            pass  # e.g. refused at intake: the submission receipt is all there is
    return render_receipt(dossier), receipt_filename(dossier)
