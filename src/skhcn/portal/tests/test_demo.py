import pytest
from django.core.management import call_command

from skhcn.portal.demo.loader import SEED_FILE, load_demo, parse_seed
from skhcn.portal.models import ArticlePage, CategoryPage, SidebarBlock

pytestmark = pytest.mark.django_db


def test_seed_parsing_keeps_the_article_verbatim():
    seed = parse_seed()
    raw = SEED_FILE.read_text(encoding="utf-8")
    assert seed["title"].startswith("Đẩy mạnh phong trào thi đua “Dân vận khéo”")
    assert seed["date_line"] == "Thứ hai - 12/04/2021 15:58"
    assert seed["author"] == "HK"
    assert seed["breadcrumb"] == ["Trang nhất", "Tin tức sự kiện", "Khoa học & công nghệ"]
    paragraphs = [text for kind, text in seed["blocks"] if kind == "paragraph"]
    captions = [text for kind, text in seed["blocks"] if kind == "image"]
    assert len(paragraphs) == 10
    assert captions == [
        "Dự án “xây dựng mô hình trồng và chế biến chè xanh chất lượng cao tại xã Thị Ngân, "
        "huyện Thạch An, tỉnh Cao Bằng”"
    ]
    assert all(p in raw for p in paragraphs)


def test_demo_loads_once_and_serves_the_seed_page(client, tmp_path, monkeypatch):
    import skhcn.accounts.demo as demo

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "logins.txt")
    call_command("load_demo", "--if-empty")
    counts = (ArticlePage.objects.count(), CategoryPage.objects.count(), SidebarBlock.objects.count())
    load_demo()
    call_command("load_demo")
    assert (ArticlePage.objects.count(), CategoryPage.objects.count(), SidebarBlock.objects.count()) == counts

    seed = parse_seed()
    article = ArticlePage.objects.get(title=seed["title"])
    html = client.get(article.url).content.decode()
    assert seed["date_line"] in html
    assert "Tác giả bài viết: <strong>HK</strong>" in html
    assert "Tổng số điểm của bài viết là: 0 trong 0 đánh giá" in html
    for _kind, text in seed["blocks"]:
        assert text.replace("&", "&amp;") in html
    for title in (
        "PHIM PHỔ BIẾN KIẾN THỨC KH&amp;CN",
        "HOẠT ĐỘNG THAM MƯU TƯ VẤN",
        "KỶ YẾU KH&amp;CN",
        "THÔNG TIN NHIỆM VỤ KH&amp;CN",
        "CÔNG TÁC XUẤT BẢN",
    ):
        assert title in html
    assert "Những tin mới hơn" in html and "Những tin cũ hơn" in html
    assert "Trang thông tin điện tử Sở KH&amp;CN Cao Bằng" in html
    # The visit counter shows real figures only (nothing counted yet in this fresh database).
    assert "THỐNG KÊ TRUY CẬP" in html and "<dt>Tổng lượt truy cập</dt><dd>0</dd>" in html
