"""extract → init → update (fuzzy on change, obsolete on removal) → status, through the CLI."""

from __future__ import annotations

import difflib
from pathlib import Path

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from conftest import CONTENT, own_template_catalog, pdftotext, run_cli


def _read(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as stream:
        return read_po(stream)


def test_extract_writes_templates(guide_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    result = run_cli("i18n", "extract", "--content", str(guide_copy), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    pot = _read(guide_copy / "esim-cancel" / "locales" / "messages.pot")
    assert pot.get("选择要注销的号码。", context="cancel.ways.app.steps.3.text") is not None
    ui = _read(templates / "locales" / "messages.pot")
    assert ui.get("Page {page} of {pages}") is not None


def test_init_then_status(guide_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    result = run_cli("i18n", "init", "--lang", "nl-be", "--content", str(guide_copy), "--templates", str(templates))
    assert result.exit_code == 0, result.output
    catalog = _read(guide_copy / "esim-cancel" / "locales" / "nl-BE.po")
    assert str(catalog.locale) == "nl_BE"
    assert catalog.plural_forms == get_plural("nl_BE").plural_forms  # CLDR's rule, as Babel has it
    assert (templates / "locales" / "nl-BE.po").is_file()

    status = run_cli("i18n", "status", "--content", str(guide_copy), "--templates", str(templates))
    assert status.exit_code == 0
    assert any(line.split()[:2] == ["esim-cancel", "nl-BE"] and line.endswith("0.0%")
               for line in status.stdout.splitlines())
    gate = run_cli("i18n", "status", "--content", str(guide_copy), "--min-percent", "100")
    assert gate.exit_code == 1
    assert "esim-cancel nl-BE" in gate.stderr

    again = run_cli("i18n", "init", "--lang", "nl-BE", "--content", str(guide_copy), "--templates", str(templates))
    assert "exists" in again.stdout


def test_update_marks_changed_fuzzy_and_removed_obsolete(guide_copy: Path) -> None:
    guide = guide_copy / "esim-cancel" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    text = text.replace("选择要注销的号码。", "选择你要注销的那个号码。")
    text = text.replace("              - 提交申请。\n", "")
    text = text.replace("        - 备份联系人和短信\n", "        - 备份联系人和短信\n        - 关闭自动续费\n")
    guide.write_text(text, encoding="utf-8")

    result = run_cli("i18n", "update", "--content", str(guide_copy))
    assert result.exit_code == 0, result.output
    po = guide_copy / "esim-cancel" / "locales" / "en.po"
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

    status = run_cli("i18n", "status", "--content", str(guide_copy))
    row = next(line for line in status.stdout.splitlines() if line.split()[:2] == ["esim-cancel", "en"])
    assert row.split()[3] != "0"  # fuzzy count

    build = run_cli("build", "--content", str(guide_copy), "--lang", "en", "--format", "handout",
                    "--strict", "-o", str(guide_copy.parent / "out"))
    assert build.exit_code == 1
    assert "cancel.ways.app.steps.3.text" in build.stderr

    # A second update changes nothing, and keeps the obsolete entries.
    again = run_cli("i18n", "update", "--content", str(guide_copy)).stdout.splitlines()
    assert again and all(line.startswith("unchanged ") for line in again), again
    assert '#~ msgid "提交申请。"' in po.read_text(encoding="utf-8")


def test_template_string_with_wrong_placeholders_is_neither_counted_nor_printed(guide_copy: Path,
                                                                              tmp_path: Path) -> None:
    """One rule decides: a translation the renderer will not print is not counted as done either."""
    own_template_catalog(guide_copy, "fr", "Revised {date}", "Mise à jour : {jour}")
    status = run_cli("i18n", "status", "--content", str(guide_copy))
    row = next(line.split() for line in status.stdout.splitlines() if line.split()[:2] == ["(templates)", "fr"])
    assert row[-1] != "100.0%" and row[4] == "1", row  # one untranslated
    out = tmp_path / "out"
    build = run_cli("build", "--content", str(guide_copy), "-l", "fr", "-f", "checklist", "-o", str(out))
    assert "template strings not translated: Revised {date}" in build.stderr
    assert "{jour}" not in pdftotext(out / "fr" / "esim-cancel-checklist.pdf")


def _edit_po(po: Path, context: str, msgstr: str) -> int:
    """Set the translation of ``context``; the line number of its entry (Babel places it at the msgid)."""
    lines = po.read_text(encoding="utf-8").splitlines()
    at = lines.index(f'msgctxt "{context}"')
    end = at + 2
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    lines[at + 2:end] = [f'msgstr "{msgstr}"']
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 2


def test_invalid_translation_is_an_error_with_its_code_point(guide_copy: Path, tmp_path: Path) -> None:
    """A private-use character is not 'untranslated': check and build name the file, line and code point."""
    po = guide_copy / "esim-cancel" / "locales" / "en.po"
    line = _edit_po(po, "checklist.title", "Cancel the {provider} \U000f0041 line")
    check = run_cli("check", "--content", str(guide_copy))
    assert check.exit_code == 1
    assert f"en.po:{line}: checklist.title: translation contains U+F0041" in check.stderr
    out = tmp_path / "out"
    build = run_cli("build", "--content", str(guide_copy), "-l", "en", "-f", "checklist", "-o", str(out))
    assert build.exit_code == 1
    assert f"en.po:{line}: checklist.title: translation contains U+F0041" in build.stderr
    assert not (out / "en" / "esim-cancel-checklist.pdf").exists()  # never a Chinese title in an English checklist


def test_todo_lists_what_is_left_with_file_and_line(guide_copy: Path) -> None:
    po = guide_copy / "esim-cancel" / "locales" / "fr.po"
    _edit_po(po, "cancel.ways.web.steps.2.text", "")
    guide = guide_copy / "esim-cancel" / "guide.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("选择要注销的号码。", "选择你要注销的那个号码。"),
                     encoding="utf-8")
    assert "the source text changed (was: 选择要注销的号码。; now: 选择你要注销的那个号码。)" in run_cli(
        "check", "--content", str(guide_copy)).stderr
    assert run_cli("i18n", "update", "--content", str(guide_copy)).exit_code == 0
    untranslated = po.read_text(encoding="utf-8").splitlines().index('msgctxt "cancel.ways.web.steps.2.text"') + 2
    todo = run_cli("i18n", "todo", "--content", str(guide_copy), "-l", "fr")
    assert todo.exit_code == 1
    lines = todo.stdout.splitlines()
    assert len(lines) == 2 and all("/fr.po:" in line for line in lines), lines
    assert any(f"fr.po:{untranslated}: cancel.ways.web.steps.2.text: 登录你的账户。  [untranslated]" in line
               for line in lines)
    assert any("cancel.ways.app.steps.3.text: 选择你要注销的那个号码。  [fuzzy: check the translation against the new "
               "source (it was: 选择要注销的号码。)]" in line for line in lines)
    done = run_cli("i18n", "todo", "--content", str(CONTENT))
    assert done.exit_code == 0 and done.stdout == ""


def test_update_keeps_untouched_entries_byte_identical(guide_copy: Path) -> None:
    """A translator's tool wraps its own way: only the entries that change may be rewritten."""
    po = guide_copy / "esim-cancel" / "locales" / "en.po"
    text = po.read_text(encoding="utf-8")
    # The summary as Poedit might write it (one long line, no wrapping), and a header Babel did not write.
    at = text.index('msgctxt "summary"')
    end = text.index("\n\n", at)
    entry = text[at:end].splitlines()
    joined = "".join(line.strip()[1:-1] for line in entry[3:]) if entry[2] == 'msgstr ""' else None
    assert joined
    text = text[:at] + "\n".join(entry[:2] + [f'msgstr "{joined}"']) + text[end:]
    text = text.replace("Generated-By: Babel", "Generated-By: Poedit and Babel")
    po.write_text(text, encoding="utf-8")
    guide = guide_copy / "esim-cancel" / "guide.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("选择要注销的号码。", "选择你要注销的那个号码。"),
                     encoding="utf-8")
    assert run_cli("i18n", "update", "--content", str(guide_copy)).exit_code == 0
    after = po.read_text(encoding="utf-8")
    assert f'msgstr "{joined}"' in after and "Generated-By: Poedit and Babel" in after
    changed = [line for line in difflib.unified_diff(text.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed and all(
        "选择" in line or line in ("+#, fuzzy", '+#| msgid "选择要注销的号码。"') for line in changed
    ), changed


def test_update_fills_new_strings_from_translation_memory(guide_copy: Path) -> None:
    """A text already translated in the same language elsewhere (another guide) comes in fuzzy, saying where from."""
    import shutil

    second = guide_copy / "second"
    shutil.copytree(guide_copy / "esim-cancel", second)
    (second / "guide.yaml").write_text((second / "guide.yaml").read_text(encoding="utf-8").replace(
        "id: esim-cancel", "id: second"), encoding="utf-8")
    po = second / "locales" / "fr.po"
    _edit_po(po, "what.title", "")  # as if this string had just been added to the second guide
    lines = po.read_text(encoding="utf-8").splitlines()
    at = lines.index('msgctxt "what.title"')
    del lines[at - 1:at + 3]  # gone from the catalog altogether
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("i18n", "update", "--content", str(guide_copy))
    assert "second/locales/fr.po: 1 new (1 from translation memory, fuzzy)" in result.stdout, result.stdout
    catalog = _read(po)
    entry = catalog.get("什么是 eSIM？", context="what.title")
    assert entry.fuzzy and entry.string == _read(guide_copy / "esim-cancel" / "locales" / "fr.po").get(
        "什么是 eSIM？", context="what.title").string
    assert "translation memory:" in po.read_text(encoding="utf-8") and "esim-cancel/locales/fr.po" in po.read_text(
        encoding="utf-8")


def test_bidi_override_in_a_translation_is_refused_and_isolates_are_not(guide_copy: Path, tmp_path: Path) -> None:
    """U+202E prints the rest of the line reversed ("+1 555" as "555 1+"); an isolate only keeps a run's direction."""
    po = guide_copy / "esim-cancel" / "locales" / "en.po"
    for char in ("\u202e", "\u202a", "\u206b"):
        line = _edit_po(po, "checklist.title", f"Cancel the {{provider}} {char}line")
        check = run_cli("check", "--content", str(guide_copy))
        assert check.exit_code == 1, check.output
        assert f"en.po:{line}: checklist.title: translation contains U+{ord(char):04X}" in check.stderr
        assert "reorders the printed text" in check.stderr
    out = tmp_path / "out"
    build = run_cli("build", "--content", str(guide_copy), "-l", "en", "-f", "checklist", "-o", str(out))
    assert build.exit_code == 1 and f"en.po:{line}: checklist.title" in build.stderr
    assert not (out / "en" / "esim-cancel-checklist.pdf").exists()
    _edit_po(po, "checklist.title", "Cancel the \u2068{provider}\u2069 eSIM line")
    check = run_cli("check", "--content", str(guide_copy))
    assert check.exit_code == 0 and "checklist.title" not in check.stderr, check.stderr


def test_bidi_override_in_source_text_is_refused_with_its_yaml_line(guide_copy: Path) -> None:
    guide = guide_copy / "esim-cancel" / "guide.yaml"
    lines = guide.read_text(encoding="utf-8").splitlines()
    at = next(n for n, row in enumerate(lines) if row.startswith("title:"))
    lines[at] = 'title: "Call \u202e9910-555 (008) 1+"'
    guide.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = run_cli("check", "--content", str(guide_copy))
    assert check.exit_code == 1 and "U+202E" in check.output and f"guide.yaml:{at + 1}" in check.output, check.output


def test_a_translation_may_not_add_a_contact_point(guide_copy: Path) -> None:
    """Issue 26 finding 1: each of these passed check and was printed; now each is an error at its PO line."""
    po = guide_copy / "esim-cancel" / "locales" / "en.po"
    for added in ("write to help@heyon-support.example", "heyon-support.example/ayuda", "bit.ly/x",
                  "t.me/heyon_help", "wa.me/15550100", "h\u0435yon.example", "xn--hyon-support.example",
                  "Telegram: heyon_help", "@heyon_help"):
        line = _edit_po(po, "checklist.title", f"Cancel the {{provider}} eSIM line, {added}")
        check = run_cli("check", "--content", str(guide_copy))
        assert check.exit_code == 1, (added, check.output)
        assert f"en.po:{line}: checklist.title" in check.stderr, (added, check.stderr)
        assert "add no address" in check.stderr or "is not an official link" in check.stderr, added
    _edit_po(po, "checklist.title", "Cancel the {provider} eSIM line, e.g. at 10.30 (v1.2)")
    assert run_cli("check", "--content", str(guide_copy)).exit_code == 0


def test_a_translation_may_not_add_a_phone_number(guide_copy: Path, tmp_path: Path) -> None:
    """Issue 26 finding 1: '+1 (800) 555-0199' in a translation passed check and was printed. Now every form is an
    error at its PO line, the national ones in the translation's region (en: US, fr: FR), and build refuses it."""
    locales = guide_copy / "esim-cancel" / "locales"
    for po, added, e164 in ((locales / "en.po", "+1 (800) 555-0199", "+18005550199"),
                            (locales / "en.po", "+44 20 7946 0958", "+442079460958"),
                            (locales / "en.po", "(800) 555-0199", "+18005550199"),
                            (locales / "en.po", "+١ ٨٠٠ ٥٥٥ ٠١٩٩", "+18005550199"),  # Arabic-Indic digits
                            (locales / "fr.po", "01 99 00 12 34", "+33199001234")):
        original = po.read_text(encoding="utf-8")
        line = _edit_po(po, "checklist.title", f"Cancel the {{provider}} eSIM number, call {added}")
        check = run_cli("check", "--content", str(guide_copy))
        assert check.exit_code == 1, (added, check.output)
        assert f"{po.name}:{line}: checklist.title: translation adds the phone number" in check.stderr, check.stderr
        assert e164 in check.stderr, (added, check.stderr)
        po.write_text(original, encoding="utf-8")
    # build refuses it too, a national form included (en: the US)
    line = _edit_po(locales / "en.po", "checklist.title", "Cancel the {provider} eSIM line, call (800) 555-0199")
    out = tmp_path / "out"
    build = run_cli("build", "esim-cancel", "--content", str(guide_copy), "-l", "en", "-f", "checklist",
                    "-o", str(out))
    assert build.exit_code == 1
    assert f"en.po:{line}: checklist.title: translation adds the phone number" in build.stderr
    assert not (out / "en" / "esim-cancel-checklist.pdf").exists()
    # dates, times, step counts and percentages are not phone numbers
    _edit_po(locales / "en.po", "checklist.title",
             "Cancel the {provider} eSIM line by 2026-12-07, 10:30 (3 of 12 steps, 95%)")
    assert run_cli("check", "--content", str(guide_copy)).exit_code == 0


def test_source_text_prints_a_phone_number_only_from_a_declared_param(guide_copy: Path, tmp_path: Path) -> None:
    guide = guide_copy / "esim-cancel" / "guide.yaml"
    original = guide.read_text(encoding="utf-8")
    at = original.splitlines().index("  title: 注销不再使用的 {provider} eSIM 号码") + 1
    for typed in ("+1 (800) 555-0199", "138 0013 8000"):  # a national form in the source language's region (CN)
        guide.write_text(original.replace("  title: 注销不再使用的 {provider} eSIM 号码",
                                          f"  title: 注销 {{provider}} eSIM 号码，请拨打 {typed}"), encoding="utf-8")
        check = run_cli("check", "--content", str(guide_copy))
        assert check.exit_code == 1, (typed, check.output)
        assert f"guide.yaml:{at}:3: checklist.title: phone number '{typed}" in check.stderr, check.stderr
        assert "declare it under 'params'" in check.stderr
    declared = original.replace("params:\n  provider: Heyon\n",
                                'params:\n  provider: Heyon\n  support_phone: "+1 (800) 555-0199"\n', 1)
    guide.write_text(declared.replace("  title: 注销不再使用的 {provider} eSIM 号码",
                                      "  title: 注销 {provider} eSIM 号码，请拨打 {support_phone}"), encoding="utf-8")
    po = guide_copy / "esim-cancel" / "locales" / "en.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgid "注销不再使用的 {provider} eSIM 号码"\nmsgstr "Cancel a {provider} eSIM line you no longer use"',
        'msgid "注销 {provider} eSIM 号码，请拨打 {support_phone}"\nmsgstr "Cancel the {provider} eSIM number, call '
        '{support_phone}"'), encoding="utf-8")
    check = run_cli("check", "--content", str(guide_copy))
    assert check.exit_code == 0, check.output
    out = tmp_path / "out"
    build = run_cli("build", "esim-cancel", "--content", str(guide_copy), "-l", "en", "-f", "checklist",
                    "-o", str(out))
    assert build.exit_code == 0, build.output
    assert "call +1 (800) 555-0199" in pdftotext(out / "en" / "esim-cancel-checklist.pdf")
    # the translator types the declared number instead of the placeholder: refused (and the placeholders differ)
    line = _edit_po(po, "checklist.title", "Cancel the {provider} eSIM number, call +1 (800) 555-0199")
    assert f"en.po:{line}: checklist.title: translation" in run_cli("check", "--content", str(guide_copy)).stderr


def test_source_text_may_not_print_an_undeclared_contact_point(guide_copy: Path) -> None:
    guide = guide_copy / "esim-cancel" / "guide.yaml"
    original = guide.read_text(encoding="utf-8")
    lines = original.splitlines()
    at = next(n for n, row in enumerate(lines) if row.startswith("title:"))
    for added in ("help@heyon-support.example", "heyon-support.example/ayuda", "t.me/heyon_help", "x.xn--p1ai"):
        lines[at] = f'title: "Ask at {added} for help."'
        guide.write_text("\n".join(lines) + "\n", encoding="utf-8")
        check = run_cli("check", "--content", str(guide_copy))
        assert check.exit_code == 1 and "is not an official link" in check.output, (added, check.output)
        assert f"guide.yaml:{at + 1}" in check.output, (added, check.output)
