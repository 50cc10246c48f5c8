"""Text extraction in five PDF engines, against Chromium's own PDF of the same strings (issue 27).

The report test extracts every bundled handout and checklist, and the test-only guide of
``tests/fixtures/scripts-guide`` (Hindi, Bengali, Tamil, Thai, Hebrew, Amharic), with poppler, PDFium, MuPDF,
pdf.js and pdfminer, and prints per language and engine the share of translated strings found verbatim
(``tests/extraction.py``), beside the same share for Chromium's ``--print-to-pdf`` of those strings in the same
Noto fonts. It asserts only what holds today; the README's table is its output.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED_DOCUMENTS, CONTENT, FORMATS, ROOT, Built, run_cli
from extraction import (ENGINE_NAMES, ENGINES, Share, chromium_pdf, comparable, extract_many, extract_mupdf,
                        extract_pdfium, extract_pdfjs, extract_pdfminer, extract_poppler, share_found, versions)
from generator.content.messages import iter_messages
from generator.fonts.stacks import font_stack
from generator.i18n.library import load_library
from generator.render.html import prints_message
from generator.render.inline import plain_text

FIXTURE = ROOT / "tests" / "fixtures" / "scripts-guide"
FIXTURE_GUIDE = "library-card"
NEW_SCRIPTS = ("hi", "bn", "ta", "th", "he", "am")  # Devanagari, Bengali, Tamil, Thai, Hebrew, Ethiopic
# Where guidegen falls more than 2 points below Chromium today (issue 27: replacement text per cluster is not
# there yet). Every other language and engine is held to Chromium less 2 points. Arabic is not listed: it is far
# below 90 % outside poppler, but Chromium's own Arabic reads back worse still.
SHORT_TODAY = {
    ("fa", "mupdf"), ("he", "pdfium"), ("he", "mupdf"), ("he", "pdfjs"),  # right-to-left text outside poppler
    ("ta", "mupdf"), ("ta", "pdfjs"), ("ta", "pdfminer"),  # Tamil's vowel signs drawn before or around a letter
    ("th", "poppler"),  # Thai: SARA AM and vowels above come back apart or lost
    ("fr", "poppler"), ("fr", "pdfium"),  # line-end hyphens lost in guidegen's lines, not in Chromium's
}
POPPLER_SHORT_TODAY = ("th",)  # poppler below 95 %
EXTRACTORS = {"poppler": extract_poppler, "pdfium": extract_pdfium, "mupdf": extract_mupdf, "pdfjs": extract_pdfjs,
              "pdfminer": extract_pdfminer}


def printed_strings(content: Path, guide: str, language: str, format_: str) -> list[str]:
    """The guide's strings that a document prints, in its language (template strings aside)."""
    localized = load_library(content).get(guide).localized(language)
    params = localized.guide.params
    return [plain_text(m.source, params) for m in iter_messages(localized.guide) if prints_message(format_, m)]


# --- the measure -----------------------------------------------------------------------------------------------


def test_comparable_drops_white_space_and_format_controls_after_nfkc() -> None:
    assert comparable("a b\u00a0c\nd\te") == "abcde"
    assert comparable("\u2067مرحبا\u2069 \u200fيا\u200e") == "مرحبايا"  # isolates, RLM, LRM
    assert comparable("Ko\u2060rea\u00adnisch") == "Koreanisch"  # word joiner, soft hyphen
    assert comparable("ﬁ １ ﻻ") == "fi1لا"  # NFKC: ligature, full-width digit, presentation form


def test_share_counts_verbatim_strings_and_a_lost_line_end_hyphen_as_a_miss() -> None:
    text = "Connectez\nles appareils. Back up\nyour contacts."
    share, missing = share_found(text, ["Connectez-les appareils.", "Back up your contacts.", "", "Absent."])
    assert (share.found, share.total, share.hyphen_lost) == (1, 3, 1)
    assert missing == ["Connectez-les appareils.", "Absent."]
    assert Share(1, 2, 1) + Share(3, 4) == Share(4, 6, 1) and Share(1, 4).percent == 25.0
    # PDFium writes U+FFFE for a hyphen that ends a line: a miss, counted as a lost hyphen.
    share, _ = share_found("Consultez\ufffe\r\nles d'abord.", ["Consultez-les d'abord."])
    assert (share.found, share.hyphen_lost) == (0, 1)


# --- the fixture guide -----------------------------------------------------------------------------------------


def test_fixture_guide_checks_clean_and_is_complete_in_its_scripts() -> None:
    result = run_cli("check", "--strict", "--content", str(FIXTURE))
    assert result.exit_code == 0, result.output
    library = load_library(FIXTURE)
    assert set(NEW_SCRIPTS) <= set(library.get(FIXTURE_GUIDE).languages)
    for language in NEW_SCRIPTS:
        for format_ in FORMATS:
            assert printed_strings(FIXTURE, FIXTURE_GUIDE, language, format_), (language, format_)


def test_the_setup_installs_the_fonts_of_the_fixture_scripts() -> None:
    """scripts/system_deps.py runs before the venv exists: its test fonts are those the fixture's languages use."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import system_deps
    finally:
        sys.path.pop(0)
    needed = {family for language in NEW_SCRIPTS for family in font_stack(language)} - set(system_deps.FONT_FAMILIES)
    assert needed == set(system_deps.TEST_FONT_FAMILIES)
    assert system_deps.missing(system_deps.TEST) == []


def test_every_engine_reads_an_english_handout(tmp_path: Path) -> None:
    """Each engine is installed and answers: the fixture's English handout (one short page) comes back whole."""
    result = run_cli("build", FIXTURE_GUIDE, "--content", str(FIXTURE), "-l", "en", "-f", "handout",
                     "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "en" / f"{FIXTURE_GUIDE}-handout.pdf"
    strings = printed_strings(FIXTURE, FIXTURE_GUIDE, "en", "handout")
    for engine, extract in EXTRACTORS.items():
        share, missing = share_found(extract(pdf), strings)
        assert share.found == share.total, (engine, missing)


# --- the report ------------------------------------------------------------------------------------------------


def _cell(ours: Share, chromium: Share) -> str:
    return f"{ours.percent:.0f} / {chromium.percent:.0f}"


@pytest.mark.timeout(1200)
def test_extraction_report(built: Built, tmp_path: Path) -> None:
    """The table of the README: per language and engine, guidegen's share / Chromium's share."""
    fixture_out = tmp_path / "scripts-guide"
    result = run_cli("build", "--content", str(FIXTURE), "-o", str(fixture_out), *sum((["-l", tag] for tag in
                     NEW_SCRIPTS), []))
    assert result.exit_code == 0, result.output
    # (language, pdf, strings): every bundled document, then the fixture's.
    documents = [(language, built.pdf(language, format_, guide), printed_strings(CONTENT, guide, language, format_))
                 for guide, language in BUNDLED_DOCUMENTS for format_ in FORMATS]
    documents += [(language, fixture_out / language / f"{FIXTURE_GUIDE}-{format_}.pdf",
                   printed_strings(FIXTURE, FIXTURE_GUIDE, language, format_))
                  for language in NEW_SCRIPTS for format_ in FORMATS]
    languages = list(dict.fromkeys(language for language, _, _ in documents))
    # Chromium's PDF of each language's strings, once each, in the order the documents print them.
    anchors = {language: chromium_pdf(list(dict.fromkeys(s for other, _, strings in documents if other == language
                                                         for s in strings)),
                                      language, tmp_path / f"chromium-{language}.pdf", tmp_path)
               for language in languages}
    ours: dict[tuple[str, str], Share] = {}
    theirs: dict[tuple[str, str], Share] = {}
    misses: dict[tuple[str, str], list[str]] = {}
    for engine in ENGINES:
        texts = extract_many(engine, [pdf for _, pdf, _ in documents])
        anchor_pdfs = [anchors[language] for language in languages]
        anchor_texts = dict(zip(languages, extract_many(engine, anchor_pdfs), strict=True))
        for (language, _, strings), text in zip(documents, texts, strict=True):
            share, missing = share_found(text, strings)
            # Chromium's share over the same list of (document, string): duplicates weigh the same on both sides.
            anchor, _ = share_found(anchor_texts[language], strings)
            key = (language, engine)
            ours[key] = ours.get(key, Share(0, 0)) + share
            theirs[key] = theirs.get(key, Share(0, 0)) + anchor
            misses.setdefault(key, []).extend(missing)

    engine_versions = versions()
    lines = [f"Measured {dt.date.today().isoformat()}: guidegen's share / Chromium's share, % of the translated "
             "strings found verbatim (NFKC, Cf and white space removed).",
             "Engines: " + "; ".join(f"{ENGINE_NAMES[e]} {engine_versions[e]}" if e == "poppler"
                                     else engine_versions[e] for e in ENGINES) + "; " + _chromium_version() + ".",
             "",
             "| language | strings | " + " | ".join(ENGINE_NAMES[e] for e in ENGINES) + " |",
             "|---|---|" + "---|" * len(ENGINES)]
    for language in languages:
        total = ours[(language, ENGINES[0])].total
        lines.append(f"| {language} | {total} | " + " | ".join(_cell(ours[(language, e)], theirs[(language, e)])
                                                                for e in ENGINES) + " |")
    hyphens = [f"{language} {ENGINE_NAMES[e]} {ours[(language, e)].hyphen_lost}/{theirs[(language, e)].hyphen_lost}"
               for language in languages for e in ENGINES
               if ours[(language, e)].hyphen_lost or theirs[(language, e)].hyphen_lost]
    lines += ["", "Misses that are only a hyphen lost at a line end (guidegen/Chromium): "
              + (", ".join(hyphens) or "none")]
    lines += ["", "First misses per language and engine (guidegen):"]
    lines += [f"  {language} {ENGINE_NAMES[e]}: {misses[(language, e)][:3]}" for language in languages
              for e in ENGINES if misses[(language, e)]]
    report = "\n".join(lines) + "\n"
    (tmp_path / "extraction-report.md").write_text(report, encoding="utf-8")
    print(report)

    for language in languages:
        # The anchor itself is sound: poppler reads Chromium's PDF of every left-to-right script.
        if language not in ("ar", "fa"):
            assert theirs[(language, "poppler")].percent >= 95, (language, report)
    for language in languages:
        for engine in ENGINES:
            if (language, engine) not in SHORT_TODAY:
                assert ours[(language, engine)].percent >= theirs[(language, engine)].percent - 2, (
                    language, engine, report)
        if language not in POPPLER_SHORT_TODAY:
            assert ours[(language, "poppler")].percent >= 95, (language, report)


def _chromium_version() -> str:
    import shutil

    done = subprocess.run([shutil.which("chromium") or "/usr/bin/chromium", "--version"], capture_output=True,
                          text=True, timeout=60, check=False)
    words = [word for word in done.stdout.split() if word[:1].isdigit()]
    return f"Chromium {words[0]}" if words else "Chromium"
