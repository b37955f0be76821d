"""Printable one-stop forms 01–05 of a dossier, numbered and titled by the dossier's form set (``formsets``).

* 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả — issued when staff receive the dossier;
* 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — from a completion (intake) or supplement (processing) request;
* 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ — from a refusal at intake;
* 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả — from the apology (signed by the head of the agency);
* 05 Phiếu kiểm soát quá trình giải quyết hồ sơ — one row per hand-off (``HandOff``).

Forms 01–04 are records (``papers``): their number and what they state were fixed when the act was done, so a
reprint is identical whatever changed since (the due date after a supplement, an officer's title, the settings).
``render_form(dossier, number)`` returns the PDF, or raises ``FormUnavailable`` with a Vietnamese message when the
form does not apply to the dossier's history (no request, no apology ...). The register (06) is ``register``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import staff_profile
from skhcn.core.pdf import VIETNAM, AdministrativePDF, local, place_and_date

from ..constants import APPLICANT_UNIT, Action, Channel
from ..models import Dossier, DossierEvent, IssuedPaper
from . import papers
from .formsets import Form, FormKind, get_form_set
from .papers import staff_name
from .receipt import (
    applicant_beside_qr,
    document_rows,
    fee_text,
    paper_context,
    receipt_filename,
    receive_text,
    receiving_unit,
    receiving_unit_lines,
    render_receipt,
)

HEAD_OF_AGENCY = "Giám đốc"
SIGN_NOTE = "Ký và ghi rõ họ tên"
REQUEST_ACTIONS = (Action.REQUEST_COMPLETION, Action.REQUEST_SUPPLEMENT)
# The act that issues each numbered paper.
PAPER_ACTIONS = {
    Action.RECEIVE: FormKind.RECEIPT,
    Action.REQUEST_COMPLETION: FormKind.COMPLETION_REQUEST,
    Action.REQUEST_SUPPLEMENT: FormKind.COMPLETION_REQUEST,
    Action.REFUSE_INTAKE: FormKind.REFUSAL,
    Action.APOLOGIZE: FormKind.APOLOGY,
}
PRINTABLE = (
    FormKind.RECEIPT,
    FormKind.COMPLETION_REQUEST,
    FormKind.REFUSAL,
    FormKind.APOLOGY,
    FormKind.CONTROL_SLIP,
)
VOID_MARK = "ĐÃ HỦY"


class FormMessages:
    UNKNOWN = "Không có mẫu số {number} trong bộ biểu mẫu của hồ sơ."
    NOT_RECEIVED = "Hồ sơ chưa được tiếp nhận nên chưa có {title} (mẫu số {number})."
    NO_REQUEST = "Hồ sơ không có yêu cầu bổ sung, hoàn thiện nên không có {title} (mẫu số {number})."
    NO_REFUSAL = "Hồ sơ không bị từ chối tiếp nhận nên không có {title} (mẫu số {number})."
    NO_APOLOGY = "Hồ sơ chưa có thao tác xin lỗi và hẹn lại ngày trả kết quả nên không có {title} (mẫu số {number})."


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


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- what a paper states, frozen when it is issued ------------------------------------------------------------------
def agency_lines() -> list[str]:
    """The header of the papers the agency itself issues (04, signed by its head)."""
    return [line for line in (settings.AGENCY_SUPERIOR, settings.AGENCY_NAME) if line]


def _common(dossier: Dossier) -> dict:
    return {
        **paper_context(dossier),
        "place": settings.AGENCY_PLACE,
        "agency": settings.AGENCY_NAME,
        "receiving_unit": receiving_unit(),
    }


def register_number(dossier: Dossier) -> str:
    """ "Quyển số 2026, số thứ tự 12": the dossier's row in the register of its receipt year ("" before receipt)."""
    if dossier.register_serial is None or dossier.received_at is None:
        return ""
    return f"Quyển số {local(dossier.received_at).year}, số thứ tự {dossier.register_serial}"


def receipt_content(dossier: Dossier, *, due_at: datetime | None) -> dict:
    """What form 01 states: fixed when the dossier is received (``due_at`` is the appointment given then)."""
    procedure = dossier.procedure
    return {
        **_common(dossier),
        "header": receiving_unit_lines(),
        "received_at": dossier.received_at.isoformat(),
        "due_at": due_at.isoformat() if due_at else None,
        "processing_time": f"{procedure.processing_time} {procedure.get_time_unit_display()}",
        "documents": [list(row) for row in document_rows(dossier)],
        "sets": "01 bộ (bản điện tử)" if dossier.channel == Channel.ONLINE else "01 bộ",
        "channel": dossier.get_channel_display(),
        "receive": receive_text(dossier),
        "fee": fee_text(procedure),
        "register": register_number(dossier),
        "officer": papers.officer(dossier.received_by),
    }


def event_content(dossier: Dossier, event: DossierEvent, kind: str) -> dict:
    """What forms 02–04 state beyond their event (which never changes): the header and the officer as they were."""
    header = agency_lines() if kind == FormKind.APOLOGY else receiving_unit_lines()
    return {**_common(dossier), "header": header, "officer": papers.officer(event.actor)}


def issue_for_event(dossier: Dossier, event: DossierEvent) -> IssuedPaper | None:
    """Number and record the paper ``event`` issues (receive → 01, requests → 02, refusal → 03, apology → 04);
    called by the workflow inside the act's transaction."""
    kind = PAPER_ACTIONS.get(event.action)
    if kind is None:
        return None
    if kind == FormKind.RECEIPT:
        content = receipt_content(dossier, due_at=dossier.due_at)
        return papers.issue(
            dossier, kind, event=event, at=dossier.received_at, content=content, serial=dossier.register_serial
        )
    return papers.issue(dossier, kind, event=event, at=event.at, content=event_content(dossier, event, kind))


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


# --- shared layout ---------------------------------------------------------------------------------------------------
def _start(dossier: Dossier, form: Form, ctx: dict, *, moment, paper: IssuedPaper | None, orientation="portrait"):
    form_set = get_form_set(dossier.form_set)
    pdf = AdministrativePDF(title=f"{form.title} – {ctx['code']}", author=ctx["agency"], orientation=orientation)
    pdf.form_mark(f"Mẫu số {form.number} (ban hành kèm theo {form_set.circular})")
    pdf.national_header(
        ctx["header"],
        right_note=place_and_date(ctx["place"], moment),
        left_note=f"Số: {paper.number}" if paper is not None else "",
    )
    pdf.document_title(form.title.upper(), f"Mã hồ sơ: {ctx['code']}")
    if paper is not None and paper.voided_at is not None:
        pdf.paragraph(f"{VOID_MARK} ngày {dmy(paper.voided_at)} – lý do: {paper.void_reason}", style="B", align="C")
    return pdf


def _applicant_lines(pdf, applicant: dict, label: str = "Hồ sơ của") -> None:
    pdf.labelled(label, applicant["name"])
    if applicant["id_number"]:
        pdf.labelled("Số định danh cá nhân / Mã số thuế", applicant["id_number"])
    pdf.labelled("Địa chỉ", applicant["address"])
    pdf.labelled("Số điện thoại", applicant["phone"])
    pdf.labelled("Thư điện tử", applicant["email"])


def _paper_and_context(dossier: Dossier, event: DossierEvent | None, kind: str) -> tuple[IssuedPaper | None, dict]:
    """The paper issued for ``event`` (or the dossier's receipt) and what it states; papers issued before the
    records existed print from the dossier and the event."""
    if kind == FormKind.RECEIPT:
        paper = papers.receipt_paper(dossier)
    else:
        paper = papers.paper_for_event(event)
    if paper is not None and paper.content:
        return paper, paper.content
    if kind == FormKind.RECEIPT:
        return paper, receipt_content(dossier, due_at=dossier.original_due_at)
    return paper, event_content(dossier, event, kind)


# --- the forms -------------------------------------------------------------------------------------------------------
def _receipt(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    if dossier.received_at is None:
        raise FormUnavailable(FormMessages.NOT_RECEIVED.format(title=form.title.lower(), number=form.number))
    paper, ctx = _paper_and_context(dossier, None, FormKind.RECEIPT)
    received_at = _iso(ctx["received_at"])
    pdf = _start(dossier, form, ctx, moment=received_at, paper=paper)

    applicant_beside_qr(pdf, ctx, receiver=ctx["receiving_unit"], name_label="Ông/Bà/Tổ chức")

    pdf.paragraph("1. Thành phần hồ sơ nộp gồm:", style="B", align="L")
    rows = [[str(i), name, kind, str(count)] for i, (name, kind, count) in enumerate(ctx["documents"], 1)]
    if not rows:
        rows = [["", "Không có giấy tờ kèm theo", "", ""]]
    pdf.grid(
        ["STT", "Tên giấy tờ", "Hình thức (bản chính, bản sao)", "Số lượng"],
        rows,
        (12, 88, 42, 18),
        aligns=("CENTER", "LEFT", "LEFT", "CENTER"),
        font_size=11,
    )
    due_at = _iso(ctx["due_at"])
    if due_at is not None:
        due = clock_words(due_at)
    else:
        due = "được tính từ ngày nộp đủ phí, lệ phí; sẽ thông báo khi ghi nhận đã nộp phí, lệ phí"
    officer = ctx["officer"]

    # The items after the table stay on one page with the signatures: never a signature block alone on a page.
    def closing(keep):
        keep.labelled("2. Số lượng hồ sơ", ctx["sets"])
        keep.labelled("3. Hình thức nộp", ctx["channel"])
        keep.labelled("4. Thời hạn giải quyết theo quy định", ctx["processing_time"])
        keep.labelled("5. Thời gian nhận hồ sơ", clock_words(received_at))
        keep.labelled("6. Thời gian trả kết quả giải quyết hồ sơ", due)
        keep.labelled("7. Đăng ký nhận kết quả tại", ctx["receive"])
        keep.labelled("8. Phí, lệ phí", ctx["fee"])
        keep.labelled("Vào Sổ theo dõi hồ sơ", ctx["register"])
        keep.signatures(
            [
                ("Người nộp hồ sơ", SIGN_NOTE, ctx["applicant"]["name"]),
                ("Người tiếp nhận hồ sơ", SIGN_NOTE, officer["name"]),
            ],
            space=18,
        )
        keep.paragraph(f"Tra cứu tình trạng hồ sơ: {ctx['tracking_url']}", style="I", align="L", size=10)

    pdf.keep_together(closing)
    return pdf


def _completion_request(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    event = _event(dossier, REQUEST_ACTIONS, event_id)
    if event is None:
        raise FormUnavailable(FormMessages.NO_REQUEST.format(title=form.title.lower(), number=form.number))
    paper, ctx = _paper_and_context(dossier, event, FormKind.COMPLETION_REQUEST)
    pdf = _start(dossier, form, ctx, moment=event.at, paper=paper)
    _applicant_lines(pdf, ctx["applicant"])
    pdf.labelled("Nội dung yêu cầu giải quyết", ctx["matter"])
    if event.action == Action.REQUEST_COMPLETION:
        when = f"tiếp nhận hồ sơ ({dmy(event.at)})"
    else:
        when = f"giải quyết hồ sơ (tiếp nhận ngày {dmy(dossier.received_at)})"
    pdf.paragraph(
        f"Qua kiểm tra trong quá trình {when}, {ctx['receiving_unit']} đề nghị Ông/Bà/Tổ chức bổ sung, hoàn thiện "
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
    for line in reasons:
        pdf.paragraph(line)
    officer = ctx["officer"]
    contact = [officer["name"] or "cán bộ tiếp nhận"]
    if officer["position"]:
        contact.append(officer["position"])
    contact.append(ctx["receiving_unit"])
    reach = []
    if officer["phone"]:
        reach.append(f"điện thoại: {officer['phone']}")
    if officer["email"]:
        reach.append(f"thư điện tử: {officer['email']}")

    def closing(keep):
        keep.paragraph(
            "Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà/Tổ chức liên hệ với "
            + ", ".join(contact)
            + (f" ({'; '.join(reach)})" if reach else "")
            + " để được hướng dẫn.",
        )
        if dossier.channel == Channel.ONLINE:
            keep.paragraph(f"Hồ sơ bổ sung nộp trực tuyến tại: {ctx['tracking_url']}", align="L")
        keep.signatures([("Người hướng dẫn", SIGN_NOTE, officer["name"])])

    pdf.keep_together(closing)
    return pdf


def _refusal(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    event = _event(dossier, (Action.REFUSE_INTAKE,), event_id)
    if event is None:
        raise FormUnavailable(FormMessages.NO_REFUSAL.format(title=form.title.lower(), number=form.number))
    paper, ctx = _paper_and_context(dossier, event, FormKind.REFUSAL)
    pdf = _start(dossier, form, ctx, moment=event.at, paper=paper)
    pdf.paragraph(f"{ctx['receiving_unit']} nhận được hồ sơ của:", align="L")
    _applicant_lines(pdf, ctx["applicant"], label="Ông/Bà/Tổ chức")
    pdf.labelled("Nội dung yêu cầu giải quyết", ctx["matter"])
    if dossier.submitted_at:
        pdf.labelled("Thời gian nộp hồ sơ", clock_words(dossier.submitted_at))
    pdf.paragraph(
        f"Qua xem xét, {ctx['receiving_unit']} thông báo không tiếp nhận, giải quyết hồ sơ này "
        "với lý do cụ thể như sau:",
    )
    for line in _lines(event.comment):
        pdf.paragraph(f"– {line}")

    def closing(keep):
        keep.paragraph("Xin thông báo để Ông/Bà/Tổ chức được biết và thực hiện./.")
        keep.signatures([("Người tiếp nhận hồ sơ", SIGN_NOTE, ctx["officer"]["name"])])

    pdf.keep_together(closing)
    return pdf


def _apology(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    event = _event(dossier, (Action.APOLOGIZE,), event_id)
    if event is None:
        raise FormUnavailable(FormMessages.NO_APOLOGY.format(title=form.title.lower(), number=form.number))
    paper, ctx = _paper_and_context(dossier, event, FormKind.APOLOGY)
    details = event.details if isinstance(event.details, dict) else {}
    old_due = _iso(details.get("old_due")) or dossier.original_due_at
    new_due = _iso(details.get("new_due")) or dossier.due_at
    agency = ctx["agency"]
    pdf = _start(dossier, form, ctx, moment=event.at, paper=paper)
    pdf.paragraph(f"Kính gửi: {ctx['applicant']['name'] or 'Ông/Bà/Tổ chức'}", style="B", align="C")
    pdf.ln(2)
    received = dmy(dossier.received_at or dossier.submitted_at)
    pdf.paragraph(
        f"{agency} đã tiếp nhận hồ sơ của Ông/Bà/Tổ chức ngày {received}, "
        f"đề nghị giải quyết thủ tục {ctx['matter']}, mã hồ sơ {ctx['code']}.",
    )
    pdf.labelled("Ngày hẹn trả kết quả giải quyết hồ sơ", dmy(old_due))
    pdf.paragraph(f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của Ông/Bà/Tổ chức đúng hạn.")
    reasons = _lines(event.comment)
    pdf.labelled("Lý do", reasons[0] if reasons else "")
    for line in reasons[1:]:
        pdf.paragraph(line)
    pdf.paragraph(
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà/Tổ chức. "
        f"{agency} thành thật xin lỗi và mong nhận được sự thông cảm của Ông/Bà/Tổ chức.",
    )
    new_day = local(new_due) if new_due else None
    officer = ctx["officer"]
    # The head of the agency signs; a deputy signs "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" (the position printed under it).
    signer = officer["name"] if _signs_for_agency(event.actor) else ""
    title = HEAD_OF_AGENCY
    if signer and officer["position"] and officer["position"].strip().lower() != HEAD_OF_AGENCY.lower():
        title = f"KT. {HEAD_OF_AGENCY}\n{officer['position']}"

    def closing(keep):
        keep.paragraph(
            f"{agency} sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà/Tổ chức vào "
            + (f"ngày {new_day:%d} tháng {new_day:%m} năm {new_day:%Y}." if new_day else "ngày được thông báo sau."),
        )
        keep.paragraph("Xin trân trọng cảm ơn./.")
        keep.signatures([(title, "Ký tên, đóng dấu", signer)])

    pdf.keep_together(closing)
    return pdf


def _signs_for_agency(user) -> bool:
    profile = staff_profile(user) if user is not None else None
    return profile is not None and profile.role == StaffRole.LEADER


def _control_slip(dossier: Dossier, form: Form, event_id: int | None) -> AdministrativePDF:
    if dossier.received_at is None:
        raise FormUnavailable(FormMessages.NOT_RECEIVED.format(title=form.title.lower(), number=form.number))
    ctx = {**_common(dossier), "header": receiving_unit_lines()}
    pdf = _start(dossier, form, ctx, moment=dossier.received_at, paper=None, orientation="landscape")
    pdf.labelled("Kèm theo hồ sơ của", dossier.applicant_name)
    pdf.labelled("Nội dung yêu cầu giải quyết", ctx["matter"])
    pdf.labelled("Ngày tiếp nhận", dmy_hm(dossier.received_at))
    pdf.labelled("Ngày hẹn trả kết quả", dmy_hm(dossier.due_at) or "chưa tính (chờ nộp phí, lệ phí)")
    division = dossier.division.name if dossier.division_id else ""
    pdf.labelled("Cơ quan, đơn vị giải quyết", f"{settings.AGENCY_NAME}" + (f" – {division}" if division else ""))
    handoffs = dossier.handoffs.select_related(
        "from_user__staff_profile", "to_user__staff_profile", "event__actor__staff_profile"
    ).order_by("given_at", "id")
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
                staff_name(handoff.from_user) or _applicant_side(dossier, handoff.from_unit),
                staff_name(handoff.to_user) or _applicant_side(dossier, handoff.to_unit) or _receiver_name(handoff),
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


def _applicant_side(dossier: Dossier, unit: str) -> str:
    """The applicant's name on the rows where they give or receive the dossier (supplements)."""
    return dossier.applicant_name if unit == APPLICANT_UNIT else ""


def _receiver_name(handoff) -> str:
    """The receiver of a hand-off made to a unit rather than a person (a division, the leaders, the applicant):
    the person who acted next on the dossier in that unit, when the history says so."""
    nxt = (
        DossierEvent.objects.filter(dossier_id=handoff.dossier_id, at__gt=handoff.given_at)
        .exclude(actor=None)
        .exclude(actor_id=handoff.from_user_id)
        .select_related("actor__staff_profile")
        .order_by("at", "id")
        .first()
    )
    return staff_name(nxt.actor) if nxt is not None else ""


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
    """What the applicant downloads: form 01 once staff have received the dossier, the acknowledgement of the online
    submission (not form 01) before that."""
    if dossier.received_at is not None:
        try:
            return render_form(dossier, "01"), form_filename(dossier, "01")
        except FormUnavailable:
            pass  # e.g. refused at intake: the acknowledgement is all there is
    return render_receipt(dossier), receipt_filename(dossier)
