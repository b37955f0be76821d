"""Page inventory: every page type a visitor, a citizen and a one-stop officer open, in chromium at 390 px and
1366 px, checked by rules and by checkers this project did not write.

For every page and width the test fails on:
- an answer other than the expected status, or a request the page makes to another host (fonts, avatars, scripts);
- horizontal overflow of the page (``scrollWidth > innerWidth``);
- a link or button that is off-screen or covered once scrolled into view (``elementFromPoint`` at its centre);
- an image that does not load, or any sub-request answered 4xx/5xx;
- any axe-core violation tagged WCAG 2.0/2.1 A or AA;
and, over the HTML as the server sent it, on any error of the W3C Nu HTML Checker (vnu.jar, run with Java).

axe-core and vnu.jar come from npm (``tests/browser/checkers/package-lock.json``; ``make test-browser`` installs
them). Screenshots of every page at both widths are written to ``var/screenshots/inventory/`` (git-ignored) for people
to look at; the HTML the checker read lies beside them in ``html/``.
"""

import io
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CHECKERS = Path(__file__).resolve().parent / "checkers" / "node_modules"
AXE = CHECKERS / "axe-core" / "axe.min.js"
VNU = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
OUT = ROOT / "var" / "screenshots" / "inventory"
WIDTHS = (390, 1366)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 20_000

# Every focusable control a person uses: off-screen or covered means they cannot use it.
CLIPPED_JS = """
() => {
  const describe = (el) => {
    if (!el) return 'nothing';
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${text.slice(0, 50)}"`;
  };
  const problems = [];
  const controls = document.querySelectorAll(
    'a[href], button, input[type=submit], input[type=button], summary, [role=button]');
  for (const el of controls) {
    if (el.closest('[inert], [aria-hidden=true]')) continue;
    // Not rendered: display none, visibility hidden, transparent, or inside a closed <details> menu.
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // visually hidden (a label for screen readers)
    el.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});  // the admin scrolls smoothly
    const rect = el.getClientRects()[0];
    if (!rect) continue;
    if (rect.right < 0 || rect.left > innerWidth || rect.bottom < 0) {
      // Kept off-screen until reached with the keyboard (a skip link): checked with Tab below.
      el.dataset.offscreen = '1';
      continue;
    }
    const r = Math.round, where = `${r(rect.left)},${r(rect.top)} ${r(rect.width)}×${r(rect.height)}`;
    const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    if (rect.right > innerWidth + 1 || rect.left < -1) {
      problems.push(`partly off-screen (${where} in ${innerWidth}×${innerHeight}): ${describe(el)}`);
    } else if (!hit || !(el === hit || el.contains(hit) || (hit.tagName === 'LABEL' && hit.control === el))) {
      problems.push(`covered or clipped at ${where}: ${describe(el)} (at its centre: ${describe(hit)})`);
    }
  }
  scrollTo(0, 0);
  return problems;
}
"""
# The element the keyboard reached: whether a person sees it (on-screen, not covered).
FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || !el.dataset.offscreen) return null;
  const rect = el.getBoundingClientRect();
  const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
  const seen = rect.left >= 0 && rect.right <= innerWidth && rect.top >= 0 && rect.bottom <= innerHeight
    && hit !== null && (hit === el || el.contains(hit));
  if (seen) delete el.dataset.offscreen;
  return seen;
}
"""
OFFSCREEN_LEFT_JS = """
() => [...document.querySelectorAll('[data-offscreen]')].map(el => `<${el.tagName.toLowerCase()}> "${
  (el.innerText || '').trim().slice(0, 50)}"`)
"""
OVERFLOW_JS = "() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth})"
IMAGES_JS = "() => [...document.images].map(i => i.currentSrc || i.src).filter(Boolean)"
AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3)
    .map(n => n.target.join(' ')).join(' | ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`);
}
"""


# --- what is opened --------------------------------------------------------------------------------------------------
@pytest.fixture
def inventory(settings, live_server, tmp_path, monkeypatch):
    """The demo site (as ``make run`` loads it), a citizen with a draft and a submitted dossier, a one-stop officer."""
    from django.core.management import call_command
    from django.test import Client

    import skhcn.accounts.demo as accounts_demo
    from skhcn.accounts.tests.factories import verified_staff_login
    from skhcn.core.pages import page_url
    from skhcn.dossiers import workflow
    from skhcn.dossiers.constants import Action, ReceiveMethod
    from skhcn.dossiers.intake import services
    from skhcn.dossiers.tests.factories import pdf_upload
    from skhcn.portal.models import ArticlePage, CategoryPage, StandardPage
    from skhcn.procedures.models import Procedure
    from skhcn.registries.registry import REGISTRIES

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(accounts_demo, "LOGINS_FILE", tmp_path / "logins.txt")
    call_command("load_demo", stdout=io.StringIO())

    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    citizen = users.get(email=accounts_demo.CITIZEN_EMAIL)
    officer = users.get(username="motcua")
    online = [p for p in Procedure.objects.prefetch_related("documents").order_by("code") if p.accepts_online]
    procedure = next(p for p in online if p.documents.exists())
    draft = services.start_draft(citizen, procedure)
    other = next(p for p in online if p.pk != procedure.pk)
    submitted = services.start_draft(citizen, other)
    for document in other.documents.all():
        services.attach_file(submitted, document, pdf_upload(), actor=citizen)
    services.update_details(submitted, receive_method=ReceiveMethod.ONLINE, postal_address="", note="", actor=citizen)
    submitted = services.submit_dossier(submitted, citizen)
    # A dossier the officer has received: its numbered form 01 on the staff page (with the form to void it) and the
    # register's row.
    received = services.start_draft(citizen, other)
    for document in other.documents.all():
        services.attach_file(received, document, pdf_upload(), actor=citizen)
    services.update_details(received, receive_method=ReceiveMethod.ONLINE, postal_address="", note="", actor=citizen)
    received = services.submit_dossier(received, citizen)
    received = workflow.perform(received.pk, Action.RECEIVE, officer, expected_version=received.version)

    seed = ArticlePage.objects.live().get(title__startswith="Đẩy mạnh phong trào thi đua")
    top = CategoryPage.objects.live().filter(depth=3).order_by("path").first()
    standard = StandardPage.objects.live().order_by("path").first()
    phone = citizen.applicant_profile.phone
    public = [
        ("trang-nhat", "/", 200),
        ("chuyen-muc", page_url(top), 200),
        ("chuyen-muc-con", page_url(seed.get_parent()), 200),
        ("bai-viet", page_url(seed), 200),
        ("tim-kiem", "/tim-kiem/?q=dan+van+kheo", 200),
        ("tim-kiem-khong-thay", "/tim-kiem/?q=khongcoketquanao", 200),
        ("thong-ke", "/thong-ke/", 200),
        ("so-do-trang", "/so-do-trang/", 200),
        ("thu-tuc", "/thu-tuc-hanh-chinh/", 200),
        ("thu-tuc-chi-tiet", f"/thu-tuc-hanh-chinh/{procedure.code}/", 200),
        ("tra-cuu", "/dich-vu-cong/tra-cuu/", 200),
        ("tra-cuu-ket-qua", f"/dich-vu-cong/tra-cuu/?ma={submitted.code}&sdt={phone}", 200),
        ("du-lieu-khcn", "/du-lieu-khcn/", 200),
        ("tong-hop-ho-tro", "/du-lieu-khcn/tong-hop-ho-tro/", 200),
        ("dang-nhap", "/tai-khoan/dang-nhap/", 200),
        ("dang-ky", "/tai-khoan/dang-ky/", 200),
        ("quen-mat-khau", "/tai-khoan/quen-mat-khau/", 200),
        ("dang-nhap-can-bo", "/admin/login/", 200),
        ("khong-tim-thay", "/trang-khong-co-that/", 404),
    ]
    if standard is not None:
        public.insert(4, ("trang-tinh", page_url(standard), 200))
    for registry in REGISTRIES.values():  # every S&T registry: its list and its first record
        public.append((f"du-lieu-{registry.slug}", f"/du-lieu-khcn/{registry.slug}/", 200))
        record = registry.model.objects.filter(is_public=True).order_by("pk").first()
        if record is not None:  # the demo has no publication (yearbook entry)
            public.append((f"du-lieu-{registry.slug}-chi-tiet", record.get_absolute_url(), 200))
    citizen_pages = [
        ("ho-so-cua-toi", "/dich-vu-cong/ho-so-cua-toi/", 200),
        ("nop-ho-so", f"/dich-vu-cong/nop/{procedure.code}/", 200),
        ("ho-so-nhap", f"/dich-vu-cong/ho-so/{draft.pk}/", 200),
        ("ho-so-da-nop", f"/dich-vu-cong/ho-so/{submitted.pk}/", 200),
        ("ho-so-da-tiep-nhan", f"/dich-vu-cong/ho-so/{received.pk}/", 200),
        ("tai-khoan", "/tai-khoan/", 200),
        ("thong-bao", "/tai-khoan/thong-bao/", 200),
        ("doi-mat-khau", "/tai-khoan/doi-mat-khau/", 200),
    ]
    staff_pages = [
        ("can-bo-hang-doi", "/admin/ho-so/", 200),
        ("can-bo-ho-so", f"/admin/ho-so/{submitted.pk}/", 200),
        ("can-bo-ho-so-da-tiep-nhan", f"/admin/ho-so/{received.pk}/", 200),
        ("can-bo-yeu-cau-hoan-thien", f"/admin/ho-so/{submitted.pk}/thao-tac/request_completion/", 200),
        ("can-bo-so-theo-doi", "/admin/ho-so/so-theo-doi/", 200),
    ]

    def session_of(user, staff: bool) -> str:
        client = Client()
        if staff:
            verified_staff_login(client, user)
        else:
            client.force_login(user)
        return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value

    return [
        ("khach", None, public),
        ("cong-dan", session_of(citizen, staff=False), citizen_pages),
        ("can-bo", session_of(officer, staff=True), staff_pages),
    ]


# --- the checks ------------------------------------------------------------------------------------------------------
def _check_page(
    page, base: str, name: str, path: str, status: int, width: int, seen: dict, out: Path = OUT
) -> list[str]:
    problems = []
    try:
        response = page.goto(base + path, wait_until="load")
    except PlaywrightError as exc:
        return [f"could not be opened: {exc.message.splitlines()[0]}"]
    if response is None or response.status != status:
        return [f"answered {response.status if response else 'nothing'}, expected {status}"]
    html_file = out / "html" / f"{name}.html"
    if not html_file.exists():
        html_file.write_bytes(response.body())

    size = page.evaluate(OVERFLOW_JS)
    if size["scroll"] > size["inner"]:
        problems.append(f"horizontal overflow: {size['scroll']} px of content in {size['inner']} px")
    problems += page.evaluate(CLIPPED_JS)
    # Tab from the start of the document: focus the root element for a moment.
    page.evaluate(
        """() => { const root = document.documentElement; root.tabIndex = -1; root.focus();
                   root.removeAttribute('tabindex'); }"""
    )
    for _ in range(4):  # skip links come first in the tab order
        page.keyboard.press("Tab")
        page.evaluate(FOCUSED_JS)
    problems += [f"off-screen, and not shown when reached with Tab: {el}" for el in page.evaluate(OFFSCREEN_LEFT_JS)]

    for src in page.evaluate(IMAGES_JS):
        if src.startswith("data:") or src in seen:
            continue
        answer = page.request.get(src)
        seen[src] = answer.ok and answer.headers.get("content-type", "").startswith("image/")
        if not seen[src]:
            problems.append(f"broken image {src} ({answer.status} {answer.headers.get('content-type')})")

    page.evaluate(_axe_source())
    problems += [f"axe: {violation}" for violation in page.evaluate(AXE_RUN_JS, AXE_TAGS)]
    _screenshot(page, out / f"{name}-{width}.png")
    return problems


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")  # 0.5 MB: read once, not for each of the ~90 page views


def _screenshot(page, path: Path) -> None:
    """The whole page from its top. The admin scrolls inside its own container: the window grows to the content."""
    size = page.viewport_size
    height = page.evaluate(
        """() => { document.activeElement?.blur();
                   for (const e of document.querySelectorAll('*')) if (e.scrollTop) e.scrollTop = 0;
                   return Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight)); }"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 8000))})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def _nu_checker(folder: Path) -> list[str]:
    """Errors of the W3C Nu HTML Checker over every saved page, one Java start for all."""
    files = sorted(str(path) for path in folder.glob("*.html"))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(urlsplit(m.get('url', '')).path).stem}: Nu checker line {m.get('lastLine')}: {m.get('message')} "
        f"— {m.get('extract', '').strip()[:120]}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def test_every_page_at_phone_and_desktop_width(live_server, browser, inventory):
    for tool, hint in ((AXE, "make test-browser installs it"), (VNU, "make test-browser installs it")):
        assert tool.exists(), f"{tool} missing: {hint}"
    assert shutil.which("java"), "Java is missing: apt-get install -y default-jre-headless"
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "html").mkdir(parents=True)

    base = live_server.url
    host = urlsplit(base).netloc
    problems: list[str] = []
    seen_images: dict[str, bool] = {}
    current = {"view": ""}

    def third_party(request):
        if request.url.startswith(("http:", "https:")) and urlsplit(request.url).netloc != host:
            problems.append(f"{current['view']}: request to another host: {request.url}")

    def failed(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{current['view']}: {response.status} for {response.url}")

    opened = 0
    for _who, session, pages in inventory:
        for width in WIDTHS:
            context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
            context.set_default_timeout(TIMEOUT_MS)
            if session:
                context.add_cookies([{"name": session[0], "value": session[1], "url": base}])
            page = context.new_page()
            page.on("request", third_party)
            page.on("response", failed)
            for name, path, status in pages:
                current["view"] = f"{name} @{width} ({path})"
                found = _check_page(page, base, name, path, status, width, seen_images)
                problems.extend(f"{current['view']}: {problem}" for problem in found)
                opened += 1
            context.close()
    problems.extend(_nu_checker(OUT / "html"))
    assert opened == len(WIDTHS) * sum(len(pages) for _, _, pages in inventory)
    assert not problems, f"{len(problems)} problems on {opened} page views:\n" + "\n".join(problems)


BROKEN_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Trang hỏng</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>Trang hỏng để thử bộ kiểm tra</h1>
<div style="width: 2000px">Quá rộng</div>
<p><a href="/a" id="covered">Liên kết bị che</a></p>
<div style="position: relative; top: -2.5em; height: 3em; background: #fff">Lớp che</div>
<img src="/khong-co-anh.png" alt="Ảnh hỏng">
<input type="text">
<span><div>khối trong span</div></span>
</main></body></html>
"""


def test_the_checks_catch_what_they_are_for(live_server, browser, tmp_path):
    """A page with one fault of each kind: every check must report its fault (a check that cannot fail is no check)."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.route(
        live_server.url + "/trang-hong/", lambda route: route.fulfill(body=BROKEN_PAGE, content_type="text/html")
    )
    (tmp_path / "html").mkdir()
    found = "\n".join(_check_page(page, live_server.url, "trang-hong", "/trang-hong/", 200, 390, {}, tmp_path))
    context.close()
    assert "horizontal overflow" in found
    assert "covered or clipped" in found and "Liên kết bị che" in found
    assert "broken image" in found and "khong-co-anh.png" in found
    assert "axe: label" in found  # the input without a label
    nu = "\n".join(_nu_checker(tmp_path / "html"))
    assert "trang-hong: Nu checker" in nu and "“div” not allowed as child of element “span”" in nu
