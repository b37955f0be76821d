"""Demo content: the seed page of the site we replace, plus clearly marked sample articles.

Idempotent: every object is looked up by a stable key (slug, title) before it is created, so loading twice
duplicates nothing.
"""

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from skhcn.core import generation
from skhcn.core.demo import demo_loader
from skhcn.core.text import vietnamese_slug

from ..constants import SidebarKind
from ..models import ArticlePage, ArticleRelatedLink, CategoryPage, HomePage, SidebarBlock, SidebarItem

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SEED_FILE = Path(__file__).with_name("page-dan-van-kheo.txt")
DEMO_MARK = "[Bài mẫu]"

# (title, children) — the seed page's breadcrumb and sidebar name these categories.
CATEGORY_TREE = [
    ("Tin tức sự kiện", ["Khoa học & công nghệ", "Hoạt động của Sở", "Tin trong tỉnh"]),
    ("Hoạt động tham mưu tư vấn", []),
    ("Kỷ yếu KH&CN", []),
    ("Thông tin nhiệm vụ KH&CN", []),
    ("Công tác xuất bản", []),
]
SEED_CATEGORY = "Khoa học & công nghệ"
RELATED_TITLE = "Bảo hộ Chỉ dẫn địa lý “Cao Bằng” cho sản phẩm trúc sào và chiếu trúc sào"


def parse_seed(path: Path = SEED_FILE) -> dict:
    """The article of the seed page: title, date, lead, body paragraphs (with the image caption), author."""
    lines = [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()]
    title = lines[2]
    date_line = lines[4]
    lead = lines[5]
    body_start = lines.index(next(line for line in lines if line.startswith("Thấm nhuần")))
    author_index = next(i for i, line in enumerate(lines) if line.startswith("Tác giả bài viết:"))
    blocks = []
    blank_run = 0
    for line in lines[body_start:author_index]:
        if not line.strip():
            blank_run += 1
            continue
        if blank_run >= 2:  # the page shows an image here (a taller gap); the next line is its caption
            blocks.append(("image", line.strip()))
        else:
            blocks.append(("paragraph", line.strip()))
        blank_run = 0
    weekday_and_date = date_line.split(" - ", 1)[1]
    published = datetime.strptime(weekday_and_date, "%d/%m/%Y %H:%M").replace(tzinfo=VN)
    return {
        "title": title,
        "published_at": published,
        "date_line": date_line,
        "lead": lead,
        "blocks": blocks,
        "author": lines[author_index].split(":", 1)[1].strip(),
        "breadcrumb": [part.strip() for part in lines[0].split("»")],
    }


def _demo_image(title: str):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", (960, 540), (34, 94, 60))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((24, 24, 936, 516), outline=(255, 255, 255), width=4)
    draw.text((60, 250), "ANH MINH HOA - DU LIEU MAU", fill=(255, 255, 255))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    image = Image(title=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name=f"{vietnamese_slug(title)[:60]}.png")
    image.save()
    return image


def _child(parent, model, title, **fields):
    slug = vietnamese_slug(title)
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    page = model(title=title, slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _home() -> HomePage:
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    home = HomePage(title="Trang nhất", slug="trang-nhat", intro="Trang thông tin điện tử Sở KH&CN Cao Bằng")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site:
        site.root_page = home
        site.site_name = "Sở KH&CN Cao Bằng"
        site.save()
    else:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Sở KH&CN Cao Bằng"
        )
    # Wagtail's installer leaves a "Welcome" page; it has no place in the portal.
    if old_root and old_root.id != home.id and old_root.depth == 2 and not old_root.get_children().exists():
        old_root.delete()
    return home


def _article(category, title, published_at, lead, body, author="", source="", tags=(), cover=None, headline=False):
    slug = vietnamese_slug(title)
    existing = ArticlePage.objects.filter(slug=slug).first()
    if existing:
        return existing
    page = ArticlePage(
        title=title,
        slug=slug,
        published_at=published_at,
        lead=lead,
        body=body,
        author_name=author,
        source=source,
        cover_image=cover,
        is_headline=headline,
    )
    category.add_child(instance=page)
    for tag in tags:
        page.tags.add(tag)
    revision = page.save_revision()
    revision.publish()
    return page


DEMO_TOPICS = [
    "Hội thảo ứng dụng công nghệ sinh học trong sản xuất nông nghiệp",
    "Nghiệm thu đề tài chọn tạo giống lúa chất lượng cao",
    "Tập huấn kỹ thuật trồng và chăm sóc cây dược liệu",
    "Kiểm tra đo lường, chất lượng hàng hóa dịp cuối năm",
    "Hỗ trợ doanh nghiệp xây dựng hệ thống quản lý chất lượng",
    "Chuyển giao mô hình sấy nông sản cho hợp tác xã",
    "Phát triển thương hiệu cho đặc sản địa phương",
    "Đánh giá hiệu quả các dự án nông thôn miền núi",
    "Tuyên truyền về sở hữu trí tuệ cho cơ sở sản xuất",
    "Ứng dụng chuyển đổi số trong quản lý khoa học và công nghệ",
    "Khảo sát nhu cầu đổi mới công nghệ của doanh nghiệp",
    "Tổng kết phong trào sáng tạo kỹ thuật",
]


def _demo_body(topic: str) -> list:
    text = (
        f"Đây là bài viết mẫu về chủ đề “{topic.lower()}”, do phần mềm tạo ra để minh họa danh sách tin, "
        "phân trang và các mục “Những tin mới hơn”, “Những tin cũ hơn”. Ban biên tập có thể xóa bài này."
    )
    return [("paragraph", f"<p>{text}</p>")]


@demo_loader("portal", order=10)
def load_portal_demo(stdout, if_empty: bool) -> None:
    if if_empty and HomePage.objects.exists():
        stdout.write("Đã có dữ liệu, bỏ qua việc tạo dữ liệu mẫu.")
    else:
        load_demo(stdout)


@transaction.atomic
def load_demo(stdout=None) -> dict:
    say = stdout.write if stdout else (lambda message: None)
    home = _home()
    categories = {}
    for title, children in CATEGORY_TREE:
        parent = _child(home, CategoryPage, title, show_in_menus=True)
        categories[title] = parent
        for child_title in children:
            categories[child_title] = _child(parent, CategoryPage, child_title, show_in_menus=True)

    seed = parse_seed()
    science = categories[SEED_CATEGORY]
    base = seed["published_at"]

    related = _article(
        science,
        RELATED_TITLE,
        base - timedelta(days=3, hours=2),
        f"{DEMO_MARK} Bài mẫu mang tên bài liên quan hiển thị trên trang gốc; nội dung do biên tập viên bổ sung.",
        [("paragraph", "<p>Bài viết mẫu. Trang gốc chỉ hiện tiêu đề của tin này ở mục tin liên quan.</p>")],
        author="Ban biên tập",
        tags=["chỉ dẫn địa lý", "trúc sào"],
        cover=_demo_image("Trúc sào Cao Bằng (ảnh mẫu)"),
    )
    seed_body = []
    for kind, text in seed["blocks"]:
        if kind == "image":
            image = _demo_image("Mô hình chè xanh Thị Ngân (ảnh mẫu)")
            seed_body.append(("image", {"image": image, "caption": text, "alt_text": text}))
        else:
            seed_body.append(("paragraph", f"<p>{escape(text)}</p>"))
    seed_page = _article(
        science,
        seed["title"],
        base,
        seed["lead"],
        seed_body,
        author=seed["author"],
        tags=["dân vận khéo", "chỉ dẫn địa lý"],
        headline=True,
    )
    if not seed_page.related_links.exists():
        ArticleRelatedLink.objects.create(article=seed_page, target=related, sort_order=0)

    # Sample articles before and after the seed article in its category, for the newer/older lists.
    for index, topic in enumerate(DEMO_TOPICS):
        offset = timedelta(
            days=(index - len(DEMO_TOPICS) // 2) * 4 + (1 if index >= len(DEMO_TOPICS) // 2 else 0), hours=index
        )
        _article(
            science,
            f"{DEMO_MARK} {topic}",
            base + offset,
            f"{DEMO_MARK} Tóm tắt bài viết mẫu: {topic.lower()}.",
            _demo_body(topic),
            author="Ban biên tập",
            tags=["bài mẫu"],
        )
    for title in [
        "Hoạt động của Sở",
        "Tin trong tỉnh",
        "Hoạt động tham mưu tư vấn",
        "Kỷ yếu KH&CN",
        "Thông tin nhiệm vụ KH&CN",
        "Công tác xuất bản",
    ]:
        for n in range(1, 4):
            topic = f"{title}: tin số {n}"
            _article(
                categories[title],
                f"{DEMO_MARK} {topic}",
                base - timedelta(days=30 * n, hours=n),
                f"{DEMO_MARK} Tóm tắt tin mẫu của chuyên mục {title}.",
                _demo_body(topic),
                author="Ban biên tập",
            )

    _sidebar(categories)
    say(f"Dữ liệu mẫu: {ArticlePage.objects.count()} bài viết, {CategoryPage.objects.count()} chuyên mục.\n")
    return {"home": home, "seed": seed_page, "categories": categories}


# The sample link earlier demo data put in the films block.
OLD_FILMS_SEARCH = "https://www.youtube.com/results?search_query="


def _films_block_from_youtube_search(films) -> None:
    """An older demo's films block (one sample link to a YouTube search) becomes the film registry block.

    A block an editor has changed (another kind, other links) is left as it is.
    """
    if films.kind != SidebarKind.VIDEOS:
        return
    items = list(SidebarItem.objects.filter(block=films))
    if not items or any(not item.link_url.startswith(OLD_FILMS_SEARCH) for item in items):
        return
    SidebarItem.objects.filter(block=films).delete()
    films.kind = SidebarKind.REG_FILMS
    films.save()
    generation.bump()


def _sidebar(categories):
    def block(title, kind, order, **fields):
        obj, created = SidebarBlock.objects.get_or_create(
            title=title, defaults={"kind": kind, "sort_order": order, **fields}
        )
        return obj, created

    # The site's own film registry (its newest films and "Xem tất cả" -> /du-lieu-khcn/phim/), not a YouTube search.
    films, created = block("PHIM PHỔ BIẾN KIẾN THỨC KH&CN", SidebarKind.REG_FILMS, 10)
    if not created:
        _films_block_from_youtube_search(films)
    for order, title in enumerate(
        ["Hoạt động tham mưu tư vấn", "Kỷ yếu KH&CN", "Thông tin nhiệm vụ KH&CN", "Công tác xuất bản"], start=2
    ):
        block(title.upper(), SidebarKind.CATEGORY, order * 10, category=categories[title])
    block("THỐNG KÊ TRUY CẬP", SidebarKind.VISIT_COUNTER, 90)
