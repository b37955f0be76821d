"""One name per paper, "Ông/Bà" for the citizen (docs/bieu-mau.md, section 3).

A plain text scan, no database: every template (HTML, e-mail, text) and script of ``src/skhcn``, and every string
literal of the production Python code (messages, form labels, e-mail and SMS defaults, PDF texts; tests and
migrations left out).

* Citizen-facing text never says "bạn": anything not under a staff-only path (``STAFF_ONLY``) counts as citizen-facing,
  so a new citizen template is checked without being listed here.
* No text — staff's included, and the guides in ``docs/`` — uses a retired name of a paper: "biên nhận" (the fee
  receipt is "biên lai"), "thư xin lỗi" (form 04 is "Phiếu xin lỗi và hẹn lại ngày trả kết quả"), "giấy tiếp nhận" or
  "thông báo tiếp nhận" cut short.
"""

import ast
import re
import unicodedata
from pathlib import Path

import pytest

import skhcn

ROOT = Path(skhcn.__file__).parent
REPOSITORY = ROOT.parents[1]
DOCS = REPOSITORY / "docs"

TEMPLATE_SUFFIXES = {".html", ".txt", ".js"}
# Staff back office, Wagtail and Django admin: a neutral tone is preferred there, "bạn" is not checked.
STAFF_ONLY = ("/staff/", "/admin/", "templates/wagtailadmin/", "staff_views.py", "wagtail_hooks")

YOU = re.compile(r"\bbạn\b", re.IGNORECASE)
RETIRED = {
    "biên nhận": re.compile(r"\bbiên nhận\b", re.IGNORECASE),
    "thư xin lỗi": re.compile(r"\bthư xin lỗi\b", re.IGNORECASE),
    "giấy tiếp nhận (cut short)": re.compile(r"\bgiấy tiếp nhận\b(?! hồ sơ và hẹn trả kết quả)", re.IGNORECASE),
    "thông báo tiếp nhận (cut short)": re.compile(r"\bthông báo tiếp nhận\b(?! hồ sơ trực tuyến)", re.IGNORECASE),
    "phiếu xin lỗi (cut short)": re.compile(r"\bphiếu xin lỗi\b(?! và hẹn lại ngày trả kết quả)", re.IGNORECASE),
}
# (path under src/skhcn, the whole literal that may keep a retired name): explicit and short; empty today.
ALLOWED: set[tuple[str, str]] = set()
# (guide, sentence): the glossary names the retired names once, to retire them.
ALLOWED_IN_DOCS = {
    ("bieu-mau.md", "Không dùng “biên nhận”, “giấy biên nhận”, “giấy tiếp nhận” (đứng một mình) hay “thư xin lỗi”."),
}


def _normal(text: str) -> str:
    """NFC (a decomposed "bạn" is still "bạn") with runs of white space as one space (a name split over two lines)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _production(path: Path) -> bool:
    relative = f"/{_relative(path)}"
    return "/tests/" not in relative and "/migrations/" not in relative and "/node_modules/" not in relative


def _staff_only(relative: str) -> bool:
    return any(part in f"/{relative}" for part in STAFF_ONLY)


def templates() -> list[Path]:
    """Django templates (pages, e-mails) and the scripts served with the pages."""
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.suffix in TEMPLATE_SUFFIXES
        and path.is_file()
        and _production(path)
        and ({"templates", "static"} & set(path.relative_to(ROOT).parts))
    )


def python_strings(source: str) -> list[str]:
    """Every string literal; an f-string as its literal parts with "{}" for each value, so a phrase stays whole."""
    tree = ast.parse(source)
    parts_of_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    strings = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            strings.append("".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts_of_fstrings:
            strings.append(node.value)
    return strings


def python_modules() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if _production(path))


def texts():
    """(relative path, text) for each template and each string literal of the production code."""
    for path in templates():
        yield _relative(path), path.read_text(encoding="utf-8")
    for path in python_modules():
        for literal in python_strings(path.read_text(encoding="utf-8")):
            yield _relative(path), literal


def you_found(relative: str, text: str) -> list[str]:
    if _staff_only(relative):
        return []
    return [f"{relative}: “{match.group(0)}” in “{_excerpt(text, match)}”" for match in YOU.finditer(_normal(text))]


def retired_found(relative: str, text: str) -> list[str]:
    if (relative, text) in ALLOWED:
        return []
    normal = _normal(text)
    return [
        f"{relative}: {name} in “{_excerpt(normal, match)}”"
        for name, pattern in RETIRED.items()
        for match in pattern.finditer(normal)
    ]


def _excerpt(text: str, match: re.Match) -> str:
    return text[max(0, match.start() - 40) : match.end() + 40]


def test_citizen_facing_text_says_ong_ba_not_ban():
    found = [problem for relative, text in texts() for problem in you_found(relative, _normal(text))]
    assert found == [], "\n".join(found)


def test_papers_keep_their_one_name():
    found = [problem for relative, text in texts() for problem in retired_found(relative, text)]
    assert found == [], "\n".join(found)


def guide_text(path: Path) -> str:
    text = _normal(path.read_text(encoding="utf-8"))
    for guide, sentence in ALLOWED_IN_DOCS:
        if path.relative_to(DOCS).as_posix() == guide:
            assert sentence in text, f"docs/{guide} no longer has the allowed sentence: {sentence}"
            text = text.replace(sentence, "")
    return text


def test_guides_use_the_papers_names():
    found = [
        f"docs/{path.relative_to(DOCS).as_posix()}: {name} in “{_excerpt(text, match)}”"
        for path in sorted(DOCS.rglob("*.md"))
        for text in [guide_text(path)]
        for name, pattern in RETIRED.items()
        for match in pattern.finditer(text)
    ]
    assert found == [], "\n".join(found)


# --- the scan itself: it must catch what it is meant to catch -------------------------------------------------------
@pytest.mark.parametrize(
    "relative, text",
    [
        ("dossiers/templates/dossiers/detail.html", "<p>Bạn chưa có hồ sơ nào.</p>"),
        ("accounts/templates/accounts/email/verify_body.txt", "Nếu bạn không đăng ký"),
        ("ratings/constants.py", "CẢM ƠN BẠN"),
        ("portal/templates/portal/home_page.html", "Cảm ơn ba\u0323n."),  # decomposed: b, a, dot below, n
        ("notifications/templating.py", "của bạn,"),
    ],
)
def test_ban_in_a_citizen_text_is_caught(relative, text):
    assert you_found(relative, text)


@pytest.mark.parametrize(
    "relative, text",
    [
        ("dossiers/templates/dossiers/detail.html", "Ông/Bà chưa có hồ sơ nào."),
        ("dossiers/templates/dossiers/detail.html", "Thành phần hồ sơ: bản sao, bản chính."),
        ("accounts/templates/accounts/staff/enrol.html", "ngoài mật khẩu bạn cần nhập thêm một mã"),
    ],
)
def test_ong_ba_other_words_and_staff_screens_pass(relative, text):
    assert you_found(relative, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Giấy biên nhận được đính kèm thư này.",
        "Hồ sơ {}: thư xin lỗi và hẹn lại ngày trả kết quả",
        "Tải giấy tiếp nhận (PDF)",
        "Nhập mã ghi trên Thông báo tiếp nhận.",
        "Lãnh đạo Sở duyệt, ký phiếu xin lỗi.",
    ],
)
def test_retired_names_are_caught(text):
    assert retired_found("dossiers/constants.py", text)


@pytest.mark.parametrize(
    "text",
    [
        "Tải Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "trên thông báo tiếp nhận hồ sơ\n  trực tuyến",
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "Tải biên lai điện tử (PDF)",
    ],
)
def test_the_names_pass(text):
    assert retired_found("dossiers/constants.py", text) == []


def test_the_scan_reads_the_citizen_templates_and_messages():
    """Guards the scan against silently reading nothing (a moved template folder, a changed suffix)."""
    scanned = {relative for relative, _text in texts()}
    for expected in (
        "dossiers/templates/dossiers/detail.html",
        "dossiers/templates/dossiers/track.html",
        "accounts/templates/accounts/email/verify_body.txt",
        "notifications/templating.py",
        "dossiers/constants.py",
        "ratings/constants.py",
        "templates/404.html",
    ):
        assert expected in scanned
