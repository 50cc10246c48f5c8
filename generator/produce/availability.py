"""Which languages a guide, and the library, is complete in: what the language card and a handout's
"Also available in" line offer.

Complete means every string of the guide has a printable translation (``i18n.completeness``
at 100 %); a catalog that does not load is not complete. The order is the desk home page's:
``Library.languages``.
"""

from __future__ import annotations

from generator.i18n.completeness import completeness
from generator.errors import ContentError
from generator.i18n.library import GuideSource, Library


def is_complete(source: GuideSource, language: str) -> bool:
    """Whether ``language`` has the whole guide translated (the source language always has); worked out once
    per load of the guide (every handout's key and page asks it about every language)."""
    key = ("complete", language)
    if key not in source.derived:
        source.derived[key] = _is_complete(source, language)
    return bool(source.derived[key])


def known_completeness(source: GuideSource) -> dict[str, bool]:
    """What has been worked out (or told) of the guide's completeness so far, by language."""
    return {key[1]: bool(value) for key, value in source.derived.items()
            if isinstance(key, tuple) and len(key) == 2 and key[0] == "complete"}


def tell_completeness(source: GuideSource, language: str, complete: bool) -> None:
    """Take the answer of an earlier run, made from the same guide, catalog, fonts and code."""
    source.derived[("complete", language)] = complete


def _is_complete(source: GuideSource, language: str) -> bool:
    if language not in source.languages:
        return False
    try:
        done = completeness(source, language)
    except ContentError:
        return False
    return done.translated == done.total


def complete_languages(source: GuideSource, order: list[str]) -> list[str]:
    """The languages of ``order`` the guide is complete in, in that order."""
    return [tag for tag in order if is_complete(source, tag)]


def card_languages(library: Library) -> list[str]:
    """Every language with at least one complete guide, in the desk home page's order."""
    return [tag for tag in library.languages if any(is_complete(source, tag) for source in library.guides.values())]


def also_available(library: Library, guide: str, language: str) -> tuple[str, ...]:
    """The other languages guide ``guide`` is complete in (for its handout's last page)."""
    source = library.guides.get(guide)
    if source is None:
        return ()
    return tuple(tag for tag in complete_languages(source, library.languages) if tag != language)
