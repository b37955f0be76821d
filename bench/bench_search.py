"""Search latency on a throwaway SQLite database with N articles.

    .venv/bin/python bench/bench_search.py [--articles 10000] [--queries 300] [--view-queries 100]

Builds the demo site (``load_demo``), bulk-inserts N more articles into the Wagtail tree (treebeard paths
allocated here: ``add_child`` costs milliseconds per page), indexes them with the real rebuild
(``skhcn.search.indexing.rebuild``, as ``manage.py rebuild_search_index`` does), then times
``skhcn.search.engine.search`` — the function the view calls — on representative queries, and the full view
through Django's test client. Nothing outside a temporary directory is touched.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Vocabulary of the portal's news, in rough order of frequency (a Zipf-like draw below).
WORDS = """
khoa học công nghệ tỉnh Cao Bằng sở triển khai thực hiện năm dự án đề tài nhiệm vụ doanh nghiệp phát triển
ứng dụng sản xuất nông nghiệp người dân cán bộ hội nghị hội thảo tập huấn chất lượng đo lường tiêu chuẩn
kế hoạch kết quả đánh giá nghiệm thu mô hình hợp tác xã huyện xã thành phố chuyển đổi số đổi mới sáng tạo
sở hữu trí tuệ nhãn hiệu chỉ dẫn địa lý thương hiệu sản phẩm đặc sản trúc sào chè xanh Thị Ngân giống lúa
dược liệu cây trồng vật nuôi chăn nuôi trồng trọt kỹ thuật chuyển giao hỗ trợ kinh phí ngân sách quản lý nhà
nước kiểm tra thanh tra an toàn bức xạ hạt nhân năng lượng môi trường biến đổi khí hậu phòng chống thiên tai
phong trào thi đua dân vận khéo tuyên truyền phổ biến kiến thức thông tin thống kê báo cáo tổng kết sơ kết
phương hướng giải pháp chính sách văn bản quyết định thông tư nghị định hướng dẫn đăng ký xác nhận cấp giấy
chứng nhận hồ sơ thủ tục hành chính dịch vụ công trực tuyến cổng thông tin điện tử số hóa dữ liệu phần mềm
hệ thống mạng internet trí tuệ nhân tạo công nghệ sinh học vi sinh phân bón hữu cơ sấy nông sản chế biến bảo
quản thị trường tiêu thụ xuất khẩu biên giới Trùng Khánh Hà Quảng Bảo Lạc Nguyên Bình Hòa An Quảng Hòa Thạch
An Hạ Lang Bảo Lâm thác Bản Giốc hang Pác Bó du lịch văn hóa lịch sử giáo dục đào tạo nhân lực thanh niên phụ
nữ hội nông dân đoàn kết đồng bào dân tộc thiểu số miền núi vùng sâu vùng xa nông thôn mới giảm nghèo bền vững
""".split()

# Typical visitors' queries: words and short phrases, with and without accents.
PHRASES = [
    "khoa học công nghệ",
    "chuyển đổi số",
    "sở hữu trí tuệ",
    "chỉ dẫn địa lý",
    "dân vận khéo",
    "trúc sào",
    "chè xanh",
    "giống lúa",
    "dược liệu",
    "nông thôn mới",
    "đo lường",
    "tiêu chuẩn chất lượng",
    "hội thảo",
    "nghiệm thu đề tài",
    "hợp tác xã",
    "an toàn bức xạ",
    "thác Bản Giốc",
    "Pác Bó",
    "dịch vụ công",
    "trí tuệ nhân tạo",
    "công nghệ sinh học",
    "phân bón hữu cơ",
    "sấy nông sản",
    "thủ tục hành chính",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--view-queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20210412)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    return parser.parse_args()


def setup_django(data_dir: Path):
    os.environ["SKHCN_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # always a throwaway SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skhcn.settings")
    os.environ["SKHCN_ENV"] = "test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(WORDS))]

    def words(self, count: int) -> str:
        return " ".join(self.rng.choices(WORDS, self.weights, k=count))

    def sentence(self) -> str:
        text = self.words(self.rng.randint(8, 22))
        if self.rng.random() < 0.3:
            text += " " + self.rng.choice(PHRASES)
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))


def insert_articles(count: int, rng: random.Random) -> float:
    """Bulk-insert ``count`` published ArticlePages spread over the demo categories. Returns seconds."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Page

    from skhcn.core.text import vietnamese_slug
    from skhcn.portal.models import ArticlePage, CategoryPage

    started = time.perf_counter()
    writer = Writer(rng)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    categories = [
        c for c in CategoryPage.objects.order_by("path") if not c.get_children().not_type(ArticlePage).exists()
    ]
    base = datetime(2015, 1, 1, tzinfo=UTC)
    local_fields = [f for f in ArticlePage._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in local_fields)
    placeholders = ", ".join(["%s"] * len(local_fields))
    insert_sql = f"INSERT INTO {ArticlePage._meta.db_table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    per_category = [
        count // len(categories) + (1 if i < count % len(categories) else 0) for i in range(len(categories))
    ]
    with transaction.atomic():
        for category, how_many in zip(categories, per_category, strict=True):
            last = category.get_last_child()
            position = Page._str2int(last.path[-Page.steplen :]) if last else 0
            pages, specifics = [], []
            for _ in range(how_many):
                position += 1
                title = writer.sentence().rstrip(".")[:200]
                published = base + timedelta(minutes=rng.randint(0, 11 * 365 * 24 * 60))
                slug = f"{vietnamese_slug(title)[:80]}-{position}"
                page = Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    path=Page._get_path(category.path, category.depth + 1, position),
                    depth=category.depth + 1,
                    numchild=0,
                    url_path=f"{category.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale_id=category.locale_id,
                    translation_key=uuid.uuid4(),
                )
                pages.append(page)
                body = [("paragraph", f"<p>{writer.paragraph()}</p>") for _ in range(rng.randint(3, 8))]
                specifics.append(
                    ArticlePage(
                        published_at=published,
                        lead=writer.sentence(),
                        body=body,
                        author_name=rng.choice(["HK", "Ban biên tập", "Minh Anh", "Thu Hà"]),
                    )
                )
            Page.objects.bulk_create(pages, batch_size=500)
            rows = []
            for page, specific in zip(pages, specifics, strict=True):
                specific.page_ptr_id = page.id
                rows.append([f.get_db_prep_save(getattr(specific, f.attname), connection) for f in local_fields])
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, rows)
            category.numchild += how_many
            Page.objects.filter(id=category.id).update(numchild=category.numchild)
    return time.perf_counter() - started


def make_queries(count: int, rng: random.Random, category_ids: list[int]) -> list[dict]:
    from skhcn.core.text import fold

    writer = Writer(rng)
    queries = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.45:
            text = rng.choice(PHRASES)
        elif kind < 0.85:
            text = writer.words(rng.randint(1, 3))
        else:  # typed halfway: the last word is a prefix
            words = writer.words(rng.randint(1, 3)).split()
            words[-1] = words[-1][: max(1, len(words[-1]) - 2)]
            text = " ".join(words)
        if rng.random() < 0.4:
            text = fold(text)  # typed without accents
        query = {"q": text}
        if rng.random() < 0.3:
            query["category_id"] = rng.choice(category_ids)
        queries.append(query)
    return queries


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def at(p):
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"p50": statistics.median(ordered), "p95": at(95), "max": ordered[-1], "mean": statistics.fmean(ordered)}


def line(name: str, stats: dict) -> str:
    p50, p95, top, mean = stats["p50"], stats["p95"], stats["max"], stats["mean"]
    return f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {top:.1f} ms (mean {mean:.1f})"


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    data_dir = Path(tempfile.mkdtemp(prefix="skhcn-bench-search-"))
    try:
        t0 = time.perf_counter()
        setup_django(data_dir)
        from django.db import connection

        from skhcn.portal.demo.loader import load_demo
        from skhcn.portal.models import ArticlePage, CategoryPage
        from skhcn.search import engine, indexing
        from skhcn.search.models import ArticleSearchEntry

        load_demo()
        print(f"setup (migrate + demo): {time.perf_counter() - t0:.1f} s; SQLite {connection.Database.sqlite_version}")

        seconds = insert_articles(args.articles, rng)
        print(f"inserted {args.articles} articles into the page tree in {seconds:.1f} s")
        started = time.perf_counter()
        result = indexing.rebuild()
        seconds = time.perf_counter() - started
        print(
            f"rebuild_search_index: {result['indexed']} articles in {seconds:.1f} s "
            f"({seconds / max(1, result['indexed']) * 1000:.2f} ms per article)"
        )
        assert ArticleSearchEntry.objects.count() == ArticlePage.objects.live().count()
        db_file = Path(connection.settings_dict["NAME"])
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"database size: {db_file.stat().st_size / 1e6:.1f} MB")

        categories = {c.id: c.path for c in CategoryPage.objects.live()}
        queries = make_queries(args.queries, rng, list(categories))
        for query in queries[:20]:  # warm up caches
            engine.search(query["q"], category_path=categories.get(query.get("category_id")))
        samples, totals = [], []
        for query in queries:
            started = time.perf_counter()
            page = engine.search(query["q"], category_path=categories.get(query.get("category_id")))
            samples.append((time.perf_counter() - started) * 1000)
            totals.append(page.total)
        stats = percentiles(samples)
        print(
            f"{len(queries)} queries, {sum(1 for q in queries if 'category_id' in q)} with a category filter; "
            f"results per query: median {statistics.median(totals):.0f}, max {max(totals)}, "
            f"none for {sum(1 for t in totals if t == 0)}"
        )
        print(line("engine.search()", stats))
        print(f"p95 < 50 ms: {'YES' if stats['p95'] < 50 else 'NO'}")
        slowest = sorted(zip(samples, queries, totals, strict=True), key=lambda item: item[0], reverse=True)[:5]
        for ms, query, total in slowest:
            print(f"  slow: {ms:.1f} ms {query} -> {total} results")

        from django.conf import settings
        from django.test import Client, override_settings

        # No collectstatic in the throwaway data dir: plain static URLs instead of the manifest.
        override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ).enable()
        client = Client()
        client.get("/tim-kiem/", {"q": "khoa hoc"})
        view_samples = []
        for query in queries[: args.view_queries]:
            params = {"q": query["q"]}
            if "category_id" in query:
                params["chuyen_muc"] = query["category_id"]
            started = time.perf_counter()
            response = client.get("/tim-kiem/", params)
            view_samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (params, response.status_code)
        view_stats = percentiles(view_samples)
        print(line(f"GET /tim-kiem/ ({len(view_samples)} requests, test client)", view_stats))
        print(f"total run time: {time.perf_counter() - t0:.0f} s")
        return 0 if stats["p95"] < 50 else 1
    finally:
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
