import pytest

from skhcn.procedures.tests.factories import ProcedureFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db


def test_procedure_factory_is_active_full_online_with_search_text():
    procedure = ProcedureFactory(name="Cấp Giấy phép Đo lường")
    other = ProcedureFactory()
    assert procedure.code != other.code
    assert procedure.accepts_online
    assert procedure.processing_time == 15
    assert "cap giay phep do luong" in procedure.search_text
    assert procedure.code.lower() in procedure.search_text
    document = RequiredDocumentFactory(procedure=procedure)
    assert list(procedure.documents.all()) == [document]
