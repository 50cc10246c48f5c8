"""One gate for every patch of WeasyPrint's internals: the version they were written for, or a clear refusal; and
no private name of another package anywhere else."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT

ENGINE_MODULES = {"engine_patches.py", "patch_cluster_text.py", "patch_rtl_text.py", "patch_stylesheets.py",
                  "patch_tagging.py"}


def test_another_major_version_is_refused_saying_which_is_needed_and_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.errors import GuidegenError
    from generator.render.engine_patches import SUPPORTED_MAJOR, TRY_VARIABLE, check_version

    monkeypatch.delenv(TRY_VARIABLE, raising=False)
    check_version(f"{SUPPORTED_MAJOR}.3")
    with pytest.raises(GuidegenError) as refused:
        check_version("71.0")
    message = str(refused.value)
    assert f"needs WeasyPrint {SUPPORTED_MAJOR}.x, not 71.0" in message and "internals" in message
    assert f"{TRY_VARIABLE}=1" in message


def test_the_escape_hatch_tries_a_newer_release_with_a_warning(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from generator.render.engine_patches import TRY_VARIABLE, check_version

    monkeypatch.setenv(TRY_VARIABLE, "1")
    check_version("71.0")
    assert "trying it anyway" in capsys.readouterr().err


def test_the_command_line_says_it_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    """As an operator who installed another WeasyPrint by hand would see it."""
    script = ("import sys, weasyprint\nweasyprint.__version__ = '71.0'\n"
              "from generator.cli.main import main\nmain(sys.argv[1:])\n")
    result = subprocess.run([sys.executable, "-c", script, "build", "esim-cancel", "--content", str(CONTENT),
                             "-l", "en", "-f", "checklist", "-j", "1", "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "needs WeasyPrint 70.x, not 71.0" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_pyproject_allows_only_the_major_version_the_patches_support() -> None:
    import tomllib

    from packaging.requirements import Requirement

    from generator.render.engine_patches import SUPPORTED_MAJOR

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [weasyprint] = [Requirement(r) for r in project["dependencies"] if r.startswith("weasyprint")]
    major = int(SUPPORTED_MAJOR)
    assert f"{major}.0" in weasyprint.specifier and f"{major}.99" in weasyprint.specifier
    assert f"{major - 1}.9" not in weasyprint.specifier and f"{major + 1}.0" not in weasyprint.specifier


def test_no_private_name_of_another_package_outside_the_engine_modules() -> None:
    """``x._name`` where x is not self or cls: only the engine modules may reach into WeasyPrint (or anyone)."""
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        if path.name in ENGINE_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and any(
                    part.startswith("_") and not part.startswith("__") for part in node.module.split(".")):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {node.module}")
    assert found == []
