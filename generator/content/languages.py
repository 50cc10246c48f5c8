"""BCP 47 language tags: parsing, CLDR-based matching, display names, scripts.

Matching follows CLDR's "add likely subtags": a request and each available
language are expanded to language-script-region, and only candidates with the
same language *and script* can match (``zh-Hant-HK`` never falls back to
Simplified). Among those, the same region wins, then the region CLDR considers
most likely for that language and script, then the first in sorted order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from generator.errors import GuidegenError

TAG_PATTERN = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?$")
RTL_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"}


@dataclass(frozen=True)
class Subtags:
    language: str
    script: str
    region: str


def is_valid_tag(tag: str) -> bool:
    """A language-[script]-[region] tag made only of letters, digits and hyphens."""
    return bool(TAG_PATTERN.match(tag))


@lru_cache(maxsize=512)
def maximize(tag: str) -> Subtags:
    """Expand a tag with CLDR likely subtags: ``zh-TW`` → zh-Hant-TW, ``en-GB`` → en-Latn-GB."""
    if not is_valid_tag(tag):
        raise GuidegenError(f"'{tag}' is not a language tag (expected something like en, zh-CN or zh-Hant-HK)")
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    if language not in _known_languages():
        raise GuidegenError(f"'{tag}': unknown language '{language}'")
    script = next((p.title() for p in parts[1:] if len(p) == 4), "")
    region = next((p.upper() for p in parts[1:] if len(p) in (2, 3)), "")
    likely = get_global("likely_subtags")
    for key in filter(None, [
        "_".join(filter(None, [language, script, region])) if script and region else "",
        f"{language}_{region}" if region else "",
        f"{language}_{script}" if script else "",
        language,
    ]):
        if key in likely:
            found = likely[key].split("_")
            found_script = next((p for p in found[1:] if len(p) == 4), "")
            found_region = next((p for p in found[1:] if len(p) in (2, 3)), "")
            return Subtags(found[0] if found[0] != "und" else language, script or found_script, region or found_region)
    return Subtags(language, script, region)


@lru_cache(maxsize=1)
def _known_languages() -> frozenset[str]:
    return frozenset(Locale("en").languages) | frozenset(get_global("likely_subtags").keys())


def match_language(requested: str, available: Iterable[str]) -> str | None:
    """The available tag that serves a request, or None. Scripts are never crossed."""
    want = maximize(requested)
    candidates = sorted(available)
    same_script = [tag for tag in candidates if _same_language_and_script(maximize(tag), want)]
    if not same_script:
        return None
    for tag in same_script:
        if maximize(tag).region == want.region:
            return tag
    default_region = maximize(f"{want.language}-{want.script}").region if want.script else ""
    for tag in same_script:
        if maximize(tag).region == default_region:
            return tag
    return same_script[0]


def _same_language_and_script(a: Subtags, b: Subtags) -> bool:
    return a.language == b.language and a.script == b.script


def script_of(tag: str) -> str:
    return maximize(tag).script


def direction(tag: str) -> str:
    return "rtl" if script_of(tag) in RTL_SCRIPTS else "ltr"


def babel_locale(tag: str) -> Locale:
    """The Babel locale for a tag, falling back to its language alone."""
    subtags = maximize(tag)
    for candidate in (f"{subtags.language}_{subtags.script}_{subtags.region}",
                      f"{subtags.language}_{subtags.region}", f"{subtags.language}_{subtags.script}", subtags.language):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    raise GuidegenError(f"no locale data for language '{tag}'")


def native_name(tag: str) -> str:
    """The language's name in itself: 中文（简体）, العربية, Español."""
    return _display_name(tag, babel_locale(tag))


def english_name(tag: str) -> str:
    return _display_name(tag, Locale("en"))


def _display_name(tag: str, in_locale: Locale) -> str:
    subtags = maximize(tag)
    name = in_locale.languages.get(subtags.language) or tag
    name = name[:1].upper() + name[1:] if in_locale.language not in ("zh", "ja", "ko") else name
    if subtags.language in _MULTI_SCRIPT:
        detail = in_locale.scripts.get(subtags.script, subtags.script)
        if in_locale.language in ("zh", "ja", "ko"):
            return f"{name}（{detail}）"
        return f"{name} ({detail})"
    return name


# Languages commonly written in more than one script: their names show the script.
_MULTI_SCRIPT = {"zh", "sr", "uz", "az", "pa", "bs"}


def canonical_tag(tag: str) -> str:
    """``zh-hant-hk`` → ``zh-Hant-HK``: the spelling used for file and folder names."""
    maximize(tag)  # validates
    parts = tag.replace("_", "-").split("-")
    return "-".join([parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]])


def language_from_environment(environ: Mapping[str, str]) -> str | None:
    """The user's language from ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, as POSIX tools read it.

    The first of them that is set wins; ``C`` and ``POSIX`` mean no language
    (None). ``fr_CA.UTF-8@euro`` gives ``fr-CA``.
    """
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "").strip()
        if not value:
            continue
        name = value.split(".", 1)[0].split("@", 1)[0]
        if name in ("C", "POSIX"):
            return None
        tag = name.replace("_", "-")
        return tag if is_valid_tag(tag) else None
    return None
