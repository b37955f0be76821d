"""factory-boy factories for the procedure catalogue (also used by the dossiers app's tests)."""

import factory

from skhcn.deadlines.constants import TimeUnit
from skhcn.procedures.constants import DataStatus, DocumentForm, OnlineLevel
from skhcn.procedures.models import Procedure, ProcedureField, RequiredDocument


class ProcedureFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureField
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")
    sort_order = factory.Sequence(lambda n: n)


class ProcedureFactory(factory.django.DjangoModelFactory):
    """An active, fully online (toàn trình) procedure: 15 working days, no fee, verified data."""

    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"1.{900000 + n:06d}.H99")
    name = factory.Sequence(lambda n: f"Cấp Giấy chứng nhận thử nghiệm số {n}")
    field = factory.SubFactory(ProcedureFieldFactory)
    online_level = OnlineLevel.FULL
    post_submission = True
    post_return = True
    processing_time = 15
    time_unit = TimeUnit.WORKING_DAYS
    clock_waits_for_fee = False
    fee_description = "Không"
    fee_amount = 0
    applicants = "Tổ chức, cá nhân"
    conditions = ""
    legal_basis = "Luật Khoa học và Công nghệ 2013"
    result = "Giấy chứng nhận"
    implementing_agency = "Sở Khoa học và Công nghệ"
    data_status = DataStatus.VERIFIED
    source = ""
    is_active = True


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    """Use as ``RequiredDocumentFactory(procedure=procedure)``."""

    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ thử nghiệm {n}")
    form = DocumentForm.ORIGINAL
    copies = 1
    mandatory = True
    sort_order = factory.Sequence(lambda n: n)
