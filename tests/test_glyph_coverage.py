"""No glyph boxes: characters outside a language's fonts fail before rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import pdffonts, pdftotext, run_cli, squeeze

EN_PO = Path("esim-cancel") / "locales" / "en.po"


def test_uncovered_character_fails_check_and_build(content_copy: Path, tmp_path: Path) -> None:
    po = content_copy / EN_PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Choose the number to cancel."', 'msgstr "Choose the number ሰላም to cancel."'),
                  encoding="utf-8")
    line = next(i for i, text in enumerate(po.read_text(encoding="utf-8").splitlines(), 1) if "ሰላም" in text)

    check = run_cli("check", "--content", str(content_copy))
    assert check.exit_code == 1
    assert f"en.po:{line - 1}: " in check.stderr, check.stderr  # Babel places an entry at its msgid, the line above
    assert (
        "'cancel.ways.app.steps.3.text': 'ሰ' (U+1230 ETHIOPIC SYLLABLE SA) is in no font of the stack" in check.stderr
    )

    out = tmp_path / "out"
    build = run_cli("build", "--content", str(content_copy), "--lang", "en", "-o", str(out))
    assert build.exit_code == 1
    assert "would print as boxes" in build.stderr and "U+1230" in build.stderr
    assert not (out / "en" / "esim-cancel-handout.pdf").exists()
    assert (out / "en" / "esim-cancel-checklist.pdf").exists()  # the checklist does not print that string


def test_untranslated_string_uses_source_language_fonts(content_copy: Path, tmp_path: Path) -> None:
    po = content_copy / EN_PO
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Choose the number to cancel."', 'msgstr ""'),
                  encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "--lang", "en", "-f", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    path = out / "en" / "esim-cancel-handout.pdf"
    assert "选择要注销的号码。" in squeeze(pdftotext(path))
    assert any("CJK-SC" in f["name"] for f in pdffonts(path))


# One sample per script: the language's own name and a date, both from CLDR, so
# the test text is real text in each script and written by no one here.
SCRIPT_SAMPLES = ["en", "ru", "el", "ar", "he", "hi", "bn", "ta", "te", "kn", "ml", "gu", "pa", "or", "si", "th",
                  "lo", "km", "my", "am", "ka", "hy", "zh-CN", "zh-TW", "ja", "ko"]


def _sample_guide(folder: Path, language: str) -> None:
    import datetime as dt

    from babel.dates import format_date

    from generator.content.languages import babel_locale, native_name

    sentence = f"{native_name(language)}: {format_date(dt.date(2026, 11, 25), 'full', locale=babel_locale(language))}"
    guide_id = f"sample-{language.lower()}"
    (folder / guide_id).mkdir(parents=True)
    quoted = sentence.replace('"', '\\"')
    (folder / guide_id / "guide.yaml").write_text(f"""id: {guide_id}
source_language: {language}
revision: "2026-11-25"
title: "{quoted}"
summary: "{quoted}"
blocks:
  - type: paragraph
    text: "{quoted}"
checklist:
  title: "{quoted}"
  groups:
    - id: one
      title: "{quoted}"
      items: ["{quoted}"]
""", encoding="utf-8")


def test_twenty_scripts_render_without_missing_glyphs(tmp_path: Path) -> None:
    from generator.fonts.stacks import font_stack
    from generator.content.languages import script_of

    content = tmp_path / "content"
    for language in SCRIPT_SAMPLES:
        _sample_guide(content, language)
    assert len({script_of(lang) for lang in SCRIPT_SAMPLES}) >= 20

    check = run_cli("check", "--content", str(content))
    assert check.exit_code == 0, check.output
    out = tmp_path / "out"
    build = run_cli("build", "--content", str(content), "-f", "checklist", "-o", str(out))
    assert build.exit_code == 0, build.output
    assert "WeasyPrint" not in build.stderr and "boxes" not in build.stderr
    for language in SCRIPT_SAMPLES:
        path = out / language / f"sample-{language.lower()}-checklist.pdf"
        used = {f["name"].split("+", 1)[1].removesuffix("-Bold").removesuffix("-Subset").replace("-", " ")
                for f in pdffonts(path)}
        allowed = set(font_stack(language))
        assert used <= allowed, (language, used, allowed)  # no stray fallback font


@pytest.mark.parametrize("char", ["\u200d", "\u200f", "\ufe0f", "\u2060"])
def test_format_characters_need_no_glyph(char: str) -> None:
    from generator.fonts.coverage import find_gaps

    assert find_gaps([("x", f"a{char}b")], ["Noto Sans"]) == []


def test_missing_font_is_a_clear_error() -> None:
    from generator.fonts.coverage import FontMissing, family_coverage

    with pytest.raises(FontMissing, match="not installed"):
        family_coverage("No Such Font Family 12345")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_symbols_print_in_every_language(content_copy: Path, tmp_path: Path, language: str) -> None:
    """Arrows, check marks, warning signs, telephone and envelope come from Noto's symbol fonts at the end of
    every stack: "Settings → Mobile data" can be written in any language."""
    import re

    po = content_copy / "esim-cancel" / "locales" / f"{language}.po"
    text = po.read_text(encoding="utf-8")
    pattern = r'(msgctxt "checklist.before.items.1.text"\nmsgid "[^"]*"\nmsgstr ")([^"]*)"'
    symbols = "→ ✓ ⚠ ☎ ✉"
    changed = re.sub(pattern, lambda m: f'{m.group(1)}{m.group(2)} {symbols}"', text)
    assert changed != text
    po.write_text(changed, encoding="utf-8")
    assert run_cli("check", "--content", str(content_copy)).exit_code == 0
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "-l", language, "-f", "checklist", "-o", str(out))
    assert result.exit_code == 0, result.output
    pdf = out / language / "esim-cancel-checklist.pdf"
    printed = pdftotext(pdf)  # (right-to-left runs come back in visual order: look for each symbol)
    assert all(symbol in printed for symbol in symbols.split())
    families = {font["name"].split("+", 1)[1] for font in pdffonts(pdf)}
    assert {"Noto-Sans-Symbols", "Noto-Sans-Symbols2"} <= families, families
