from django.db import models


class Direction(models.TextChoices):
    RESULT_TO_APPLICANT = "result_to_applicant", "Gửi kết quả cho người nộp"
    # Not used yet: dossiers the applicant sends through a pick-up ordered by the department.
    DOSSIER_FROM_APPLICANT = "dossier_from_applicant", "Nhận hồ sơ từ người nộp"


class ShipmentStatus(models.TextChoices):
    CREATED = "created", "Đã tạo vận đơn"
    HANDED_OVER = "handed_over", "Đã giao cho bưu chính"
    IN_TRANSIT = "in_transit", "Đang vận chuyển"
    DELIVERED = "delivered", "Đã phát thành công"
    RETURNED = "returned", "Không phát được, đã hoàn về"
    CANCELLED = "cancelled", "Đã hủy"


# Shipments still on their way: delivery or return may still be recorded.
OPEN_STATUSES = frozenset({ShipmentStatus.CREATED, ShipmentStatus.HANDED_OVER, ShipmentStatus.IN_TRANSIT})
FINAL_STATUSES = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED})


class EventKind(models.TextChoices):
    CREATED = "created", "Tạo vận đơn"
    HANDED_OVER = "handed_over", "Giao cho bưu chính"
    TRACKED = "tracked", "Cập nhật hành trình"
    DELIVERED = "delivered", "Phát thành công"
    RETURNED = "returned", "Hoàn về (không phát được)"
    CANCELLED = "cancelled", "Hủy vận đơn"


class Messages:
    NOT_ALLOWED = "Tài khoản không có quyền gửi kết quả qua bưu chính đối với hồ sơ này."
    NO_POST_RETURN = "Thủ tục này không trả kết quả qua dịch vụ bưu chính công ích."
    NOT_POST_METHOD = "Người nộp không đăng ký nhận kết quả qua dịch vụ bưu chính."
    WRONG_STATE = (
        "Chỉ gửi kết quả qua bưu chính khi hồ sơ đã có kết quả, chờ trả, hoặc khi bưu gửi trước bị hoàn về "
        "(trạng thái hiện tại: “{status}”)."
    )
    STALE = (
        "Hồ sơ vừa được người khác xử lý (thao tác vừa rồi chưa được thực hiện). "
        "Vui lòng tải lại trang để xem tình trạng mới nhất của hồ sơ."
    )
    PROVINCE_REQUIRED = "Địa chỉ nhận chưa có tỉnh/thành phố. Vui lòng nhập tỉnh/thành phố để bưu điện phát được."
    ADDRESS_REQUIRED = "Vui lòng nhập địa chỉ (số nhà, đường, thôn/xóm)."
    NAME_REQUIRED = "Vui lòng nhập họ tên người nhận."
    PHONE_REQUIRED = "Vui lòng nhập số điện thoại người nhận."
    PHONE_INVALID = "Số điện thoại người nhận không hợp lệ."
    CARRIER_UNKNOWN = "Đơn vị bưu chính đã chọn không hợp lệ."
    TRACKING_REQUIRED = "Vui lòng nhập số hiệu bưu gửi in trên biên lai của bưu điện."
    TRACKING_TAKEN = "Số hiệu bưu gửi {number} đã được dùng cho một vận đơn khác."
    NOT_OPEN = "Vận đơn đang ở trạng thái “{status}”, không thể ghi nhận thêm."
    DATE_IN_FUTURE = "Thời điểm phát không được sau thời điểm hiện tại."
    DATE_BEFORE_HANDOVER = "Thời điểm phát không được trước lúc giao cho bưu chính ({at})."
    REASON_REQUIRED = "Vui lòng nhập lý do bưu điện không phát được."
    TOO_LONG = "Nội dung quá dài (tối đa {limit} ký tự)."
    # Postal intake.
    INTAKE_NOT_ALLOWED = "Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ qua bưu chính."
    NO_POST_SUBMISSION = "Thủ tục này không nhận hồ sơ qua dịch vụ bưu chính công ích."
    PROCEDURE_INACTIVE = "Thủ tục này hiện không còn áp dụng."
    APPLICANT_NAME_REQUIRED = "Vui lòng nhập họ tên người nộp / tên tổ chức."
    APPLICANT_ID_REQUIRED = "Vui lòng nhập số định danh cá nhân / mã số thuế."
    FILES_REQUIRED = "Vui lòng tải lên bản quét các thành phần hồ sơ nhận được."
    TOO_MANY_FILES = "Chỉ được tải lên tối đa {limit} tệp."
    RECEIVE_METHOD_INVALID = "Cách nhận kết quả đã chọn không áp dụng cho thủ tục này."


NOTES_MAX_LENGTH = 2000
MAX_INTAKE_FILES = 30
# Marker in an address that makes the sandbox carrier return the item (tests and training).
SANDBOX_RETURN_MARKER = "[HOAN]"
