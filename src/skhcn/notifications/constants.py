from django.db import models


class Event(models.TextChoices):
    # Applicant events
    SUBMITTED = "submitted", "Nộp hồ sơ trực tuyến thành công"
    RECEIVED = "received", "Hồ sơ được tiếp nhận"
    FEE_REQUESTED = "fee_requested", "Đề nghị nộp phí, lệ phí"
    FEE_PAID = "fee_paid", "Đã nộp phí, lệ phí trực tuyến"
    COMPLETION_REQUESTED = "completion_requested", "Yêu cầu bổ sung, hoàn thiện khi tiếp nhận"
    REFUSED_AT_INTAKE = "refused_at_intake", "Từ chối tiếp nhận"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung hồ sơ (tạm dừng thời hạn)"
    APOLOGY = "apology", "Xin lỗi và hẹn lại ngày trả kết quả"
    RESULT_READY = "result_ready", "Đã có kết quả giải quyết"
    SHIPPED = "shipped", "Gửi kết quả qua bưu chính"
    DELIVERED = "delivered", "Bưu gửi kết quả đã phát"
    RESULT_RETURNED = "result_returned", "Đã trả kết quả"
    REFUSED = "refused", "Từ chối giải quyết"
    STOPPED = "stopped", "Dừng xử lý"
    # Staff events
    ASSIGNED = "assigned", "Cán bộ: được phân công xử lý hồ sơ"
    DUE_REMINDER = "due_reminder", "Cán bộ: nhắc việc hồ sơ sắp đến hạn, quá hạn"
    APOLOGY_PREPARED = (
        "apology_prepared",
        "Cán bộ: dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả chờ lãnh đạo Sở duyệt",
    )


STAFF_EVENTS = frozenset({Event.ASSIGNED, Event.DUE_REMINDER, Event.APOLOGY_PREPARED})


class Channel(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"
    WEB = "web", "Thông báo trong tài khoản"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi không thành công"


class Attachment(models.TextChoices):
    NONE = "", "Không có"
    RECEIPT = "receipt", "Thông báo tiếp nhận hồ sơ trực tuyến hoặc Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)"


# Minutes to wait before attempt 2, 3, …; after the last one the message is marked failed.
RETRY_DELAYS_MINUTES = (1, 5, 30, 120, 360)
MAX_ATTEMPTS = len(RETRY_DELAYS_MINUTES) + 1
