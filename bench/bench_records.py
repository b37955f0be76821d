"""S&T registries (public lists, accent-insensitive search, site search) and notifications, on PostgreSQL.

    .venv/bin/python bench/bench_records.py [--database-url URL] [--requests 60] [--receives 300] [--regenerate]

The issues set no targets; these are this script's own (override them with the options):

* **Registries**: every public case's p95 < 300 ms (``--target-ms``) at 50,000 tasks, 5,000 enterprises, 2,000 IP
  records, 10,000 support grants, 3,000 publications with ~20 KB of PDF text each and 1,000 films. The search is
  ``search_text LIKE '%word%'`` per folded word (``registries.services.apply_search``) with no index that can serve
  it: PostgreSQL scans the table (and for publications detoasts ``pdf_search``) for the count and again for the
  page. The figures say how far that carries; this script does not change the app.
* **Notifications**: (a) what notifications add to ``workflow.perform(..., Action.RECEIVE)`` < 20 ms a receive
  (median on − median off, ``--notify-overhead-ms``); (b) one worker sends ≥ 20 plain e-mails/s and ≥ 5 e-mails/s
  with the PDF receipt attached to a local SMTP server; (c) the scheduler's ``requeue_due()`` with 200,000 sent
  and 1,000 due deliveries < 100 ms a call (slowest of the rounds), its query on the ``delivery_due`` index.

Own database (default ``skhcn_bench_records`` on the local server, created when missing; never ``test``):
``migrate``, ``load_demo --if-empty`` (the demo site, the real procedure catalogue of the department, the demo
records), then the generated records with bulk INSERTs (``search_text`` from each model's ``build_search_text()``,
as its ``save()`` does; ``pdf_search`` = ``fold(pdf_text)``) and 201,000 notifications with their deliveries
(``INSERT ... SELECT generate_series``), ``VACUUM ANALYZE``, and a marker table ``bench_records_marker``: the data is
reused while the sizes, this generator and the migrations are unchanged (``--regenerate`` rebuilds it).

1. Registries: anonymous GETs through Django's test client (page cache off: searches are never cached, and the
   unfiltered list is measured uncached), ``--requests`` per case cycling over a few queries, after warm-up.
   Reference in the same run: the procedure catalogue search ``/thu-tuc-hanh-chinh/?q=...``; each case's p95 is
   printed with its ratio to the reference's. ``EXPLAIN (ANALYZE, BUFFERS)`` of the task search (page and count)
   and of the publication search.
2. Notifications: (a) ``--receives`` receives with notifications and as many with ``notify.workflow_event`` /
   ``notify.staff_event`` replaced by no-ops, alternating in rounds (tasks: ``DummyBackend``, mail: locmem);
   (b) ``notifications.sending.send`` of ``--sends`` deliveries to an aiosmtpd server in this process, then of the
   receive notifications (PDF receipt attached); (c) ``requeue_due()`` timed over rounds, with the plan.

Prints the tables and PASS/FAIL; ``bench/out/records.json``. Exit code 0 when every target passes and nothing
failed.
"""

import argparse
import json
import os
import random
import socket
import sys
import time
import urllib.parse
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_tracking as tracking  # noqa: E402 - connection, stats and column-default helpers

ROOT = tracking.ROOT
OUT = tracking.OUT
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/skhcn_bench_records"
GENERATOR_VERSION = "1"
SIZES = {"task": 50_000, "enterprise": 5_000, "ip": 2_000, "support": 10_000, "publication": 3_000, "film": 1_000}
PDF_CHARS = 20_000  # folded text per publication
SENT_DELIVERIES = 200_000
DUE_DELIVERIES = 1_000
REQUEUE_MARK = "@requeue.bench.example.vn"
# A word found only in the text of some PDFs (every PDF_ONLY_EVERY-th publication), never in the other fields.
PDF_ONLY_PHRASE = "Phja Oắc"
PDF_ONLY_EVERY = 100


def log(message: str) -> None:
    print(f"[records {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- database lifecycle -----------------------------------------------------------------------------------------------
def fingerprint() -> str:
    return tracking.data_fingerprint(f"{GENERATOR_VERSION}:{sorted(SIZES.items())}:{PDF_CHARS}:{SENT_DELIVERIES}")


# --- vocabulary (Cao Bằng's S&T work) ---------------------------------------------------------------------------------
PLACES = [
    "huyện Trùng Khánh",
    "huyện Hà Quảng",
    "huyện Bảo Lạc",
    "huyện Bảo Lâm",
    "huyện Nguyên Bình",
    "huyện Hòa An",
    "huyện Quảng Hòa",
    "huyện Thạch An",
    "huyện Hạ Lang",
    "thành phố Cao Bằng",
    "xã Đàm Thủy",
    "xã Phong Châu",
    "xã Quang Thành",
    "thị trấn Nước Hai",
]
# (topic, science field)
TOPICS = [
    ("trồng chè xanh theo hướng hữu cơ", "agricultural"),
    ("nhân giống lúa nếp hương Bảo Lạc", "agricultural"),
    ("sản xuất phân bón hữu cơ vi sinh từ phụ phẩm nông nghiệp", "agricultural"),
    ("chăn nuôi bò thịt bằng thức ăn ủ chua", "agricultural"),
    ("trồng cây dược liệu dưới tán rừng", "medical"),
    ("bảo quản và chế biến hạt dẻ Trùng Khánh", "engineering"),
    ("sấy nông sản bằng năng lượng mặt trời", "engineering"),
    ("thâm canh quýt Trà Lĩnh", "agricultural"),
    ("nuôi cá hồi vân trong nước lạnh", "agricultural"),
    ("phát triển vùng trúc sào nguyên liệu", "agricultural"),
    ("nuôi ong lấy mật bạc hà", "agricultural"),
    ("chế biến thạch đen quy mô hợp tác xã", "engineering"),
    ("nuôi lợn đen bản địa", "agricultural"),
    ("trồng rau an toàn trong nhà màng", "agricultural"),
    ("bảo tồn nguồn gen lê Đông Khê", "natural"),
    ("nhân giống khoai môn Bảo Lạc", "agricultural"),
    ("ứng dụng công nghệ thông tin trong quản lý hồ sơ địa chính", "engineering"),
    ("chuyển đổi số trong cơ quan nhà nước cấp xã", "social"),
    ("bảo tồn và phát huy giá trị hát Then của người Tày", "humanities"),
    ("phòng chống sốt rét và bệnh truyền nhiễm vùng biên giới", "medical"),
    ("khai thác nước ngầm phục vụ sinh hoạt vùng núi đá vôi", "natural"),
    ("quản lý chất thải rắn sinh hoạt nông thôn", "engineering"),
    ("phát triển du lịch cộng đồng gắn với Công viên địa chất Non nước Cao Bằng", "social"),
    ("sản xuất miến dong theo chuỗi giá trị", "engineering"),
]
HOSTS = [
    "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Cao Bằng",
    "Viện Khoa học Nông nghiệp Việt Nam",
    "Trường Đại học Nông Lâm Thái Nguyên",
    "Trung tâm Khuyến nông tỉnh Cao Bằng",
    "Bệnh viện Đa khoa tỉnh Cao Bằng",
    "Viện Dược liệu",
    "Trường Cao đẳng Cao Bằng",
    "Hội Nông dân tỉnh Cao Bằng",
    "Chi cục Tiêu chuẩn Đo lường Chất lượng",
    "Trung tâm Công nghệ thông tin và Truyền thông",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Hoàng", "Nông", "Đàm", "Bế", "Lục", "Lương", "Hà", "Triệu", "Mạc", "Phạm", "Vi"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Thanh", "Minh", "Hữu", "Thu", "Quang", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Phương", "Quân"]
GIVEN += ["Sơn", "Thảo", "Tuấn", "Vân", "Yến", "Đạt", "Giang", "Huyền", "Khánh", "Thắng"]
TITLE_PATTERNS = [
    "Nghiên cứu {topic} tại {place}, tỉnh Cao Bằng",
    "Ứng dụng tiến bộ khoa học kỹ thuật xây dựng mô hình {topic} tại {place}",
    "Xây dựng mô hình {topic} gắn với tiêu thụ sản phẩm tại {place}",
    "Đánh giá thực trạng và đề xuất giải pháp {topic} trên địa bàn tỉnh Cao Bằng",
    "Chuyển giao công nghệ {topic} cho hợp tác xã tại {place}",
]
SENTENCES = [
    "Mục tiêu của nhiệm vụ là {topic} nhằm nâng cao thu nhập cho người dân {place}.",
    "Xây dựng quy trình kỹ thuật {topic} phù hợp với điều kiện khí hậu, thổ nhưỡng của {place}.",
    "Đào tạo, tập huấn cho cán bộ kỹ thuật và nông dân nắm vững quy trình {topic}.",
    "Đánh giá hiệu quả kinh tế, xã hội và môi trường của mô hình {topic}.",
    "Kết quả nghiệm thu cho thấy mô hình {topic} đạt năng suất cao hơn so với phương thức truyền thống.",
    "Sở Khoa học và Công nghệ phối hợp với Ủy ban nhân dân {place} tổ chức hội thảo nhân rộng mô hình {topic}.",
    "Sản phẩm của nhiệm vụ được đăng ký bảo hộ nhãn hiệu tập thể và truy xuất nguồn gốc bằng mã QR.",
    "Hợp tác xã tại {place} tiếp nhận chuyển giao công nghệ và duy trì sản xuất sau khi kết thúc nhiệm vụ.",
    "Nhiệm vụ góp phần thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021 – 2025.",
    "Báo cáo tổng kết nêu rõ những khó khăn về vốn đối ứng, thời tiết bất thường và thị trường tiêu thụ.",
]
PRODUCTS = ["Quýt", "Hạt dẻ", "Lê", "Miến dong", "Thạch đen", "Gạo nếp hương", "Vịt cỏ", "Trúc sào", "Chè xanh"]
PRODUCTS += ["Mật ong bạc hà", "Lạp sườn", "Bánh cuốn", "Khẩu sli", "Hồng không hạt", "Lợn đen", "Dê núi"]


def person(rng) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def sentences(rng, count: int, topic: str, place: str) -> str:
    return " ".join(rng.choice(SENTENCES).format(topic=topic, place=place) for _ in range(count))


# --- data generation --------------------------------------------------------------------------------------------------
def generate_records(rng) -> dict:
    from skhcn.core.text import fold
    from skhcn.registries import constants as c
    from skhcn.registries.models import (
        Film,
        IntellectualProperty,
        Publication,
        ScienceEnterprise,
        ScienceTask,
        SupportGrant,
    )

    counts = {}

    def insert(model, objects):
        started = time.monotonic()
        for obj in objects:
            obj.search_text = obj.build_search_text()  # what RegistryRecord.save() does
        model.objects.bulk_create(objects, batch_size=2000)
        counts[model._meta.model_name] = len(objects)
        log(f"{len(objects):,} {model._meta.verbose_name_plural}: {time.monotonic() - started:.1f} s")

    today = date.today()
    tasks = []
    for i in range(SIZES["task"]):
        topic, field = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        start = date(rng.randint(2005, today.year), rng.randint(1, 12), rng.randint(1, 28))
        end = start + timedelta(days=rng.choice((365, 540, 730, 1095)))
        status = rng.choice(c.TaskStatus.values) if end < today else rng.choice(["selected", "in_progress"])
        tasks.append(
            ScienceTask(
                code=f"NV.{start.year}-{i + 1:06d}",
                kind=rng.choice(c.TaskKind.values),
                title=rng.choice(TITLE_PATTERNS).format(topic=topic, place=place),
                level=rng.choices(c.TaskLevel.values, weights=(1, 6, 3))[0],
                field=field,
                host_organisation=rng.choice(HOSTS),
                principal_investigator=f"{rng.choice(['ThS.', 'TS.', 'KS.', 'BSCKII.'])} {person(rng)}",
                start_date=start,
                end_date=end,
                budget_state=rng.randrange(200, 3000) * 1_000_000,
                budget_other=rng.randrange(0, 800) * 1_000_000,
                status=status,
                acceptance_date=end if status in ("accepted", "registered", "applied") and end < today else None,
                objectives=sentences(rng, rng.randint(3, 6), topic, place),
                results=sentences(rng, 2, topic, place),
                application=sentences(rng, 1, topic, place),
                is_public=rng.random() < 0.95,
            )
        )
    insert(ScienceTask, tasks)
    del tasks

    enterprises = []
    for i in range(SIZES["enterprise"]):
        product = rng.choice(PRODUCTS)
        place = rng.choice(PLACES)
        enterprises.append(
            ScienceEnterprise(
                code=f"DN-{i + 1:05d}",
                name=f"Công ty TNHH {product} {place.split(' ', 1)[1]} {i + 1}",
                tax_code=f"48{rng.randrange(10**8):08d}",
                address=f"Số {rng.randint(1, 300)} đường Kim Đồng, {place}, tỉnh Cao Bằng",
                certificate_number=f"{i + 1:05d}/DNKHCN",
                certificate_date=date(rng.randint(2012, today.year - 1), rng.randint(1, 12), rng.randint(1, 28)),
                field=rng.choice(c.ScienceField.values),
                products="\n".join(f"{rng.choice(PRODUCTS)} {rng.choice(TOPICS)[0]}" for _ in range(3)),
                status=rng.choices(c.EnterpriseStatus.values, weights=(8, 1, 1))[0],
            )
        )
    insert(ScienceEnterprise, enterprises)

    ip_records = []
    for i in range(SIZES["ip"]):
        product = rng.choice(PRODUCTS)
        place = rng.choice(PLACES)
        ip_records.append(
            IntellectualProperty(
                code=f"SHTT-{i + 1:05d}",
                name=f"{product} {place.split(' ', 1)[1]}",
                ip_type=rng.choice(c.IPType.values),
                product=product,
                holder=f"Hợp tác xã {product} {place.split(' ', 1)[1]}",
                area=f"Các xã của {place}, tỉnh Cao Bằng",
                status=c.IPStatus.FILED,
                description=sentences(rng, 2, f"phát triển sản phẩm {product.lower()}", place),
            )
        )
    insert(IntellectualProperty, ip_records)

    grants = []
    for i in range(SIZES["support"]):
        enterprise = rng.choice(enterprises)
        grants.append(
            SupportGrant(
                code=f"HT-{i + 1:06d}",
                programme=rng.choice(c.Programme.values),
                beneficiary=enterprise.name,
                year=rng.randint(2016, today.year - 1),
                amount=rng.randrange(20, 500) * 1_000_000,
                purpose=sentences(rng, 2, rng.choice(TOPICS)[0], rng.choice(PLACES)),
                outcome=sentences(rng, 1, rng.choice(TOPICS)[0], rng.choice(PLACES)),
            )
        )
    insert(SupportGrant, grants)

    # PDF text: sentences of the vocabulary, folded sentence by sentence (fold() works letter by letter and
    # collapses spaces, so fold(" ".join(parts)) == " ".join(fold(p) for p in parts); checked below).
    pool = [rng.choice(SENTENCES).format(topic=rng.choice(TOPICS)[0], place=rng.choice(PLACES)) for _ in range(3000)]
    folded_pool = [fold(text) for text in pool]
    rare = f"Khảo sát thực địa tại khu vực núi {PDF_ONLY_PHRASE}, xã Thành Công."
    publications = []
    for i in range(SIZES["publication"]):
        year = rng.randint(2005, today.year - 1)
        parts, folded, length = [], [], 0
        while length < PDF_CHARS:
            k = rng.randrange(len(pool))
            parts.append(pool[k])
            folded.append(folded_pool[k])
            length += len(folded_pool[k]) + 1
        if i % PDF_ONLY_EVERY == 0:
            position = rng.randrange(len(parts))
            parts.insert(position, rare)
            folded.insert(position, fold(rare))
        kind = rng.choice(c.PublicationKind.values)
        title = (
            f"Kỷ yếu Hội nghị khoa học và công nghệ tỉnh Cao Bằng năm {year}"
            if kind == "yearbook"
            else f"Thông tin khoa học và công nghệ Cao Bằng: {rng.choice(TOPICS)[0]}"
        )
        publications.append(
            Publication(
                code=f"AP-{i + 1:05d}",
                kind=kind,
                title=title,
                year=year,
                issue=f"Số {rng.randint(1, 12)}/{year}",
                authors=", ".join(person(rng) for _ in range(3)),
                publisher="Sở Khoa học và Công nghệ tỉnh Cao Bằng",
                description=sentences(rng, 2, rng.choice(TOPICS)[0], rng.choice(PLACES)),
                text_status=c.TextStatus.DONE,
                page_count=rng.randint(40, 220),
                pdf_text=" ".join(parts),
                pdf_search=" ".join(folded),
            )
        )
    assert publications[0].pdf_search == fold(publications[0].pdf_text), "word-wise folding differs from fold()"
    insert(Publication, publications)
    del publications

    films = []
    for i in range(SIZES["film"]):
        topic = rng.choice(TOPICS)[0]
        films.append(
            Film(
                code=f"PHIM-{i + 1:05d}",
                title=f"Phim: {topic[0].upper()}{topic[1:]}",
                topic=rng.choice(c.FilmTopic.values),
                year=rng.randint(2010, today.year - 1),
                duration=rng.randint(300, 1800),
                description=sentences(rng, 2, topic, rng.choice(PLACES)),
                embed_url=f"https://www.youtube.com/watch?v={rng.randrange(10**10):011d}",
                producer="Đài Phát thanh và Truyền hình Cao Bằng",
            )
        )
    insert(Film, films)
    return counts


def generate_deliveries() -> int:
    """201,000 notifications, each with one e-mail delivery: 200,000 sent, 1,000 due for a retry."""
    from django.db import connection

    from skhcn.notifications.models import Delivery, Notification

    started = time.monotonic()
    total = SENT_DELIVERIES + DUE_DELIVERIES
    every = total // DUE_DELIVERIES  # delivery g is due when g % every == 0
    body = (
        "Kính gửi Ông/Bà {name},\n\nSở Khoa học và Công nghệ đã tiếp nhận hồ sơ {code} (thủ tục Cấp Giấy chứng "
        "nhận đăng ký hoạt động chuyển giao công nghệ). Ngày hẹn trả kết quả: 23/03/2026.\n\nTra cứu tình trạng hồ sơ "
        "tại https://dichvucong.example.vn/dich-vu-cong/tra-cuu/?ma={code}\n\nTrân trọng."
    )
    n_columns, n_values = tracking.defaults_for(
        Notification, {"user_id", "dossier_id", "event", "title", "body", "link", "show_in_account", "created_at"}
    )
    d_generated = {"notification_id", "channel", "address", "subject", "body", "attachment", "status", "attempts"}
    d_generated |= {"next_attempt_at", "queued_at", "claimed_at", "sent_at", "last_error", "provider_message_id"}
    d_columns, d_values = tracking.defaults_for(Delivery, d_generated | {"created_at"})
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            f"""
            INSERT INTO {Notification._meta.db_table} (user_id, dossier_id, event, title, body, link, show_in_account,
                created_at{"".join(f", {q(c)}" for c in n_columns)})
            SELECT NULL, NULL, 'received', 'Hồ sơ 000.26.H11-250101-' || lpad(g::text, 6, '0') || ' đã được tiếp nhận',
                replace(replace(%s, '{{name}}', 'Người nộp ' || g), '{{code}}', '000.26.H11-250101-' || g), '',
                false, now() - (%s - g) * interval '2 minutes'{"".join(", %s" for _ in n_values)}
            FROM generate_series(1, %s) AS g ORDER BY g
            """,  # noqa: S608 - quoted column names only
            [body, total, *n_values, total],
        )
        cursor.execute(
            f"""
            INSERT INTO {Delivery._meta.db_table} (notification_id, channel, address, subject, body, attachment,
                status, attempts, next_attempt_at, queued_at, claimed_at, sent_at, last_error, provider_message_id,
                created_at{"".join(f", {q(c)}" for c in d_columns)})
            SELECT n.id, 'email', 'nguoi' || n.rn || %s, n.title, n.body, '',
                CASE WHEN n.rn %% {every} = 0 THEN 'pending' ELSE 'sent' END,
                1,
                CASE WHEN n.rn %% {every} = 0 THEN now() - (n.rn / {every}) * interval '1 second' ELSE n.created_at END,
                CASE WHEN n.rn %% {every} = 0 THEN NULL ELSE n.created_at END,
                n.created_at + interval '1 second',
                CASE WHEN n.rn %% {every} = 0 THEN NULL ELSE n.created_at + interval '2 seconds' END,
                CASE WHEN n.rn %% {every} = 0 THEN 'Không kết nối được máy chủ thư (ConnectionRefusedError).'
                     ELSE '' END,
                CASE WHEN n.rn %% {every} = 0 THEN '' ELSE '<' || n.rn || '.bench@skhcn.example.vn>' END,
                n.created_at{"".join(", %s" for _ in d_values)}
            FROM (SELECT id, title, body, created_at, row_number() OVER (ORDER BY id) AS rn
                  FROM {Notification._meta.db_table}) AS n
            """,  # noqa: S608 - quoted column names only
            [REQUEUE_MARK, *d_values],
        )
        rows = cursor.rowcount
    log(f"{rows:,} notifications + deliveries: {time.monotonic() - started:.1f} s")
    return rows


# --- 1. registries ----------------------------------------------------------------------------------------------------
def registry_cases() -> list[tuple[str, str, list[dict]]]:
    """(name, path, query-string variants); the first is the reference."""
    tasks = "/du-lieu-khcn/nhiem-vu/"
    return [
        (
            "REF procedures ?q=",
            "/thu-tuc-hanh-chinh/",
            [{"q": q} for q in ("cấp giấy chứng nhận", "chuyển giao công nghệ", "an toan buc xa", "đăng ký", "mã số")],
        ),
        (
            "tasks ?q= 2 words",
            tasks,
            [{"q": q} for q in ("giống lúa", "chè xanh", "duoc lieu", "phân bón", "trúc sào", "bò thịt")],
        ),
        ("tasks ?q= 1 word", tasks, [{"q": q} for q in ("quýt", "nghiên", "Trùng", "miến", "khoai", "tuabin")]),
        (
            "tasks filter + ?q=",
            tasks,
            [
                {"linh_vuc": "agricultural", "q": "giống lúa"},
                {"cap": "provincial", "tinh_trang": "accepted", "q": "chè"},
                {"nam": "2020", "q": "mô hình"},
                {"loai": "project", "q": "Hòa An"},
            ],
        ),
        (
            "publications ?q= PDF-only word",
            "/du-lieu-khcn/an-pham/",
            [{"q": PDF_ONLY_PHRASE}, {"q": PDF_ONLY_PHRASE.split()[0]}],
        ),
        (
            "site search /tim-kiem/?q=",
            "/tim-kiem/",
            [{"q": q} for q in ("chè xanh", "dược liệu", "quýt", "chuyển giao công nghệ", "sở hữu trí tuệ")],
        ),
        ("tasks unfiltered page 1", tasks, [{}]),
        ("tasks unfiltered page 100", tasks, [{"page": "100"}]),
    ]


def measure_registries(args) -> dict:
    from django.test import Client

    client = Client()
    rng = random.Random(args.seed)
    results, failures = {}, []
    for name, path, variants in registry_cases():
        for variant in variants:  # warm-up: templates, plans, caches of this page
            client.get(path, variant, REMOTE_ADDR="10.0.0.1")
        busy = tracking.warn_if_busy(name, log)
        samples, found = [], 0
        for i in range(args.requests):
            variant = variants[i % len(variants)]
            address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            started = time.perf_counter()
            response = client.get(path, variant, REMOTE_ADDR=address)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                failures.append(f"{name} {variant}: HTTP {response.status_code}")
            elif b"Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y" not in response.content:  # "Không tìm thấy"
                found += 1
        results[name] = {**tracking.stats(samples), "cpu_busy_before_pct": busy, "path": path}
        results[name]["variants"] = variants
        results[name]["profile"] = profile_request(client, path, variants[0])
        log(f"{name:<34} p50 {results[name]['p50_ms']:7.1f}  p95 {results[name]['p95_ms']:7.1f} ms")
    return {"cases": results, "failures": failures}


def profile_request(client, path: str, params: dict) -> dict:
    """One request with its queries captured: total ms, SQL ms, number of queries, the slowest query's ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get(path, params)
        total = (time.perf_counter() - started) * 1000
    times = [float(q["time"]) * 1000 for q in captured.captured_queries]
    return {
        "total_ms": round(total, 1),
        "sql_ms": round(sum(times), 1),
        "queries": len(times),
        "slowest_query_ms": round(max(times, default=0), 1),
    }


def registry_plans() -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the SQL the task and publication searches really send (captured)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    plans = {}
    for label, path, params, table in (
        ("task search 'giống lúa'", "/du-lieu-khcn/nhiem-vu/", {"q": "giống lúa"}, "registries_sciencetask"),
        ("task search 'tuabin' (no match)", "/du-lieu-khcn/nhiem-vu/", {"q": "tuabin"}, "registries_sciencetask"),
        (
            f"publication search '{PDF_ONLY_PHRASE}'",
            "/du-lieu-khcn/an-pham/",
            {"q": PDF_ONLY_PHRASE},
            "registries_publication",
        ),
    ):
        with CaptureQueriesContext(connection) as captured:
            client.get(path, params)
        for q in captured.captured_queries:
            sql = q["sql"]
            if f'FROM "{table}"' in sql and "LIKE" in sql:
                kind = "count" if "COUNT(*)" in sql else "page"
                plan = tracking.explain(sql)
                plans[f"{label}: {kind}"] = {"sql": sql, "plan": plan, "execution_ms": tracking.execution_ms(plan)}
    return plans


# --- 2. notifications -------------------------------------------------------------------------------------------------
def notification_world(tag: str):
    """A procedure, a one-stop officer and an applicant of this run (factories of the test suites)."""
    from skhcn.accounts.constants import StaffRole
    from skhcn.accounts.tests.factories import ApplicantFactory, DivisionFactory, StaffFactory
    from skhcn.procedures.tests.factories import ProcedureFactory

    division = DivisionFactory(code="bench-records-qlkh", name="Phòng Quản lý khoa học (đo tải)")
    procedure = ProcedureFactory(
        code=f"1.{tag[-6:]}.H98",
        name=f"Cấp Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ (đo tải {tag})",
        processing_time=15,
        step_budgets="2,10,3",
        division=division,
    )
    one_stop = StaffFactory(username=f"bench-mot-cua-{tag}", role=StaffRole.ONE_STOP)
    applicant = ApplicantFactory(email=f"bench-nguoi-nop-{tag}@example.vn")
    return procedure, one_stop, applicant


def submitted_dossiers(count: int, procedure, applicant) -> list:
    """Dossiers as the citizen side leaves them (the ``workflow_support.submitted_dossier`` pattern)."""
    from django.conf import settings
    from django.utils import timezone

    from skhcn.dossiers.constants import Channel, ReceiveMethod, Status
    from skhcn.dossiers.models import Dossier

    now = timezone.now()
    base = Dossier.objects.count() + 10_000
    return [
        Dossier.objects.create(
            procedure=procedure,
            applicant=applicant,
            status=Status.SUBMITTED,
            channel=Channel.ONLINE,
            code=f"{settings.AGENCY_CODE}-{now:%y%m%d}-{base + i:05d}",
            submitted_at=now,
            applicant_name="Nguyễn Văn An",
            applicant_email=applicant.email,
            applicant_phone="0912345678",
            lookup_phone="0912345678",
            receive_method=ReceiveMethod.ONLINE,
        )
        for i in range(count)
    ]


def measure_receive(args, procedure, one_stop, applicant) -> dict:
    """(a) perform(RECEIVE) with notifications vs with the two notify hooks as no-ops, alternating rounds."""
    from skhcn.dossiers import notify, workflow
    from skhcn.dossiers.constants import Action

    dossiers = submitted_dossiers(2 * args.receives + 10, procedure, applicant)
    for dossier in dossiers[:10]:  # warm-up
        workflow.perform(dossier.pk, Action.RECEIVE, one_stop, expected_version=dossier.version)
    queue = dossiers[10:]
    originals = (notify.workflow_event, notify.staff_event)
    samples = {"on": [], "off": []}
    rounds = max(1, args.rounds)
    per_round = args.receives // rounds
    busy = tracking.warn_if_busy("the receives", log)
    try:
        for r in range(rounds):
            for mode in ("on", "off") if r % 2 == 0 else ("off", "on"):
                if mode == "off":
                    notify.workflow_event = lambda *a, **k: None
                    notify.staff_event = lambda *a, **k: None
                else:
                    notify.workflow_event, notify.staff_event = originals
                for _ in range(per_round):
                    dossier = queue.pop()
                    started = time.perf_counter()
                    workflow.perform(dossier.pk, Action.RECEIVE, one_stop, expected_version=dossier.version)
                    samples[mode].append((time.perf_counter() - started) * 1000)
    finally:
        notify.workflow_event, notify.staff_event = originals
    on, off = tracking.stats(samples["on"]), tracking.stats(samples["off"])
    return {
        "on": on,
        "off": off,
        "overhead_p50_ms": round(on["p50_ms"] - off["p50_ms"], 2),
        "overhead_mean_ms": round(on["mean_ms"] - off["mean_ms"], 2),
        "ratio_p50": round(on["p50_ms"] / off["p50_ms"], 2),
        "ratio_mean": round(on["mean_ms"] / off["mean_ms"], 2),
        "rounds": rounds,
        "cpu_busy_before_pct": busy,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.count = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.bytes += len(envelope.original_content or b"")
        return "250 Message accepted"


def measure_sending(args, tag: str, applicant) -> dict:
    """(b) sending.send() to an aiosmtpd server on loopback: plain messages, then with the PDF receipt."""
    from aiosmtpd.controller import Controller
    from django.test.utils import override_settings
    from django.utils import timezone

    from skhcn.notifications import sending
    from skhcn.notifications.constants import Attachment, Channel, DeliveryStatus, Event
    from skhcn.notifications.models import Delivery, Notification

    receipts = list(
        Delivery.objects.filter(
            notification__dossier__applicant=applicant, status=DeliveryStatus.PENDING, attachment=Attachment.RECEIPT
        ).values_list("pk", flat=True)[: args.receipt_sends]
    )
    model = Delivery.objects.filter(notification__dossier__applicant=applicant, channel=Channel.EMAIL).first()
    now = timezone.now()
    plain = []
    for i in range(args.sends):
        notification = Notification(
            user=applicant, event=Event.RECEIVED, title=model.subject, body=model.body, show_in_account=False
        )
        plain.append((notification, i))
    Notification.objects.bulk_create([n for n, _ in plain])
    created = Delivery.objects.bulk_create(
        Delivery(
            notification=n,
            channel=Channel.EMAIL,
            address=f"nguoi-nhan-{tag}-{i}@example.vn",
            subject=model.subject,
            body=model.body,
            next_attempt_at=now,
            queued_at=now,
        )
        for n, i in plain
    )
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    result = {}
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_TIMEOUT=10,
        ):
            for label, ids in (("plain", [d.pk for d in created]), ("receipt", receipts)):
                if not ids:
                    continue
                before = inbox.count
                busy = tracking.warn_if_busy(f"sending ({label})", log)
                statuses, samples = {}, []
                started = time.perf_counter()
                for delivery_id in ids:
                    t0 = time.perf_counter()
                    status = sending.send(delivery_id)
                    samples.append((time.perf_counter() - t0) * 1000)
                    statuses[status] = statuses.get(status, 0) + 1
                elapsed = time.perf_counter() - started
                time.sleep(0.2)  # the server thread finishes its last DATA
                result[label] = {
                    "messages": len(ids),
                    "seconds": round(elapsed, 2),
                    "per_second": round(len(ids) / elapsed, 1),
                    "per_message": tracking.stats(samples),
                    "statuses": statuses,
                    "received_by_server": inbox.count - before,
                    "cpu_busy_before_pct": busy,
                }
    finally:
        controller.stop()
    # The receive notifications not sent here would be due for the scheduler in the next run's (c): drop them.
    Delivery.objects.filter(notification__dossier__applicant=applicant, status=DeliveryStatus.PENDING).delete()
    result["server_bytes"] = inbox.bytes
    return result


def measure_requeue(args) -> dict:
    """(c) requeue_due() with 200,000 sent and 1,000 due deliveries; the due rows are made due again each round."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from skhcn.notifications import tasks
    from skhcn.notifications.constants import DeliveryStatus
    from skhcn.notifications.models import Delivery

    due_ids = list(
        Delivery.objects.filter(address__endswith=REQUEUE_MARK, status__in=["pending", "sending"]).values_list(
            "pk", flat=True
        )
    )

    def make_due():
        Delivery.objects.filter(pk__in=due_ids).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now() - timedelta(minutes=1), queued_at=None
        )

    counts = dict(Delivery.objects.order_by().values_list("status").annotate(n=Count("pk")))
    samples, queued = {200: [], 1000: []}, {}
    for limit in (200, 1000):
        for _ in range(2):  # warm-up
            make_due()
            tasks.requeue_due(limit=limit)
        for _ in range(args.requeue_rounds):
            make_due()
            started = time.perf_counter()
            queued[limit] = tasks.requeue_due(limit=limit)
            samples[limit].append((time.perf_counter() - started) * 1000)
    make_due()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        tasks.requeue_due()
        once_ms = (time.perf_counter() - started) * 1000
    make_due()
    sql_ms = sum(float(q["time"]) * 1000 for q in captured.captured_queries)
    plans = {}
    for q in captured.captured_queries:
        sql = q["sql"]
        if sql.startswith("SELECT") and "next_attempt_at" in sql:
            plans["due query (SELECT ... LIMIT 200)"] = tracking.explain(sql)
        elif sql.startswith("UPDATE") and "claimed_at" in sql and "sending" in sql:
            with transaction.atomic():  # EXPLAIN ANALYZE runs the UPDATE: undo it
                plans["stuck 'sending' sweep (UPDATE)"] = tracking.explain(sql)
                transaction.set_rollback(True)
    return {
        "deliveries_by_status": counts,
        "due": len(due_ids),
        "limit_200": {**tracking.stats(samples[200]), "queued": queued[200]},
        "limit_1000": {**tracking.stats(samples[1000]), "queued": queued[1000]},
        "plans": plans,
        "once": {"total_ms": round(once_ms, 2), "sql_ms": round(sql_ms, 2), "queries": len(captured)},
        "uses_delivery_due": all(any("delivery_due" in line for line in plan) for plan in plans.values()),
    }


# --- main -------------------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description="skhcn registries and notifications benchmark (see bench/README.md)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL (default {DEFAULT_URL})")
    parser.add_argument("--requests", type=int, default=60, help="requests per registry case")
    parser.add_argument("--receives", type=int, default=300, help="receives with notifications (and as many without)")
    parser.add_argument("--rounds", type=int, default=6, help="alternating on/off rounds of the receives")
    parser.add_argument("--sends", type=int, default=300, help="plain e-mails sent to the local SMTP server")
    parser.add_argument("--receipt-sends", type=int, default=100, help="e-mails with the PDF receipt sent")
    parser.add_argument("--requeue-rounds", type=int, default=20)
    parser.add_argument("--target-ms", type=float, default=300, help="registries: p95 of every case")
    parser.add_argument("--notify-overhead-ms", type=float, default=20)
    parser.add_argument("--min-plain-rate", type=float, default=20, help="plain e-mails/s")
    parser.add_argument("--min-receipt-rate", type=float, default=5, help="e-mails/s with the PDF receipt")
    parser.add_argument("--requeue-target-ms", type=float, default=100)
    parser.add_argument("--seed", type=int, default=20260701)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if the marker matches")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL URL")

    run_started = time.monotonic()
    reuse = tracking.prepare_database(
        args.database_url, fingerprint(), args.regenerate, marker="bench_records_marker", log=log
    )
    data_dir = OUT / "records-data"  # secret key, media, mail: nothing of the database
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        SKHCN_DATA_DIR=str(data_dir),
        DATABASE_URL=args.database_url,
        PAGE_CACHE_ENABLED="0",
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    )
    for name in ("REDIS_URL", "DEBUG", "EMAIL_HOST"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skhcn.settings")
    os.environ["SKHCN_ENV"] = "test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    results: dict = {"database": urllib.parse.urlsplit(args.database_url).path[1:], "sizes": SIZES}
    call_command("migrate", interactive=False, verbosity=0)
    if reuse:
        log("reusing the generated records (marker matches; --regenerate to rebuild)")
    else:
        started = time.monotonic()
        call_command("load_demo", if_empty=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        log(f"load_demo: {time.monotonic() - started:.1f} s")
        results["generated"] = generate_records(random.Random(args.seed))
        results["deliveries_generated"] = generate_deliveries()
        with connection.cursor() as cursor:
            t0 = time.monotonic()
            cursor.execute("VACUUM ANALYZE")
            log(f"VACUUM ANALYZE: {time.monotonic() - t0:.1f} s")
            cursor.execute("CREATE TABLE bench_records_marker (fingerprint text, created_at timestamptz)")
            cursor.execute("INSERT INTO bench_records_marker VALUES (%s, now())", [fingerprint()])
        results["generation_s"] = round(time.monotonic() - started, 1)
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ).enable()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        results["postgres"] = cursor.fetchone()[0].split(",")[0]
        cursor.execute("SHOW shared_buffers")
        results["shared_buffers"] = cursor.fetchone()[0]
        sizes = {}
        for table in ("registries_sciencetask", "registries_publication", "notifications_delivery"):
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size(%s)), count(*) FROM " + table, [table])  # noqa: S608
            sizes[table] = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM procedures_procedure WHERE is_active")
        results["procedures"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM registries_publication WHERE pdf_search LIKE %s", ["%phja oac%"])
        results["pdf_only_matches"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM registries_publication WHERE search_text LIKE %s", ["%phja%"])
        pdf_word_elsewhere = cursor.fetchone()[0]
    results["table_sizes"] = {t: {"size": s, "rows": n} for t, (s, n) in sizes.items()}
    for table, (size, rows) in sizes.items():
        log(f"{table}: {rows:,} rows, {size} with indexes and TOAST")
    log(f"{results['procedures']} active procedures (the reference's catalogue); {results['postgres']}")

    # 1. registries
    log(f"registries: {args.requests} GETs per case through the test client (anonymous, page cache off)")
    registries = measure_registries(args)
    results["registries"] = registries
    results["registry_plans"] = registry_plans()

    # 2. notifications
    tag = time.strftime("%y%m%d%H%M%S")
    procedure, one_stop, applicant = notification_world(tag)
    log(f"(a) {args.receives} receives with notifications and {args.receives} without, {args.rounds} rounds")
    results["receive"] = measure_receive(args, procedure, one_stop, applicant)
    log(f"(b) sending {args.sends} plain e-mails and {args.receipt_sends} with the receipt to aiosmtpd")
    results["sending"] = measure_sending(args, tag, applicant)
    log(f"(c) requeue_due() x {args.requeue_rounds} rounds per limit")
    results["requeue"] = measure_requeue(args)

    # --- report -------------------------------------------------------------------------------------------------------
    for label, entry in results["registry_plans"].items():
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) — {label}\n  {entry['sql']}")
        for line in entry["plan"]:
            print(f"    {line}")
    for label, plan in results["requeue"]["plans"].items():
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) — requeue_due(): {label}")
        for line in plan:
            print(f"    {line}")

    cases = registries["cases"]
    reference = next(iter(cases))
    ref_p95 = cases[reference]["p95_ms"]
    header = (
        f"{'case':<34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/ref':>8}  {'target':<9}"
        f" one request: SQL ms / queries"
    )
    print(f"\nRegistries (GET, anonymous, test client, page cache off; target p95 < {args.target_ms:g} ms)\n{header}")
    print("-" * len(header))
    slow = []
    for name, s in cases.items():
        ratio = s["p95_ms"] / ref_p95 if ref_p95 else float("nan")
        verdict = "reference" if name == reference else ("PASS" if s["p95_ms"] < args.target_ms else "FAIL")
        if verdict == "FAIL":
            slow.append(name)
        p = s["profile"]
        print(
            f"{name:<34} {s['count']:>4} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['max_ms']:>8.1f} "
            f"{ratio:>7.1f}x  {verdict:<9} {p['total_ms']:.0f} ms: SQL {p['sql_ms']:.0f} ms / {p['queries']} queries"
            f" (slowest {p['slowest_query_ms']:.0f})"
        )
    print(
        f"publications with '{PDF_ONLY_PHRASE}' in their PDF text: {results['pdf_only_matches']} "
        f"(in their other fields: {pdf_word_elsewhere})"
    )

    rc = results["receive"]
    print("\nNotifications")
    print(f"(a) workflow.perform(RECEIVE), {rc['on']['count']} with and {rc['off']['count']} without notifications:")
    for mode in ("on", "off"):
        s = rc[mode]
        print(f"    {mode:<4} p50 {s['p50_ms']:7.2f}  p95 {s['p95_ms']:7.2f}  mean {s['mean_ms']:7.2f} ms")
    notify_pass = rc["overhead_p50_ms"] < args.notify_overhead_ms
    print(
        f"    notifications add {rc['overhead_p50_ms']:.2f} ms at p50 (x{rc['ratio_p50']}), "
        f"{rc['overhead_mean_ms']:.2f} ms on average (x{rc['ratio_mean']}); target < {args.notify_overhead_ms:g} ms: "
        f"{'PASS' if notify_pass else 'FAIL'}"
    )
    sending = results["sending"]
    send_pass = True
    failures = list(registries["failures"])
    for label, minimum in (("plain", args.min_plain_rate), ("receipt", args.min_receipt_rate)):
        s = sending.get(label)
        if s is None:
            failures.append(f"no {label} deliveries to send")
            send_pass = False
            continue
        ok = s["per_second"] >= minimum and s["statuses"].get("sent", 0) == s["messages"] == s["received_by_server"]
        send_pass &= ok
        if s["statuses"].get("sent", 0) != s["messages"] or s["received_by_server"] != s["messages"]:
            failures.append(f"sending {label}: statuses {s['statuses']}, server received {s['received_by_server']}")
        print(
            f"(b) send() {label:<8} {s['messages']:>4} messages in {s['seconds']:6.2f} s = {s['per_second']:6.1f}/s "
            f"(per message p50 {s['per_message']['p50_ms']:.1f}, p95 {s['per_message']['p95_ms']:.1f} ms); "
            f"server got {s['received_by_server']}; target ≥ {minimum:g}/s: {'PASS' if ok else 'FAIL'}"
        )
    rq = results["requeue"]
    requeue_worst = max(rq["limit_200"]["max_ms"], rq["limit_1000"]["max_ms"])
    requeue_pass = rq["limit_200"]["max_ms"] < args.requeue_target_ms and rq["uses_delivery_due"]
    print(f"(c) requeue_due() with deliveries {rq['deliveries_by_status']} ({rq['due']} made due before each call):")
    for key in ("limit_200", "limit_1000"):
        s = rq[key]
        print(
            f"    {key:<10} queued {s['queued']:>4}: p50 {s['p50_ms']:7.2f}  max {s['max_ms']:7.2f} ms "
            f"({s['count']} rounds)"
        )
    once = rq["once"]
    print(
        f"    one call (limit 200) under capture: {once['total_ms']:.1f} ms, of which SQL {once['sql_ms']:.1f} ms in "
        f"{once['queries']} queries; the rest is queuing 200 tasks (DummyBackend here)"
    )
    print(
        f"    plans on delivery_due: {rq['uses_delivery_due']}; default limit (200) slowest "
        f"{rq['limit_200']['max_ms']:.2f} ms, target < {args.requeue_target_ms:g} ms: "
        f"{'PASS' if requeue_pass else 'FAIL'} (limit 1000 slowest {requeue_worst:.2f} ms, for information)"
    )
    registries_pass = not slow
    results.update(
        failures=failures,
        registries_pass=registries_pass,
        slow_cases=slow,
        notify_pass=notify_pass,
        send_pass=send_pass,
        requeue_pass=requeue_pass,
        total_s=round(time.monotonic() - run_started, 1),
    )
    print(f"\nfailures: {failures or 'none'}")
    print(
        f"registries {'PASS' if registries_pass else 'FAIL (' + ', '.join(slow) + ')'}; notifications: overhead "
        f"{'PASS' if notify_pass else 'FAIL'}, sending {'PASS' if send_pass else 'FAIL'}, requeue "
        f"{'PASS' if requeue_pass else 'FAIL'}; run took {results['total_s']:.0f} s"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "records.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"results in {(OUT / 'records.json').relative_to(ROOT)}")
    passed = registries_pass and notify_pass and send_pass and requeue_pass and not failures
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
