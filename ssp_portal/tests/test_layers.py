"""The apps' dependencies point one way: ``insights → opendata → monitoring → procurement → organizations →``
the shared mechanisms of ``ssp_portal`` (audit, documents, notifications, rows, exports, files, …).

Every ``.py`` file of each app is parsed (``ast``, so nothing is imported to check it) and each
``import`` of a project module, wherever it stands (inside functions and ``TYPE_CHECKING`` too),
must name a module of the same layer or a lower one:

- Application code and migrations follow the rule strictly.
- A domain app's tests follow it too: they may use the factories and helpers of lower apps, never
  of higher ones (``TEST_EXCEPTIONS`` lists the one that does, and why).
- The project's top level knows everything, and nothing below imports it: the modules in
  ``TOP_LEVEL``, each with its reason, the tests of ``ssp_portal`` (the project's own tests, which
  also run the shared mechanisms on real subjects of the domain apps: an audit event of an
  organization, a document of a competition) and the root ``conftest.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["ssp_portal", "organizations", "procurement", "monitoring", "opendata", "insights"]
TOP = len(LAYERS)

# The modules of ssp_portal that are the project's top level rather than shared mechanisms.
TOP_LEVEL = {
    "ssp_portal.settings": "the settings name every app (INSTALLED_APPS)",
    "ssp_portal.urls": "the URLs include every app's",
    "ssp_portal.wsgi": "the entry point of the whole portal",
    "ssp_portal.views": "the home page shows open competitions, figures and each role's work",
    "ssp_portal.middleware": "the idle time-out applies to the powerful roles each app defines",
    "ssp_portal.seeding": "synthetic data for benchmarks (seed_bench) writes every app's rows",
    "ssp_portal.management.commands.seed_demo": "the demo runs each app's demo in order",
    "ssp_portal.management.commands.seed_bench": "runs ssp_portal.seeding",
}

# Test modules of a domain app that import a higher app, each with its reason.
TEST_EXCEPTIONS = {
    "organizations.tests.test_second_factor_browser": (
        "a commission member (procurement) is one of the roles that must set up a second factor, "
        "and the roles are registered by the apps that define them"
    ),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_test(path: Path) -> bool:
    return "tests" in path.relative_to(ROOT).parts or path.name == "conftest.py"


def in_top_level(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in TOP_LEVEL)


def layer_of(module: str, *, test: bool = False) -> int | None:
    """The module's layer (an index of LAYERS, or TOP); None for a module outside the project."""
    app = module.split(".", 1)[0]
    if app not in LAYERS:
        return None
    if app == "ssp_portal" and (in_top_level(module) or test):
        return TOP
    return LAYERS.index(app)


def imported(path: Path) -> list[tuple[int, str]]:
    """Each module the file imports, with its line; relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            # ``from ssp_portal import seeding`` imports the module ssp_portal.seeding.
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def app_files() -> list[Path]:
    return sorted(path for app in LAYERS for path in (ROOT / app).rglob("*.py"))


def violations(path: Path) -> list[str]:
    """The imports of ``path`` that point up."""
    module = module_name(path)
    own = layer_of(module, test=is_test(path))
    if own is None or own == TOP or module in TEST_EXCEPTIONS:
        return []
    wrong = []
    for line, name in imported(path):
        # ``from x import y`` names y, which may be a module (x.y) or a name in x: judge x.y, which
        # lies in the same app as x, unless x.y is top level and x is not.
        target = layer_of(name)
        if target is not None and target > own:
            wrong.append(f"{path.relative_to(ROOT)}:{line} ({LAYERS[own]}) imports {name}")
    return wrong


def test_no_app_imports_a_higher_one():
    problems = [problem for path in app_files() for problem in violations(path)]
    assert not problems, "Imports that point up a layer:\n" + "\n".join(problems)


@pytest.mark.parametrize("module", [*TOP_LEVEL, *TEST_EXCEPTIONS])
def test_each_exception_names_a_module_that_exists(module):
    path = ROOT.joinpath(*module.split("."))
    assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), module


def test_the_check_finds_an_import_that_points_up(monkeypatch):
    """A shared mechanism that imported a domain app would be found."""
    fake = ROOT / "ssp_portal" / "audit" / "_layer_probe.py"
    monkeypatch.setattr(
        Path, "read_text", lambda self, encoding=None: "from procurement.models import Award\n"
    )
    assert violations(fake) == [f"{fake.relative_to(ROOT)}:1 (ssp_portal) imports procurement.models.Award"]
