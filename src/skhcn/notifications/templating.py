"""Notification texts staff can edit: ``{ten_bien}`` placeholders, nothing else.

Plain ``str.format``-style names only — no attribute or index access, no format specs — so an edited template can
neither reach into Python objects nor ask for a gigabyte of padding. Pure functions; the defaults below are what a
fresh install sends until someone edits them in the admin ("Thông báo" → "Mẫu thông báo").
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter

from .constants import Event

VARIABLES: dict[str, str] = {
    "co_quan": "Tên cơ quan",
    "ma_ho_so": "Mã hồ sơ",
    "thu_tuc": "Tên thủ tục",
    "ma_thu_tuc": "Mã thủ tục",
    "nguoi_nop": "Họ tên / tên tổ chức người nộp",
    "trang_ho_so": "Đường liên kết đến trang hồ sơ (trong tài khoản)",
    "tra_cuu": "Đường liên kết tra cứu hồ sơ",
    "ngay_hen_tra": "Ngày hẹn trả kết quả (dd/mm/yyyy)",
    "noi_dung": "Nội dung, lý do cán bộ ghi",
    "le_phi": "Mức phí, lệ phí theo thủ tục",
    "so_tien": "Số tiền (kèm “đồng”)",
    "lien_ket_thanh_toan": "Đường liên kết nộp phí trực tuyến",
    "ma_giao_dich": "Mã giao dịch thanh toán",
    "hinh_thuc_nhan": "Hình thức nhận kết quả",
    "so_ket_qua": "Số, ký hiệu kết quả",
    "lien_ket_ket_qua": "Đường liên kết tải kết quả (trả trực tuyến)",
    "ngay_hen_cu": "Ngày hẹn trả ban đầu",
    "ngay_hen_moi": "Ngày hẹn trả mới",
    "so_hieu_buu_gui": "Số hiệu bưu gửi",
    "buu_chinh": "Đơn vị bưu chính",
    "dia_chi_nhan": "Địa chỉ nhận",
    "ngay_phat": "Ngày phát",
    "can_bo": "Họ tên cán bộ nhận thông báo",
    "lien_ket_can_bo": "Đường liên kết đến màn hình cán bộ",
    "ngay": "Ngày gửi thông báo",
    "so_qua_han": "Số hồ sơ quá hạn",
    "so_sap_den_han": "Số hồ sơ sắp đến hạn",
    "danh_sach": "Danh sách hồ sơ (mỗi hồ sơ một dòng)",
}

APPLICANT_COMMON = ("co_quan", "ma_ho_so", "thu_tuc", "ma_thu_tuc", "nguoi_nop", "trang_ho_so", "tra_cuu")
STAFF_DOSSIER = ("co_quan", "ma_ho_so", "thu_tuc", "ma_thu_tuc", "nguoi_nop", "can_bo", "lien_ket_can_bo")

EVENT_VARIABLES: dict[str, tuple[str, ...]] = {
    Event.SUBMITTED: APPLICANT_COMMON + ("ngay_hen_tra",),
    Event.RECEIVED: APPLICANT_COMMON + ("ngay_hen_tra",),
    Event.FEE_REQUESTED: APPLICANT_COMMON + ("le_phi", "so_tien", "lien_ket_thanh_toan"),
    Event.FEE_PAID: APPLICANT_COMMON + ("so_tien", "ma_giao_dich", "ngay_hen_tra"),
    Event.COMPLETION_REQUESTED: APPLICANT_COMMON + ("noi_dung",),
    Event.REFUSED_AT_INTAKE: APPLICANT_COMMON + ("noi_dung",),
    Event.SUPPLEMENT_REQUESTED: APPLICANT_COMMON + ("noi_dung",),
    Event.APOLOGY: APPLICANT_COMMON + ("noi_dung", "ngay_hen_cu", "ngay_hen_moi"),
    Event.RESULT_READY: APPLICANT_COMMON + ("so_ket_qua", "hinh_thuc_nhan"),
    Event.SHIPPED: APPLICANT_COMMON + ("so_ket_qua", "so_hieu_buu_gui", "buu_chinh", "dia_chi_nhan"),
    Event.DELIVERED: APPLICANT_COMMON + ("so_hieu_buu_gui", "buu_chinh", "ngay_phat"),
    Event.RESULT_RETURNED: APPLICANT_COMMON + ("so_ket_qua", "hinh_thuc_nhan", "lien_ket_ket_qua"),
    Event.REFUSED: APPLICANT_COMMON + ("noi_dung",),
    Event.STOPPED: APPLICANT_COMMON + ("noi_dung",),
    Event.ASSIGNED: STAFF_DOSSIER + ("ngay_hen_tra", "noi_dung"),
    Event.DUE_REMINDER: ("co_quan", "can_bo", "ngay", "so_qua_han", "so_sap_den_han", "danh_sach"),
    Event.APOLOGY_PREPARED: STAFF_DOSSIER + ("ngay_hen_tra", "ngay_hen_moi", "noi_dung"),
}

SMS_MAX_LENGTH = 320  # about five Unicode SMS segments once placeholders are filled


@dataclass(frozen=True)
class Texts:
    subject: str
    body: str
    sms: str = ""


_SIGNATURE = "\n\nTrân trọng,\n{co_quan}"
_FOLLOW = "\n\nTheo dõi hồ sơ: {trang_ho_so}\nTra cứu không cần đăng nhập: {tra_cuu}"

DEFAULTS: dict[str, Texts] = {
    Event.SUBMITTED: Texts(
        "Đã nhận hồ sơ trực tuyến {ma_ho_so}",
        "Kính gửi {nguoi_nop},\n\n{co_quan} đã nhận hồ sơ trực tuyến của Ông/Bà.\n\nMã hồ sơ: {ma_ho_so}\n"
        "Thủ tục: {thu_tuc} (mã {ma_thu_tuc})\nNgày hẹn trả kết quả dự kiến: {ngay_hen_tra}\n\n"
        "Hồ sơ đang chờ cán bộ tiếp nhận kiểm tra. Thông báo tiếp nhận hồ sơ trực tuyến được đính kèm thư này. "
        "Khi hồ sơ được tiếp nhận, Ông/Bà sẽ nhận Giấy tiếp nhận hồ sơ và hẹn trả kết quả với ngày hẹn trả chính thức."
        + _FOLLOW
        + _SIGNATURE,
        "Đã nhận hồ sơ trực tuyến {ma_ho_so}. Tra cứu: {tra_cuu}",
    ),
    Event.RECEIVED: Texts(
        "Hồ sơ {ma_ho_so} đã được tiếp nhận",
        "Kính gửi {nguoi_nop},\n\n{co_quan} đã tiếp nhận hồ sơ của Ông/Bà.\n\nMã hồ sơ: {ma_ho_so}\n"
        "Thủ tục: {thu_tuc} (mã {ma_thu_tuc})\nNgày hẹn trả kết quả: {ngay_hen_tra}\n\n"
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả được đính kèm thư này." + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} đã được tiếp nhận, hẹn trả ngày {ngay_hen_tra}.",
    ),
    Event.FEE_REQUESTED: Texts(
        "Hồ sơ {ma_ho_so}: đề nghị nộp phí, lệ phí",
        "Kính gửi {nguoi_nop},\n\nHồ sơ {ma_ho_so} ({thu_tuc}) cần nộp phí, lệ phí: {le_phi}. "
        "Thời hạn giải quyết được tính từ khi Ông/Bà nộp phí.\n\nNộp phí trực tuyến: {lien_ket_thanh_toan}"
        + _FOLLOW
        + _SIGNATURE,
        "Hồ sơ {ma_ho_so}: vui lòng nộp phí, lệ phí tại {lien_ket_thanh_toan}",
    ),
    Event.FEE_PAID: Texts(
        "Hồ sơ {ma_ho_so}: đã nhận phí, lệ phí",
        "Kính gửi {nguoi_nop},\n\n{co_quan} đã nhận khoản nộp {so_tien} cho hồ sơ {ma_ho_so} "
        "(mã giao dịch {ma_giao_dich}). Biên lai thu phí, lệ phí (điện tử) tải được trên trang hồ sơ.\n\n"
        "Ngày hẹn trả kết quả: {ngay_hen_tra}" + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so}: đã nhận {so_tien}, mã giao dịch {ma_giao_dich}.",
    ),
    Event.COMPLETION_REQUESTED: Texts(
        "Hồ sơ {ma_ho_so}: yêu cầu bổ sung, hoàn thiện",
        "Kính gửi {nguoi_nop},\n\nHồ sơ {ma_ho_so} ({thu_tuc}) chưa đủ điều kiện tiếp nhận. Vui lòng bổ sung, "
        "hoàn thiện theo nội dung dưới đây, tải tài liệu lên trang hồ sơ và bấm “Đã bổ sung hồ sơ”.\n\n"
        "Nội dung cần bổ sung, hoàn thiện:\n{noi_dung}" + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} cần bổ sung, hoàn thiện. Xem chi tiết: {trang_ho_so}",
    ),
    Event.REFUSED_AT_INTAKE: Texts(
        "Hồ sơ {ma_ho_so}: từ chối tiếp nhận",
        "Kính gửi {nguoi_nop},\n\n{co_quan} từ chối tiếp nhận hồ sơ {ma_ho_so} ({thu_tuc}) vì lý do dưới đây.\n\n"
        "Lý do:\n{noi_dung}" + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} bị từ chối tiếp nhận. Xem lý do: {trang_ho_so}",
    ),
    Event.SUPPLEMENT_REQUESTED: Texts(
        "Hồ sơ {ma_ho_so}: yêu cầu bổ sung hồ sơ",
        "Kính gửi {nguoi_nop},\n\nTrong quá trình giải quyết, hồ sơ {ma_ho_so} cần được bổ sung theo nội dung dưới "
        "đây. Thời hạn giải quyết tạm dừng cho đến khi Ông/Bà bổ sung. Vui lòng tải tài liệu lên trang hồ sơ và bấm "
        "“Đã bổ sung hồ sơ”.\n\nNội dung cần bổ sung:\n{noi_dung}" + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} cần bổ sung. Xem chi tiết: {trang_ho_so}",
    ),
    Event.APOLOGY: Texts(
        "Hồ sơ {ma_ho_so}: xin lỗi và hẹn lại ngày trả kết quả",
        "Kính gửi {nguoi_nop},\n\n{co_quan} thành thật xin lỗi Ông/Bà vì hồ sơ {ma_ho_so} chưa thể giải quyết "
        "đúng hẹn.\n\nNgày hẹn trả ban đầu: {ngay_hen_cu}\nNgày hẹn trả mới: {ngay_hen_moi}\n\nLý do:\n{noi_dung}"
        + _FOLLOW
        + _SIGNATURE,
        "Hồ sơ {ma_ho_so}: xin lỗi Ông/Bà, ngày hẹn trả mới là {ngay_hen_moi}.",
    ),
    Event.RESULT_READY: Texts(
        "Hồ sơ {ma_ho_so} đã có kết quả",
        "Kính gửi {nguoi_nop},\n\nHồ sơ {ma_ho_so} ({thu_tuc}) đã có kết quả giải quyết, số {so_ket_qua}. "
        "Kết quả sẽ được trả theo hình thức Ông/Bà đã chọn: {hinh_thuc_nhan}." + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} đã có kết quả. Hình thức nhận: {hinh_thuc_nhan}.",
    ),
    Event.SHIPPED: Texts(
        "Hồ sơ {ma_ho_so}: kết quả đã gửi qua bưu chính",
        "Kính gửi {nguoi_nop},\n\nKết quả giải quyết hồ sơ {ma_ho_so} (số {so_ket_qua}) đã được gửi qua "
        "{buu_chinh}, số hiệu bưu gửi {so_hieu_buu_gui}, đến địa chỉ: {dia_chi_nhan}." + _FOLLOW + _SIGNATURE,
        "Kết quả hồ sơ {ma_ho_so} đã gửi qua {buu_chinh}, số hiệu {so_hieu_buu_gui}.",
    ),
    Event.DELIVERED: Texts(
        "Hồ sơ {ma_ho_so}: bưu gửi kết quả đã được phát",
        "Kính gửi {nguoi_nop},\n\n{buu_chinh} báo bưu gửi {so_hieu_buu_gui} chứa kết quả hồ sơ {ma_ho_so} "
        "đã được phát ngày {ngay_phat}." + _FOLLOW + _SIGNATURE,
        "",
    ),
    Event.RESULT_RETURNED: Texts(
        "Hồ sơ {ma_ho_so}: đã trả kết quả",
        "Kính gửi {nguoi_nop},\n\n{co_quan} đã trả kết quả giải quyết hồ sơ {ma_ho_so} ({hinh_thuc_nhan}), "
        "số {so_ket_qua}.\n\nTải kết quả (nếu nhận trực tuyến): {lien_ket_ket_qua}" + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} đã trả kết quả ({hinh_thuc_nhan}).",
    ),
    Event.REFUSED: Texts(
        "Hồ sơ {ma_ho_so}: từ chối giải quyết",
        "Kính gửi {nguoi_nop},\n\nSau khi xem xét, {co_quan} từ chối giải quyết hồ sơ {ma_ho_so} ({thu_tuc}) vì "
        "lý do dưới đây.\n\nLý do:\n{noi_dung}" + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} bị từ chối giải quyết. Xem lý do: {trang_ho_so}",
    ),
    Event.STOPPED: Texts(
        "Hồ sơ {ma_ho_so}: dừng xử lý",
        "Kính gửi {nguoi_nop},\n\n{co_quan} thông báo dừng xử lý hồ sơ {ma_ho_so} ({thu_tuc}) vì lý do dưới đây."
        "\n\nLý do:\n{noi_dung}" + _FOLLOW + _SIGNATURE,
        "Hồ sơ {ma_ho_so} đã dừng xử lý. Xem lý do: {trang_ho_so}",
    ),
    Event.ASSIGNED: Texts(
        "Được phân công xử lý hồ sơ {ma_ho_so}",
        "Kính gửi {can_bo},\n\nĐồng chí được phân công xử lý hồ sơ {ma_ho_so}.\n\nThủ tục: {thu_tuc} "
        "(mã {ma_thu_tuc})\nNgười nộp: {nguoi_nop}\nNgày hẹn trả: {ngay_hen_tra}\nGhi chú: {noi_dung}\n\n"
        "Mở hồ sơ: {lien_ket_can_bo}" + _SIGNATURE,
    ),
    Event.DUE_REMINDER: Texts(
        "Nhắc việc ngày {ngay}: {so_qua_han} hồ sơ quá hạn, {so_sap_den_han} hồ sơ sắp đến hạn",
        "Kính gửi {can_bo},\n\nCác hồ sơ dưới đây trong phần việc của đồng chí đã quá hạn hoặc sắp đến hạn "
        "(tính đến ngày {ngay}):\n\n{danh_sach}" + _SIGNATURE,
    ),
    Event.APOLOGY_PREPARED: Texts(
        "Hồ sơ {ma_ho_so}: dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả chờ duyệt",
        "Kính gửi {can_bo},\n\nBộ phận Một cửa đã dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04) "
        "của hồ sơ {ma_ho_so}, chờ lãnh đạo Sở duyệt, ký.\n\nThủ tục: {thu_tuc} (mã {ma_thu_tuc})\n"
        "Người nộp: {nguoi_nop}\nNgày hẹn trả hiện tại: {ngay_hen_tra}\nNgày hẹn trả mới đề xuất: {ngay_hen_moi}\n"
        "Lý do: {noi_dung}\n\nPhiếu phải được gửi trước ngày hẹn trả hiện tại. Mở hồ sơ: {lien_ket_can_bo}"
        + _SIGNATURE,
    ),
}


class TemplateError(ValueError):
    """An edited text names an unknown variable or uses syntax other than ``{name}``; ``message`` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allowed_variables(event: str) -> tuple[str, ...]:
    return EVENT_VARIABLES[event]


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of ``text`` in order; ``TemplateError`` for anything that is not a plain name."""
    names = []
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        raise TemplateError(
            "Dấu ngoặc nhọn không khớp. Dùng {ten_bien} cho biến; muốn viết dấu { hoặc } thì gõ hai lần: {{ }}."
        ) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise TemplateError(f"“{{{name}}}” không hợp lệ: chỉ dùng tên biến trong ngoặc nhọn, ví dụ {{ma_ho_so}}.")
        names.append(name)
    return names


def validate(event: str, text: str) -> None:
    allowed = allowed_variables(event)
    unknown = [name for name in placeholders(text) if name not in allowed]
    if unknown:
        listed = ", ".join("{" + name + "}" for name in allowed)
        raise TemplateError(f"Không có biến {{{unknown[0]}}} cho thông báo này. Các biến dùng được: {listed}.")


def render(text: str, values: dict[str, object]) -> str:
    """Fill ``text``'s placeholders; a variable with no value becomes an empty string (the text was validated when
    saved, so every name is known)."""
    return text.format_map(_Blank({k: "" if v is None else str(v) for k, v in values.items()}))


class _Blank(dict):
    def __missing__(self, key):
        return ""


def sample_values(event: str) -> dict[str, str]:
    """Example values for the admin's preview."""
    examples = {
        "co_quan": "Sở Khoa học và Công nghệ",
        "ma_ho_so": "000.26.H11-261130-00001",
        "thu_tuc": "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        "ma_thu_tuc": "1.002345",
        "nguoi_nop": "Nguyễn Văn An",
        "trang_ho_so": "https://…/dich-vu-cong/ho-so/1/",
        "tra_cuu": "https://…/dich-vu-cong/tra-cuu/",
        "ngay_hen_tra": "15/12/2026",
        "noi_dung": "Bổ sung bản sao Giấy chứng nhận đăng ký doanh nghiệp.",
        "le_phi": "theo quy định",
        "so_tien": "1.500.000 đồng",
        "lien_ket_thanh_toan": "https://…/thanh-toan/1/",
        "ma_giao_dich": "14123456",
        "hinh_thuc_nhan": "Nhận trực tuyến",
        "so_ket_qua": "125/GCN-SKHCN",
        "lien_ket_ket_qua": "https://…/dich-vu-cong/ho-so/1/ket-qua/",
        "ngay_hen_cu": "10/12/2026",
        "ngay_hen_moi": "17/12/2026",
        "so_hieu_buu_gui": "EE123456785VN",
        "buu_chinh": "Bưu điện (nhập tay số hiệu)",
        "dia_chi_nhan": "Số 1, phường Hợp Giang, tỉnh Cao Bằng",
        "ngay_phat": "20/12/2026",
        "can_bo": "Trần Thị Bình",
        "lien_ket_can_bo": "https://…/admin/ho-so/1/",
        "ngay": "30/11/2026",
        "so_qua_han": "1",
        "so_sap_den_han": "2",
        "danh_sach": "HỒ SƠ QUÁ HẠN (1):\n- 000.26.H11-261120-00003 — hạn 28/11/2026",
    }
    return {name: examples[name] for name in allowed_variables(event)}
