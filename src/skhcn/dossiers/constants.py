from django.db import models


class Status(models.TextChoices):
    """Dossier states. Staff states (received, completion requested, ...) are added with the staff screens."""

    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã nộp trực tuyến, chờ tiếp nhận"


class Action(models.TextChoices):
    """What happened to a dossier: one ``DossierEvent`` per action."""

    CREATE = "create", "Tạo hồ sơ nháp"
    SUBMIT = "submit", "Nộp hồ sơ trực tuyến"


class ReceiveMethod(models.TextChoices):
    DESK = "desk", "Nhận trực tiếp tại Bộ phận Một cửa"
    POST = "post", "Nhận qua dịch vụ bưu chính công ích"
    ONLINE = "online", "Nhận bản điện tử (tải về trên Cổng dịch vụ công)"


# Per-dossier cap on the number of files, on top of the byte limit (keeps the form and the receipt readable).
MAX_FILES_PER_DOSSIER = 60
NOTE_MAX_LENGTH = 2000
POSTAL_ADDRESS_MAX_LENGTH = 500
MINE_PAGE_SIZE = 20
# Tracking lookups allowed per client address and window (settings may override).
TRACK_MAX_LOOKUPS = 20
TRACK_WINDOW_SECONDS = 600


class Messages:
    NOT_ONLINE = (
        "Thủ tục này chưa được cung cấp dịch vụ công trực tuyến toàn trình. "
        "Vui lòng nộp hồ sơ trực tiếp hoặc qua bưu chính."
    )
    NOT_EDITABLE = "Hồ sơ đã nộp, không thể sửa đổi."
    ALREADY_SUBMITTED = "Hồ sơ {code} đã được nộp trước đó. Đây là giấy tiếp nhận của hồ sơ."
    STALE = "Hồ sơ vừa được thay đổi ở một cửa sổ khác. Vui lòng xem lại trước khi nộp."
    DRAFT_CREATED = "Đã tạo hồ sơ nháp. Hãy tải lên các thành phần hồ sơ rồi bấm “Xem lại và nộp”."
    DRAFT_SAVED = "Đã lưu hồ sơ nháp."
    FILE_ADDED = "Đã tải lên tệp “{name}”."
    FILE_REMOVED = "Đã xóa tệp “{name}”."
    FILE_NOT_FOUND = "Tệp không còn trong hồ sơ (có thể đã được xóa)."
    NO_FILE = "Vui lòng chọn một tệp để tải lên."
    TOO_LARGE = "Tệp vượt quá dung lượng cho phép ({limit})."
    DOSSIER_TOO_LARGE = "Tổng dung lượng các tệp của hồ sơ vượt quá giới hạn cho phép ({limit})."
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
    NO_RECEIPT_YET = "Hồ sơ chưa nộp nên chưa có giấy tiếp nhận."
    TRACK_NOT_FOUND = "Không tìm thấy hồ sơ khớp với mã và thông tin đã nhập."
    TRACK_CODE_REQUIRED = "Vui lòng nhập mã hồ sơ."
    TRACK_CONTACT_REQUIRED = "Vui lòng nhập số điện thoại hoặc số định danh cá nhân / mã số thuế đã khai khi nộp hồ sơ."
    TRACK_TOO_MANY = "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút."
    PROVISIONAL = (
        "Hồ sơ nộp trực tuyến, đang chờ cán bộ tiếp nhận kiểm tra. "
        "Ngày hẹn trả là dự kiến và sẽ được tính lại khi hồ sơ được tiếp nhận."
    )
