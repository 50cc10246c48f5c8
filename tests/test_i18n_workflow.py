"""extract → init → update (fuzzy on change, obsolete on removal) → status, through the CLI."""

from __future__ import annotations

from pathlib import Path

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from conftest import own_template_catalog, pdftotext, run_cli


def _read(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as stream:
        return read_po(stream)


def test_extract_writes_templates(content_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    result = run_cli("i18n", "extract", "--content", str(content_copy), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    pot = _read(content_copy / "esim-cancel" / "locales" / "messages.pot")
    assert pot.get("选择要注销的号码。", context="cancel.ways.app.steps.3.text") is not None
    ui = _read(templates / "locales" / "messages.pot")
    assert ui.get("Page {page} of {pages}") is not None


def test_init_then_status(content_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    result = run_cli("i18n", "init", "--lang", "pt-br", "--content", str(content_copy), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    catalog = _read(content_copy / "esim-cancel" / "locales" / "pt-BR.po")
    assert str(catalog.locale) == "pt_BR"
    assert catalog.plural_forms == get_plural("pt_BR").plural_forms  # CLDR's rule, as Babel has it
    assert (templates / "locales" / "pt-BR.po").is_file()

    status = run_cli("i18n", "status", "--content", str(content_copy), "--templates", str(templates))
    assert status.exit_code == 0
    assert any(line.split()[:2] == ["esim-cancel", "pt-BR"] and line.endswith("0.0%")
               for line in status.stdout.splitlines())
    gate = run_cli("i18n", "status", "--content", str(content_copy), "--min-percent", "100")
    assert gate.exit_code == 1
    assert "esim-cancel pt-BR" in gate.stderr

    again = run_cli("i18n", "init", "--lang", "pt-BR", "--content", str(content_copy), "--templates", str(templates))
    assert "exists" in again.stdout


def test_update_marks_changed_fuzzy_and_removed_obsolete(content_copy: Path) -> None:
    guide = content_copy / "esim-cancel" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    text = text.replace("选择要注销的号码。", "选择你要注销的那个号码。")
    text = text.replace("              - 提交申请。\n", "")
    text = text.replace("        - 备份联系人和短信\n", "        - 备份联系人和短信\n        - 关闭自动续费\n")
    guide.write_text(text, encoding="utf-8")

    result = run_cli("i18n", "update", "--content", str(content_copy))
    assert result.exit_code == 0, result.output
    po = content_copy / "esim-cancel" / "locales" / "en.po"
    catalog = _read(po)
    changed = catalog.get("选择你要注销的那个号码。", context="cancel.ways.app.steps.3.text")
    assert changed.fuzzy and changed.string == "Choose the number to cancel."
    assert '#| msgid "选择要注销的号码。"\nmsgctxt "cancel.ways.app.steps.3.text"' in po.read_text(encoding="utf-8")
    # A new item shifts the positions of the items after it; they keep their
    # translations because their text did not change.
    new = catalog.get("关闭自动续费", context="checklist.before.items.2.text")
    assert not new.string
    moved = catalog.get("在支付和银行 App 里解绑这个号码", context="checklist.before.items.3.text")
    assert moved.string == "Unlink the number from payment and banking apps" and not moved.fuzzy
    assert '#~ msgid "提交申请。"' in po.read_text(encoding="utf-8")
    assert "en.po: 1 new, 1 changed (fuzzy), 1 obsolete" in result.stdout

    status = run_cli("i18n", "status", "--content", str(content_copy))
    row = next(line for line in status.stdout.splitlines() if line.split()[:2] == ["esim-cancel", "en"])
    assert row.split()[3] != "0"  # fuzzy count

    build = run_cli("build", "--content", str(content_copy), "--lang", "en", "--format", "handout",
                    "--strict", "-o", str(content_copy.parent / "out"))
    assert build.exit_code == 1
    assert "cancel.ways.app.steps.3.text" in build.stderr

    # A second update changes nothing, and keeps the obsolete entries.
    again = run_cli("i18n", "update", "--content", str(content_copy)).stdout.splitlines()
    assert again and all(line.startswith("unchanged ") for line in again), again
    assert '#~ msgid "提交申请。"' in po.read_text(encoding="utf-8")


def test_template_string_with_wrong_placeholders_is_neither_counted_nor_printed(content_copy: Path,
                                                                              tmp_path: Path) -> None:
    """One rule decides: a translation the renderer will not print is not counted as done either."""
    own_template_catalog(content_copy, "fr", "Revised {date}", "Mise à jour : {jour}")
    status = run_cli("i18n", "status", "--content", str(content_copy))
    row = next(line.split() for line in status.stdout.splitlines() if line.split()[:2] == ["(templates)", "fr"])
    assert row[-1] != "100.0%" and row[4] == "1", row  # one untranslated
    out = tmp_path / "out"
    build = run_cli("build", "--content", str(content_copy), "-l", "fr", "-f", "checklist", "-o", str(out))
    assert "template strings not translated: Revised {date}" in build.stderr
    assert "{jour}" not in pdftotext(out / "fr" / "esim-cancel-checklist.pdf")
