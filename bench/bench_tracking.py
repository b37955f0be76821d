"""Public tracking lookup with 1,000,000 dossiers in PostgreSQL (issue #4): target p95 < 20 ms.

    .venv/bin/python bench/bench_tracking.py [--database-url URL] [--dossiers 1000000] [--lookups 2000] [--regenerate]

Uses its own database (default ``skhcn_bench_tracking`` on the local server, created when missing; never ``test``,
which the test suites use): ``migrate``, then generates the dossiers with a few ``INSERT ... SELECT generate_series``
statements (codes ``<agency>-<yymmdd>-<serial>`` over three years, lookup phone/ID of 1,000 applicants, statuses,
events for a sample), ``VACUUM ANALYZE``. A marker table keeps the data for the next run while the size, this
generator and the dossiers' migrations are unchanged (``--regenerate`` forces a rebuild).

Then times ``skhcn.dossiers.citizen.tracking.find_dossier`` — the function the view calls — in-process on 2,000 random
lookups (70% code + phone, 15% code + ID number, 15% wrong phone or unknown code), the lookup plus the public
timeline, and the whole view (``POST /dich-vu-cong/tra-cuu/``) through Django's test client; prints
``EXPLAIN (ANALYZE, BUFFERS)`` of the queries. Exit code 0 when the lookup's p95 is under the target.
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/skhcn_bench_tracking"
# Bump when the generated data changes shape: the marker then no longer matches and the data is rebuilt.
GENERATOR_VERSION = "3"
APPLICANTS = 1000
PROCEDURES = 6
DAYS = 3 * 365 + 1
# The staff side (bench_staff.py uses the same data): divisions, specialists per division, one-stop officers,
# leaders. Usernames are ``<prefix><n>@skhcn.example.vn``.
DIVISIONS = 5
SPECIALISTS_PER_DIVISION = 10
ONE_STOP_OFFICERS = 3
LEADERS = 2
# Open dossiers: every one of the last OPEN_DAYS days, and every OPEN_STRAGGLER-th of the 60 days before that
# (overdue or slow ones); older ones are finished.
OPEN_DAYS = 25
OPEN_STRAGGLER = 8


def log(message: str) -> None:
    print(f"[tracking {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- database lifecycle (psycopg directly: Django cannot connect before the database exists) ---


def connect(url: str, dbname: str | None = None):
    import psycopg

    parts = urllib.parse.urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname=dbname or parts.path.lstrip("/"),
        autocommit=True,
        connect_timeout=5,
    )


def fingerprint(dossiers: int) -> str:
    return data_fingerprint(f"{GENERATOR_VERSION}:{dossiers}")


def data_fingerprint(generator: str) -> str:
    """What the generated data depends on: the generator's own description and every migration of the project."""
    digest = hashlib.sha256(generator.encode())
    for path in sorted((ROOT / "src/skhcn").glob("*/migrations/0*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_database(url: str, stamp: str, regenerate: bool, marker: str = "bench_tracking_marker", log=log) -> bool:
    """Create the database if missing (drop it first when regenerating); True when its data can be reused, i.e. the
    ``marker`` table holds ``stamp``."""
    from psycopg import sql

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name or name == "test" or name.startswith("test_"):
        raise SystemExit(f"refusing database {name!r}: the test suites use it; give a database of its own")
    with connect(url, "postgres") as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and not regenerate:
            with connect(url) as conn:
                marked = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [marker]).fetchone()[0]
                query = sql.SQL("SELECT fingerprint FROM {}").format(sql.Identifier(marker))
                row = conn.execute(query).fetchone() if marked else None
            if row and row[0] == stamp:
                return True
            log(f"database {name}: no matching marker, rebuilding it")
            regenerate = True
        if exists and regenerate:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        log(f"database {name} created")
    return False


# --- data generation ---


def defaults_for(model, generated: set[str]) -> tuple[list[str], list]:
    """Columns of ``model`` this script does not generate, with their default values.

    The dossier tables are still growing (staff workflow); a NOT NULL column added later gets its model default
    here instead of breaking the INSERT.
    """
    from django.db import connection

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in generated or field.primary_key:
            continue
        if field.null:
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(field.get_default(), connection=connection))
    return columns, values


def _sql_list(states) -> str:
    return "(" + ", ".join(f"'{state}'" for state in sorted(states)) + ")"


# States that carry a division, a specialist, a result (finished_at), an issued result, a returned result.
DIVISION_STATES = _sql_list(
    {"transferred", "assigned", "supplement_requested", "at_division_head", "at_leader", "approved"}
    | {"result_issued", "returned", "closed", "refused"}
)
ASSIGNEE_STATES = _sql_list(
    {"assigned", "supplement_requested", "at_division_head", "at_leader", "approved"}
    | {"result_issued", "returned", "closed", "refused"}
)
FINISHED_STATES = _sql_list({"result_issued", "returned", "closed", "refused"})
ISSUED_STATES = _sql_list({"result_issued", "returned", "closed"})
RETURNED_STATES = _sql_list({"returned", "closed"})


def create_staff(password: str) -> dict:
    """Divisions and staff accounts (each with a ``StaffProfile``, hence its role's group) for the staff side."""
    from django.contrib.auth import get_user_model

    from skhcn.accounts.constants import StaffRole
    from skhcn.accounts.models import Division, StaffProfile

    User = get_user_model()
    divisions = [
        Division.objects.create(code=f"do-tai-{i + 1}", name=f"Phòng Đo Tải {i + 1}") for i in range(DIVISIONS)
    ]

    def person(prefix: str, n: int, role: str, name: str, division=None):
        user = User.objects.create(
            username=f"{prefix}{n:02d}@skhcn.example.vn", email=f"{prefix}{n:02d}@skhcn.example.vn", password=password
        )
        StaffProfile.objects.create(user=user, role=role, division=division, full_name=name)
        return user

    staff = {"divisions": divisions, "one_stop": [], "division_head": [], "specialist": [], "leader": []}
    for n in range(ONE_STOP_OFFICERS):
        staff["one_stop"].append(person("mot-cua-", n + 1, StaffRole.ONE_STOP, f"Cán bộ Một cửa {n + 1}"))
    for i, division in enumerate(divisions):
        staff["division_head"].append(
            person("truong-phong-", i + 1, StaffRole.DIVISION_HEAD, f"Trưởng phòng {i + 1}", division)
        )
        for j in range(SPECIALISTS_PER_DIVISION):
            n = i * SPECIALISTS_PER_DIVISION + j + 1
            staff["specialist"].append(
                person("chuyen-vien-", n, StaffRole.SPECIALIST, f"Chuyên viên Đo Tải {n}", division)
            )
    for n in range(LEADERS):
        staff["leader"].append(person("lanh-dao-", n + 1, StaffRole.LEADER, f"Lãnh đạo Sở {n + 1}"))
    return staff


def generate(args) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from skhcn.accounts.models import ApplicantProfile
    from skhcn.dossiers.models import DailySerial, Dossier, DossierEvent
    from skhcn.procedures.models import Procedure, ProcedureField

    started = time.monotonic()
    rng = random.Random(args.seed)
    User = get_user_model()
    with transaction.atomic():
        field = ProcedureField.objects.create(code="bench-tra-cuu", name="Hoạt động khoa học và công nghệ")
        procedures = [
            Procedure.objects.create(
                code=f"1.{1001 + i:06d}.H11",
                name=f"Thủ tục đo tải số {i + 1}",
                field=field,
                online_level="full",
                processing_time=15,
            )
            for i in range(PROCEDURES)
        ]
        password = make_password(None)  # unusable: nobody logs in as these applicants
        users = User.objects.bulk_create(
            [
                User(username=f"tra-cuu-{k:04d}@example.vn", email=f"tra-cuu-{k:04d}@example.vn", password=password)
                for k in range(APPLICANTS)
            ]
        )
        profiles = []
        for k, user in enumerate(users):
            business = k % 10 == 0
            profiles.append(
                ApplicantProfile(
                    user=user,
                    kind="business" if business else "citizen",
                    full_name=f"Công ty TNHH Đo Tải {k}" if business else f"Nguyễn Thị Đo Tải {k}",
                    phone=f"0{rng.choice('35789')}{rng.randrange(10**8):08d}",
                    # 10-digit tax code or 12-digit personal ID number (CCCD).
                    id_number=f"{rng.randrange(10**9, 10**10)}" if business else f"0{rng.randrange(10**11):011d}",
                    address=f"Số {k} đường Kim Đồng, tỉnh Cao Bằng",
                    email_verified_at=timezone.now(),
                )
            )
        ApplicantProfile.objects.bulk_create(profiles)
        staff = create_staff(password)
    log(
        f"{PROCEDURES} procedures, {APPLICANTS} applicants, {DIVISIONS} divisions, {len(staff['specialist'])} "
        f"specialists: {time.monotonic() - started:.1f} s"
    )

    generated = {
        "code",
        "procedure_id",
        "applicant_id",
        "status",
        "applicant_kind",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
        "receive_method",
        "postal_address",
        "note",
        "created_at",
        "updated_at",
        "submitted_at",
        "expected_return_at",
        "lookup_phone",
        "lookup_id_number",
        "version",
        # the staff workflow
        "channel",
        "received_at",
        "received_by_id",
        "clock_started_at",
        "due_at",
        "original_due_at",
        "division_id",
        "assignee_id",
        "finished_at",
        "result_issued_at",
        "returned_at",
    }
    extra_columns, extra_values = defaults_for(Dossier, generated)
    per_day = -(-args.dossiers // DAYS)
    first_day = timezone.localdate() - timezone.timedelta(days=DAYS)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        # The applicants as a temp table: dossier g belongs to applicant (g * 7919) % 1000 and carries its snapshot.
        cursor.execute(
            "CREATE TEMP TABLE bench_applicant (k int PRIMARY KEY, user_id bigint, kind text, name text, phone text,"
            " id_number text, email text, address text)"
        )
        cursor.executemany(
            "INSERT INTO bench_applicant VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (k, p.user_id, p.kind, p.full_name, p.phone, p.id_number, users[k].email, p.address)
                for k, p in enumerate(profiles)
            ],
        )
        extra_sql = "".join(f", {connection.ops.quote_name(c)}" for c in extra_columns)
        extra_params = "".join(", %s" for _ in extra_values)
        t0 = time.monotonic()
        # Dossier g: day (g-1) / per_day (ids grow with time), serial (g-1) % per_day + 1 within the day, submitted
        # between 08:00 and 17:00 Vietnam time; every 50th is a draft (no code). Dossiers of the last OPEN_DAYS days
        # (and every OPEN_STRAGGLER-th of the 60 days before) are open, spread over the states of the process;
        # older ones are finished. Procedures and receive methods cycle; the code's date is the local date of
        # submission, as allocate_code() makes it. The staff columns follow the state: received (by one of the
        # one-stop officers, within 4 hours) from RECEIVED on, the clock and the due time (14, 21 or 28 days) once
        # received and paid, a division (g % 5) from TRANSFERRED on, a specialist of that division from ASSIGNED on,
        # a result 3 to 22 days after the clock started (some late), returned a day later.
        cursor.execute(
            f"""
            INSERT INTO dossiers_dossier (code, procedure_id, applicant_id, status, applicant_kind, applicant_name,
                applicant_id_number, applicant_phone, applicant_email, applicant_address, receive_method,
                postal_address, note, created_at, updated_at, submitted_at, expected_return_at, lookup_phone,
                lookup_id_number, version, channel, received_at, received_by_id, clock_started_at, due_at,
                original_due_at, division_id, assignee_id, finished_at, result_issued_at, returned_at{extra_sql})
            SELECT
                CASE WHEN s.draft THEN NULL
                     ELSE %s || '-' || to_char(s.local_day, 'YYMMDD') || '-' || lpad(s.serial::text, 5, '0') END,
                (%s::bigint[])[1 + s.g %% {PROCEDURES}],
                a.user_id,
                s.status,
                CASE WHEN s.draft THEN '' ELSE a.kind END,
                CASE WHEN s.draft THEN '' ELSE a.name END,
                CASE WHEN s.draft THEN '' ELSE a.id_number END,
                CASE WHEN s.draft THEN '' ELSE a.phone END,
                CASE WHEN s.draft THEN '' ELSE a.email END,
                CASE WHEN s.draft THEN '' ELSE a.address END,
                (ARRAY['online', 'desk', 'post'])[1 + s.g %% 3],
                CASE WHEN s.g %% 3 = 2 THEN a.address ELSE '' END,
                '',
                s.at - interval '1 hour',
                s.at,
                CASE WHEN s.draft THEN NULL ELSE s.at END,
                CASE WHEN s.draft THEN NULL ELSE s.at + interval '21 days' END,
                CASE WHEN s.draft THEN '' ELSE a.phone END,
                CASE WHEN s.draft THEN '' ELSE a.id_number END,
                3,
                (ARRAY['online', 'online', 'online', 'desk', 'post'])[1 + (s.g / 3) %% 5],
                s.received_at,
                CASE WHEN s.received_at IS NOT NULL THEN (%s::bigint[])[1 + s.g %% {ONE_STOP_OFFICERS}] END,
                s.clock_at,
                s.due_at,
                s.due_at,
                CASE WHEN s.status IN {DIVISION_STATES} THEN (%s::bigint[])[1 + s.g %% {DIVISIONS}] END,
                CASE WHEN s.status IN {ASSIGNEE_STATES}
                     THEN (%s::bigint[])[1 + (s.g %% {DIVISIONS}) * {SPECIALISTS_PER_DIVISION}
                                           + (s.g * 40503 / 64) %% {SPECIALISTS_PER_DIVISION}] END,
                s.finished_at,
                CASE WHEN s.status IN {ISSUED_STATES} THEN s.finished_at END,
                CASE WHEN s.status IN {RETURNED_STATES} THEN LEAST(s.finished_at + interval '1 day', now()) END
                {extra_params}
            FROM (
                SELECT r.*,
                       CASE WHEN r.status IN {FINISHED_STATES}
                            THEN LEAST(r.clock_at + (3 + (r.g * 13) %% 20) * interval '1 day',
                                       now() - interval '1 hour') END AS finished_at,
                       r.clock_at + (14 + 7 * (r.g %% 3)) * interval '1 day' AS due_at
                FROM (
                    SELECT t.*, rec.received_at,
                           CASE WHEN t.status NOT IN ('awaiting_fee', 'withdrawn') THEN rec.received_at END AS clock_at
                    FROM (
                        SELECT b.*,
                               CASE WHEN b.draft THEN 'draft'
                                    WHEN b.day_index >= {DAYS - OPEN_DAYS}
                                         OR (b.day_index >= {DAYS - 60} AND b.g %% {OPEN_STRAGGLER} = 0)
                                    THEN (ARRAY['submitted', 'received', 'transferred', 'assigned',
                                        'supplement_requested', 'at_division_head', 'at_leader', 'approved',
                                        'result_issued', 'awaiting_fee'])[1 + (b.g / {OPEN_STRAGGLER}) %% 10]
                                    -- finished, mostly with a result; a returned result is closed by the
                                    -- one-stop (it waits in their queue until then): only recent ones still
                                    -- "returned"
                                    ELSE (ARRAY['refused', 'withdrawn', 'refused_at_intake',
                                        CASE WHEN b.day_index >= {DAYS - 60} THEN 'returned' ELSE 'closed' END,
                                        CASE WHEN b.day_index >= {DAYS - 60} THEN 'returned' ELSE 'closed' END,
                                        CASE WHEN b.day_index >= {DAYS - 60} THEN 'returned' ELSE 'closed' END,
                                        'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed',
                                        'closed', 'closed', 'closed', 'closed', 'closed', 'closed',
                                        'closed'])[1 + b.g %% 20] END AS status
                        FROM (
                            SELECT g, (g - 1) %% {per_day} + 1 AS serial, g %% 50 = 0 AS draft,
                                   (g - 1) / {per_day} AS day_index,
                                   %s::date + ((g - 1) / {per_day})::int AS local_day,
                                   ((%s::date + ((g - 1) / {per_day})::int) + time '08:00'
                                       + ((g * 7919) %% 32400) * interval '1 second') AT TIME ZONE %s AS at
                            FROM generate_series(1::bigint, %s::bigint) AS g
                        ) AS b
                    ) AS t
                    CROSS JOIN LATERAL (
                        SELECT CASE WHEN t.status IN ('draft', 'submitted', 'refused_at_intake') THEN NULL
                                    ELSE LEAST(t.at + ((t.g * 37) %% 240) * interval '1 minute', now()) END
                                   AS received_at
                    ) AS rec
                ) AS r
            ) AS s
            JOIN bench_applicant a ON a.k = (s.g * 7919) %% {APPLICANTS}
            ORDER BY s.g
            """,  # noqa: S608 - only constants and quoted column names are formatted in; values are parameters
            [
                settings.AGENCY_CODE,
                [p.pk for p in procedures],
                [u.pk for u in staff["one_stop"]],
                [d.pk for d in staff["divisions"]],
                [u.pk for u in staff["specialist"]],
                *extra_values,
                first_day,
                first_day,
                settings.TIME_ZONE,
                args.dossiers,
            ],
        )
        log(f"{args.dossiers:,} dossiers inserted: {time.monotonic() - t0:.1f} s")

        # History for a sample (every 5th dossier): created, submitted, then received and transferred to the
        # division (the register's "Ngày chuyển hồ sơ" reads the first transfer) when the dossier got that far.
        t0 = time.monotonic()
        generated_events = {"dossier_id", "at", "actor_id", "from_status", "to_status", "action", "comment"}
        event_columns, event_values = defaults_for(DossierEvent, generated_events)
        event_extra = "".join(f", {connection.ops.quote_name(c)}" for c in event_columns)
        event_params = "".join(", %s" for _ in event_values)
        cursor.execute(
            f"""
            INSERT INTO dossiers_dossierevent (dossier_id, at, actor_id, from_status, to_status, action, comment
                {event_extra})
            SELECT id, created_at, applicant_id, '', 'draft', 'create', '' {event_params}
            FROM dossiers_dossier WHERE id %% 5 = 0
            UNION ALL
            SELECT id, submitted_at, applicant_id, 'draft', 'submitted', 'submit', '' {event_params}
            FROM dossiers_dossier WHERE id %% 5 = 0 AND status <> 'draft'
            UNION ALL
            SELECT id, received_at, received_by_id, 'submitted', 'received', 'receive', '' {event_params}
            FROM dossiers_dossier WHERE id %% 5 = 0 AND received_at IS NOT NULL
            UNION ALL
            SELECT id, LEAST(received_at + (id %% 48) * interval '1 hour', now()), received_by_id, 'received',
                'transferred', 'transfer', '' {event_params}
            FROM dossiers_dossier WHERE id %% 5 = 0 AND division_id IS NOT NULL
            """,  # noqa: S608 - quoted column names only
            [*event_values, *event_values, *event_values, *event_values],
        )
        events = cursor.rowcount
        # The day counters, as if the codes had been allocated by allocate_code().
        cursor.execute(
            f"""
            INSERT INTO {DailySerial._meta.db_table} (agency_code, day, last_value)
            SELECT %s, to_date(split_part(code, '-', 2), 'YYMMDD'), max(split_part(code, '-', 3)::int)
            FROM dossiers_dossier WHERE code IS NOT NULL GROUP BY 2
            """,  # noqa: S608 - the model's table name
            [settings.AGENCY_CODE],
        )
        log(f"{events:,} events and the day counters: {time.monotonic() - t0:.1f} s")
        t0 = time.monotonic()
        cursor.execute("VACUUM ANALYZE")
        log(f"VACUUM ANALYZE: {time.monotonic() - t0:.1f} s")
        cursor.execute("CREATE TABLE bench_tracking_marker (fingerprint text, dossiers int, created_at timestamptz)")
        cursor.execute(
            "INSERT INTO bench_tracking_marker VALUES (%s, %s, now())", [fingerprint(args.dossiers), args.dossiers]
        )
    return {"generation_s": round(time.monotonic() - started, 1), "events": events}


# --- measuring ---


def lookups(args) -> list[dict]:
    """The lookup mix: 70% code + phone, 15% code + ID number, 15% a wrong phone or an unknown code.

    Inputs are typed the way people type them: some codes in lower case, some phones with spaces or +84.
    """
    from django.conf import settings
    from django.db import connection

    rng = random.Random(args.seed + 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM dossiers_dossier")
        low, high = cursor.fetchone()
        ids = rng.sample(range(low, high + 1), min(high - low + 1, args.lookups * 2))
        cursor.execute(
            "SELECT code, lookup_phone, lookup_id_number FROM dossiers_dossier WHERE id = ANY(%s) AND code IS NOT NULL",
            [ids],
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    result = []
    for i in range(args.lookups):
        code, phone, id_number = rows[i % len(rows)]
        draw = rng.random()
        typed_code = code.lower() if rng.random() < 0.2 else code
        if draw < 0.70:
            typed_phone = phone
            if rng.random() < 0.3:
                typed_phone = f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}"
            result.append({"kind": "phone", "code": typed_code, "phone": typed_phone, "id": "", "expect": code})
        elif draw < 0.85:
            result.append({"kind": "id", "code": typed_code, "phone": "", "id": id_number, "expect": code})
        elif draw < 0.925:
            wrong = phone[:-3] + f"{(int(phone[-3:]) + 1) % 1000:03d}"
            result.append({"kind": "wrong_phone", "code": typed_code, "phone": wrong, "id": "", "expect": None})
        else:
            # A real day of the span, a serial past any day's count (<= 913 a day here): a well-formed unknown code.
            day = code.split("-")[-2]
            unknown = f"{settings.AGENCY_CODE}-{day}-9{rng.randrange(10**4):04d}"
            result.append({"kind": "unknown_code", "code": unknown, "phone": phone, "id": "", "expect": None})
    return result


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pct(p):
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(pct(95), 3),
        "p99_ms": round(pct(99), 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def explain(sql: str, params=None) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def execution_ms(plan: list[str]) -> float:
    for line in plan:
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return float("nan")


def warn_if_busy(what: str, log) -> float:
    """The CPU's busy share just before ``what`` (``run.cpu_busy``), with a warning through ``log`` above 20 %."""
    from run import cpu_busy

    busy = cpu_busy()
    if busy > 20:
        log(f"WARNING: the CPU was {busy:.0f}% busy before {what}: other work on the 2 shared cores skews the figures")
    return round(busy, 1)


def measure(args, mix: list[dict]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from skhcn.dossiers.citizen import tracking

    wrong = 0
    for item in mix[:200]:  # warm-up: connection, query plans, Python code paths
        tracking.find_dossier(item["code"], item["phone"], item["id"])
    samples, by_kind, with_timeline = [], {}, []
    for item in mix:
        started = time.perf_counter()
        dossier = tracking.find_dossier(item["code"], item["phone"], item["id"])
        elapsed = (time.perf_counter() - started) * 1000
        if dossier is not None:
            tracking.public_timeline(dossier)
        total = (time.perf_counter() - started) * 1000
        samples.append(elapsed)
        with_timeline.append(total)
        by_kind.setdefault(item["kind"], []).append(elapsed)
        if (dossier.code if dossier else None) != item["expect"]:
            wrong += 1

    # The SQL the lookup really sends (a found dossier, then an unknown code), and the timeline's.
    plans = {}
    unknown = next(i for i in mix if i["kind"] == "unknown_code")
    for found in (i for i in mix if i["kind"] == "phone"):  # one of the sample with a history
        with CaptureQueriesContext(connection) as queries:
            dossier = tracking.find_dossier(found["code"], found["phone"], "")
            timeline = tracking.public_timeline(dossier)
        if timeline:
            break
    with CaptureQueriesContext(connection) as unknown_queries:
        tracking.find_dossier(unknown["code"], unknown["phone"], "")
    for label, query in [
        ("lookup (existing code)", queries.captured_queries[0]["sql"]),
        ("public timeline", queries.captured_queries[-1]["sql"]),
        ("lookup (unknown code)", unknown_queries.captured_queries[0]["sql"]),
    ]:
        plans[label] = {"sql": query, "plan": explain(query)}
    return {
        "lookup": stats(samples),
        "lookup_by_kind": {kind: stats(values) for kind, values in by_kind.items()},
        "lookup_and_timeline": stats(with_timeline),
        "wrong_answers": wrong,
        "queries_per_found_lookup": len(queries.captured_queries),
        "plans": plans,
    }


def measure_view(args, mix: list[dict]) -> dict:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    # No collectstatic in this data dir: plain static URLs instead of the manifest (as bench_search.py does).
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = Client()
    url = reverse("dossiers:track")
    rng = random.Random(args.seed + 2)
    samples, statuses = [], {}
    chosen = mix[: args.view_lookups + 20]
    for i, item in enumerate(chosen):
        data = {"ma": item["code"], "sdt": item["phone"], "giay_to": item["id"]}
        # One address per request: the per-address limit (20 lookups / 10 min) is not what is measured here.
        address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        started = time.perf_counter()
        response = client.post(url, data, REMOTE_ADDR=address)
        elapsed = (time.perf_counter() - started) * 1000
        if i >= 20:  # the first requests warm templates and caches
            samples.append(elapsed)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if item["expect"] and item["expect"].encode() not in response.content:
                statuses["missing_code"] = statuses.get("missing_code", 0) + 1
    return {"view": stats(samples), "statuses": statuses, "url": url}


def main() -> int:
    parser = argparse.ArgumentParser(description="skhcn tracking lookup benchmark (see bench/README.md)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL (default {DEFAULT_URL})")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--view-lookups", type=int, default=500)
    parser.add_argument("--target-ms", type=float, default=20)
    parser.add_argument("--seed", type=int, default=20260412)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if the marker matches")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL URL")

    stamp = fingerprint(args.dossiers)
    reuse = prepare_database(args.database_url, stamp, args.regenerate)
    data_dir = OUT / "tracking-data"  # secret key, media: nothing of the database
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(SKHCN_DATA_DIR=str(data_dir), DATABASE_URL=args.database_url)
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DEBUG", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skhcn.settings")
    os.environ["SKHCN_ENV"] = "test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    results: dict = {"dossiers": args.dossiers, "database": urllib.parse.urlsplit(args.database_url).path[1:]}
    call_command("migrate", interactive=False, verbosity=0)
    if reuse:
        log("reusing the generated dossiers (marker matches; --regenerate to rebuild)")
    else:
        log(f"generating {args.dossiers:,} dossiers")
        results.update(generate(args))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_total_relation_size('dossiers_dossier'))")
        version, size = cursor.fetchone()
        cursor.execute("SELECT count(*), count(code) FROM dossiers_dossier")
        total, with_code = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    results.update(
        postgres=version.split(",")[0],
        table_size=size,
        rows=total,
        submitted=with_code,
        shared_buffers=shared_buffers,
    )
    log(f"{total:,} dossiers ({with_code:,} with a code), table + indexes {size}; {version.split(',')[0]}")

    mix = lookups(args)
    log(f"timing {len(mix)} lookups in-process")
    results.update(measure(args, mix))
    log(f"timing {args.view_lookups} POST {'/dich-vu-cong/tra-cuu/'} through the test client")
    results.update(measure_view(args, mix))

    for label, entry in results["plans"].items():
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) — {label}:\n  {entry['sql']}")
        for line in entry["plan"]:
            print(f"    {line}")
    print(f"\n{'what':<44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    print("-" * 86)
    rows = [("find_dossier()", results["lookup"])]
    rows += [(f"  of which {kind}", s) for kind, s in results["lookup_by_kind"].items()]
    rows += [("find_dossier() + public_timeline()", results["lookup_and_timeline"])]
    rows += [("POST /dich-vu-cong/tra-cuu/ (test client)", results["view"])]
    for label, s in rows:
        figures = " ".join(f"{s[k]:>8.2f}" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
        print(f"{label:<44} {s['count']:>6} {figures}")
    passed = results["lookup"]["p95_ms"] < args.target_ms and results["wrong_answers"] == 0
    results["pass"] = passed
    print(
        f"\nwrong answers {results['wrong_answers']}; view statuses {results['statuses']}; "
        f"{results['queries_per_found_lookup']} queries per found lookup (lookup + timeline); shared_buffers "
        f"{shared_buffers}"
    )
    print(
        f"lookup p95 {results['lookup']['p95_ms']:.2f} ms (target < {args.target_ms:g} ms): "
        f"{'PASS' if passed else 'FAIL'}; view p95 {results['view']['p95_ms']:.2f} ms "
        f"({'under' if results['view']['p95_ms'] < args.target_ms else 'OVER'} the target too, for information)"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tracking.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"results in {(OUT / 'tracking.json').relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
