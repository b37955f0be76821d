"""Demo records built only from what the seed article says ("Đẩy mạnh phong trào thi đua “Dân vận khéo”…",
12/04/2021). Every record is marked ``is_demo`` and its ``source`` says what the article states and what is a demo
assumption. No protection or certificate number is invented: they stay blank.

Idempotent: records are looked up by their sample codes (``MAU-…``), so loading twice duplicates nothing and a
record an editor has changed is left as it is.
"""

from datetime import date

from django.db import transaction

from skhcn.core import generation
from skhcn.core.demo import demo_loader
from skhcn.portal.constants import SidebarKind
from skhcn.portal.models import ArticlePage, SidebarBlock

from . import constants as c
from .models import IntellectualProperty, IPArticleLink, ScienceEnterprise, ScienceTask, SupportGrant, TaskArticleLink

ARTICLE = "bài viết “Đẩy mạnh phong trào thi đua “Dân vận khéo” gắn với hoạt động Khoa học và Công nghệ…” (12/04/2021)"
ARTICLE_TITLE_PART = "Dân vận khéo"
UNVERIFIED = "Số văn bằng, ngày cấp chưa đối chiếu nên để trống."

IP_RECORDS = [
    (
        "MAU-SHTT-01",
        "Quýt Trà Lĩnh",
        c.IPType.COLLECTIVE_MARK,
        "Quýt",
        c.IPStatus.PROTECTED,
        f"Theo {ARTICLE}: nằm trong 07 đề tài, dự án xây dựng nhãn hiệu tập thể, chỉ dẫn địa lý Sở đã triển khai "
        f"từ năm 2016. Tình trạng “đã được bảo hộ” là giả định của dữ liệu mẫu. {UNVERIFIED}",
    ),
    (
        "MAU-SHTT-02",
        "Nếp Hương Bảo Lạc",
        c.IPType.COLLECTIVE_MARK,
        "Gạo nếp hương",
        c.IPStatus.PROTECTED,
        f"Theo {ARTICLE}: nằm trong 07 đề tài, dự án xây dựng nhãn hiệu tập thể, chỉ dẫn địa lý Sở đã triển khai "
        f"từ năm 2016. Tình trạng “đã được bảo hộ” là giả định của dữ liệu mẫu. {UNVERIFIED}",
    ),
    (
        "MAU-SHTT-03",
        "Cao Bằng",
        c.IPType.GEOGRAPHICAL_INDICATION,
        "Trúc sào và chiếu trúc sào",
        c.IPStatus.PROTECTED,
        f"Theo {ARTICLE}: ảnh minh họa “Bảo hộ Chỉ dẫn địa lý “Cao Bằng” cho sản phẩm trúc sào và chiếu trúc sào”. "
        f"{UNVERIFIED}",
    ),
    (
        "MAU-SHTT-04",
        "Lê Đông Khê",
        c.IPType.COLLECTIVE_MARK,
        "Lê",
        c.IPStatus.PROTECTED,
        f"Theo {ARTICLE}: nằm trong danh sách nhãn hiệu tập thể, chỉ dẫn địa lý đã triển khai; bài viết không ghi rõ "
        f"loại, “nhãn hiệu tập thể” và “đã được bảo hộ” là giả định của dữ liệu mẫu. {UNVERIFIED}",
    ),
    (
        "MAU-SHTT-05",
        "Vịt cỏ Trùng Khánh",
        c.IPType.COLLECTIVE_MARK,
        "Vịt cỏ",
        c.IPStatus.UNDERWAY,
        f"Theo {ARTICLE}: dự án xây dựng nhãn hiệu tập thể đang trong quá trình thực hiện.",
    ),
    (
        "MAU-SHTT-06",
        "Nếp ong Trùng Khánh",
        c.IPType.COLLECTIVE_MARK,
        "Gạo nếp ong",
        c.IPStatus.UNDERWAY,
        f"Theo {ARTICLE}: dự án xây dựng nhãn hiệu tập thể đang trong quá trình thực hiện.",
    ),
]

TASK = {
    "code": "MAU-NV-2016-01",
    "kind": c.TaskKind.PROJECT,
    "title": (
        "Xây dựng mô hình trồng và chế biến chè xanh chất lượng cao tại xã Thị Ngân, huyện Thạch An, tỉnh Cao Bằng"
    ),
    "level": c.TaskLevel.PROVINCIAL,
    "field": c.ScienceField.AGRICULTURAL,
    "start_date": date(2016, 1, 1),
    "status": c.TaskStatus.IN_PROGRESS,
    "objectives": "Xây dựng mô hình trồng và chế biến chè xanh chất lượng cao; hướng dẫn bà con nông dân kỹ thuật nhân "
    "giống, giâm hom và chăm sóc cây chè.",
    "results": "01 vườn ươm nhân 3 giống chè mới (Kim Tuyên, Phúc Vân Tiên, PH8); mô hình trồng 3 giống chè mới quy mô "
    "4 ha; mô hình chế biến chè xanh chất lượng cao quy mô hộ gia đình; lắp đặt 01 máy diệt men, 01 máy vò chè.",
    "application": "Chuyển giao cho bà con nông dân xã Thị Ngân kỹ thuật nhân giống, giâm hom và chăm sóc cây chè.",
    "source": f"Theo {ARTICLE}: dự án triển khai năm 2016 trên địa bàn xã Thị Ngân. Giả định của dữ liệu mẫu: "
    "cấp tỉnh, ngày bắt đầu 01/01/2016 (bài viết chỉ ghi năm), tình trạng “đang thực hiện”; tổ chức chủ trì, "
    "chủ nhiệm, kinh phí chưa có.",
}

ENTERPRISE = {
    "code": "MAU-DN-01",
    "name": "Công ty TNHH Công nghệ sinh học Ngân Hà",
    "status": c.EnterpriseStatus.VALID,
    "source": f"Theo {ARTICLE}: Sở tư vấn, hướng dẫn và cấp giấy chứng nhận doanh nghiệp KH&CN cho doanh nghiệp này. "
    "Số, ngày giấy chứng nhận, mã số thuế chưa đối chiếu nên để trống; tình trạng “còn hiệu lực” là giả định.",
}

SUPPORT = [
    {
        "code": "MAU-HT-01",
        "programme": c.Programme.TECHNOLOGY_INNOVATION,
        "beneficiary": "Công ty TNHH Giang Hiền",
        "beneficiary_count": 1,
        "amount": 300_000_000,
        "purpose": "Hỗ trợ đầu tư đổi mới công nghệ.",
    },
    {
        "code": "MAU-HT-02",
        "programme": c.Programme.PRODUCTIVITY_QUALITY,
        "beneficiary": "05 doanh nghiệp (bài viết không nêu tên)",
        "beneficiary_count": 5,
        "amount": 370_000_000,
        "purpose": "Hỗ trợ nâng cao năng suất, chất lượng sản phẩm.",
    },
    {
        "code": "MAU-HT-03",
        "programme": c.Programme.IP_ESTABLISHMENT,
        "beneficiary": "03 cơ sở sản xuất (bài viết không nêu tên)",
        "beneficiary_count": 3,
        "amount": 38_000_000,
        "purpose": "Hỗ trợ xác lập quyền sở hữu công nghiệp.",
    },
    {
        "code": "MAU-HT-04",
        "programme": c.Programme.TECHMART,
        "beneficiary": "Đoàn doanh nghiệp của tỉnh tham gia chợ công nghệ và thiết bị, chợ thương hiệu",
        "beneficiary_count": 1,
        "amount": 0,
        "purpose": "Quảng bá sản phẩm ứng dụng KH&CN: trà giảo cổ lam, bột nghệ đen, bột nghệ vàng, rượu ngô, đường "
        "kính, chè ô long, miến dong.",
        "outcome": "Các đơn vị sản xuất kinh doanh của tỉnh khảo sát, tìm hiểu thiết bị, công nghệ thích hợp có thể "
        "ứng dụng tại địa phương.",
    },
]
SUPPORT_SOURCE = f"Theo {ARTICLE}. Bài viết không ghi năm hỗ trợ nên để trống."


def _seed_article():
    return ArticlePage.objects.live().filter(title__contains=ARTICLE_TITLE_PART).first()


@demo_loader("registries", order=30)
def load_registries_demo(stdout, if_empty: bool) -> None:
    if if_empty and IntellectualProperty.objects.exists():
        stdout.write("Đã có dữ liệu KH&CN, bỏ qua dữ liệu KH&CN mẫu.")
    else:
        load_demo_registries(stdout)


@transaction.atomic
def load_demo_registries(stdout=None) -> int:
    """Create the demo records that do not exist yet; return how many were created."""
    created = 0
    article = _seed_article()
    for code, name, ip_type, product, status, source in IP_RECORDS:
        record, made = IntellectualProperty.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "ip_type": ip_type,
                "product": product,
                "status": status,
                "area": "Tỉnh Cao Bằng",
                "is_demo": True,
                "source": source,
            },
        )
        created += made
        if made and article is not None:
            IPArticleLink.objects.create(record=record, page=article, sort_order=0)
    task, made = ScienceTask.objects.get_or_create(code=TASK["code"], defaults={**TASK, "is_demo": True})
    created += made
    if made and article is not None:
        TaskArticleLink.objects.create(task=task, page=article, sort_order=0)
    _, made = ScienceEnterprise.objects.get_or_create(code=ENTERPRISE["code"], defaults={**ENTERPRISE, "is_demo": True})
    created += made
    for values in SUPPORT:
        _, made = SupportGrant.objects.get_or_create(
            code=values["code"], defaults={**values, "is_demo": True, "source": SUPPORT_SOURCE}
        )
        created += made
    if created:
        _show_tasks_in_sidebar()
    if stdout is not None:
        stdout.write(f"Dữ liệu KH&CN mẫu: thêm {created} bản ghi (đánh dấu “{c.DEMO_LABEL}”).\n")
    return created


def _show_tasks_in_sidebar() -> None:
    """The demo sidebar's "THÔNG TIN NHIỆM VỤ KH&CN" block lists the task registry (if still the portal's default)."""
    SidebarBlock.objects.filter(title="THÔNG TIN NHIỆM VỤ KH&CN", kind=SidebarKind.CATEGORY).update(
        kind=SidebarKind.REG_TASKS
    )
    generation.bump()
