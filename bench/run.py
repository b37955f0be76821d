"""Throughput benchmark of the public pages: `make bench` (see bench/README.md).

One run: prepare a throwaway data dir with N seeded articles, start granian exactly as `make run` does
(``skhcn.server.granian_command``), start nginx serving a saved static copy of the seed article as the reference, then
measure with wrk:

  (a) the seed article, warm page cache        target >= 5% of (d)
  (b) the home page, warm page cache           target >= 5% of (d)
  (c) a cold walk over 2,000 distinct articles target >= 0.4% of (d)
      - with the page cache on (as deployed; the X-Cache HIT ratio is counted in wrk's Lua)
      - with PAGE_CACHE_ENABLED=0 (the pure uncached figure)
  (d) nginx serving the static copy            the reference

Prints a table and writes bench/out/results.json. granian and nginx are stopped at the end, on errors and on Ctrl+C.
"""

import argparse
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PYTHON = sys.executable
sys.path.insert(0, str(ROOT / "src"))

from skhcn.server import granian_command  # noqa: E402 - needs src/ on the path

SEED_SLUG = (
    "day-manh-phong-trao-thi-dua-dan-van-kheo-gan-voi-hoat-dong-khoa-hoc-va-cong-nghe-"
    "dap-ung-yeu-cau-trong-tinh-hinh-moi"
)
SEED_PATH = f"/tin-tuc-su-kien/khoa-hoc-cong-nghe/{SEED_SLUG}/"
TARGETS = {"a": 5.0, "b": 5.0, "c": 0.4, "c0": 0.4, "a.gz": 5.0}

# --- wrk Lua scripts: a done() that prints one JSON line, plus a URL walk that counts X-Cache values ---
LUA_COMMON = r"""
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local hits, misses, nocache = 0, 0, 0
  for _, t in ipairs(threads) do
    hits = hits + (t:get("hits") or 0)
    misses = misses + (t:get("misses") or 0)
    nocache = nocache + (t:get("nocache") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "mean_us": %.1f, "hits": %d, "misses": %d, "nocache": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    hits, misses, nocache))
end
"""
LUA_WALK = r"""
-- Round-robin over the whole URL list across the whole run: thread i requests i, i+T, i+2T, ... (T threads).
function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  stride = tonumber(args[2])
  pos = id
  hits, misses, nocache = 0, 0, 0
end
function request()
  local path = paths[(pos % #paths) + 1]
  pos = pos + stride
  return wrk.format("GET", path)
end
function response(status, headers, body)
  local x = headers["X-Cache"] or headers["x-cache"]
  if x == "HIT" then hits = hits + 1 elseif x == "MISS" then misses = misses + 1 else nocache = nocache + 1 end
end
"""

NGINX_CONF = """\
{user}worker_processes {workers};
daemon off;
pid {out}/nginx.pid;
error_log {out}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {out}/tmp/body;
    proxy_temp_path {out}/tmp/proxy;
    fastcgi_temp_path {out}/tmp/fastcgi;
    uwsgi_temp_path {out}/tmp/uwsgi;
    scgi_temp_path {out}/tmp/scgi;
    types {{ text/html html; }}
    default_type text/html;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    # Only for requests that send Accept-Encoding: gzip, i.e. (d.gz); level 6 as Django's GZipMiddleware.
    gzip on;
    gzip_comp_level 6;
    keepalive_requests 10000;
    open_file_cache max=100;
    server {{
        listen 127.0.0.1:{port};
        root {out}/www;
    }}
}}
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    """GET with a raw HTTP/1.1 socket (Connection: close) so that a wrong Content-Length is seen, not hidden.

    Returns the status, the headers (lower-case names; ``declared-length`` is the Content-Length sent, if any) and
    the body as actually sent: everything up to the server closing the connection, de-chunked when chunked.
    """
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    with socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(1 << 16):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        decoded, rest = [], body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            decoded.append(rest[:size])
            rest = rest[size + 2 :]
        body = b"".join(decoded)
    return status, headers, body


def length_problem(url: str) -> str | None:
    """Describe a wrong Content-Length on the first (uncached) response of ``url``, if any.

    Seen with granian: a body longer than the declared length is cut to it (the page loses its end), a shorter one
    leaves a keep-alive client waiting for bytes that never come.
    """
    status, headers, body = fetch(url)
    declared = headers.get("content-length")
    if declared is not None and int(declared) != len(body):
        return (
            f"{url}: Content-Length {declared} but {len(body)} bytes sent (HTTP {status}, "
            f"X-Cache {headers.get('x-cache')})"
        )
    if headers.get("content-type", "").startswith("text/html") and not body.rstrip().endswith(b"</html>"):
        return (
            f"{url}: HTML cut at Content-Length {declared} (ends with {body[-24:]!r}; "
            f"HTTP {status}, X-Cache {headers.get('x-cache')})"
        )
    return None


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited with code {proc.returncode} before answering")
        try:
            if fetch(url, timeout=10)[0] == 200:
                return
        except (OSError, ValueError, IndexError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


def ensure_tool(name: str, package: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if path:
        return path
    log(f"{name} missing: apt-get install -y {package}")
    subprocess.run(["apt-get", "install", "-y", "-q", package], check=True)
    path = shutil.which(name) or f"/usr/sbin/{name}"
    if not Path(path).exists():
        raise RuntimeError(f"{name} is still missing after installing {package}")
    return path


class Processes:
    """The processes this run started; each is stopped by its own pid (and its own process group)."""

    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def start(self, args, log_path: Path, **kwargs) -> subprocess.Popen:
        with open(log_path, "ab") as log_file:
            proc = subprocess.Popen(
                args, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT, **kwargs
            )
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 15) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.running)):
            self.stop(proc)


# --- data ---


def fingerprint(articles: int) -> str:
    digest = hashlib.sha256(f"articles={articles}".encode())
    digest.update((BENCH / "seed.py").read_bytes())
    for path in sorted((ROOT / "src").glob("skhcn/**/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update((ROOT / "src/skhcn/portal/demo/loader.py").read_bytes())
    return digest.hexdigest()[:16]


def prepare_data(args, env: dict) -> Path:
    data = OUT / f"data-{args.articles}"
    marker = data / "seed.json"
    stamp = fingerprint(args.articles)
    manage = [PYTHON, str(ROOT / "manage.py")]
    reuse = not args.reseed and marker.exists() and json.loads(marker.read_text()).get("fingerprint") == stamp
    if not reuse and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    env["SKHCN_DATA_DIR"] = str(data)
    run = lambda *cmd: subprocess.run([*cmd], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    log(f"data dir {data.relative_to(ROOT)}: {'reusing the seeded database' if reuse else 'fresh database'}")
    run(*manage, "migrate", "--noinput", "-v", "0")
    run(*manage, "collectstatic", "--noinput", "-v", "0")
    if not reuse:
        started = time.monotonic()
        run(*manage, "load_demo", "--if-empty")
        log(f"load_demo done in {time.monotonic() - started:.1f} s; seeding {args.articles} articles")
        subprocess.run(
            [
                PYTHON,
                str(BENCH / "seed.py"),
                "--articles",
                str(args.articles),
                "--urls",
                str(data / "urls.txt"),
                "--url-count",
                str(args.walk_urls + 1000),
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
        marker.write_text(json.dumps({"fingerprint": stamp, "articles": args.articles}))
    return data


# --- measuring ---


def wrk(args, url: str, script: Path, script_args: list[str], seconds: float) -> dict:
    cmd = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    if script_args:
        cmd += ["--", *script_args]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}\n{result.stderr}")
    stats = json.loads(line.split(" ", 1)[1])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    stats["errors"] = sum(
        stats[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return stats


def cpu_busy(seconds: float = 1.0) -> float:
    """Percentage of the machine's CPU time busy over ``seconds`` (other users' work skews every figure)."""

    def sample():
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 100.0 * (1 - (idle1 - idle0) / max(1, total1 - total0))


def measure(args, name: str, label: str, url: str, script: Path, script_args=(), warm_url=None, warm_args=None):
    busy = cpu_busy()
    if busy > 20:
        log(f"WARNING: the CPU was {busy:.0f}% busy before ({name}) started: other work skews this figure")
    if args.warmup > 0:
        wrk(args, warm_url or url, script, list(warm_args if warm_args is not None else script_args), args.warmup)
    log(f"measuring ({name}) {label} for {args.duration:g} s")
    stats = wrk(args, url, script, list(script_args), args.duration)
    stats.update(scenario=name, label=label, url=url, cpu_busy_before_pct=round(busy, 1))
    log(
        f"  ({name}) {stats['rps']:.1f} req/s, p50 {stats['p50_us'] / 1000:.1f} ms, "
        f"p99 {stats['p99_us'] / 1000:.1f} ms, errors {stats['errors']}"
    )
    return stats


def sample_xcache(url: str, count: int = 20) -> dict:
    seen = {"HIT": 0, "MISS": 0, "none": 0}
    for _ in range(count):
        status, headers, _ = fetch(url)
        value = headers.get("x-cache") or "none"
        seen[value if value in seen else "none"] += 1
    return seen


def start_app(
    procs: Processes, env: dict, port: int, workers: int, page_cache: bool, fixed: bool, log_path: Path, visits=True
):
    """granian exactly as ``make run`` starts it; with ``fixed``, the app is bench/wsgi_fixed.py's wrapper."""
    cmd = granian_command("127.0.0.1", port, workers)
    app_env = {**env, "PAGE_CACHE_ENABLED": "1" if page_cache else "0", "VISITS_ENABLED": "1" if visits else "0"}
    if fixed:
        assert cmd[-1] == "skhcn.wsgi:application", cmd
        cmd[-1] = "wsgi_fixed:application"
        app_env["PYTHONPATH"] = f"{env['PYTHONPATH']}{os.pathsep}{BENCH}"
    proc = procs.start(cmd, log_path, env=app_env)
    wait_http(f"http://127.0.0.1:{port}/", proc)
    return proc


def verify(base: str, urls: list[str]) -> dict:
    """The seed article, the home page, a category and some seeded articles answer 200 with their content."""
    checks = {}
    for path in [SEED_PATH, "/", "/tin-tuc-su-kien/khoa-hoc-cong-nghe/", *urls[:: max(1, len(urls) // 8)][:8]]:
        status, headers, body = fetch(base + path)
        ok = status == 200 and (b'class="article-title"' in body if path.count("/") > 3 else b"<main" in body)
        checks[path] = {"status": status, "bytes": len(body), "x_cache": headers.get("x-cache")}
        if not ok:
            raise RuntimeError(f"verification failed for {path}: HTTP {status}, {len(body)} bytes")
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description="skhcn throughput benchmark (see bench/README.md)")
    parser.add_argument("--articles", type=int, default=10000, help="seeded articles (default 10000)")
    parser.add_argument("--duration", type=float, default=15, help="seconds per measurement (default 15)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds before each measurement")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="granian workers (default 2)")
    parser.add_argument("--walk-urls", type=int, default=2000, help="distinct articles in the cold walk")
    parser.add_argument("--nginx-workers", default="auto", help="nginx worker_processes (default auto)")
    parser.add_argument(
        "--counting-rounds", type=int, default=3, help="alternating visit-counting off/on rounds (default 3)"
    )
    parser.add_argument("--reseed", action="store_true", help="rebuild the seeded database even if cached")
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="measure skhcn.wsgi:application even if it sends a wrong Content-Length (no bench/wsgi_fixed.py)",
    )
    args = parser.parse_args()
    args.wrk = ensure_tool("wrk", "wrk")
    nginx = ensure_tool("nginx", "nginx-light")
    OUT.mkdir(parents=True, exist_ok=True)

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "PAGE_CACHE_ENABLED"}}
    env.update(
        DJANGO_SETTINGS_MODULE="skhcn.settings", SKHCN_ENV="test", PYTHONPATH=str(ROOT / "src"), PYTHONUNBUFFERED="1"
    )
    data = prepare_data(args, env)
    all_urls = [u for u in (data / "urls.txt").read_text().splitlines() if u]
    walk, spare = all_urls[: args.walk_urls], all_urls[args.walk_urls :]
    (OUT / "walk-urls.txt").write_text("\n".join(walk) + "\n")
    (OUT / "warm-urls.txt").write_text("\n".join(spare or ["/"]) + "\n")
    stats_lua, walk_lua = OUT / "stats.lua", OUT / "walk.lua"
    stats_lua.write_text(LUA_COMMON)
    # (a.gz)/(d.gz): the same page asked for as a browser does, compressed.
    gzip_lua = OUT / "stats-gzip.lua"
    gzip_lua.write_text(LUA_COMMON + 'wrk.headers["Accept-Encoding"] = "gzip, deflate, br"\n')
    walk_lua.write_text(LUA_COMMON + LUA_WALK)
    walk_args = [str(OUT / "walk-urls.txt"), str(args.threads)]
    warm_args = [str(OUT / "warm-urls.txt"), str(args.threads)]

    procs = Processes()
    results: dict = {
        "articles": args.articles,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "threads": args.threads,
        "connections": args.connections,
        "granian_workers": args.workers,
        "cpus": os.cpu_count(),
        "walk_urls": len(walk),
        "scenarios": {},
    }
    scenarios = results["scenarios"]
    # SIGTERM and SIGINT (even when started in the background, where SIGINT is ignored) run the finally below.
    previous = {
        sig: signal.signal(sig, lambda signum, _: sys.exit(128 + signum)) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log(f"starting granian ({args.workers} workers, page cache on) on {base}")
        app = start_app(procs, env, port, args.workers, True, False, OUT / "granian.log")
        # A page not requested yet is a MISS: its Content-Length must match the body sent.
        problem = length_problem(base + (spare[-1] if spare else SEED_PATH))
        results["content_length_problem"] = problem
        fixed = bool(problem) and not args.as_is
        results["content_length_workaround"] = fixed
        if problem:
            log(f"WARNING: wrong Content-Length on uncached responses: {problem}")
        if fixed:
            log("restarting granian with bench/wsgi_fixed.py (correct Content-Length) so that wrk can measure")
            procs.stop(app)
            app = start_app(procs, env, port, args.workers, True, True, OUT / "granian.log")
        results["verified"] = verify(base, walk)
        log(f"verified {len(results['verified'])} URLs answer 200")

        # The reference: nginx serving a saved copy of the seed article as the app renders it.
        _, _, page = fetch(base + SEED_PATH)
        nginx_dir = OUT / "nginx"
        shutil.rmtree(nginx_dir, ignore_errors=True)
        (nginx_dir / "www").mkdir(parents=True)
        (nginx_dir / "tmp").mkdir()
        (nginx_dir / "www" / "article.html").write_bytes(page)
        results["seed_page_bytes"] = len(page)
        results["home_page_bytes"] = len(fetch(base + "/")[2])

        scenarios["a"] = measure(args, "a", "seed article, warm page cache", base + SEED_PATH, stats_lua)
        scenarios["a"]["x_cache_sample"] = sample_xcache(base + SEED_PATH)
        scenarios["b"] = measure(args, "b", "home page, warm page cache", base + "/", stats_lua)
        scenarios["b"]["x_cache_sample"] = sample_xcache(base + "/")
        scenarios["a.gz"] = measure(
            args, "a.gz", "seed article, warm cache, gzip asked for", base + SEED_PATH, gzip_lua
        )
        results["seed_page_gzip_bytes"] = round(scenarios["a.gz"]["bytes"] / max(1, scenarios["a.gz"]["requests"]))
        scenarios["c"] = measure(
            args,
            "c",
            f"cold walk over {len(walk)} articles, page cache on",
            base + "/",
            walk_lua,
            walk_args,
            warm_args=warm_args,
        )
        procs.stop(app)

        log("restarting granian with PAGE_CACHE_ENABLED=0")
        app = start_app(procs, env, port, args.workers, False, fixed, OUT / "granian.log")
        scenarios["c0"] = measure(
            args,
            "c0",
            f"cold walk over {len(walk)} articles, PAGE_CACHE_ENABLED=0",
            base + "/",
            walk_lua,
            walk_args,
            warm_args=warm_args,
        )
        procs.stop(app)

        # Visit counting on vs off, same page, same run: what counting costs on the hottest path. Restarts alone
        # move a figure by a few %, so on/off runs alternate and the median of the pair ratios is reported.
        pairs = []
        for round_ in range(args.counting_rounds):
            for visits in (False, True):
                app = start_app(procs, env, port, args.workers, True, fixed, OUT / "granian.log", visits=visits)
                name = f"a{'1' if visits else '0'}.{round_ + 1}"
                label = f"seed article, warm cache, counting {'ON ' if visits else 'OFF'} (round {round_ + 1})"
                scenarios[name] = measure(args, name, label, base + SEED_PATH, stats_lua)
                procs.stop(app)
            pairs.append(scenarios[f"a1.{round_ + 1}"]["rps"] / scenarios[f"a0.{round_ + 1}"]["rps"])
        results["visit_counting_ratios"] = [round(r, 4) for r in pairs]

        nginx_port = free_port()
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        conf = nginx_dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, workers=args.nginx_workers, out=nginx_dir, port=nginx_port))
        log(f"starting nginx (worker_processes {args.nginx_workers}) on 127.0.0.1:{nginx_port}")
        web = procs.start(
            [nginx, "-p", str(nginx_dir), "-c", str(conf), "-e", str(nginx_dir / "error.log")], nginx_dir / "out.log"
        )
        wait_http(f"http://127.0.0.1:{nginx_port}/article.html", web)
        scenarios["d"] = measure(
            args,
            "d",
            "nginx, static copy of the seed article",
            f"http://127.0.0.1:{nginx_port}/article.html",
            stats_lua,
        )
        scenarios["d.gz"] = measure(
            args,
            "d.gz",
            "nginx, static copy, gzip level 6 asked for",
            f"http://127.0.0.1:{nginx_port}/article.html",
            gzip_lua,
        )
        procs.stop(web, sig=signal.SIGQUIT)
    finally:
        procs.stop_all()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    report(results)
    return 0 if all(s.get("pass", True) for s in scenarios.values()) else 1


def report(results: dict) -> None:
    scenarios = results["scenarios"]
    reference = scenarios["d"]["rps"]
    for key, s in scenarios.items():
        s["percent_of_d"] = 100 * s["rps"] / reference
        if key in TARGETS:
            s["target_percent"] = TARGETS[key]
            s["pass"] = s["percent_of_d"] >= TARGETS[key] and s["errors"] == 0
        if s.get("hits", 0) + s.get("misses", 0) + s.get("nocache", 0):
            s["hit_ratio"] = s["hits"] / (s["hits"] + s["misses"] + s["nocache"])
    if results.get("visit_counting_ratios"):
        ratios = sorted(results["visit_counting_ratios"])
        results["visit_counting_cost_percent"] = round(100 * (1 - ratios[len(ratios) // 2]), 2)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    header = (
        f"{'scenario':<58} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'% of d':>8} {'target':>7} {'errors':>6}  result"
    )
    print("\n" + header)
    print("-" * len(header))
    for key, s in scenarios.items():
        target = f">={s['target_percent']:g}%" if "target_percent" in s else "ref"
        verdict = ("PASS" if s["pass"] else "FAIL") if "pass" in s else ""
        print(
            f"({key:<2}) {s['label']:<53} {s['rps']:>9.1f} {s['p50_us'] / 1000:>8.1f} {s['p99_us'] / 1000:>8.1f} "
            f"{s['percent_of_d']:>7.2f}% {target:>7} {s['errors']:>6}  {verdict}"
        )
    print()
    for key in ("a", "b"):
        print(f"({key}) X-Cache in 20 sampled requests after the run: {scenarios[key]['x_cache_sample']}")
    for key in ("c", "c0"):
        s = scenarios[key]
        print(
            f"({key}) X-Cache over all {s['requests']} requests: HIT {s['hits']}, MISS {s['misses']}, "
            f"none {s['nocache']} (HIT ratio {100 * s.get('hit_ratio', 0):.1f}%)"
        )
    if results.get("visit_counting_ratios"):
        print(
            "visit counting: on/off throughput ratio per round "
            + ", ".join(f"{r:.3f}" for r in results["visit_counting_ratios"])
            + f"; median cost {results['visit_counting_cost_percent']:.1f}% (target <= 3%)"
        )
    if results.get("content_length_problem"):
        how = (
            "measured through bench/wsgi_fixed.py"
            if results["content_length_workaround"]
            else "measured as is (--as-is)"
        )
        print(
            f"\nWARNING: the app sends a wrong Content-Length on uncached/MISS responses ({how}):\n  "
            f"{results['content_length_problem']}"
        )
    print(
        f"\nseed article page {results['seed_page_bytes']} bytes "
        f"(about {results.get('seed_page_gzip_bytes', 0)} bytes per response with headers, gzip), "
        f"home page {results['home_page_bytes']} bytes; "
        f"{results['articles']} seeded articles; wrk -t{results['threads']} -c{results['connections']} "
        f"-d{results['duration_s']:g}s; results in {(OUT / 'results.json').relative_to(ROOT)}"
    )


if __name__ == "__main__":
    sys.exit(main())
