from django.db import models


class Status(models.TextChoices):
    """Dossier states (see ``transitions`` for how a dossier moves between them, docs/quy-trinh-ho-so.md)."""

    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã nộp trực tuyến, chờ tiếp nhận"
    COMPLETION_REQUESTED = "completion_requested", "Yêu cầu bổ sung, hoàn thiện hồ sơ (chưa tiếp nhận)"
    REFUSED_AT_INTAKE = "refused_at_intake", "Từ chối tiếp nhận"
    AWAITING_FEE = "awaiting_fee", "Chờ nộp phí, lệ phí"
    RECEIVED = "received", "Đã tiếp nhận"
    TRANSFERRED = "transferred", "Đã chuyển phòng chuyên môn"
    ASSIGNED = "assigned", "Đang thẩm định"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung hồ sơ (tạm dừng tính thời hạn)"
    AT_DIVISION_HEAD = "at_division_head", "Trình lãnh đạo phòng"
    AT_LEADER = "at_leader", "Trình lãnh đạo Sở"
    APPROVED = "approved", "Đã phê duyệt, chờ phát hành"
    RESULT_ISSUED = "result_issued", "Đã có kết quả, chờ trả"
    RETURNED = "returned", "Đã trả kết quả"
    CLOSED = "closed", "Đã kết thúc"
    REFUSED = "refused", "Từ chối giải quyết"
    WITHDRAWN = "withdrawn", "Đã rút hồ sơ"
    STOPPED = "stopped", "Dừng xử lý"


# No action leaves these.
FINAL_STATES = frozenset({Status.REFUSED_AT_INTAKE, Status.CLOSED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
# The deadline clock runs in these (it is paused in SUPPLEMENT_REQUESTED and has not started before RECEIVED).
CLOCK_RUNNING_STATES = frozenset(
    {
        Status.RECEIVED,
        Status.TRANSFERRED,
        Status.ASSIGNED,
        Status.AT_DIVISION_HEAD,
        Status.AT_LEADER,
        Status.APPROVED,
    }
)
# Received and not yet decided: what "in progress" reports and the reminders count.
IN_PROGRESS_STATES = CLOCK_RUNNING_STATES | {Status.SUPPLEMENT_REQUESTED}

# Status codes of the national public service portal (TrangThaiHoSo) per state. From the domain brief, not from a
# published specification: configuration, adjust when the sync contract is known. DRAFT is never sent.
NATIONAL_STATUS_CODES: dict[str, int] = {
    Status.SUBMITTED: 1,  # mới đăng ký
    Status.COMPLETION_REQUESTED: 5,  # yêu cầu bổ sung
    Status.REFUSED_AT_INTAKE: 3,  # không được tiếp nhận
    Status.AWAITING_FEE: 6,  # yêu cầu thực hiện nghĩa vụ tài chính
    Status.RECEIVED: 2,  # đã tiếp nhận
    Status.TRANSFERRED: 4,  # đang xử lý
    Status.ASSIGNED: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AT_DIVISION_HEAD: 4,
    Status.AT_LEADER: 4,
    Status.APPROVED: 4,
    Status.RESULT_ISSUED: 9,  # đã xử lý xong
    Status.RETURNED: 10,  # đã trả kết quả
    Status.CLOSED: 10,
    Status.REFUSED: 9,  # processed: the result is the refusal letter with reasons
    Status.WITHDRAWN: 7,  # công dân yêu cầu rút hồ sơ
    Status.STOPPED: 8,  # dừng xử lý
}


class Action(models.TextChoices):
    """What happened to a dossier: one ``DossierEvent`` per action."""

    CREATE = "create", "Tạo hồ sơ nháp"
    SUBMIT = "submit", "Nộp hồ sơ trực tuyến"
    INTAKE = "intake", "Nhập hồ sơ nộp trực tiếp hoặc qua bưu chính"
    RECEIVE = "receive", "Tiếp nhận hồ sơ"
    REQUEST_COMPLETION = "request_completion", "Yêu cầu bổ sung, hoàn thiện hồ sơ"
    REFUSE_INTAKE = "refuse_intake", "Từ chối tiếp nhận hồ sơ"
    RESUBMIT = "resubmit", "Nộp lại hồ sơ đã bổ sung, hoàn thiện"
    RECORD_FEE_PAID = "record_fee_paid", "Ghi nhận đã nộp phí, lệ phí"
    TRANSFER = "transfer", "Chuyển phòng chuyên môn xử lý"
    ASSIGN = "assign", "Phân công chuyên viên thẩm định"
    REQUEST_SUPPLEMENT = "request_supplement", "Yêu cầu bổ sung hồ sơ"
    SUPPLY = "supply", "Đã bổ sung hồ sơ"
    SUBMIT_TO_HEAD = "submit_to_head", "Trình lãnh đạo phòng"
    HEAD_RETURN = "head_return", "Lãnh đạo phòng trả lại chuyên viên"
    HEAD_APPROVE = "head_approve", "Lãnh đạo phòng duyệt, trình lãnh đạo Sở"
    LEADER_RETURN = "leader_return", "Lãnh đạo Sở trả lại"
    LEADER_APPROVE = "leader_approve", "Lãnh đạo Sở phê duyệt"
    REFUSE = "refuse", "Từ chối giải quyết"
    ISSUE_RESULT = "issue_result", "Phát hành kết quả"
    RETURN_RESULT = "return_result", "Trả kết quả"
    CLOSE = "close", "Kết thúc hồ sơ"
    WITHDRAW = "withdraw", "Rút hồ sơ"
    STOP_PROCESSING = "stop_processing", "Dừng xử lý hồ sơ"
    APOLOGIZE = "apologize", "Xin lỗi và hẹn lại ngày trả kết quả"
    CONSULT = "consult", "Lấy ý kiến cơ quan liên quan"
    CONSULT_REPLY = "consult_reply", "Ghi nhận ý kiến cơ quan liên quan"
    COMMENT = "comment", "Ghi chú nội bộ"
    # Recorded by the system, outside the transition table (workflow.recalculate): staff changed the calendar.
    RECALCULATE_DUE = "recalculate_due", "Tính lại hạn giải quyết do thay đổi lịch làm việc"
    PREPARE_APOLOGY = "prepare_apology", "Dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả"


class Channel(models.TextChoices):
    """How the dossier reached the department."""

    ONLINE = "online", "Trực tuyến"
    DESK = "desk", "Trực tiếp tại Bộ phận Một cửa"
    POST = "post", "Qua dịch vụ bưu chính công ích"


class HandOffOutcome(models.TextChoices):
    """Column "kết quả" of the control slip (form 05): when the receiving unit finished, against its step deadline."""

    BEFORE = "before", "Trước hạn"
    ON = "on", "Đúng hạn"
    AFTER = "after", "Trễ hạn"


class FileSource(models.TextChoices):
    """How a component of a dossier became electronic (the national portal's DuocSoHoa / DuocTaiSuDung markers,
    Decision 766's "số hóa hồ sơ"): sent as a file by the applicant, scanned by the officer who received the paper,
    or taken again from what the applicant supplied before."""

    ELECTRONIC = "electronic", "Người nộp gửi bản điện tử"
    DIGITISED = "digitised", "Số hóa khi tiếp nhận"
    REUSED = "reused", "Tái sử dụng dữ liệu đã số hóa"


# Channel of a dossier as the national public-service portal counts it (KenhThucHien): 1 at the desk, 2 online,
# 3 by post.
NATIONAL_CHANNEL_CODES: dict[str, int] = {"desk": 1, "online": 2, "post": 3}


class ReceiveMethod(models.TextChoices):
    DESK = "desk", "Nhận trực tiếp tại Bộ phận Một cửa"
    POST = "post", "Nhận qua dịch vụ bưu chính công ích"
    ONLINE = "online", "Nhận bản điện tử (tải về trên Cổng dịch vụ công)"


# The applicant as a party of the control slip (form 05): the supplement goes to them and comes back from them.
APPLICANT_UNIT = "Người nộp hồ sơ"

# Per-dossier cap on the number of files, on top of the byte limit (keeps the form and the receipt readable).
MAX_FILES_PER_DOSSIER = 60
NOTE_MAX_LENGTH = 2000
POSTAL_ADDRESS_MAX_LENGTH = 500
MINE_PAGE_SIZE = 20


class Messages:
    NOT_ONLINE = (
        "Thủ tục này chưa được cung cấp dịch vụ công trực tuyến toàn trình. "
        "Vui lòng nộp hồ sơ trực tiếp hoặc qua bưu chính."
    )
    NOT_EDITABLE = "Hồ sơ đã nộp, không thể sửa đổi."
    ALREADY_SUBMITTED = "Hồ sơ {code} đã được nộp trước đó. Dưới đây là thông tin của hồ sơ."
    STALE = "Hồ sơ vừa được thay đổi ở một cửa sổ khác. Vui lòng xem lại trước khi nộp."
    DRAFT_CREATED = "Đã tạo hồ sơ nháp. Hãy tải lên các thành phần hồ sơ rồi bấm “Xem lại và nộp”."
    DRAFT_SAVED = "Đã lưu hồ sơ nháp."
    FILE_ADDED = "Đã tải lên tệp “{name}”."
    FILE_REMOVED = "Đã xóa tệp “{name}”."
    FILE_NOT_FOUND = "Tệp không còn trong hồ sơ (có thể đã được xóa)."
    NO_FILE = "Vui lòng chọn một tệp để tải lên."
    # Each size message names the limit that was hit: per file, per dossier, or all open drafts of the account.
    TOO_LARGE = "Tệp vượt quá dung lượng tối đa {limit} cho mỗi tệp."
    DOSSIER_TOO_LARGE = (
        "Tổng dung lượng các tệp của hồ sơ vượt quá giới hạn {limit} cho mỗi hồ sơ. "
        "Vui lòng giảm dung lượng tệp (ví dụ quét ở độ phân giải thấp hơn) hoặc xóa bớt tệp không cần thiết."
    )
    DRAFTS_TOO_LARGE = (
        "Tổng dung lượng các tệp trong các hồ sơ nháp chưa nộp của tài khoản vượt quá giới hạn {limit} cho mỗi "
        "tài khoản. Vui lòng nộp hoặc xóa bớt hồ sơ nháp, tệp không cần thiết rồi tải lên lại."
    )
    TOO_MANY_DRAFTS = (
        "Tài khoản đã có {count} hồ sơ nháp chưa nộp (tối đa {limit} hồ sơ nháp cho mỗi tài khoản). "
        "Vui lòng nộp hoặc xóa bớt hồ sơ nháp trước khi tạo hồ sơ mới."
    )
    DRAFT_DELETED = "Đã xóa hồ sơ nháp."
    DRAFT_NOT_DELETABLE = "Không xóa được hồ sơ nháp này vì đã có giao dịch liên quan."
    TOO_MANY_FILES = "Hồ sơ đã có quá nhiều tệp (tối đa {limit} tệp)."
    UNKNOWN_DOCUMENT = "Thành phần hồ sơ không hợp lệ. Vui lòng tải lại trang."
    STORAGE_FAILED = "Không lưu được tệp do sự cố hệ thống. Vui lòng thử lại sau ít phút."
    SUBMITTED = "Đã nộp hồ sơ {code}. Hồ sơ đang chờ cán bộ tiếp nhận kiểm tra."
    SUBMIT_REFUSED = "Chưa nộp được hồ sơ:"
    MISSING_DOCUMENT = "Thiếu thành phần hồ sơ bắt buộc: {name}."
    EMAIL_UNVERIFIED = (
        "Thư điện tử của tài khoản chưa được xác thực. Vui lòng xác thực thư điện tử trước khi nộp hồ sơ."
    )
    NO_PROFILE = "Tài khoản chưa có thông tin người nộp hồ sơ. Vui lòng cập nhật thông tin tài khoản."
    RECEIVE_METHOD_MISSING = "Vui lòng chọn cách nhận kết quả."
    RECEIVE_METHOD_INVALID = "Cách nhận kết quả đã chọn không áp dụng cho thủ tục này."
    POSTAL_ADDRESS_MISSING = "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."
    NO_RECEIPT_YET = "Hồ sơ chưa nộp nên chưa có thông báo tiếp nhận hồ sơ trực tuyến."
    TRACK_NOT_FOUND = "Không tìm thấy hồ sơ khớp với mã và thông tin đã nhập."
    TRACK_CODE_REQUIRED = "Vui lòng nhập mã hồ sơ."
    TRACK_CONTACT_REQUIRED = "Vui lòng nhập số điện thoại hoặc số định danh cá nhân / mã số thuế đã khai khi nộp hồ sơ."
    TRACK_TOO_MANY = "Ông/Bà đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút."
    PROVISIONAL = (
        "Hồ sơ nộp trực tuyến, đang chờ cán bộ tiếp nhận kiểm tra. "
        "Ngày hẹn trả là dự kiến và sẽ được tính lại khi hồ sơ được tiếp nhận. "
        "Thông báo này không thay cho Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
    )


# --- staff workflow --------------------------------------------------------------------------------------------------
# Result number suffix, backdating and apology limits, reminder hour: settings DOSSIER_* (skhcn.settings.base).
COMMENT_MAX_LENGTH = 4000
MAX_FILES_PER_ACTION = 10


class WorkflowMessages:
    """Refusals of ``workflow.perform`` (``WorkflowError.message``) and the applicant's pages."""

    NOT_FOUND = "Không tìm thấy hồ sơ."
    STALE = (
        "Hồ sơ vừa được người khác xử lý (thao tác vừa rồi chưa được thực hiện). "
        "Vui lòng tải lại trang để xem tình trạng mới nhất của hồ sơ."
    )
    NOT_ALLOWED_STATE = "Không thể “{action}” khi hồ sơ đang ở trạng thái “{status}”."
    NOT_ALLOWED_ROLE = "Tài khoản không có quyền “{action}” đối với hồ sơ này."
    UNKNOWN_ACTION = "Thao tác không hợp lệ."
    COMMENT_REQUIRED = "Vui lòng nhập nội dung (lý do, yêu cầu hoặc ý kiến)."
    COMMENT_TOO_LONG = "Nội dung quá dài (tối đa {limit} ký tự)."
    REASON_REQUIRED = (
        "Vui lòng nêu lý do yêu cầu bổ sung, hoàn thiện hồ sơ "
        "(in ở mục “Lý do” của phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)."
    )
    FILE_REQUIRED = "Vui lòng đính kèm tệp."
    RESULT_FILE_REQUIRED = "Vui lòng tải lên tệp kết quả đã ký số."
    TOO_MANY_FILES = "Chỉ được đính kèm tối đa {limit} tệp."
    FILES_NOT_ALLOWED = "Thao tác này không kèm tệp."
    DIVISION_REQUIRED = "Vui lòng chọn phòng chuyên môn xử lý."
    DIVISION_INVALID = "Phòng chuyên môn đã chọn không hợp lệ hoặc đã ngừng hoạt động."
    ASSIGNEE_REQUIRED = "Vui lòng chọn chuyên viên thẩm định."
    ASSIGNEE_INVALID = "Người được chọn không phải chuyên viên đang làm việc của phòng xử lý hồ sơ."
    METHOD_REQUIRED = "Vui lòng chọn hình thức trả kết quả."
    METHOD_INVALID = "Hình thức trả kết quả không hợp lệ."
    DATE_REQUIRED = "Vui lòng nhập ngày."
    DATE_INVALID = "Ngày không hợp lệ."
    DATE_IN_FUTURE = "Ngày không được sau ngày hôm nay."
    DATE_TOO_OLD = "Ngày đã nhập quá xa so với hôm nay (tối đa {days} ngày trước)."
    DATE_BEFORE_RECEIPT = "Ngày nộp phí không được trước ngày tiếp nhận hồ sơ ({date})."
    POSTMARK_NOT_POSTAL = "Chỉ hồ sơ nhận qua bưu chính mới có ngày bưu điện."
    APOLOGY_USED = "Hồ sơ đã có một lần xin lỗi và hẹn lại; không được hẹn lại lần thứ hai."
    APOLOGY_TOO_LATE = (
        "Chỉ được lập Phiếu xin lỗi và hẹn lại ngày trả kết quả trước ngày hẹn trả ({date}); hồ sơ đã đến hoặc quá hạn."
    )
    APOLOGY_DATE_NOT_AFTER = "Ngày hẹn mới phải sau ngày hẹn trả hiện tại ({date})."
    APOLOGY_DATE_TOO_FAR = "Ngày hẹn mới không được quá {days} ngày sau ngày hẹn trả hiện tại."
    APOLOGY_DATE_DAY_OFF = "Ngày hẹn mới rơi vào ngày nghỉ; vui lòng chọn một ngày làm việc."
    NO_DUE_DATE = "Hồ sơ chưa có ngày hẹn trả."
    # The limits of the rule set in force for the dossier (``documents.formsets.FormSet``).
    SUPPLEMENT_LIMIT = (
        "Hồ sơ đã có {count} lần yêu cầu bổ sung trong quá trình giải quyết; theo quy định chỉ được yêu cầu bổ sung "
        "{limit} lần."
    )
    COMPLETION_LIMIT = (
        "Hồ sơ đã có {count} lần yêu cầu bổ sung, hoàn thiện khi tiếp nhận; theo quy định cán bộ phải hướng dẫn đầy "
        "đủ, một lần (chỉ được yêu cầu {limit} lần). Vui lòng tiếp nhận hoặc từ chối tiếp nhận hồ sơ."
    )
    REFUSAL_FILE_REQUIRED = "Vui lòng đính kèm văn bản trả lời từ chối giải quyết đã ký."
    STORAGE_FAILED = "Không lưu được tệp do sự cố hệ thống. Vui lòng thử lại sau ít phút."

    # Applicant pages.
    SUPPLY_DONE = "Đã gửi hồ sơ bổ sung. Cán bộ sẽ tiếp tục xử lý hồ sơ."
    RESUBMIT_DONE = "Đã nộp lại hồ sơ. Hồ sơ đang chờ cán bộ tiếp nhận kiểm tra."
    WITHDRAW_DONE = "Đã rút hồ sơ {code}."
    WITHDRAW_REASON_REQUIRED = "Vui lòng nhập lý do rút hồ sơ."
    NO_RESULT = "Kết quả của hồ sơ chưa được trả trực tuyến."
