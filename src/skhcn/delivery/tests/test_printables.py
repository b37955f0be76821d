import io

from pypdf import PdfReader

from skhcn.delivery import printables

from .test_shipments import ship


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_label(world, clock, issued, settings):
    shipment = ship(issued, world.one_stop)
    data = printables.label_pdf(shipment)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (100, 150)
    text = " ".join(text_of(data).split())
    assert len(reader.pages) == 1
    for expected in (
        "NGƯỜI GỬI",
        "Sở Khoa học và Công nghệ",
        "phường Thục Phán, tỉnh Cao Bằng",
        "NGƯỜI NHẬN",
        "Nguyễn Văn An",
        "Phường Hợp Giang, Cao Bằng",
        issued.code,
        "EB123456785VN",
    ):
        assert expected in text, expected
    assert "THỬ NGHIỆM" not in text


def test_sandbox_label_says_test(world, clock, issued):
    shipment = ship(issued, world.one_stop, carrier="sandbox", tracking_number="")
    assert "THỬ NGHIỆM – KHÔNG GỬI THẬT" in text_of(printables.label_pdf(shipment))
    assert "THỬ NGHIỆM" in text_of(printables.slip_pdf(shipment))


def test_slip(world, clock, issued):
    shipment = ship(issued, world.one_stop)
    issued.refresh_from_db()
    text = " ".join(text_of(printables.slip_pdf(shipment)).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHIẾU GIAO NHẬN HỒ SƠ, KẾT QUẢ QUA DỊCH VỤ BƯU CHÍNH CÔNG ÍCH",
        "Số hiệu bưu gửi: EB123456785VN",
        f"Mã hồ sơ: {issued.code}",
        issued.result_number,
        "Thời gian chuyển phát không tính vào thời hạn giải quyết thủ tục hành chính",
        "CÁN BỘ MỘT CỬA",
        "NHÂN VIÊN BƯU CHÍNH",
        "NGƯỜI NHẬN",
        "Ký, ghi rõ họ tên",
    ):
        assert expected in text, expected
