"""Fast, correct seeding of N published articles for the benchmark (run by bench/run.py in a child process).

Wagtail's ``parent.add_child(instance=page)`` + ``save_revision().publish()`` costs tens of milliseconds and a dozen
queries per article. Here the tree positions are allocated directly with treebeard's materialised-path scheme
(``Page._get_path``), the ``wagtailcore_page`` rows are written with one ``bulk_create`` per batch, the
``portal_articlepage`` rows (multi-table inheritance, which ``bulk_create`` refuses) with one ``executemany`` per batch
of values prepared by the model fields themselves, then each category's ``numchild`` is set and the content
generation bumped. ``Page.find_problems()`` checks the tree afterwards. The pages have no revisions (like pages
imported from an older portal): they are live, public and editable in the admin.

Usage (environment already pointing at the bench data dir): ``python bench/seed.py --articles 10000 --urls FILE``.
"""

import argparse
import random
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH = 1000
# Share of the seeded articles per demo category (leaf categories only, as in the demo tree).
CATEGORY_WEIGHTS = {
    "Khoa học & công nghệ": 30,
    "Hoạt động của Sở": 20,
    "Tin trong tỉnh": 20,
    "Hoạt động tham mưu tư vấn": 8,
    "Kỷ yếu KH&CN": 7,
    "Thông tin nhiệm vụ KH&CN": 10,
    "Công tác xuất bản": 5,
}
ACTIONS = [
    "Hội thảo",
    "Hội nghị",
    "Tập huấn",
    "Nghiệm thu đề tài",
    "Tổng kết",
    "Triển khai",
    "Kiểm tra",
    "Khảo sát",
    "Đánh giá",
    "Hướng dẫn",
    "Tuyên truyền",
    "Chuyển giao",
    "Xây dựng mô hình",
    "Phổ biến",
    "Đẩy mạnh",
]
SUBJECTS = [
    "ứng dụng công nghệ sinh học trong sản xuất nông nghiệp",
    "chọn tạo giống lúa chất lượng cao",
    "trồng và chăm sóc cây dược liệu",
    "đo lường, chất lượng hàng hóa",
    "hệ thống quản lý chất lượng ISO 9001",
    "sấy nông sản cho hợp tác xã",
    "thương hiệu đặc sản địa phương",
    "dự án nông thôn miền núi",
    "sở hữu trí tuệ cho cơ sở sản xuất",
    "chuyển đổi số trong quản lý khoa học và công nghệ",
    "đổi mới công nghệ của doanh nghiệp",
    "phong trào sáng tạo kỹ thuật",
    "chỉ dẫn địa lý cho hạt dẻ Trùng Khánh",
    "nhãn hiệu chứng nhận miến dong Phja Đén",
    "an toàn bức xạ trong y tế",
    "tiêu chuẩn đo lường chất lượng",
    "nhiệm vụ khoa học và công nghệ cấp tỉnh",
    "khởi nghiệp đổi mới sáng tạo",
    "chè xanh chất lượng cao",
    "trúc sào và chiếu trúc sào",
    "năng suất chất lượng sản phẩm hàng hóa",
    "thông tin thống kê khoa học",
]
PLACES = [
    "tại huyện Hòa An",
    "tại huyện Trùng Khánh",
    "tại huyện Thạch An",
    "tại huyện Quảng Hòa",
    "tại huyện Hà Quảng",
    "tại huyện Bảo Lạc",
    "tại huyện Nguyên Bình",
    "tại huyện Hạ Lang",
    "tại thành phố Cao Bằng",
    "trên địa bàn tỉnh",
    "cho doanh nghiệp vừa và nhỏ",
    "cho cán bộ cơ sở",
]
AUTHORS = [
    "Hoàng Kiên",
    "Nông Thị Hà",
    "Lục Văn Minh",
    "Bế Thu Trang",
    "Đàm Quang Huy",
    "Lý Thị Mai",
    "Ban biên tập",
    "Phòng Quản lý khoa học",
    "Trung tâm Thông tin và Ứng dụng KH&CN",
    "Đinh Thị Lan",
    "Triệu Đức Thắng",
]
TAGS = [
    "chuyển đổi số",
    "sở hữu trí tuệ",
    "đo lường chất lượng",
    "nông thôn mới",
    "khởi nghiệp",
    "chỉ dẫn địa lý",
    "dược liệu",
    "giống cây trồng",
    "an toàn bức xạ",
    "tiêu chuẩn",
    "hội thảo",
    "tập huấn",
    "doanh nghiệp",
    "nghiệm thu",
    "Techmart",
    "năng suất",
    "dân vận khéo",
    "cải cách hành chính",
    "thi đua khen thưởng",
    "nhãn hiệu",
]
SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ“\"])")


def corpus(seed_file: Path) -> list[str]:
    """Sentences of the demo seed article (real Vietnamese administrative prose), plus the demo topics."""
    lines = seed_file.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Thấm nhuần"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Tác giả bài viết:"))
    sentences = []
    for line in lines[start:end]:
        line = line.strip()
        if len(line) > 60:
            sentences.extend(s.strip() for s in SENTENCE.split(line) if len(s.strip()) > 30)
    for action in ACTIONS:
        for subject in SUBJECTS[:8]:
            sentences.append(f"{action} {subject} là một trong những nhiệm vụ trọng tâm của Sở trong năm.")
    return sentences


class TextMaker:
    def __init__(self, rng: random.Random, sentences: list[str]):
        self.rng = rng
        self.sentences = sentences

    def paragraph(self) -> str:
        return " ".join(self.rng.sample(self.sentences, self.rng.randint(3, 6)))

    def body(self) -> list[str]:
        """Paragraphs whose HTML totals 5-8 KB of UTF-8."""
        target = self.rng.randint(5000, 8000)
        paragraphs, size = [], 0
        while size < target:
            text = self.paragraph()
            html = f"<p>{text}</p>"
            if size + len(html.encode()) > 8000 and size >= 5000:
                break
            paragraphs.append(html)
            size += len(html.encode())
        return paragraphs

    def lead(self) -> str:
        return " ".join(self.rng.sample(self.sentences, 2))[:400]

    def title(self) -> str:
        title = f"{self.rng.choice(ACTIONS)} {self.rng.choice(SUBJECTS)} {self.rng.choice(PLACES)}"
        if self.rng.random() < 0.5:
            title += f" năm {self.rng.randint(2016, 2026)}"
        return title


def seed(count: int, rng_seed: int = 20210412) -> dict:
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.models import F
    from taggit.models import Tag
    from wagtail.models import Page

    from skhcn.core.models import ContentGeneration
    from skhcn.core.text import vietnamese_slug
    from skhcn.portal.demo.loader import SEED_FILE
    from skhcn.portal.models import ArticlePage, ArticleTag, CategoryPage

    rng = random.Random(rng_seed)
    maker = TextMaker(rng, corpus(SEED_FILE))
    article_ct = ContentType.objects.get_for_model(ArticlePage)
    categories = {c.title: c for c in CategoryPage.objects.filter(title__in=CATEGORY_WEIGHTS)}
    missing = set(CATEGORY_WEIGHTS) - set(categories)
    if missing:
        raise SystemExit(f"demo categories missing (run load_demo first): {sorted(missing)}")
    names = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[n] for n in names]

    # Next free step and the slugs already taken under each category.
    state = {}
    for name, category in categories.items():
        children = Page.objects.filter(path__startswith=category.path, depth=category.depth + 1)
        last = children.order_by("-path").values_list("path", flat=True).first()
        state[name] = {
            "next": (Page._str2int(last[-Page.steplen :]) + 1) if last else 1,
            "slugs": set(children.values_list("slug", flat=True)),
        }
    tags = [Tag.objects.get_or_create(name=name, defaults={"slug": vietnamese_slug(name)})[0] for name in TAGS]

    local_fields = [f for f in ArticlePage._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in local_fields)
    # Table and column names come from the model; the values are parameters.
    insert_sql = (
        f"INSERT INTO {connection.ops.quote_name(ArticlePage._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(local_fields))})"
    )
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    start = datetime(2016, 1, 1, 7, 0, tzinfo=VN)
    span = int((datetime(2026, 6, 1, tzinfo=VN) - start).total_seconds())
    body_bytes = 0
    started = time.monotonic()

    with transaction.atomic():
        done = 0
        while done < count:
            articles = []
            for _ in range(min(BATCH, count - done)):
                name = rng.choices(names, weights)[0]
                category, st = categories[name], state[name]
                title = maker.title()
                base_slug = slug = vietnamese_slug(title)
                n = 2
                while slug in st["slugs"]:
                    slug = f"{base_slug}-{n}"
                    n += 1
                st["slugs"].add(slug)
                published = start + timedelta(seconds=rng.randrange(span))
                paragraphs = maker.body()
                body_bytes += sum(len(p.encode()) for p in paragraphs)
                article = ArticlePage(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type_id=article_ct.id,
                    path=Page._get_path(category.path, category.depth + 1, st["next"]),
                    depth=category.depth + 1,
                    numchild=0,
                    url_path=f"{category.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale_id=category.locale_id,
                    published_at=published,
                    category_id=category.id,
                    lead=maker.lead(),
                    body=[("paragraph", p) for p in paragraphs],
                    author_name=rng.choice(AUTHORS),
                    source="Sở KH&CN Cao Bằng" if rng.random() < 0.3 else "",
                )
                st["next"] += 1
                articles.append(article)
            pages = Page.objects.bulk_create(
                [Page(**{f.attname: getattr(a, f.attname) for f in page_fields}) for a in articles]
            )
            rows, tag_rows = [], []
            for article, page in zip(articles, pages, strict=True):
                article.pk = article.page_ptr_id = article.id = page.id
                rows.append([f.get_db_prep_save(getattr(article, f.attname), connection) for f in local_fields])
                for tag in rng.sample(tags, rng.randint(1, 3)):
                    tag_rows.append(ArticleTag(content_object_id=page.id, tag_id=tag.id))
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, rows)
            ArticleTag.objects.bulk_create(tag_rows)
            done += len(articles)
        for category in categories.values():
            numchild = Page.objects.filter(path__startswith=category.path, depth=category.depth + 1).count()
            Page.objects.filter(pk=category.pk).update(numchild=numchild)
        if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
            ContentGeneration.objects.create(pk=1, value=1)

    seconds = time.monotonic() - started
    problems = Page.find_problems()
    if any(problems):
        raise SystemExit(f"tree problems after seeding: {problems}")
    return {
        "articles": count,
        "seconds": round(seconds, 1),
        "mean_body_bytes": round(body_bytes / max(count, 1)),
        "total_articles": ArticlePage.objects.count(),
    }


def article_urls(limit: int, rng_seed: int = 7) -> list[str]:
    """Public URLs of ``limit`` seeded articles spread over all categories, in a shuffled order."""
    from wagtail.models import Site

    from skhcn.portal.models import ArticlePage

    root = Site.objects.get(is_default_site=True).root_page.url_path
    paths = list(ArticlePage.objects.live().order_by("id").values_list("url_path", flat=True))
    rng = random.Random(rng_seed)
    rng.shuffle(paths)
    return ["/" + p[len(root) :] for p in paths[:limit]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--urls", type=Path, help="write the URLs of seeded articles to this file, one a line")
    parser.add_argument("--url-count", type=int, default=4000)
    args = parser.parse_args()
    result = seed(args.articles)
    print(
        f"seeded {result['articles']} articles in {result['seconds']} s "
        f"(mean body {result['mean_body_bytes']} B; {result['total_articles']} articles in total)",
        flush=True,
    )
    if args.urls:
        args.urls.write_text("\n".join(article_urls(args.url_count)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
