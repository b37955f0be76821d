"""The lock files say what pyproject.toml says, and the tests run on exactly the locked versions.

`make lock` writes requirements/base.txt (the application) and requirements/dev.txt (plus the `test` extra) from
pyproject.toml; `make install`, `make install-production` and CI install from them with their hashes. A pin changed
in pyproject.toml without `make lock` fails here, offline.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for line in requirements:
        match = PIN.match(line.strip())
        assert match, f"not an exact pin: {line!r}"
        found[canonical(match[1])] = match[2]
    return found


def locked(name: str) -> dict[str, str]:
    """Each package of the lock file with its version; every one carries at least one hash."""
    text = (ROOT / "requirements" / name).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
    found = {}
    for entry in entries:
        match = PIN.match(entry)
        assert match, entry
        assert "--hash=sha256:" in entry, f"{match[1]} has no hash in {name}"
        found[canonical(match[1])] = match[2]
    return found


APPLICATION = pins(PYPROJECT["project"]["dependencies"])
TEST_EXTRA = pins(PYPROJECT["project"]["optional-dependencies"]["test"])


@pytest.mark.parametrize(("lock", "declared"), [("base.txt", APPLICATION), ("dev.txt", {**APPLICATION, **TEST_EXTRA})])
def test_every_declared_pin_is_locked_at_its_version(lock, declared):
    packages = locked(lock)
    assert {name: packages.get(name) for name in declared} == declared


def test_the_application_lock_has_no_test_tool():
    assert not set(TEST_EXTRA) & set(locked("base.txt"))


def test_the_application_lock_is_part_of_the_development_lock():
    development = locked("dev.txt")
    assert {name: development.get(name) for name, version in locked("base.txt").items()} == locked("base.txt")


def test_the_tests_run_on_the_locked_versions():
    installed = {canonical(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    assert {name: installed.get(name) for name in locked("dev.txt")} == locked("dev.txt")
