"""A guide written in English beside one written in Chinese: nothing in the pipeline assumes a source language.

The bundled ``number-safety`` guide is written in English (``source_language: en``), ``esim-cancel`` in
Simplified Chinese, so each one's source language is the other's target language.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from conftest import PATIENT_RENDER_WAIT, Built, pdftotext, run_cli, struct_langs

GUIDE = "number-safety"


def _struct_langs(pdf: Path) -> list[str]:
    """Every /Lang in the structure tree, in document order (a run in a language other than the document's)."""
    return [lang for lang, _ in struct_langs(pdf)]


def test_extract_writes_the_english_source_as_msgids(content_copy: Path) -> None:
    (content_copy / GUIDE / "locales" / "messages.pot").unlink()
    result = run_cli("i18n", "extract", "--content", str(content_copy))
    assert result.exit_code == 0, result.output
    pot = (content_copy / GUIDE / "locales" / "messages.pot").read_text(encoding="utf-8")
    assert 'msgctxt "signs.never-share.title"\nmsgid "Never share a code"' in pot


def test_init_skips_each_guide_s_own_source_language(content_copy: Path) -> None:
    for language in ("zh-CN", "en"):
        for guide in ("esim-cancel", GUIDE):
            (content_copy / guide / "locales" / f"{language}.po").unlink(missing_ok=True)
    chinese = run_cli("i18n", "init", "--lang", "zh-CN", "--content", str(content_copy))
    english = run_cli("i18n", "init", "--lang", "en", "--content", str(content_copy))
    assert chinese.exit_code == english.exit_code == 0, chinese.output + english.output
    assert "skipped esim-cancel: zh-CN is its source language" in chinese.output
    assert f"skipped {GUIDE}: en is its source language" in english.output
    # Catalogs are named by the language they translate into, whatever the source.
    assert (content_copy / GUIDE / "locales" / "zh-CN.po").is_file()
    assert (content_copy / "esim-cancel" / "locales" / "en.po").is_file()
    assert not (content_copy / GUIDE / "locales" / "en.po").exists()
    assert not (content_copy / "esim-cancel" / "locales" / "zh-CN.po").exists()


def test_languages_counts_the_source_language_as_complete(content_copy: Path) -> None:
    result = run_cli("languages", "--content", str(content_copy))
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert f"{GUIDE} 100%" in rows["en"]
    assert f"{GUIDE} 100%" in rows["zh-CN"] and "esim-cancel 100%" in rows["zh-CN"]


def test_the_source_language_builds_from_the_guide_itself(built: Built) -> None:
    pdf = built.pdf("en", "handout", GUIDE)
    text = pdftotext(pdf)
    assert "Keep your Heyon phone number safe" in text
    assert "Never share a code" in text
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "en"
    # Nothing in the English document is in another language but the other languages' own names at its end.
    assert "en" not in _struct_langs(pdf)
    assert _struct_langs(built.pdf("en", "checklist", GUIDE)) == []


def test_a_chinese_translation_of_an_english_guide(built: Built) -> None:
    pdf = built.pdf("zh-CN", "checklist", GUIDE)
    text = pdftotext(pdf)
    assert "保护好你的 Heyon 手机号码" in text
    assert "绝不把验证码或 PIN 码告诉别人" in text
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "zh-CN"


def test_an_untranslated_string_falls_back_to_english(content_copy: Path, tmp_path: Path) -> None:
    po = content_copy / GUIDE / "locales" / "zh-CN.po"
    text = po.read_text(encoding="utf-8")
    changed = text.replace('msgstr "打电话给你的银行。"', 'msgstr ""')
    assert changed != text
    po.write_text(changed, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", GUIDE, "--content", str(content_copy), "-l", "zh-CN", "-f", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    pdf = out / "zh-CN" / f"{GUIDE}-handout.pdf"
    assert "Call your bank." in pdftotext(pdf)
    # The one string left in the source language is marked as English; the other languages' names in the
    # closing "also available in" line (English among them) come after it.
    langs = _struct_langs(pdf)
    assert langs[0] == "en" and "zh-CN" not in langs


def test_the_desk_lists_guides_of_both_sources(tmp_path: Path) -> None:
    from conftest import CONTENT
    from generator.desk.app import DeskConfig, create_app
    from generator.render.templates import Templates

    client = create_app(DeskConfig(CONTENT, tmp_path / "out", Templates([]),
                                  render_wait=PATIENT_RENDER_WAIT)).test_client()
    english = client.get("/en/").data.decode()
    chinese = client.get("/zh-CN/").data.decode()
    assert "Keep your Heyon phone number safe" in english and f"/en/{GUIDE}/" in english
    assert "保护好你的 Heyon 手机号码" in chinese and f"/zh-CN/{GUIDE}/" in chinese
    assert "/zh-CN/esim-cancel/" in chinese
