"""The command line as a user meets it: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTENT, DOCUMENTS, ROOT, pdftotext, run_cli
from generator.content.languages import english_name, native_name


def test_help_lists_commands() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("build", "check", "languages", "schema"):
        assert command in result.stdout


def test_unknown_language_lists_available(tmp_path: Path) -> None:
    result = run_cli("build", "--content", str(CONTENT), "--lang", "de", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no 'de' version" in result.stderr
    for tag in ("zh-CN", "en"):  # names from CLDR (checked against Babel in test_languages)
        assert f"{tag} ({native_name(tag)}, {english_name(tag)})" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_invalid_language_tag(tmp_path: Path) -> None:
    result = run_cli("build", "--content", str(CONTENT), "--lang", "../../etc", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "is not a language tag" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("requested, served", [("zh", "zh-CN"), ("zh-Hans", "zh-CN"), ("en-GB", "en")])
def test_language_is_matched_by_cldr(tmp_path: Path, requested: str, served: str) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "--lang", requested,
                     "--format", "checklist", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [p.relative_to(out).as_posix() for p in out.rglob("*.pdf")] == [f"{served}/esim-cancel-checklist.pdf"]


def test_traditional_chinese_is_not_served_simplified(content_copy: Path, tmp_path: Path) -> None:
    for catalog in content_copy.glob("*/locales/zh-TW.po"):
        catalog.unlink()
    result = run_cli("build", "--content", str(content_copy), "--lang", "zh-Hant-HK", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no 'zh-Hant-HK' version" in result.stderr
    assert not (tmp_path / "out").exists()


def test_narrow_build_with_repeated_options(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "--lang", "en", "--lang", "zh",
                     "--format", "checklist", "--paper", "letter", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [
        "en/esim-cancel-checklist-letter.pdf", "zh-CN/esim-cancel-checklist-letter.pdf"]
    from pypdf import PdfReader

    box = PdfReader(out / "en" / "esim-cancel-checklist-letter.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "2 built, 0 up to date, 0 failed" in result.stdout


def test_param_override(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(CONTENT), "--lang", "en", "--format", "checklist",
                     "--param", "provider=Examplecom", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = pdftotext(out / "en" / "esim-cancel-checklist.pdf")
    assert "Cancel a Examplecom eSIM line" in text
    assert "Heyon" not in text


def test_unknown_guide(tmp_path: Path) -> None:
    result = run_cli("build", "no-such-guide", "--content", str(CONTENT), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no guide 'no-such-guide'" in result.stderr
    assert "esim-cancel" in result.stderr


def test_default_content_folder_is_cwd_content() -> None:
    result = run_cli("check", cwd=ROOT)
    assert result.exit_code == 0, result.output
    guides = len({guide for guide, _ in DOCUMENTS})
    assert f"checked {guides} guide(s): 0 error(s)" in result.stdout


def test_missing_content_folder(tmp_path: Path) -> None:
    result = run_cli("check", "--content", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert "content folder not found" in result.stderr


def test_languages_lists_names_and_completeness() -> None:
    result = run_cli("languages", "--content", str(CONTENT))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("zh-CN") and native_name("zh-CN") in line and english_name("zh-CN") in line
               and "esim-cancel 100%" in line for line in lines)
    assert any(line.startswith("en") and "English" in line and "esim-cancel 100%" in line for line in lines)


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "guidegen" in result.stdout


def test_output_inside_the_content_folder_is_refused(content_copy: Path) -> None:
    for out in (content_copy / "build", content_copy / "esim-cancel" / "assets", content_copy):
        result = run_cli("build", "--content", str(content_copy), "-l", "en", "-f", "checklist", "-o", str(out))
        assert result.exit_code == 1
        assert "inside the content folder" in result.stderr and "Traceback" not in result.output
    assert not (content_copy / "build").exists() and not (content_copy / "esim-cancel" / "assets").exists()
    assert not list(content_copy.rglob("*.pdf")) and not list(content_copy.rglob(".guidegen-cache.json"))
    printed = run_cli("print", "esim-cancel", "--content", str(content_copy), "-o", str(content_copy / "b"))
    assert printed.exit_code == 1 and "inside the content folder" in printed.stderr
