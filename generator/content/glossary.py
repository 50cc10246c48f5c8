"""Glossaries: the approved translation of a term, per language (``glossary.yaml``).

A guide's glossary sits next to its ``guide.yaml``; a library's in the content
folder itself and applies to every guide whose source language it names. The
guide's entry for a term wins over the library's. ::

    source_language: zh-CN        # the language of the terms (a guide's glossary: the guide's)
    terms:
      eSIM: do-not-translate      # a name: the translation keeps it as it is
      客服热线:                     # a term → its approved translation per language
        en: customer service hotline
        ar: [خدمة العملاء]          # a list: any of these forms is right (inflected languages)

``guidegen check`` warns where the translation of a string whose source holds a
term does not hold the approved translation (``findings``). Matching is by
containment, ignoring case, so a term is found inside longer words too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from generator.content.languages import is_valid_tag
from generator.content.loader import validate_file
from generator.content.model import LanguageTag, Strict

GLOSSARY_FILE = "glossary.yaml"
DO_NOT_TRANSLATE = "do-not-translate"
Term = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]


def _entry(value: Any) -> Any:
    """``do-not-translate``, or a mapping of language tags to a translation or a list of accepted ones."""
    if value == DO_NOT_TRANSLATE:
        return value
    if not isinstance(value, dict) or not value:
        raise ValueError(f"expected '{DO_NOT_TRANSLATE}' or one 'language: translation' per line "
                         "(e.g. en: customer service hotline)")
    for tag, found in value.items():
        if not isinstance(tag, str) or not is_valid_tag(tag):
            raise ValueError(f"'{tag}' is not a language tag (like en, zh-TW or ar)")
        forms = found if isinstance(found, list) else [found]
        if not forms or not all(isinstance(form, str) and form.strip() and len(form) <= 100 for form in forms):
            raise ValueError(f"{tag}: expected the approved translation as text, or a list of accepted forms")
    return value


class Glossary(Strict):
    source_language: LanguageTag | None = None
    terms: Annotated[dict[Term, Annotated[Any, AfterValidator(_entry)]], Field(min_length=1, max_length=500)]


@dataclass(frozen=True)
class TermRule:
    term: str
    approved: dict[str, tuple[str, ...]]  # language → accepted forms; empty for do-not-translate
    where: str  # file:line of the term, for the warning

    def accepted(self, language: str) -> tuple[str, ...]:
        """The forms a translation into ``language`` may use; () when the glossary says nothing for it."""
        if not self.approved:
            return (self.term,)
        return self.approved.get(language, ())


@dataclass(frozen=True)
class LoadedGlossary:
    source_language: str | None
    rules: dict[str, TermRule]


def load_glossary(path: Path) -> LoadedGlossary | None:
    """The glossary at ``path``, or None when there is none; a broken one is a ContentError (file:line: field)."""
    if not path.is_file():
        return None
    glossary, loaded = validate_file(path, Glossary, "a glossary is a mapping: source_language and terms")
    rules = {}
    for term, value in glossary.terms.items():
        line = loaded.position(("terms", term))[0]
        approved = {} if value == DO_NOT_TRANSLATE else {
            tag: tuple(found if isinstance(found, list) else [found]) for tag, found in value.items()}
        rules[term] = TermRule(term, approved, f"{loaded.problem(('terms', term), '').file}:{line}")
    return LoadedGlossary(glossary.source_language, rules)


def combined(library: LoadedGlossary | None, guide: LoadedGlossary | None, source_language: str) -> list[TermRule]:
    """The rules for one guide: the library's (when it is for this source language), the guide's over them."""
    rules: dict[str, TermRule] = {}
    if library is not None and library.source_language in (None, source_language):
        rules.update(library.rules)
    if guide is not None:
        rules.update(guide.rules)
    return list(rules.values())


def findings(rules: list[TermRule], source: str, translation: str, language: str) -> Iterator[tuple[TermRule, str]]:
    """Each rule whose term is in ``source`` but whose approved translation is not in ``translation``,
    with the expected form(s) in words."""
    source_folded, translation_folded = source.casefold(), translation.casefold()
    for rule in rules:
        forms = rule.accepted(language)
        if not forms or rule.term.casefold() not in source_folded:
            continue
        if not any(form.casefold() in translation_folded for form in forms):
            yield rule, " or ".join(f"'{form}'" for form in forms)
