"""The import rules of tests/lint_imports.py: they find what they forbid, and the project has none of it."""

from tests.lint_imports import private_names, problems


def _tree(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_function_level_import_of_a_skhcn_module_is_reported(tmp_path):
    root = _tree(
        tmp_path,
        {
            "portal/views.py": "def view():\n    from skhcn.visits import services\n    from . import models\n",
            "portal/apps.py": "class C:\n    def ready(self):\n        from . import signals\n",
            "portal/lazy.py": "def pdf():\n    import pypdf\n",
            "portal/tests/test_x.py": "def test():\n    from skhcn.visits import services\n",
        },
    )
    assert problems(root) == [
        "src/skhcn/portal/views.py:2: view() imports skhcn.visits",
        "src/skhcn/portal/views.py:3: view() imports .",
    ]


def test_a_private_name_from_another_app_is_reported(tmp_path):
    root = _tree(
        tmp_path,
        {
            "payments/views.py": "from skhcn.dossiers.citizen.pages import _private, public\n",
            "payments/tests/test_x.py": "from skhcn.dossiers.models import _helper\n",
            "dossiers/views.py": "from skhcn.dossiers.citizen.pages import _private\n",
            "dossiers/about.py": "from skhcn.core import __version__\n",
        },
    )
    assert private_names(root) == [
        "src/skhcn/payments/tests/test_x.py:1: imports skhcn.dossiers.models._helper",
        "src/skhcn/payments/views.py:1: imports skhcn.dossiers.citizen.pages._private",
    ]


def test_the_project_follows_both_rules():
    assert problems() == []
    assert private_names() == []
