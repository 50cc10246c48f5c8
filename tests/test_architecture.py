"""The package shows the pipeline: subpackages in stage order, imports only down the pipeline, small modules,
and a README map that names every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "generator"
# Stage order: a module may import its own stage and the ones before it, never a later one.
STAGES = ("content", "i18n", "fonts", "render", "produce", "desk", "cli")
ROOT_MODULES = {"__init__.py", "__main__.py", "errors.py"}
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("generator.")}


def test_only_a_few_modules_at_the_root() -> None:
    assert {p.name for p in PACKAGE.glob("*.py")} == ROOT_MODULES
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(STAGES)


def test_each_stage_says_its_job() -> None:
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, stage


def test_imports_run_down_the_pipeline() -> None:
    wrong = []
    for path in _modules():
        parts = path.relative_to(PACKAGE).parts
        own = STAGES.index(parts[0]) if len(parts) > 1 else len(STAGES) if parts[0] == "__main__.py" else -1
        for name in _imported(path):
            target = name.split(".")[1]
            if target in STAGES and STAGES.index(target) > own:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_readme_architecture_names_every_module() -> None:
    """The README's map is kept true: every module of every stage is named there, and nothing else."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Architecture"):]
    section = section[:section.index("\n## ", 1)] if "\n## " in section[1:] else section
    named = set(re.findall(rf"^\s+((?:{'|'.join(STAGES)})/\w+\.py)\b", section, re.MULTILINE))
    actual = {p.relative_to(PACKAGE).as_posix() for p in _modules()
              if len(p.relative_to(PACKAGE).parts) == 2 and p.name != "__init__.py"}
    assert named == actual, (sorted(actual - named), sorted(named - actual))


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _edges(path: Path, modules: set[str]) -> set[str]:
    """The generator modules ``path`` imports, anywhere in it; ``from package import module`` is the module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules
            found |= submodules or {node.module}
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & modules


def test_no_import_cycles_not_even_through_imports_inside_functions() -> None:
    """A cycle hidden by a function-local import still ties two modules together: none is allowed."""
    paths = {_module_name(path): path for path in _modules()}
    graph = {name: _edges(path, set(paths)) - {name} for name, path in paths.items()}
    cycles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for following in graph[node]:
                if following == start:
                    cycles.append(" → ".join([*trail, start]))
                elif following not in seen:
                    seen.add(following)
                    stack.append((following, [*trail, following]))
    assert cycles == []


def test_every_test_the_fast_tier_leaves_out_exists() -> None:
    """A renamed test must not slip into ``make test-fast`` unnoticed because its old name is still listed."""
    from conftest import _SLOW_MODULES, _SLOW_TESTS

    tests = ROOT / "tests"
    missing = [module for module in _SLOW_MODULES if not (tests / module).is_file()]
    for module, names in _SLOW_TESTS.items():
        defined = {node.name for node in ast.walk(ast.parse((tests / module).read_text(encoding="utf-8")))
                   if isinstance(node, ast.FunctionDef)}
        missing += [f"{module}::{name}" for name in sorted(names - defined)]
    assert missing == []
