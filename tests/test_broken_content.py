"""Broken guides and translations: clear errors with file, line and field; nothing written."""

from __future__ import annotations

from pathlib import Path

from conftest import pdftotext, run_cli

GUIDE = Path("esim-cancel") / "guide.yaml"
EN_PO = Path("esim-cancel") / "locales" / "en.po"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_broken_yaml_names_file_and_line(guide_copy: Path, tmp_path: Path) -> None:
    guide = guide_copy / GUIDE
    _replace(guide, "    title: 什么是 eSIM？", "    title: [unclosed")
    line = _line_of(guide, "[unclosed")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(guide_copy), "-o", str(out))
    assert result.exit_code == 1
    # The parser sees the flow sequence unclosed on the next line, at the ':' of "summary:"
    assert f"esim-cancel/guide.yaml:{line + 1}:" in result.stderr, result.stderr
    assert "invalid YAML" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("esim-cancel-*.pdf"))  # the library's other guides still build


def test_check_reports_every_field_error_at_once(guide_copy: Path) -> None:
    guide = guide_copy / GUIDE
    _replace(guide, "    title: 什么是 eSIM？", "    titel: 什么是 eSIM？")
    _replace(guide, "        kind: warning", "        kind: danger")
    _replace(guide, 'revision: "2026-11-25"', 'revision: "25.11.2026"')
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) >= 4, result.stderr
    text = result.stderr
    assert (
        f"guide.yaml:{_line_of(guide, 'titel:')}:5: blocks[0].titel: unknown key 'titel' (did you mean 'title'?)"
        in text
    )
    assert "blocks[0].title: required key 'title' is missing" in text
    assert f"guide.yaml:{_line_of(guide, 'kind: danger')}" in text and "blocks[2].blocks[1].kind" in text
    assert f"guide.yaml:{_line_of(guide, 'revision:')}:1: revision: must be a date written as YYYY-MM-DD" in text
    lines = [int(line.split("guide.yaml:")[1].split(":")[0]) for line in errors if "guide.yaml:" in line]
    assert lines == sorted(lines), "errors must come in file order"


def test_empty_procedure_is_an_error(guide_copy: Path) -> None:
    guide = guide_copy / GUIDE
    text = guide.read_text(encoding="utf-8")
    start = text.index("          - id: hotline")
    end = text.index("          - id: web")
    guide.write_text(
        text[:start] + "          - id: hotline\n            title: 热线\n            steps: []\n" + text[end:],
        encoding="utf-8",
    )
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert "options[1].steps: needs at least 1 item(s)" in result.stderr


def test_unknown_placeholder_is_an_error(guide_copy: Path) -> None:
    guide = guide_copy / GUIDE
    _replace(guide, "选择要注销的号码。", "选择要注销的 {number}。")
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert f"guide.yaml:{_line_of(guide, '{number}')}" in result.stderr
    assert "unknown parameter '{number}'" in result.stderr


def test_missing_translation_falls_back_and_is_reported(guide_copy: Path, tmp_path: Path) -> None:
    po = guide_copy / EN_PO
    _replace(po, 'msgstr "Choose the number to cancel."', 'msgstr ""')
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(guide_copy), "--lang", "en", "--format", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "1 string(s) in the source language: cancel.ways.app.steps.3.text (missing)" in result.stderr
    assert "选择要注销的号码。" in pdftotext(out / "en" / "esim-cancel-handout.pdf")

    strict = run_cli("build", "--content", str(guide_copy), "--lang", "en", "--format", "handout",
                     "--strict", "-o", str(tmp_path / "strict"))
    assert strict.exit_code == 1
    assert "cancel.ways.app.steps.3.text" in strict.stderr
    assert not (tmp_path / "strict" / "en" / "esim-cancel-handout.pdf").exists()


def test_untranslated_checklist_item_warns(guide_copy: Path, tmp_path: Path) -> None:
    po = guide_copy / EN_PO
    _replace(po, 'msgstr "Unlink the number from social apps"', 'msgstr ""')
    result = run_cli("build", "--content", str(guide_copy), "--lang", "en", "--format", "checklist",
                     "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "warning: en/esim-cancel-checklist: safety-relevant text 'checklist.before.items.3.text'" in result.stderr


def test_translation_with_wrong_placeholder(guide_copy: Path) -> None:
    po = guide_copy / EN_PO
    _replace(po, "Download the {provider} app", "Download the {provder} app")
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    entry = _line_of(po, 'msgctxt "cancel.ways.app.steps.1.text"') + 1  # Babel places an entry at its msgid
    assert (f"en.po:{entry}: cancel.ways.app.steps.1.text: translation must use the placeholders ['provider'], "
            "not ['provder']") in result.stderr


def test_a_plural_entry_is_named_by_its_texts_not_as_a_python_tuple(guide_copy: Path) -> None:
    """Babel gives a plural entry's id as a tuple: check names it as its two texts, with its line."""
    po = guide_copy / EN_PO
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "one thing"\nmsgid_plural "many things"\n'
                  'msgstr[0] "one thing"\nmsgstr[1] "many things"\n', encoding="utf-8")
    line = _line_of(po, 'msgid "one thing"')
    result = run_cli("check", "--content", str(guide_copy))
    assert (f"en.po:{line}: plural entry 'one thing' / 'many things': guides have no plural strings, so it is "
            "never used") in result.stderr, result.stderr
    assert "('one thing'" not in result.output


def test_broken_po_file_names_line(guide_copy: Path) -> None:
    po = guide_copy / EN_PO
    _replace(po, 'msgstr "Submit the request."', 'msgstr "Submit the request.')
    line = _line_of(po, 'msgstr "Submit the request.')
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert f"en.po:{line}: invalid PO file" in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_one_broken_guide_does_not_stop_the_others(content_copy: Path, tmp_path: Path) -> None:
    broken = content_copy / "broken-guide"
    broken.mkdir()
    (broken / "guide.yaml").write_text("id: broken-guide\ntitle: x\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "--lang", "en", "-o", str(out))
    assert result.exit_code == 1
    assert "broken-guide/guide.yaml" in result.stderr
    assert (out / "en" / "esim-cancel-handout.pdf").is_file()
    assert (out / "en" / "number-safety-handout.pdf").is_file()
    good = [p.name for p in content_copy.iterdir() if (p / "guide.yaml").is_file() and p != broken]
    assert f"{2 * len(good)} built, 0 up to date, 1 failed" in result.stdout  # both formats of every good guide


def test_source_language_uses_the_one_tag_grammar(guide_copy: Path) -> None:
    """A tag the language matcher would refuse later is refused where it is written, with its line."""
    guide = guide_copy / GUIDE
    _replace(guide, "source_language: zh-CN", "source_language: de-1996")
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    line = _line_of(guide, "source_language:")
    assert f"esim-cancel/guide.yaml:{line}:1: source_language: 'de-1996' is not a language tag" in result.stderr
    assert "Traceback" not in result.output
