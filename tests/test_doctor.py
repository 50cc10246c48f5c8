"""guidegen doctor: what the machine has, in one line per finding, exit 1 when PDFs cannot be built."""

from __future__ import annotations

import pytest

from conftest import run_cli


def test_doctor_reports_what_this_machine_has() -> None:
    result = run_cli("doctor")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("ok       weasyprint ") for line in lines)
    assert any(line.startswith("ok       Pango ") for line in lines)
    assert any(line.startswith("ok       HarfBuzz subsetter: ") for line in lines)
    for family in ("Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK KR", "Noto Sans Arabic"):
        assert any(line.startswith(f"ok       font {family}: ") for line in lines), family
    assert any(line.startswith("ok       printers (CUPS): ") for line in lines), lines  # make test installs CUPS
    assert "Traceback" not in result.output


def test_doctor_names_a_missing_font(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.cli import doctor

    monkeypatch.setattr(doctor, "font_stack", lambda language: ("Noto Sans Nonexistent Script",))
    result = run_cli("doctor")
    assert result.exit_code == 1
    assert "PROBLEM  font 'Noto Sans Nonexistent Script' is not installed (Debian: fonts-noto-core" in result.stdout


def test_doctor_checks_every_language_in_its_own_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each language with template strings is drawn from its own stack: its letters and its digits (Persian ۰–۹)."""
    from conftest import BUNDLED_LANGUAGES
    from generator.cli import doctor

    lines = run_cli("doctor").stdout.splitlines()
    for tag in set(BUNDLED_LANGUAGES) - {"en"}:  # English is the template strings' source: no catalog
        assert any(line.startswith(f"ok       language {tag} (") for line in lines), tag

    monkeypatch.setattr(doctor, "font_stack", lambda language: ("Noto Sans",))  # Latin and Cyrillic only
    result = run_cli("doctor")
    assert result.exit_code == 1
    persian = next(line for line in result.stdout.splitlines() if line.startswith("PROBLEM  language fa ("))
    assert "ARABIC LETTER" in persian or "ARABIC-INDIC DIGIT" in persian, persian
    assert any(line.startswith("ok       language pt-BR (") for line in result.stdout.splitlines())


def test_doctor_checks_each_script_s_letters_not_only_its_font_family() -> None:
    result = run_cli("doctor")
    line = next(line for line in result.stdout.splitlines() if " letters of " in line)
    assert line.startswith("ok ") and {"ru", "uk", "ar", "zh-CN"} <= set(line.split(": ", 1)[1].split())


def test_doctor_names_a_script_its_font_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed family without Cyrillic (here Noto Sans Arabic standing in for Ukrainian's stack) is a problem
    naming the first missing letter, from CLDR's own Ukrainian text."""
    from generator.cli import doctor

    real = doctor.font_stack
    monkeypatch.setattr(doctor, "font_stack", lambda tag: ("Noto Sans Arabic",) if tag == "uk" else real(tag))
    result = run_cli("doctor")
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBLEM  letters of uk: "))
    assert "letters of its CLDR names (language, months, days) are in none of Noto Sans Arabic (у U+0443," in line
