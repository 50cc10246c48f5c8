"""Glyph clusters that do not map one to one come back as written (generator/render/patch_cluster_text.py).

Devanagari, Bengali and Tamil draw vowel signs before their consonant and form conjuncts and reph: their text is
given back from ``/ActualText`` by poppler and PDFium, and from character-map ``ToUnicode`` entries elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, pdf_reader
from extraction import comparable, extract_mupdf, extract_pdfium, extract_poppler

# Plain sentences of our own, each with pre-base vowel signs, conjuncts or reph.
SENTENCES = {
    "hi": ["किसी को भी अपना पिन न बताएँ।", "सिम कार्ड बदलने के लिए दुकान पर जाएँ।",
           "पुराना फ़ोन बंद करने से पहले संपर्क सहेज लें।", "कृपया अपनी पहचान का प्रमाण साथ लाएँ।"],
    "bn": ["লাইব্রেরি কার্ড পেতে আপনার পরিচয়পত্র আনুন।", "নতুন কার্ড সাধারণত এক সপ্তাহের মধ্যে তৈরি হয়।"],
    "ta": ["நூலக அட்டை பெற உங்கள் அடையாள அட்டையைக் கொண்டு வாருங்கள்.",
           "புதிய அட்டை பொதுவாக ஒரு வாரத்தில் தயாராகும்."],
}


def _render(language: str, lines: list[str], path: Path) -> Path:
    from generator.fonts.stacks import font_stack
    from generator.render.pdf import Renderer

    families = ", ".join(f"'{family}'" for family in font_stack(language))
    html = (f'<html lang="{language}"><head><title>t</title></head><body style="font-family: {families}">'
            + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>")
    renderer = Renderer([ROOT / "templates"])
    path.write_bytes(renderer.write(renderer.layout(html)))
    return path


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_indic_lines_come_back_as_written_in_poppler_and_pdfium(language: str, tmp_path: Path) -> None:
    """Without the patch poppler gave back 1 of the 4 Hindi sentences (कार्ड as काडर्ड, कि as क)."""
    pdf = _render(language, SENTENCES[language], tmp_path / f"{language}.pdf")
    for extract in (extract_poppler, extract_pdfium):
        text = comparable(extract(pdf))
        assert [s for s in SENTENCES[language] if comparable(s) not in text] == [], (extract.__name__, text)


def test_hindi_comes_back_in_mupdf(tmp_path: Path) -> None:
    """MuPDF reads a span's glyphs besides its text: their character-map entries keep them from doubling
    (all four sentences came back with कार्ड as कार्डर्ड before)."""
    pdf = _render("hi", SENTENCES["hi"][:2], tmp_path / "hi.pdf")
    text = comparable(extract_mupdf(pdf))
    assert [s for s in SENTENCES["hi"][:2] if comparable(s) not in text] == [], text


def test_a_latin_line_is_drawn_without_spans(tmp_path: Path) -> None:
    """Only clusters whose glyphs do not spell their text get a span: English, Cyrillic and CJK get none."""
    pdf = _render("en", ["Bring an identity document. Привет. 请带上身份证。 office"], tmp_path / "en.pdf")
    content = b"".join(page.get_contents().get_data() for page in pdf_reader(pdf).pages)  # type: ignore[union-attr]
    assert b"ActualText" not in content
    assert "office" in extract_poppler(pdf)


@pytest.mark.parametrize(("before", "after", "joined"), [
    ("க", "ொ", True),  # a two-part vowel sign: one syllable
    ("र्", "ड", True),  # after a virama: a conjunct or reph
    ("क", "ि", True),
    ("क", "म", False),
    ("a", "b", False),
])
def test_clusters_join_into_written_syllables(before: str, after: str, joined: bool) -> None:
    from generator.render.patch_cluster_text import _joins

    assert _joins(before, after) is joined
