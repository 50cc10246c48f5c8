"""A language's digits come from CLDR's default numbering system (through Babel), in text and in CSS counters."""

from __future__ import annotations

import unicodedata

import pytest
from babel import Locale

from generator.content.numerals import LATIN, localize_digits, numerals
from generator.render.html_context import number_text


@pytest.mark.parametrize(
    "tag", ["fa", "fa-AF", "ar", "ar-EG", "ar-SA", "en", "pt-BR", "ru", "uk", "hi", "ne", "my", "bn"]
)
def test_numbering_system_is_cldrs_for_the_tag_as_written(tag: str) -> None:
    """``ar`` is CLDR's ``ar`` (its own default), not its likely region's ``ar_EG``; a system this module has no
    digits for (CLDR's Hindi default is latn, Nepali deva, Burmese mymr, Bengali beng) is used, never guessed."""
    system = Locale.parse(tag.replace("-", "_")).default_numbering_system
    found = numerals(tag)
    assert found.system == system
    if system != "latn":
        assert [unicodedata.decimal(digit) for digit in found.digits] == list(range(10))
        assert found.digits != LATIN.digits and found.counter_style != "decimal"


def test_persian_writes_extended_arabic_indic_digits() -> None:
    persian = numerals("fa")
    assert persian.counter_style == "persian"  # CSS Counter Styles 3 predefined style of the same digits
    assert {unicodedata.name(d).rsplit(" ", 1)[0] for d in persian.digits} == {"EXTENDED ARABIC-INDIC DIGIT"}
    assert localize_digits("25 نوامبر 2026", "fa") == "".join(
        persian.digits[int(c)] if c.isascii() and c.isdigit() else c for c in "25 نوامبر 2026")
    assert number_text(2, "fa") == persian.digits[2]


def test_arabic_follows_its_region() -> None:
    """CLDR: generic Arabic writes 0–9, Egyptian Arabic ٠–٩; the text and the counters agree either way."""
    assert numerals("ar").system == Locale.parse("ar").default_numbering_system
    assert numerals("ar-EG").counter_style == "arabic-indic"
    assert number_text(3, "ar-EG") == numerals("ar-EG").digits[3]


def test_latin_and_unknown_systems_leave_text_alone() -> None:
    assert localize_digits("Page 12 of 3", "en") == "Page 12 of 3"
    assert number_text(12, "pt-BR") == "12"
    # Santali's default (olck, Ol Chiki) has no predefined CSS counter style: 0–9 in text and counters alike.
    assert Locale.parse("sat").default_numbering_system != "latn"
    assert numerals("sat") == LATIN


def test_persian_html_counts_pages_and_steps_in_persian() -> None:
    from conftest import CONTENT
    from generator.i18n.library import load_library
    from generator.render.html import DocumentOptions, render_html
    from generator.render.templates import Templates

    source = load_library(CONTENT).get("esim-cancel")
    persian = render_html(source.localized("fa"), DocumentOptions("handout"), Templates()).html
    english = render_html(source.localized("en"), DocumentOptions("handout"), Templates()).html
    assert "counter(page, persian)" in persian and "counter(pages, persian)" in persian
    assert "counter(step, persian)" in persian
    assert "counter(step, persian)" not in english and "counter(page, decimal)" in english
