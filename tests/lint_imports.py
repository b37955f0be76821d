"""Two import rules import-linter does not check (docs/dev/architecture.md), run by ``make lint``:

1. No function-level import of a skhcn module.
2. No private name (``_name``) imported from another app: what an app offers others has a public name.

import-linter sees an import inside a function like any other, so hiding one there never gets round a layer or a
cycle; this check keeps them out altogether. Allowed: ``AppConfig.ready()`` importing its own app's modules that
register something (signals, tasks, fragments, search sources, demo data, checks). Tests and migrations are not
checked. (Loading a module by its dotted name, as plugins are, is no ``import`` statement and not concerned.)
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "skhcn"


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return ["." * node.level + (node.module or "")]
    return [alias.name for alias in node.names]


def problems(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in f"/{rel}":
            continue
        for function in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            registering = function.name == "ready" and path.name == "apps.py"
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                for name in _imported(node):
                    own = name.startswith(".") and not name.startswith("..")
                    if (name.startswith(".") or name.split(".")[0] == "skhcn") and not (registering and own):
                        found.append(f"src/skhcn/{rel}:{node.lineno}: {function.name}() imports {name}")
    return found


def private_names(root: Path = ROOT) -> list[str]:
    """Imports of ``_name`` from another app's modules (tests included: they should use what the app offers)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "/migrations/" in f"/{rel}":
            continue
        app = rel.split("/")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom) or node.level or not (node.module or "").startswith("skhcn."):
                continue
            parts = node.module.split(".")
            if len(parts) < 2 or parts[1] == app.removesuffix(".py"):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"src/skhcn/{rel}:{node.lineno}: imports {node.module}.{alias.name}")
    return found


if __name__ == "__main__":
    local = problems()
    private = private_names()
    for line in local + private:
        print(line)
    print(f"{len(local)} function-level import(s) of skhcn modules" if local else "No function-level imports.")
    print(f"{len(private)} private name(s) imported across apps" if private else "No private names across apps.")
    sys.exit(1 if local or private else 0)
