"""Language tags are matched by CLDR likely subtags, never by prefix, never across scripts."""

from __future__ import annotations

import pytest
from babel import Locale

from generator.errors import GuidegenError
from generator.content.languages import direction, english_name, match_language, maximize, native_name

AVAILABLE = ["zh-CN", "zh-TW", "en", "es", "ar"]


@pytest.mark.parametrize("requested, expected", [
    ("zh", "zh-CN"), ("zh-Hans", "zh-CN"), ("zh-SG", "zh-CN"), ("zh-CN", "zh-CN"), ("zh-Hans-HK", "zh-CN"),
    ("zh-Hant", "zh-TW"), ("zh-TW", "zh-TW"), ("zh-HK", "zh-TW"), ("zh-Hant-HK", "zh-TW"), ("zh-MO", "zh-TW"),
    ("en-GB", "en"), ("en", "en"), ("EN-us", "en"), ("es-MX", "es"), ("ar-EG", "ar"), ("ar-MA", "ar"),
    ("fr", None), ("de-CH", None),
])
def test_match_table(requested: str, expected: str | None) -> None:
    assert match_language(requested, AVAILABLE) == expected


def test_script_is_never_crossed() -> None:
    assert match_language("zh-Hant-HK", ["zh-CN"]) is None
    assert match_language("zh-SG", ["zh-TW"]) is None
    assert match_language("sr-Latn", ["sr"]) is None  # sr is Cyrillic by default


def test_region_preference_within_a_script() -> None:
    assert match_language("zh-HK", ["zh-TW", "zh-HK"]) == "zh-HK"
    assert match_language("zh-Hant", ["zh-HK", "zh-TW"]) == "zh-TW"  # CLDR's likely region for zh-Hant


def test_maximize() -> None:
    assert maximize("zh-TW") == maximize("zh-Hant-TW")
    assert (maximize("en-GB").script, maximize("en-GB").region) == ("Latn", "GB")
    assert maximize("no").language == "no"


@pytest.mark.parametrize("bad", ["../../etc", "en/../../x", "", "e", "en_", "CON", "a\x00b", "/etc/passwd"])
def test_invalid_tags_are_rejected(bad: str) -> None:
    with pytest.raises(GuidegenError):
        maximize(bad)


@pytest.mark.parametrize("tag, locale, script", [
    ("zh-CN", "zh_Hans", "Hans"), ("zh-TW", "zh_Hant", "Hant"), ("ar", "ar", None), ("es", "es", None),
    ("en", "en", None), ("ko", "ko", None),
])
def test_names_come_from_cldr(tag: str, locale: str, script: str | None) -> None:
    """Native and English names are CLDR's (as Babel has them), capitalised outside CJK, with the script
    for languages written in several, in the language's own brackets."""
    def expected(names: Locale) -> str:
        name = names.languages[tag.split("-")[0]]
        if names.language not in ("zh", "ja", "ko"):
            name = name[:1].upper() + name[1:]
        if script is None:
            return name
        return f"{name}（{names.scripts[script]}）" if names.language == "zh" else f"{name} ({names.scripts[script]})"

    assert native_name(tag) == expected(Locale.parse(locale))
    assert english_name(tag) == expected(Locale("en"))


def test_direction() -> None:
    assert direction("ar") == "rtl"
    assert direction("he") == "rtl"
    assert direction("zh-CN") == "ltr"
