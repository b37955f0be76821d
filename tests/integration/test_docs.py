"""The documentation holds together: README stays short, every relative link resolves, and every docs page the code
names exists (the repository stands on its own)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
DOCS_PATH = re.compile(r"\bdocs/[\w./-]+\.md\b")


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def broken_links(pages: list[Path]) -> list[str]:
    broken = []
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://", "mailto:")) and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(page.parents[1])}: {target}")
    return broken


def test_the_readme_is_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) < 200


def test_every_relative_link_resolves():
    assert broken_links(_pages()) == []


def test_a_broken_link_is_found(tmp_path):
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "a.md"
    page.write_text("[ok](a.md) [web](https://example.vn) [gone](b.md#x)\n", encoding="utf-8")
    assert broken_links([page]) == ["docs/a.md: b.md"]


def test_every_docs_page_named_in_code_exists():
    tracked = subprocess.run(
        ["git", "ls-files", "src", "tests", "bench", "deploy", "Makefile", ".ci"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    missing = set()
    for name in tracked:
        path = ROOT / name
        if path == Path(__file__).resolve():
            continue  # its own example pages
        if path.suffix in {".py", ".html", ".txt", ".md", ".conf", ".service", ".example", ""} and path.is_file():
            for docs_path in DOCS_PATH.findall(path.read_text(encoding="utf-8", errors="replace")):
                if not (ROOT / docs_path).exists():
                    missing.add(f"{name}: {docs_path}")
    assert sorted(missing) == []
