"""Text comes back out of the PDFs as it was written, right-to-left included (generator/render/patch_rtl_text.py).

The yardstick is poppler's ``pdftotext`` in its default reading order: what
search, copy-paste (Evince, Okular) and many screen readers get.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import BUNDLED_LANGUAGES, CONTENT, FORMATS, ROOT, Built, pdf_words
from generator.content.messages import iter_messages
from generator.i18n.library import load_library
from generator.render.html import prints_message
from generator.render.inline import plain_text

# Bidi controls: pdftotext's embeddings (LRE, RLE, PDF) and the marks of the ActualText (LRM, RLM) are not text.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FOUND = 0.9  # of a document's translations, found verbatim


def reading_text(path: Path) -> str:
    """``pdftotext`` in reading order (not ``-raw``: that keeps right-to-left lines in visual order), with
    white space collapsed and bidi controls dropped."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(_BIDI_CONTROLS.sub("", text).split())


def _documents() -> list[tuple[str, str, str]]:
    library = load_library(CONTENT)
    return [(guide, language, format_) for guide, source in sorted(library.guides.items())
            for language in BUNDLED_LANGUAGES if language in source.languages for format_ in FORMATS]


@pytest.mark.parametrize("guide, language, format_", _documents())
def test_translations_extract_as_written(built: Built, guide: str, language: str, format_: str) -> None:
    """At least 90% of the strings a document prints are found verbatim in its text, white space aside."""
    localized = load_library(CONTENT).get(guide).localized(language)
    params = localized.guide.params
    printed = [plain_text(m.source, params) for m in iter_messages(localized.guide) if prints_message(format_, m)]
    text = "".join(reading_text(built.pdf(language, format_, guide)).split())
    missing = [string for string in printed if "".join(string.split()) not in text]
    assert printed and len(missing) <= (1 - FOUND) * len(printed), missing


CASES = {  # what is hard for poppler: ligatures, marks, mixed directions, punctuation it counts as digits
    "lam-alef": "الإلغاء والاستخدام لأول مرة",
    "marks": "تحقّق من رصيدك أولًا واطّلع عليه",
    "brackets": "الشريحة الإلكترونية (eSIM) من Heyon",
    "numbers": "تستغرق عادةً من 1 إلى 3 أيام عمل: 25 نوفمبر 2026.",
    "punctuation": "قبل الإلغاء، انسخ جهات الاتصال؛ ثم اطلب الإلغاء؟",
    "no-break space": "ما هي الشريحة\u00a0الإلكترونية؟",
}


def test_right_to_left_lines_come_back_in_logical_order(tmp_path: Path) -> None:
    """Each case, alone on a line and after an inline left-to-right box, comes back exactly, spaces included."""
    from generator.render.pdf import Renderer

    paragraphs = "".join(f"<p>{text}</p><p><b>Heyon</b> {text}</p>" for text in CASES.values())
    html = (f'<html lang="ar" dir="rtl"><head><title>t</title></head>'
            f'<body style="font-family: \'Noto Sans Arabic\', \'Noto Sans\'">{paragraphs}</body></html>')
    renderer = Renderer([ROOT / "templates"])
    pdf = tmp_path / "rtl.pdf"
    pdf.write_bytes(renderer.write(renderer.layout(html)))
    text = reading_text(pdf)
    for name, written in CASES.items():
        assert written.replace("\u00a0", " ") in text, name
        assert f"Heyon {written}".replace("\u00a0", " ") in text, name
    # A span per word: poppler keeps the words apart (a span per line would be one word with spaces).
    assert len(pdf_words(pdf)) > 80 and not [word for word, _, _ in pdf_words(pdf) if " " in word.strip()]


@pytest.mark.parametrize("runs, visual", [
    ([("abc", 0)], None),  # nothing right to left: drawn as before
    ([("سلام", 1)], "مالس"),
    # "الشريحة (eSIM) من": an RLM keeps ")" out of poppler's left-to-right section "eSIM"
    ([(") من", 1), ("eSIM", 2), ("الشريحة (", 1)], "نم )\u200feSIM( ةحيرشلا"),
    ([("eSIM ", 2), ("من", 1)], "eSIM \u200eنم"),  # an LRM keeps the space on the left-to-right side
    ([("الإلغاء، ثم", 1)], "مث \u200f،ءاغلإلا"),
])
def test_visual_line(runs: list[tuple[str, int]], visual: str | None) -> None:
    from generator.render.patch_rtl_text import visual_line

    assert visual_line(runs) == visual
