"""The synonym table in the admin and in the site search (run on SQLite and on PostgreSQL with DATABASE_URL)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.tests.factories import StaffFactory
from skhcn.core import generation
from skhcn.portal.tests.factories import ArticlePageFactory
from skhcn.procedures import services as procedures
from skhcn.procedures.tests.factories import ProcedureFactory
from skhcn.search import engine, matching
from skhcn.search.models import Synonym
from skhcn.search.tests.factories import seed_synonyms

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seed_synonyms()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.com", "mat-khau-dai-123")
    client.force_login(user)
    return client


def _url(action: str, *args) -> str:
    return reverse(Synonym.snippet_viewset.get_url_name(action), args=args)


def _names(query: str) -> list[str]:
    return [procedure.name for procedure in procedures.filter_catalogue(query=query)]


# --- the seed ---


def test_the_migration_seeds_the_abbreviations_of_the_procedure_names(seeded):
    pairs = set(Synonym.objects.values_list("term", "expansion"))
    assert {("GCN", "Giấy chứng nhận"), ("KH&CN", "Khoa học và Công nghệ"), ("SHCN", "Sở hữu công nghiệp")} <= pairs
    assert ("NSNN", "Ngân sách nhà nước") in pairs
    assert all(synonym.folded_term and synonym.folded_expansion for synonym in Synonym.objects.all())


# --- the admin ---


def test_the_table_is_in_the_admin_menu_with_its_vietnamese_name(staff_client, seeded):
    html = staff_client.get(_url("list")).content.decode()
    assert "Từ viết tắt và từ đồng nghĩa" in html
    assert "Giấy chứng nhận" in html and "KH&amp;CN" in html
    found = staff_client.get(_url("list"), {"q": "giay chung"}).content.decode()
    assert "Giấy chứng nhận" in found and "Ngân sách nhà nước" not in found


def test_a_staff_edit_takes_effect_at_once(staff_client):
    ProcedureFactory(name="Cấp phép hoạt động ƯDBX trong y tế")
    assert _names("ung dung buc xa") == []
    response = staff_client.post(_url("add"), {"term": "ƯDBX", "expansion": "Ứng dụng bức xạ"})
    assert response.status_code == 302
    assert _names("ung dung buc xa") == ["Cấp phép hoạt động ƯDBX trong y tế"]
    synonym = Synonym.objects.get(term="ƯDBX")
    assert synonym.folded_term == "udbx" and synonym.folded_expansion == "ung dung buc xa"

    response = staff_client.post(_url("edit", synonym.pk), {"term": "ƯDBX", "expansion": "Ứng dụng bức xạ ion hóa"})
    assert response.status_code == 302
    assert _names("ung dung buc xa") == []
    assert _names("ung dung buc xa ion hoa") == ["Cấp phép hoạt động ƯDBX trong y tế"]

    response = staff_client.post(_url("delete", synonym.pk))
    assert response.status_code == 302
    assert _names("ung dung buc xa ion hoa") == []


def test_other_app_servers_follow_the_content_generation(django_capture_on_commit_callbacks):
    ProcedureFactory(name="Thẩm định công nghệ dự án ĐTXD")
    assert _names("dau tu xay dung") == []
    # Another server saved a pair: no signal here, this process still has its copy of the table...
    Synonym.objects.bulk_create([Synonym(term="ĐTXD", expansion="Đầu tư xây dựng")])
    assert _names("dau tu xay dung") == []
    # ... until the content generation it bumped is read again.
    with django_capture_on_commit_callbacks(execute=True):
        generation.bump()
    assert _names("dau tu xay dung") == ["Thẩm định công nghệ dự án ĐTXD"]


BAD_INPUT = [
    ({"term": "", "expansion": "Giấy phép"}, "Vui lòng nhập từ viết tắt."),
    ({"term": "   ", "expansion": "Giấy phép"}, "Vui lòng nhập từ viết tắt."),
    ({"term": "GP", "expansion": ""}, "Vui lòng nhập cụm từ đầy đủ hoặc từ đồng nghĩa."),
    ({"term": "G", "expansion": "Giấy phép"}, "Từ viết tắt phải có ít nhất 2 chữ cái hoặc chữ số."),
    ({"term": "GP", "expansion": "--"}, "Cụm từ phải có ít nhất một chữ cái hoặc chữ số."),
    ({"term": "GP", "expansion": "gp."}, "Cụm từ đầy đủ phải khác từ viết tắt"),
    ({"term": "G" * 41, "expansion": "Giấy phép"}, "Từ viết tắt dài tối đa 40 ký tự (đang có 41)."),
    ({"term": "GP", "expansion": "Giấy " * 30}, "Cụm từ dài tối đa 120 ký tự"),
    ({"term": "gcn", "expansion": "GIAY CHUNG NHAN"}, "Cặp từ này đã có trong bảng"),
    ({"term": "Giấy chứng nhận", "expansion": "GCN"}, "Cặp từ này đã có trong bảng"),
    ({"term": "GP\x00", "expansion": "Giấy phép"}, "Null"),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_saves_nothing(staff_client, data, message):
    Synonym.objects.get_or_create(term="GCN", expansion="Giấy chứng nhận")
    before = Synonym.objects.count()
    response = staff_client.post(_url("add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    if message == "Null":  # Django's own check of NUL characters (PostgreSQL could not store them)
        assert "error-message" in html
    else:
        assert message in html
    assert Synonym.objects.count() == before


def test_bad_edit_keeps_the_pair(staff_client):
    synonym = Synonym.objects.create(term="GP", expansion="Giấy phép")
    Synonym.objects.get_or_create(term="GCN", expansion="Giấy chứng nhận")
    response = staff_client.post(_url("edit", synonym.pk), {"term": "GCN", "expansion": "giấy chứng nhận"})
    assert response.status_code == 200 and "Cặp từ này đã có trong bảng" in response.content.decode()
    synonym.refresh_from_db()
    assert (synonym.term, synonym.expansion) == ("GP", "Giấy phép")
    # Saving a pair unchanged is not a duplicate of itself.
    assert staff_client.post(_url("edit", synonym.pk), {"term": "GP", "expansion": "Giấy phép"}).status_code == 302


# --- the site search ---


def test_site_search_expands_both_ways_and_ranks_titles_first(client, site_tree, seeded):
    body_only = ArticlePageFactory(
        parent=site_tree["science"],
        title="Tin hoạt động tháng năm",
        lead="Trao GCN cho doanh nghiệp. GCN được trao tại hội nghị; GCN có hiệu lực ngay. Giấy chứng nhận gốc.",
        published_at=datetime(2024, 5, 1, tzinfo=VN),  # newer, and many matches in its body
    )
    in_title = ArticlePageFactory(
        parent=site_tree["science"],
        title="Trao Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        lead="Hội nghị tổ chức tại thành phố.",
        published_at=datetime(2020, 5, 1, tzinfo=VN),
    )
    abbreviated = ArticlePageFactory(
        parent=site_tree["news"],
        title="Cấp GCN cho ba doanh nghiệp KH&CN",
        lead="Sở trao giấy tờ.",
        published_at=datetime(2019, 5, 1, tzinfo=VN),
    )
    for number in range(8):  # a site has other news: the searched words are not in most articles
        ArticlePageFactory(parent=site_tree["news"], title=f"Tin tức khác số {number}", lead="Nội dung khác.")
    for query in ("gcn", "giấy chứng nhận", "giay chung nhan"):
        ids = [hit.article_id for hit in engine.search(query).hits]
        assert set(ids[:2]) == {in_title.id, abbreviated.id}, query
        assert ids[2:] == [body_only.id], query
    assert [hit.article_id for hit in engine.search("giay chung nhan khoa hoc va cong nghe").hits][:2] == [
        in_title.id,
        abbreviated.id,
    ]
    html = client.get("/tim-kiem/", {"q": "giấy chứng nhận"}).content.decode()
    assert "Cấp <mark>GCN</mark> cho ba doanh nghiệp" in html


def test_site_search_lists_procedures_found_through_the_table(client, site_tree, seeded):
    ProcedureFactory(name="Cấp lại GCN tổ chức giám định SHCN")
    html = client.get("/tim-kiem/", {"q": "giam dinh so huu cong nghiep"}).content.decode()
    assert "Thủ tục hành chính (1)" in html and "Cấp lại GCN tổ chức giám định SHCN" in html


def test_the_table_is_read_once_per_generation(django_assert_num_queries, seeded):
    matching.forget()
    matching.table()
    with django_assert_num_queries(0):
        assert matching.table().expand("gcn")[0].forms == ("giay chung nhan",)


def test_administrators_edit_the_table_other_roles_do_not(client):
    administrator = StaffFactory(role=StaffRole.ADMINISTRATOR)
    client.force_login(administrator)
    assert "Từ viết tắt và từ đồng nghĩa" in client.get(_url("list")).content.decode()
    response = client.post(_url("add"), {"term": "ĐMST", "expansion": "Đổi mới sáng tạo"})
    assert response.status_code == 302 and Synonym.objects.filter(term="ĐMST").exists()
    client.force_login(StaffFactory(role=StaffRole.SPECIALIST))
    assert client.get(_url("list")).status_code in {302, 403}
    assert client.post(_url("add"), {"term": "TTTT", "expansion": "Thông tin truyền thông"}).status_code in {302, 403}
    assert not Synonym.objects.filter(term="TTTT").exists()
