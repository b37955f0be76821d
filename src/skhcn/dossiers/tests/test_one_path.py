"""One path per status change: nothing in the production code but the workflow assigns a dossier's status or
creates a dossier in a status; everything else calls ``workflow.perform``. A plain AST scan of ``src/skhcn``
(tests and migrations left out): simple patterns, checked against the ones this rule replaced."""

import ast
from pathlib import Path

import pytest

import skhcn

ROOT = Path(skhcn.__file__).parent
# The workflow itself: perform and the action handlers.
WORKFLOW = ("dossiers/workflow/",)
DOSSIERS = "dossiers/"


def _root_name(node) -> str:
    """``Dossier`` for ``Dossier.objects.filter(...).update``; "" when the chain does not start at a name."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return ""


def _chain_names(node) -> str:
    """Every name and attribute along ``payment.dossier`` (lower-case), to tell a dossier's status from others'."""
    names = []
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        else:
            node = node.func
    if isinstance(node, ast.Name):
        names.append(node.id)
    return " ".join(names).lower()


WRITES = {"create", "update", "get_or_create", "update_or_create"}


def violations(source: str, path: str) -> list[str]:
    found = []
    in_dossiers = path.startswith(DOSSIERS)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    if in_dossiers or "dossier" in _chain_names(target.value):
                        found.append(f"{path}:{node.lineno} assigns .status")
        elif isinstance(node, ast.Call) and any(k.arg == "status" for k in node.keywords):
            root = _root_name(node.func)
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            constructs = isinstance(node.func, ast.Name) and node.func.id == "Dossier"
            if constructs or (root == "Dossier" and method in WRITES) or (in_dossiers and method == "update"):
                found.append(f"{path}:{node.lineno} passes status= to {ast.unparse(node.func)}")
    return found


def production_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative.startswith(WORKFLOW):
            continue
        yield relative, path


def test_no_status_change_outside_the_workflow():
    found = [v for relative, path in production_modules() for v in violations(path.read_text(), relative)]
    assert found == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        # What submission and postal intake did before they went through perform.
        ("dossiers/services.py", "locked.status = transition.target"),
        ("dossiers/services.py", "Dossier.objects.create(applicant=user, status=Status.DRAFT)"),
        ("delivery/services.py", "dossier = Dossier.objects.create(code=code, status=Status.SUBMITTED)"),
        ("payments/services.py", "payment.dossier.status = Status.RECEIVED"),
        ("payments/services.py", "Dossier.objects.filter(pk=1).update(status='received')"),
        ("dossiers/tasks.py", "queue.update(status=Status.CLOSED)"),
        ("delivery/views.py", "Dossier(status=Status.SUBMITTED).save()"),
    ],
)
def test_the_scan_catches_a_direct_change(path, source):
    assert violations(source, path)


def test_the_scan_leaves_other_models_alone():
    assert violations("shipment.status = 'delivered'\npayment.status = PAID", "delivery/services.py") == []
    assert violations("Shipment.objects.filter(pk=1).update(status='x')", "delivery/services.py") == []
    assert violations("Dossier.objects.filter(status=Status.DRAFT)", "dossiers/services.py") == []
