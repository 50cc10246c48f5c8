"""The review workflow: the bilingual review sheet, the reviewed mark and its reset, --require-reviewed,
reviewed % in status, and the glossary check. Translations are read from the catalogs, never written here."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from babel.messages.pofile import read_po
from pypdf import PdfReader

from conftest import pdftotext, run_cli, squeeze, struct_langs
from generator.content.languages import english_name
from generator.content.messages import iter_messages
from generator.i18n.catalogs import catalog_bytes
from generator.i18n.library import load_library

GUIDE = "esim-cancel"


def _catalog(content: Path, language: str):  # type: ignore[no-untyped-def]
    with (content / GUIDE / "locales" / f"{language}.po").open("rb") as stream:
        return read_po(stream)


def _set_translation(content: Path, language: str, context: str, text: str) -> None:
    """Change one msgstr of a copy, as a translator's editor would."""
    path = content / GUIDE / "locales" / f"{language}.po"
    catalog = _catalog(content, language)
    entry = next(m for m in catalog if m.context == context)
    entry.string = text
    path.write_bytes(catalog_bytes(catalog))


def _messages(content: Path):  # type: ignore[no-untyped-def]
    return list(iter_messages(load_library(content).guides[GUIDE].guide))


def _words(pdf: Path) -> list[tuple[str, float, float, int]]:
    """(word, xMin, xMax, page) of every word."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    words = []
    for number, page in enumerate(html.split("<page ")[1:], 1):
        words += [(w, float(x0), float(x1), number) for x0, x1, w in
                  re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]
    return words


def _langs(pdf: Path) -> set[str]:
    return {lang for lang, _ in struct_langs(pdf)}


def _comparable(arabic_word: str) -> bool:
    """A word pdftotext gives back as written: no lam ligature, no vowel mark."""
    return not re.search("ل[اأإآى]|[\u064b-\u065f\u0670]", arabic_word)


def _sheet(content: Path, language: str, out: Path) -> Path:
    """The review sheet of the guide under test (GUIDE) in ``language``."""
    result = run_cli("i18n", "review", GUIDE, "--lang", language, "--content", str(content), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out / f"review-{language}.pdf"


def test_review_sheet_shows_every_string_beside_its_source(guide_copy: Path, tmp_path: Path) -> None:
    catalog = _catalog(guide_copy, "zh-TW")
    messages = _messages(guide_copy)
    fuzzy, untranslated = messages[5], messages[6]
    _set_translation(guide_copy, "zh-TW", untranslated.context, "")
    po = guide_copy / GUIDE / "locales" / "zh-TW.po"
    text = po.read_text(encoding="utf-8")
    entry = f'msgctxt "{fuzzy.context}"\nmsgid "{fuzzy.source}"'
    assert entry in text
    po.write_text(text.replace(entry, f'#, fuzzy\n#| msgid "舊的原文"\n{entry}'), encoding="utf-8")

    pdf = _sheet(guide_copy, "zh-TW", tmp_path)
    info = PdfReader(pdf)
    assert info.metadata.title == f"Translation review: {english_name('zh-TW')} (zh-TW)"
    text = squeeze(pdftotext(pdf))
    for message in messages:
        assert squeeze(message.context) in text
        assert squeeze(message.source) in text
        translated = catalog.get(message.source, context=message.context).string
        if message is not untranslated:
            assert squeeze(translated) in text, message.context
    # where each string prints, safety marks, states, the previous source of a fuzzy entry
    assert text.count("⚠Safety") == sum(m.critical for m in messages) + 1  # + the legend
    assert "checklist·line" in text and "handout·line" in text
    assert "Fuzzy" in text and "Translatedfromtheearliersource:舊的原文" in text
    assert "Untranslated" in text and "Nottranslated:thesourceprintsinstead." in text
    # the template strings, with where they print, and the sign-off block
    assert "Page{page}of{pages}" in text and "everydocument" in text
    assert "Reviewer’sname" in text and "Signature" in text
    assert {"zh-CN", "zh-TW"} <= _langs(pdf)


def test_arabic_sheet_sets_translations_right_to_left(guide_copy: Path, tmp_path: Path) -> None:
    pdf = _sheet(guide_copy, "ar", tmp_path)
    catalog = _catalog(guide_copy, "ar")
    messages = _messages(guide_copy)
    # pdftotext gives Arabic in visual runs, lam-alef ligatures decomposed and vowel marks out of place:
    # compare word by word, leaving out the words with a ligature of lam or a vowel mark.
    printed = set(re.findall(r"[\u0621-\u064a]+", re.sub(r"[\u202a-\u202e]", "", pdftotext(pdf))))
    compared: list[str] = []
    for message in messages:
        translation = str(catalog.get(message.source, context=message.context).string)
        words = {w for w in re.findall(r"[\u0621-\u065f\u0670]+", translation) if _comparable(w)}
        assert words <= printed, (message.context, words - printed)
        compared += words
    assert len(compared) > 5 * len(messages)
    assert "ar" in _langs(pdf) and "zh-CN" in _langs(pdf)
    # The shortest one-word translation: right-aligned in its cell (its right edge at the column's right edge,
    # far from the column's start), where a left-to-right cell would start it at the column's left edge.
    shortest = min((text for m in messages for text in [str(catalog.get(m.source, context=m.context).string)]
                    if re.fullmatch(r"[\u0621-\u064a]+", text) and _comparable(text)), key=len)
    width = float(PdfReader(pdf).pages[0].mediabox.width)
    right_margin = width - 14 / 25.4 * 72
    placed = [(x0, x1) for word, x0, x1, _ in _words(pdf) if word in (shortest, shortest[::-1])]  # -bbox: visual order
    assert placed, shortest
    x0, x1 = placed[0]
    assert right_margin - 10 < x1 <= right_margin and x0 > width * 0.75, (shortest, x0, x1)
    # … and the same column in a left-to-right sheet starts on the left
    zh_tw = _catalog(guide_copy, "zh-TW")
    ltr = _sheet(guide_copy, "zh-TW", tmp_path / "ltr")
    title = str(zh_tw.get(messages[0].source, context=messages[0].context).string)[:2]
    starts = [x0 for word, x0, _, _ in _words(ltr) if word.startswith(title)]
    assert starts and min(starts) < width * 0.65


def _mark_lines(po: Path) -> list[str]:
    return [line for line in po.read_text(encoding="utf-8").splitlines() if line.startswith("# reviewed:")]


def _status_row(content: Path, language: str) -> list[str]:
    status = run_cli("i18n", "status", "--content", str(content))
    assert status.exit_code == 0, status.output
    return next(line.split() for line in status.stdout.splitlines() if line.split()[:2] == [GUIDE, language])


def test_reviewed_mark_is_recorded_and_lapses_when_source_or_translation_change(guide_copy: Path) -> None:
    messages = _messages(guide_copy)
    total = len(messages)
    po = guide_copy / GUIDE / "locales" / "en.po"
    first, second = messages[1], messages[2]
    result = run_cli("i18n", "reviewed", "--lang", "en", "--id", first.context, "--id", second.context,
                     "--by", "Ana Ruiz", "--date", "2026-11-30", "--content", str(guide_copy))
    assert result.exit_code == 0, result.output
    text = po.read_text(encoding="utf-8")
    assert re.search(rf'# reviewed: 2026-11-30, source [0-9a-f]{{8}}, translation [0-9a-f]{{8}}, Ana Ruiz\n'
                     rf'(#.*\n)*msgctxt "{re.escape(first.context)}"', text)
    assert len(_mark_lines(po)) == 2
    assert _status_row(guide_copy, "en")[-1] == f"{100 * 2 / total:.1f}%"

    # unchanged: `i18n update` keeps the marks, byte for byte
    update = run_cli("i18n", "update", "--content", str(guide_copy))
    assert update.exit_code == 0 and po.read_text(encoding="utf-8") == text

    # a translator edits one msgstr: that mark no longer counts, and update drops it
    _set_translation(guide_copy, "en", first.context, "Something else entirely")
    assert _status_row(guide_copy, "en")[-1] == f"{100 * 1 / total:.1f}%"
    run_cli("i18n", "update", "--content", str(guide_copy))
    assert len(_mark_lines(po)) == 1

    # the source changes: the entry becomes fuzzy and loses its mark
    guide = guide_copy / GUIDE / "guide.yaml"
    yaml_text = guide.read_text(encoding="utf-8")
    assert second.source.split("\n")[0] in yaml_text
    guide.write_text(yaml_text.replace(second.source, second.source + "（新）", 1), encoding="utf-8")
    run_cli("i18n", "update", "--content", str(guide_copy))
    assert _mark_lines(po) == []
    assert _status_row(guide_copy, "en")[-1] == "0.0%"


def test_reviewed_refuses_unknown_ids_and_needs_a_name(guide_copy: Path) -> None:
    po = guide_copy / GUIDE / "locales" / "fr.po"
    before = po.read_bytes()
    result = run_cli("i18n", "reviewed", "--lang", "fr", "--id", "no.such.id", "--by", "X", "--content",
                     str(guide_copy))
    assert result.exit_code == 1 and "no.such.id" in result.stderr and "Traceback" not in result.output
    assert run_cli("i18n", "reviewed", "--lang", "fr", "--all", "--content", str(guide_copy)).exit_code == 2
    assert po.read_bytes() == before


def test_require_reviewed_refuses_then_builds_after_the_review(guide_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", "--content", str(guide_copy), "-l", "vi", "-f", "checklist", "-o", str(out),
            "--require-reviewed")
    refused = run_cli(*args)
    assert refused.exit_code == 1
    checklist_ids = [m.context for m in _messages(guide_copy) if m.path[0] == "checklist"]
    assert f"{GUIDE} vi checklist" in refused.stderr
    assert all(context in refused.stderr for context in checklist_ids)
    assert not out.exists()

    # the reviewer did not tick one checklist item: still refused, naming only that one
    marked = run_cli("i18n", "reviewed", "--lang", "vi", "--all", "--except", checklist_ids[-1], "--by", "Lê Hoa",
                     "--content", str(guide_copy))
    assert marked.exit_code == 0, marked.output
    again = run_cli(*args)
    assert again.exit_code == 1 and checklist_ids[-1] in again.stderr and checklist_ids[0] not in again.stderr

    last = run_cli("i18n", "reviewed", "--lang", "vi", "--id", checklist_ids[-1], "--by", "Lê Hoa",
                   "--content", str(guide_copy))
    assert last.exit_code == 0, last.output
    built = run_cli(*args)
    assert built.exit_code == 0, built.output
    assert (out / "vi" / f"{GUIDE}-checklist.pdf").is_file()


def test_glossary_warns_on_a_wrong_term_only(guide_copy: Path) -> None:
    balance = next(m for m in _messages(guide_copy) if m.context == "before.tasks.items.balance.title")
    (guide_copy / GUIDE / "glossary.yaml").write_text(
        "terms:\n  eSIM: do-not-translate\n  余额:\n    en: balance\n", encoding="utf-8")
    _set_translation(guide_copy, "en", balance.context, "Settle your balance")
    quiet = run_cli("check", "--content", str(guide_copy))
    assert quiet.exit_code == 0 and "glossary" not in quiet.output, quiet.output

    _set_translation(guide_copy, "en", balance.context, "Pay what you owe")
    what = next(m for m in _messages(guide_copy) if m.context == "what.title")
    _set_translation(guide_copy, "en", what.context, "What is an e-SIM?")
    warned = run_cli("check", "--content", str(guide_copy))
    line = next(m.lineno for m in _catalog(guide_copy, "en") if m.context == balance.context)
    assert (f"en.po:{line}: {balance.context}: glossary term '余额' (" in warned.stderr
            and "should be translated as 'balance'" in warned.stderr), warned.output
    assert f"{what.context}: glossary term 'eSIM'" in warned.stderr
    assert "glossary.yaml:3)" in warned.stderr  # the line of the term


def test_broken_glossary_is_an_error_with_its_line(guide_copy: Path) -> None:
    (guide_copy / "glossary.yaml").write_text(
        "source_language: zh-CN\nterms:\n  eSIM: keep-as-is\n  余额:\n    english!: balance\n", encoding="utf-8")
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert "glossary.yaml:3:3: terms.eSIM: expected 'do-not-translate'" in result.stderr
    assert "glossary.yaml:4:3: terms.余额: 'english!' is not a language tag" in result.stderr
    assert "Traceback" not in result.output
