"""Installing guidegen: the lock, the declared dependencies, the wheel, and a tool that never writes into itself."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import BUNDLED_LANGUAGES, CONTENT, ROOT, own_template_catalog, pdf_reader, pdftotext, run_cli

UV = ROOT / ".venv" / "tools" / "bin" / "uv"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _locked() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    return {canonicalize_name(package["name"]): package["version"] for package in lock["package"]}


def _declared(extras: bool = True) -> list[Requirement]:
    project = _pyproject()["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    if extras:
        requirements += [Requirement(text) for group in project["optional-dependencies"].values() for text in group]
    return requirements


def test_lock_pins_every_declared_dependency_within_its_range() -> None:
    locked = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is declared in pyproject.toml but not in uv.lock: run 'make lock'"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"uv.lock has {name} {locked[name]}, outside pyproject's {requirement.specifier}: run 'make lock'")


def test_environment_has_exactly_the_locked_versions() -> None:
    """What the tests run on is what the lock says (make test syncs it); a drifted .venv fails here."""
    locked = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        if name == "typst":  # bench only
            continue
        assert metadata.version(name) == locked[name], (
            f"{name}: installed {metadata.version(name)}, locked {locked[name]}"
        )


def _third_party_imports() -> set[str]:
    found = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "generator"}


def test_every_imported_package_is_declared() -> None:
    runtime = {canonicalize_name(r.name) for r in _declared(extras=False)}
    distributions = metadata.packages_distributions()
    for module in sorted(_third_party_imports()):
        owners = {canonicalize_name(d) for d in distributions.get(module, [])}
        assert owners, f"'{module}' is imported by generator/ but installed by no distribution"
        assert owners & runtime, f"generator/ imports '{module}' ({', '.join(owners)}): declare it in pyproject.toml"


def test_license_file_matches_pyproject() -> None:
    assert _pyproject()["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_system_check_knows_every_bundled_font_family() -> None:
    """scripts/system_deps.py runs before the venv exists, so it lists the families itself: keep them equal."""
    from generator.fonts.stacks import font_stack

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import system_deps
    finally:
        sys.path.pop(0)
    needed = {family for tag in BUNDLED_LANGUAGES for family in font_stack(tag)}
    assert needed == set(system_deps.FONT_FAMILIES)
    assert system_deps.missing(system_deps.BUILD) == []


def test_system_check_names_what_is_missing_in_words(tmp_path: Path) -> None:
    """On a machine without apt-get or root, a missing need is named with Debian, Fedora and Homebrew packages."""
    env = {**os.environ, "PATH": str(tmp_path)}  # no fc-list, no apt-get: fonts cannot be found
    (tmp_path / "python3").symlink_to(sys.executable)
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "system_deps.py"), "build"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "font family 'Noto Sans CJK SC'" in result.stderr
    assert "dnf install" in result.stderr and "google-noto-sans-cjk-fonts" in result.stderr
    assert "brew install" in result.stderr
    assert "fonts-noto-cjk" in result.stderr


def test_old_python_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.9.2' && exit 0\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(["make", "-s", "python-version", f"PYTHON={fake}"], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stderr and "Python 3.9.2" in result.stderr


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_i18n_commands_never_write_into_the_tool(content_copy: Path) -> None:
    before = _git_status()  # pl: a language guidegen does not bundle, so init writes its template strings too
    for args in (["extract"], ["init", "--lang", "pl"], ["update"], ["status"]):
        result = run_cli("i18n", *args, "--content", str(content_copy))
        assert result.exit_code == 0, (args, result.output)
    assert _git_status() == before
    # The project's own template-string catalogs live in its content folder.
    assert (content_copy / "locales" / "messages.pot").is_file()
    assert (content_copy / "locales" / "pl.po").is_file()
    assert (content_copy / "esim-cancel" / "locales" / "pl.po").is_file()
    status = run_cli("i18n", "status", "--content", str(content_copy))
    assert any(line.split()[:2] == ["(templates)", "pl"] for line in status.stdout.splitlines())


def test_project_template_catalog_is_used(content_copy: Path, tmp_path: Path) -> None:
    """A content folder's own template-string catalog overrides the bundled one for its language."""
    own_template_catalog(content_copy, "fr", "Revised {date}", "Version du {date}")
    out = tmp_path / "out"
    result = run_cli(
        "build", "esim-cancel", "--content", str(content_copy), "-l", "fr", "-f", "checklist", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "Version du" in pdftotext(out / "fr" / "esim-cancel-checklist.pdf")
    # The project's catalogs are inputs of the build like any other: an edit rebuilds.
    own_template_catalog(content_copy, "fr", "Revised {date}", "Édition du {date}")
    again = run_cli(
        "build", "esim-cancel", "--content", str(content_copy), "-l", "fr", "-f", "checklist", "-o", str(out)
    )
    assert "1 built, 0 up to date" in again.stdout
    assert "Édition du" in pdftotext(out / "fr" / "esim-cancel-checklist.pdf")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built with the project's own build back-end from a copy of the tracked files."""
    source = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_wheel({str(dist)!r})"],
                   cwd=source, check=True, capture_output=True)
    return next(dist.glob("guidegen-*.whl"))


def test_wheel_carries_templates_styles_catalogs_and_desk(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {name.removeprefix("generator/bundled/") for name in names if name.startswith("generator/bundled/")}
    expected = {p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert bundled == expected
    assert {"generator/cli/main.py", "generator/produce/batch.py", "generator/content/model.py"} <= names
    assert not any(name.startswith(("tests/", "content/", "templates/")) for name in names)


def _readme_recipe() -> tuple[list[str], list[str]]:
    """The README's two lines that install the wheel with the locked versions: the export and the pip install."""
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    export = next(line for line in readme.splitlines() if line.startswith(".venv/tools/bin/uv export "))
    pip = next(line for line in readme.splitlines() if line.startswith("pip install -c constraints.txt "))
    return shlex.split(export), shlex.split(pip)


def test_installed_wheel_builds_a_guide_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    """A fresh virtual environment with only the wheel and its declared dependencies (the locked versions,
    from uv's cache) builds a checklist from a content folder outside the repository."""
    assert UV.is_file(), "run the tests through 'make test', which installs uv into .venv/tools"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON", "UV_"))}
    # The README's locked-install recipe, run as written there: the export, then pip with its constraints.
    export, pip = _readme_recipe()
    constraints = tmp_path / "constraints.txt"
    subprocess.run([str(UV), *export[1:-1], str(constraints)], cwd=ROOT, env=env, check=True, capture_output=True)
    assert export[-2] == "-o" and export[-1] == "constraints.txt" and pip[:3] == ["pip", "install", "-c"]
    accepted = subprocess.run([str(venv / "bin" / "pip"), "install", "--dry-run", "--no-deps", "--no-index",
                               "-c", str(constraints), str(wheel)], env=env, capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stderr  # pip reads the constraints (a nameless one was refused)
    # The same constraints, installed by uv from its cache (pip would download every package again).
    install = [str(UV), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
               "--constraint", str(constraints), str(wheel)]
    # From uv's cache, which `make test` filled; from the index only for what an older .venv installed otherwise.
    if subprocess.run([*install, "--offline"], env=env, capture_output=True).returncode != 0:
        subprocess.run(install, check=True, env=env, capture_output=True)
    content = tmp_path / "our-guides"
    shutil.copytree(CONTENT / "esim-cancel", content / "esim-cancel")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv))
    result = subprocess.run(
        [
            str(venv / "bin" / "guidegen"),
            "build",
            "esim-cancel",
            "--content",
            str(content),
            "-l",
            "en",
            "-f",
            "checklist",
            "-o",
            "out",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    pdf = elsewhere / "out" / "en" / "esim-cancel-checklist.pdf"
    assert len(pdf_reader(pdf).pages) == 1
    assert "Heyon" in pdftotext(pdf)
    check = subprocess.run([str(venv / "bin" / "guidegen"), "check", "--content", str(content)], cwd=elsewhere,
                           env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
