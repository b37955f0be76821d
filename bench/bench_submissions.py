"""Online submission under load (issue #4): N concurrent applicants, each uploading three ~5 MB files.

    .venv/bin/python bench/bench_submissions.py [--clients 50] [--files 3] [--file-mb 5] [--database-url URL]

A fresh data dir (SQLite unless ``--database-url``), ``migrate``/``collectstatic``/``load_demo`` as ``make run`` does,
one fully online procedure with three mandatory documents and N verified applicants (ORM). granian is started with
``skhcn.server.granian_command()`` (2 workers, DEBUG off) on a free port; N client threads (stdlib ``http.client``,
cookies and CSRF tokens as a browser would) log in, start a draft, upload their files (random bytes in a PDF
envelope), choose how to receive the result, review and submit. While they run, the server processes' VmRSS is
sampled every 50 ms. Afterwards every stored file is hashed again and compared with the client's and the database's
SHA-256, codes are checked for uniqueness, the private folder for orphans and the temp dir for leftovers.

Prints a table, writes bench/out/submissions.json; exit code 1 on any failed request, corrupted/missing/orphan
file, leftover temp file, or a worker whose peak RSS grew more than ``--rss-bound-mb`` (100) over its warm baseline.
"""

import argparse
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

# The portal benchmark's helpers: paths, process handling, free port, CPU load probe.
from run import OUT, ROOT, Processes, cpu_busy, free_port, granian_command, log  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
from skhcn.testing.http_client import (  # noqa: E402
    DOCUMENT_INPUT,
    VERSION_INPUT,
    Browser,
    StepFailed,
    children_of,
    pdf_file,
)

MiB = 1024 * 1024
PASSWORD = "Mật-khẩu-đo-tải-2026"  # noqa: S105 - throwaway accounts in a throwaway database


# --- one applicant ---


def applicant_flow(client: dict, args, port: int, procedure_code: str, barrier, timings: list, agency: str) -> None:
    """Log in, start a draft, upload the files, set the receive method, review and submit; fills ``client``."""
    # Warm-up clients open a connection per request so that both workers (SO_REUSEPORT) get every kind of request.
    browser = Browser(port, args.timeout, timings, keep_alive=not client["warmup"])
    waited = False
    try:
        browser.get("login_form", "/tai-khoan/dang-nhap/")
        browser.post("login", "/tai-khoan/dang-nhap/", {"username": client["email"], "password": PASSWORD})
        browser.get("start_form", f"/dich-vu-cong/nop/{procedure_code}/")
        edit = browser.post("start", f"/dich-vu-cong/nop/{procedure_code}/", {}, follow="edit_page")
        client["dossier_id"] = int(re.search(r"/ho-so/(\d+)/", edit).group(1))
        documents = DOCUMENT_INPUT.findall(browser.page)
        documents = [d for d in dict.fromkeys(documents)][: args.files]
        if len(documents) < args.files:
            raise StepFailed(f"edit page offers {len(documents)} documents, expected {args.files}")
        # Everyone starts uploading at the same moment: the worst case for the server's memory.
        if barrier is not None:
            waited = True
            barrier.wait()
        client["upload_started"] = time.perf_counter()
        for i, document in enumerate(documents):
            content = pdf_file(args.file_bytes)
            name = f"thanh-phan-{i + 1}-{client['index']:03d}.pdf"
            client["files"].append(
                {
                    "document": int(document),
                    "name": name,
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
            )
            browser.post(
                "upload",
                f"/dich-vu-cong/ho-so/{client['dossier_id']}/tai-len/",
                {"document": document},
                {"tep": (name, content, "application/pdf")},
                follow="edit_page",
            )
            del content
        client["upload_finished"] = time.perf_counter()
        review = browser.post(
            "details",
            edit,
            {"receive_method": "online", "postal_address": "", "note": "Đo tải", "xem_lai": "1"},
            follow="review_page",
        )
        version = VERSION_INPUT.search(browser.page)
        if not version:
            raise StepFailed("no phien_ban on the review page (the draft is not ready to submit?)")
        browser.post("submit", review, {"phien_ban": version.group(1)}, follow="detail_page")
        found = re.search(rf"{re.escape(agency)}-\d{{6}}-\d{{5}}", browser.page)
        if not found:
            raise StepFailed("the page after submitting shows no dossier code")
        client["code"] = found.group(0)
        client["finished"] = time.perf_counter()
    except Exception as exc:  # every failure is counted and reported, never hidden
        client["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        browser.close()
        if barrier is not None and not waited:
            try:
                barrier.wait()  # a client that failed early must not keep the others waiting
            except threading.BrokenBarrierError:
                pass


# --- server processes and their memory ---


def memory(pid: int) -> dict:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return values


def describe(pid: int, root: int) -> str:
    if pid == root:
        return "granian main"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    return "resource tracker" if "resource_tracker" in cmdline else "worker"


class RssSampler(threading.Thread):
    """VmRSS of the server's processes every ``interval`` seconds: peak per process and peak of the sum."""

    def __init__(self, root: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop_event = threading.Event()
        self.peak: dict[int, int] = {}
        self.peak_total = 0
        self.samples = 0
        self.pids = [root, *children_of(root)]

    def run(self):
        while not self.stop_event.is_set():
            if self.samples % 20 == 0:  # a worker granian respawned would show up here
                self.pids = [self.root, *children_of(self.root)]
            total = 0
            for pid in self.pids:
                rss = memory(pid).get("VmRSS", 0)
                total += rss
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self.samples += 1
            self.stop_event.wait(self.interval)

    def stop(self):
        self.stop_event.set()
        self.join(5)


def snapshot(root: int) -> dict[int, dict]:
    return {pid: {"role": describe(pid, root), **memory(pid)} for pid in [root, *children_of(root)]}


# --- setup and checks (Django in this process, on the same data dir / database as the server) ---


def setup_data(args, env: dict, run_tag: str) -> dict:
    import django

    os.environ.update({k: v for k, v in env.items() if k in {"SKHCN_DATA_DIR", "DATABASE_URL"}})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skhcn.settings")
    os.environ["SKHCN_ENV"] = "test"
    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.utils import timezone

    from skhcn.accounts.models import ApplicantProfile
    from skhcn.procedures.models import Procedure, ProcedureField, RequiredDocument

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)  # the three commands of `make run`
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", if_empty=True, verbosity=0, stdout=io.StringIO())  # it prints demo passwords
    log(f"migrate + collectstatic + load_demo: {time.monotonic() - started:.1f} s")

    with transaction.atomic():
        field, _ = ProcedureField.objects.get_or_create(code="bench-dich-vu-cong", defaults={"name": "Đo tải"})
        procedure = Procedure.objects.create(
            code=f"BENCH.{run_tag}",
            name="Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ (đo tải)",
            field=field,
            online_level="full",
            processing_time=15,
            time_unit="working",
            allowed_file_types="pdf",
        )
        for i, name in enumerate(
            ["Đơn đề nghị cấp Giấy chứng nhận", "Điều lệ tổ chức và hoạt động", "Lý lịch khoa học của người đứng đầu"]
        ):
            RequiredDocument.objects.create(procedure=procedure, name=name, mandatory=True, sort_order=i)
        password = make_password(PASSWORD)  # PBKDF2 once: every account shares the hash (the server still checks it)
        User = get_user_model()
        now = timezone.now()
        clients = []
        for index in range(args.clients + args.warmup_clients):
            email = f"bench-{run_tag}-{index:03d}@example.vn".lower()
            user = User.objects.create(username=email, email=email, password=password, is_active=True)
            ApplicantProfile.objects.create(
                user=user,
                full_name=f"Nguyễn Văn Đo Tải {index}",
                phone=f"09{index:08d}",
                id_number=f"0010{index:08d}",
                address="Số 1 đường Trần Phú, tỉnh Cao Bằng",
                email_verified_at=now,
            )
            clients.append({"index": index, "email": email, "files": [], "warmup": index >= args.clients})
    connections.close_all()
    return {"procedure_id": procedure.pk, "procedure_code": procedure.code, "clients": clients}


def tree_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def verify(clients: list[dict], procedure_id: int, private: Path, tmp: Path) -> dict:
    from django.conf import settings
    from django.db import connections

    from skhcn.dossiers.models import Dossier, DossierFile

    problems: list[str] = []
    dossiers = {d.pk: d for d in Dossier.objects.filter(procedure_id=procedure_id)}
    rows = list(DossierFile.objects.filter(dossier__procedure_id=procedure_id))
    by_dossier: dict[int, list] = {}
    for row in rows:
        by_dossier.setdefault(row.dossier_id, []).append(row)
    hashed_bytes = checked_files = intact_measured = 0
    for client in clients:
        if client.get("error") or "dossier_id" not in client:
            continue
        dossier = dossiers.get(client["dossier_id"])
        if dossier is None:
            problems.append(f"client {client['index']}: dossier {client['dossier_id']} not in the database")
            continue
        if dossier.status != "submitted" or dossier.code != client.get("code"):
            problems.append(
                f"dossier {dossier.pk}: status {dossier.status}, code {dossier.code} != {client.get('code')}"
            )
        stored = {row.required_document_id: row for row in by_dossier.get(dossier.pk, [])}
        if len(by_dossier.get(dossier.pk, [])) != len(client["files"]):
            problems.append(
                f"dossier {dossier.pk}: {len(by_dossier.get(dossier.pk, []))} file rows, sent {len(client['files'])}"
            )
        for sent in client["files"]:
            row = stored.get(sent["document"])
            if row is None:
                problems.append(f"dossier {dossier.pk}: no file for document {sent['document']}")
                continue
            path = private / row.stored_name
            digest = hashlib.sha256()
            try:
                with open(path, "rb") as handle:
                    while block := handle.read(MiB):
                        digest.update(block)
                        hashed_bytes += len(block)
            except OSError as exc:
                problems.append(f"dossier {dossier.pk}: {row.stored_name} unreadable: {exc}")
                continue
            checked_files += 1
            on_disk = digest.hexdigest()
            intact = sent["sha256"] == row.sha256 == on_disk and row.size == sent["size"]
            intact_measured += intact and not client["warmup"]
            if not intact:
                problems.append(
                    f"dossier {dossier.pk} document {sent['document']}: client {sent['sha256'][:12]} "
                    f"db {row.sha256[:12]} disk {on_disk[:12]}, size {row.size} vs {sent['size']}"
                )
    codes = [d.code for d in dossiers.values() if d.code]
    submitted = sum(1 for d in dossiers.values() if d.status == "submitted")
    if len(codes) != len(set(codes)):
        problems.append(f"duplicate dossier codes: {len(codes) - len(set(codes))}")
    on_disk = {str(p.relative_to(private)) for p in tree_files(private)}
    in_db = {row.stored_name for row in rows}
    orphans, missing = sorted(on_disk - in_db), sorted(in_db - on_disk)
    if orphans:
        problems.append(f"{len(orphans)} orphan file(s) in the private folder, e.g. {orphans[:3]}")
    if missing:
        problems.append(f"{len(missing)} file row(s) without a stored file, e.g. {missing[:3]}")
    leftovers = [str(p.relative_to(tmp)) for p in tree_files(tmp)]
    if leftovers:
        problems.append(f"{len(leftovers)} leftover temp file(s): {leftovers[:5]}")
    queued_mails = None
    try:
        from django_tasks_db.models import DBTaskResult

        queued_mails = DBTaskResult.objects.filter(task_path__endswith="send_submission_email").count()
    except Exception as exc:  # informative only: the task model's shape is not ours
        log(f"could not count the queued e-mails: {exc!r}")
    connections.close_all()
    return {
        "problems": problems,
        "dossiers": len(dossiers),
        "submitted": submitted,
        "unique_codes": len(set(codes)),
        "file_rows": len(rows),
        "files_hashed": checked_files,
        "files_intact_measured": intact_measured,
        "bytes_hashed": hashed_bytes,
        "files_in_private_folder": len(on_disk),
        "orphans": len(orphans),
        "missing": len(missing),
        "leftover_temp_files": leftovers,
        "queued_submission_mails": queued_mails,
        "upload_temp_dir": str(settings.FILE_UPLOAD_TEMP_DIR or "TMPDIR"),
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def run_clients(clients, args, port, procedure_code, agency, concurrent: bool) -> tuple[list, float]:
    timings: list = []
    barrier = threading.Barrier(len(clients)) if concurrent and len(clients) > 1 else None
    threads = [
        threading.Thread(
            target=applicant_flow, args=(c, args, port, procedure_code, barrier, timings, agency), daemon=True
        )
        for c in clients
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, started


def main() -> int:
    parser = argparse.ArgumentParser(description="skhcn online submission under load (see bench/README.md)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent applicants (default 50)")
    parser.add_argument("--files", type=int, default=3, help="files per dossier (default 3, one per document)")
    parser.add_argument("--file-mb", type=float, default=5, help="size of each file in MiB (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="granian workers (default 2, as on the server)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite in the data dir)")
    parser.add_argument("--rss-bound-mb", type=float, default=100, help="max peak RSS growth per worker (MiB)")
    parser.add_argument("--warmup-clients", type=int, default=6, help="small submissions before the baseline")
    parser.add_argument("--timeout", type=float, default=600, help="per-request client timeout (s)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir (750 MB of files) afterwards")
    args = parser.parse_args()
    args.file_bytes = int(args.file_mb * MiB)
    if args.files > 3:
        parser.error("the procedure has three documents: --files is at most 3")
    OUT.mkdir(parents=True, exist_ok=True)

    data = OUT / "submissions-data"
    shutil.rmtree(data, ignore_errors=True)
    tmp = data / "tmp"
    tmp.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    # TMPDIR: the uploads' temporary files (FILE_UPLOAD_TEMP_DIR is unset, as deployed) land where we can count them.
    env.update(
        DJANGO_SETTINGS_MODULE="skhcn.settings",
        SKHCN_ENV="test",
        PYTHONPATH=str(ROOT / "src"),
        PYTHONUNBUFFERED="1",
        SKHCN_DATA_DIR=str(data),
        TMPDIR=str(tmp),
    )
    env.pop("FILE_UPLOAD_TEMP_DIR", None)
    if args.database_url:
        ensure_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
    run_tag = time.strftime("%y%m%d%H%M%S")
    log(f"data dir {data.relative_to(ROOT)}, database {'PostgreSQL' if args.database_url else 'SQLite'}")
    setup = setup_data(args, env, run_tag)
    from django.conf import settings

    agency = settings.AGENCY_CODE
    measured = [c for c in setup["clients"] if not c["warmup"]]
    warmers = [c for c in setup["clients"] if c["warmup"]]

    procs = Processes()
    results: dict = {
        "clients": args.clients,
        "files_per_dossier": args.files,
        "file_bytes": args.file_bytes,
        "uploaded_bytes": args.clients * args.files * args.file_bytes,
        "granian_workers": args.workers,
        "database": "postgresql" if args.database_url else "sqlite",
        "cpus": os.cpu_count(),
        "rss_bound_mib": args.rss_bound_mb,
    }
    previous = {
        sig: signal.signal(sig, lambda signum, _: sys.exit(128 + signum)) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        port = free_port()
        log(f"starting granian ({args.workers} workers, DEBUG off) on 127.0.0.1:{port}")
        server = procs.start(granian_command("127.0.0.1", port, args.workers), OUT / "granian-submissions.log", env=env)
        wait_ready(port, server)
        root = server.pid
        results["rss_cold"] = snapshot(root)

        # Warm-up: a few small submissions so every worker has imported and run the whole path once.
        warm_args = argparse.Namespace(**{**vars(args), "file_bytes": 64 * 1024})
        run_clients(warmers, warm_args, port, setup["procedure_code"], agency, concurrent=True)
        warm_errors = [c["error"] for c in warmers if c.get("error")]
        if warm_errors:
            raise RuntimeError(f"warm-up submissions failed: {warm_errors[:3]}")
        time.sleep(1)
        baseline = snapshot(root)
        results["rss_baseline"] = baseline
        log(
            "baseline RSS after warm-up: "
            + ", ".join(f"{v['role']} {v.get('VmRSS', 0) / MiB:.0f} MiB" for v in baseline.values())
        )

        busy = cpu_busy()
        results["cpu_busy_before_pct"] = round(busy, 1)
        if busy > 20:
            log(f"WARNING: the CPU was {busy:.0f}% busy before the run: other work skews the timings")
        sampler = RssSampler(root)
        sampler.start()
        log(
            f"{args.clients} clients: log in, start a draft, upload {args.files} x {args.file_bytes / MiB:g} MiB, "
            "choose the receive method, review, submit"
        )
        timings, started = run_clients(measured, args, port, setup["procedure_code"], agency, concurrent=True)
        wall = time.perf_counter() - started
        time.sleep(0.3)
        sampler.stop()
        final = snapshot(root)
        results["rss_final"] = final
        results["rss_samples"] = sampler.samples
        results["rss_peak_sampled"] = {str(pid): peak for pid, peak in sampler.peak.items()}
        results["rss_peak_total_sampled"] = sampler.peak_total
        if server.poll() is not None:
            raise RuntimeError(f"granian exited with code {server.returncode} during the run")
    finally:
        procs.stop_all()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    errors = [f"client {c['index']}: {c['error']}" for c in measured if c.get("error")]
    uploads = [c for c in measured if "upload_finished" in c]
    upload_phase = (
        max(c["upload_finished"] for c in uploads) - min(c["upload_started"] for c in uploads) if uploads else 0
    )
    results.update(
        wall_s=round(wall, 3),
        upload_phase_s=round(upload_phase, 3),
        errors=errors,
        steps=step_stats(timings),
    )
    log("verifying stored files, codes, orphans and temp files")
    results["verification"] = verify(setup["clients"], setup["procedure_id"], data / "private", tmp)
    results["memory"] = memory_report(results, baseline, final, sampler)
    ok = report(results, args)
    (OUT / "submissions.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nresults in {(OUT / 'submissions.json').relative_to(ROOT)}")
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    return 0 if ok else 1


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when missing; never the test suites' ``test`` database."""
    from bench_tracking import connect

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name or name == "test" or name.startswith("test_"):
        raise SystemExit(f"refusing database {name!r}: the test suites use it; give a database of its own")
    with connect(url, "postgres") as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            admin.execute(f'CREATE DATABASE "{name}"')
            log(f"database {name} created")


def wait_ready(port: int, proc, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"granian exited with code {proc.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/tai-khoan/dang-nhap/")
            if conn.getresponse().status == 200:
                conn.close()
                # Both workers answer: a few more requests spread over them (SO_REUSEPORT).
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the login page did not answer 200 within {timeout:.0f} s")


def step_stats(timings: list) -> dict:
    by_step: dict[str, list[float]] = {}
    for step, seconds in timings:
        by_step.setdefault(step, []).append(seconds * 1000)
    return {
        step: {
            "count": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "max_ms": round(max(values), 1),
        }
        for step, values in by_step.items()
    }


def memory_report(results: dict, baseline: dict, final: dict, sampler: RssSampler) -> dict:
    processes = []
    for pid, base in baseline.items():
        end = final.get(pid, {})
        peak = max(sampler.peak.get(pid, 0), end.get("VmRSS", 0))
        hwm = end.get("VmHWM", 0)
        processes.append(
            {
                "pid": pid,
                "role": base["role"],
                "baseline_rss": base.get("VmRSS", 0),
                "peak_rss_sampled": peak,
                "hwm_end": hwm,
                "hwm_baseline": base.get("VmHWM", 0),
                "final_rss": end.get("VmRSS", 0),
                # The bound is checked on the larger of the 50 ms samples and the kernel's high-water mark.
                "growth": max(peak, hwm) - base.get("VmRSS", 0),
            }
        )
    new = [pid for pid in final if pid not in baseline]
    base_total = sum(v.get("VmRSS", 0) for v in baseline.values())
    return {
        "processes": processes,
        "baseline_total": base_total,
        "peak_total_sampled": sampler.peak_total,
        "growth_total": sampler.peak_total - base_total,
        "processes_started_during_run": new,
        "growth_total_over_uploaded_pct": round(100 * (sampler.peak_total - base_total) / results["uploaded_bytes"], 2),
    }


def report(results: dict, args) -> bool:
    mib = lambda v: v / MiB  # noqa: E731
    verification = results["verification"]
    memory_ = results["memory"]
    print(f"\n{'step':<14} {'count':>6} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    print("-" * 51)
    for step, s in results["steps"].items():
        print(f"{step:<14} {s['count']:>6} {s['p50_ms']:>9.1f} {s['p95_ms']:>9.1f} {s['max_ms']:>9.1f}")
    uploaded = results["uploaded_bytes"]
    phase = max(results["upload_phase_s"], 1e-9)
    print(
        f"\nwall time {results['wall_s']:.1f} s for {args.clients} submissions; upload phase {phase:.1f} s for "
        f"{mib(uploaded):.0f} MiB ({mib(uploaded) / phase:.0f} MiB/s); CPU {results['cpu_busy_before_pct']:.0f}% "
        f"busy before the run ({results['cpus']} CPUs)"
    )
    print(f"\n{'process':<18} {'baseline':>9} {'peak':>9} {'VmHWM':>9} {'final':>9} {'growth':>9}   (MiB)")
    print("-" * 72)
    bound_ok = True
    for p in memory_["processes"]:
        limited = p["role"] == "worker"
        over = limited and mib(p["growth"]) > args.rss_bound_mb
        bound_ok &= not over
        print(
            f"{p['role'] + ' ' + str(p['pid']):<18} {mib(p['baseline_rss']):>9.1f} {mib(p['peak_rss_sampled']):>9.1f} "
            f"{mib(p['hwm_end']):>9.1f} {mib(p['final_rss']):>9.1f} {mib(p['growth']):>+9.1f}"
            + (f"   {'FAIL' if over else 'ok'} (bound {args.rss_bound_mb:g})" if limited else "")
        )
    print(
        f"{'total (sum)':<18} {mib(memory_['baseline_total']):>9.1f} {mib(memory_['peak_total_sampled']):>9.1f} "
        f"{'':>9} {'':>9} {mib(memory_['growth_total']):>+9.1f}"
    )
    print(
        f"peak growth of all processes together = {memory_['growth_total_over_uploaded_pct']:.1f}% of the "
        f"{mib(uploaded):.0f} MiB uploaded ({results['rss_samples']} samples every 50 ms)"
    )
    if memory_["processes_started_during_run"]:
        new = memory_["processes_started_during_run"]
        print(f"WARNING: processes appeared during the run (a worker respawned?): {new}")
        bound_ok = False
    v = verification
    print(
        f"\ndossiers {v['dossiers']} (incl. {args.warmup_clients} warm-up), submitted {v['submitted']}, "
        f"unique codes {v['unique_codes']}; file rows {v['file_rows']}, files re-hashed {v['files_hashed']} "
        f"({mib(v['bytes_hashed']):.0f} MiB), in the private folder {v['files_in_private_folder']}, orphans "
        f"{v['orphans']}, missing {v['missing']}, leftover temp files {len(v['leftover_temp_files'])}; "
        f"submission e-mails queued in the database {v['queued_submission_mails']}"
    )
    for error in results["errors"][:10]:
        print(f"ERROR {error}")
    for problem in verification["problems"][:10]:
        print(f"PROBLEM {problem}")
    expected_files = args.clients * args.files
    intact = verification["files_intact_measured"]
    ok = not results["errors"] and not verification["problems"] and bound_ok and intact == expected_files
    print(
        f"\nrequests failed {len(results['errors'])}, files intact {intact}/{expected_files} (warm-up files also "
        f"checked), worker RSS growth within {args.rss_bound_mb:g} MiB: {'yes' if bound_ok else 'NO'} -> "
        f"{'PASS' if ok else 'FAIL'}"
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
