"""The catalogue's search with the synonym table: the names of the real catalogue use abbreviations (GCN, KH&CN, SHCN,
NSNN); a search for the long form finds them, and the other way round. Names matching first."""

import re

import pytest

from skhcn.procedures import services
from skhcn.procedures.demo import load_demo_procedures
from skhcn.procedures.models import Procedure
from skhcn.procedures.tests.factories import ProcedureFactory, ProcedureFieldFactory
from skhcn.search.tests.factories import SynonymFactory, seed_synonyms

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    seed_synonyms()
    load_demo_procedures()


def _names(query: str) -> list[str]:
    return [procedure.name for procedure in services.filter_catalogue(query=query)]


def test_certificate_query_finds_the_long_form_and_the_abbreviation(catalogue):
    expected = {
        name for name in Procedure.objects.values_list("name", flat=True) if re.search(r"Giấy chứng nhận|\bGCN\b", name)
    }
    assert len(expected) >= 11
    for query in ("giay chung nhan", "Giấy chứng nhận", "GCN", "gcn"):
        assert set(_names(query)) == expected, query


def test_registration_certificate_query_finds_the_abbreviated_names(catalogue):
    names = _names("cap giay chung nhan dang ky hoat dong")
    # The two whose name has every word come first; then those where "hoạt động" is only in the field's name.
    assert names[:2] == [
        "Cấp GCN đăng ký hoạt động tổ chức KH&CN (lần đầu)",
        "Cấp lại GCN đăng ký hoạt động tổ chức KH&CN",
    ]
    assert all("GCN đăng ký" in name for name in names)


def test_industrial_property_query_finds_shcn(catalogue):
    names = _names("so huu cong nghiep")
    assert len(names) >= 5 and all("SHCN" in name for name in names)
    assert _names("sở hữu công nghiệp") == names
    assert set(_names("SHCN")) == set(names)


def test_science_and_budget_abbreviations_both_ways(catalogue):
    with_budget = _names("ngan sach nha nuoc")
    assert with_budget and all("NSNN" in name for name in with_budget)
    assert "Đăng ký kết quả nhiệm vụ KH&CN không sử dụng NSNN" in _names("nhiem vu khoa hoc va cong nghe khong")
    ProcedureFactory(name="Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ (thử)")
    assert "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ (thử)" in _names("GCN doanh nghiệp KH&CN")


def test_an_abbreviation_matches_as_a_whole_word_only():
    SynonymFactory(term="GCN", expansion="Giấy chứng nhận")
    ProcedureFactory(name="Cấp GCN đăng ký gia hạn nội dung CGCN")
    ProcedureFactory(name="Thẩm định hồ sơ CGCN")
    assert _names("giay chung nhan") == ["Cấp GCN đăng ký gia hạn nội dung CGCN"]


def test_name_matches_come_before_field_matches():
    SynonymFactory(term="SHTT", expansion="Sở hữu trí tuệ")
    first_field = ProcedureFieldFactory(code="shtt", name="Sở hữu trí tuệ", sort_order=1)
    later_field = ProcedureFieldFactory(code="hdkhcn", name="Hoạt động khoa học và công nghệ", sort_order=2)
    only_field = ProcedureFactory(code="1.000001.H01", name="Cấp Thẻ giám định viên", field=first_field)
    in_name = ProcedureFactory(code="1.000002.H01", name="Hỗ trợ xác lập quyền SHTT", field=later_field)
    assert list(services.filter_catalogue()) == [only_field, in_name]  # without words: by field, then code
    assert list(services.filter_catalogue(query="so huu tri tue")) == [in_name, only_field]
    assert list(services.filter_catalogue(query="SHTT")) == [in_name, only_field]


def test_public_list_uses_the_table(client, catalogue):
    html = client.get("/thu-tuc-hanh-chinh/", {"q": "cap giay chung nhan dang ky hoat dong"}).content.decode()
    assert "Cấp GCN đăng ký hoạt động tổ chức KH&amp;CN (lần đầu)" in html
