"""factory-boy factories for the S&T registries (public, not demo, unless told)."""

from datetime import date

import factory
from django.core.files.base import ContentFile

from skhcn.registries import constants as c
from skhcn.registries import models


def pdf_bytes(*lines: str) -> bytes:
    """A small PDF whose text layer holds ``lines`` (Vietnamese included: Liberation Serif is bundled)."""
    from skhcn.core.pdf import AdministrativePDF

    pdf = AdministrativePDF(title="Tài liệu thử nghiệm")
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScienceTask

    code = factory.Sequence(lambda n: f"DT.2024-{n:03d}")
    title = factory.Sequence(lambda n: f"Nghiên cứu ứng dụng công nghệ sinh học số {n}")
    kind = c.TaskKind.RESEARCH
    level = c.TaskLevel.PROVINCIAL
    field = c.ScienceField.AGRICULTURAL
    host_organisation = "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ"
    principal_investigator = "Nông Văn Đức"
    start_date = date(2024, 1, 1)
    end_date = date(2025, 12, 31)
    budget_state = 1_500_000_000
    budget_other = 200_000_000
    status = c.TaskStatus.IN_PROGRESS


class TaskReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TaskReport

    task = factory.SubFactory(TaskFactory)
    title = "Báo cáo tổng hợp kết quả"
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes("Báo cáo tổng hợp"), name="bao-cao.pdf"))
    sort_order = 0


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScienceEnterprise

    code = factory.Sequence(lambda n: f"DN-{n:03d}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Đổi mới sáng tạo số {n}")
    tax_code = factory.Sequence(lambda n: f"48{n:08d}")
    certificate_number = factory.Sequence(lambda n: f"{n:02d}/DNKHCN")
    certificate_date = date(2022, 5, 10)
    field = c.ScienceField.ENGINEERING
    products = "Chế phẩm vi sinh\nPhân bón hữu cơ"
    status = c.EnterpriseStatus.VALID


class IPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IntellectualProperty

    code = factory.Sequence(lambda n: f"SHTT-{n:03d}")
    name = factory.Sequence(lambda n: f"Hạt dẻ Trùng Khánh {n}")
    ip_type = c.IPType.COLLECTIVE_MARK
    product = "Hạt dẻ"
    holder = "Hội sản xuất và kinh doanh hạt dẻ"
    status = c.IPStatus.UNDERWAY


class SupportGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupportGrant

    code = factory.Sequence(lambda n: f"HT-{n:03d}")
    programme = c.Programme.PRODUCTIVITY_QUALITY
    beneficiary = factory.Sequence(lambda n: f"Hợp tác xã Nông nghiệp số {n}")
    beneficiary_count = 1
    year = 2023
    amount = 74_000_000


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Publication

    code = factory.Sequence(lambda n: f"KY-{n:03d}")
    kind = c.PublicationKind.YEARBOOK
    title = factory.Sequence(lambda n: f"Kỷ yếu hội thảo khoa học số {n}")
    year = 2022
    issue = "Số 1"
    authors = "Ban biên tập"


class FilmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Film

    code = factory.Sequence(lambda n: f"PHIM-{n:03d}")
    title = factory.Sequence(lambda n: f"Kỹ thuật nuôi giun quế tập {n}")
    topic = c.FilmTopic.AGRICULTURE
    duration = 754
    embed_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


class TaskArticleLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TaskArticleLink

    task = factory.SubFactory(TaskFactory)
    sort_order = 0
