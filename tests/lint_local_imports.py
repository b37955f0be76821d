"""No function-level import of a skhcn module (docs/dev/architecture.md), run by ``make lint-layers``.

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


if __name__ == "__main__":
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} function-level import(s) of skhcn modules" if found else "No function-level imports.")
    sys.exit(1 if found else 0)
