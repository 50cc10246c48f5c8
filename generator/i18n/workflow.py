"""The translator's workflow: extract templates, start catalogs, merge changes.

Content strings are keyed by their stable id (``msgctxt``), so merging is by id,
not by fuzzy text similarity: when the source text of an id changes, the old
translation is kept, marked fuzzy, with the previous source as a hint
(``#| msgid``); ids that are gone become obsolete; new ids come in untranslated.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import unescape
from jinja2.ext import babel_extract

from generator import __version__
from generator.content.bounded import Refused, read_regular
from generator.content.snapshot import MAX_FOLDER_FILE_BYTES
from generator.errors import GuidegenError, display_path
from generator.content.languages import english_name
from generator.i18n.library import GuideSource
from generator.content.messages import iter_messages
from generator.i18n.reviewed import without_stale_marks
from generator.i18n.usability import why_unusable

POT_NAME = "messages.pot"
_HEADER = ("# PROJECT: {what}.\n"
           "# Translate each msgstr; keep {{placeholders}} as they are. The msgctxt is the\n"
           "# string's stable id in the guide. See README.md, \"Translation workflow\".")


def _header_fields(language: str | None = None) -> dict[str, str]:
    what = f"translation into {english_name(language)}" if language else "translation template"
    return {"copyright_holder": "guidegen contributors", "header_comment": _HEADER.format(what=what)}


def _fixed_date(source: GuideSource | None = None) -> dt.datetime:
    day = source.guide.revision if source else dt.date(2026, 1, 1)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def guide_template(source: GuideSource) -> Catalog:
    """The ``.pot`` of one guide: every translatable string with its id and place."""
    catalog = Catalog(project=f"guidegen guide {source.id}", version=__version__,
                      creation_date=_fixed_date(source), fuzzy=False, **_header_fields())
    shown = source.loaded.path.name
    for message in iter_messages(source.guide):
        line = source.loaded.position(message.path)[0]
        comments = ["Checklist or warning: a wrong translation here misleads the reader."] if message.critical else []
        catalog.add(message.source, context=message.context, locations=[(shown, line)], auto_comments=comments)
    return catalog


def ui_template(template_dirs: list[Path]) -> Catalog:
    """The ``.pot`` of the template strings (``_("…")`` in ``*.j2``, sub-folders included)."""
    catalog = Catalog(project="guidegen templates", version=__version__, creation_date=_fixed_date(), fuzzy=False,
                      **_header_fields())
    seen: set[str] = set()
    for folder in template_dirs:
        for path in sorted(folder.rglob("*.j2")):  # the documents' templates and the desk's (web/)
            name = path.relative_to(folder).as_posix()
            if name in seen:
                continue  # overridden by an earlier folder
            seen.add(name)
            try:
                data = read_regular(path, MAX_FOLDER_FILE_BYTES)
            except Refused as refused:
                raise GuidegenError(f"{display_path(path)}: the file {refused}") from None
            with io.BytesIO(data) as stream:
                # Jinja's extractor and Babel's annotations disagree on the callable's exact type, not on the data
                for lineno, message, comments, context in extract(babel_extract, stream,  # type: ignore[arg-type]
                                                                  keywords={"_": None}):
                    catalog.add(message, context=context, locations=[(name, lineno)], auto_comments=comments)
    return catalog


def new_catalog(template: Catalog, language: str) -> Catalog:
    """An empty catalog for a language, with its plural rules from CLDR."""
    catalog = Catalog(locale=language.replace("-", "_"), project=template.project, version=template.version,
                      creation_date=template.creation_date, revision_date=template.creation_date, fuzzy=False,
                      last_translator="", language_team="", **_header_fields(language))
    for message in template:
        if message.id:
            catalog.add(message.id, context=message.context, locations=message.locations,
                        auto_comments=message.auto_comments)
    return catalog


@dataclass(frozen=True)
class MergeSummary:
    new: int
    changed: int
    obsolete: int
    remembered: int = 0  # new strings filled in (fuzzy) from the translation memory


Memory = Mapping[str, tuple[str, str]]  # source text → (its translation, where it comes from)


def translation_memory(catalogs: Iterable[tuple[str, Catalog]]) -> dict[str, tuple[str, str]]:
    """Usable translations by source text, from ``(where, catalog)`` pairs of one language (first wins)."""
    memory: dict[str, tuple[str, str]] = {}
    for where, catalog in catalogs:
        for message in catalog:
            if message.id and isinstance(message.id, str) and message.id not in memory \
                    and why_unusable(message.id, message) is None:
                memory[message.id] = (str(message.string), where)
    return memory


def merge(template: Catalog, old: Catalog, memory: Memory | None = None) -> tuple[Catalog, MergeSummary]:
    """``old`` brought in line with ``template``.

    For each string of the template, in this order: the same id and text keeps
    its translation; the same text under another id (moved) takes that
    translation; a changed text under the same id keeps the old translation,
    marked fuzzy, with the old text as ``#| msgid``; anything else is new, filled
    in from ``memory`` (marked fuzzy, with where it came from) when the same text
    is translated elsewhere.
    Translations no longer used become obsolete. A reviewed mark that no longer matches
    its source and translation (or sits on a fuzzy entry) is dropped.
    """
    merged = Catalog(locale=old.locale_identifier, project=template.project, version=template.version,
                     creation_date=template.creation_date, revision_date=old.revision_date, fuzzy=False,
                     language_team=old.language_team, last_translator=old.last_translator,
                     **_header_fields(str(old.locale_identifier).replace("_", "-")))
    # The plural rule is the translators' (a newer CLDR may say otherwise): keep the catalog's own.
    merged.mime_headers = [("Plural-Forms", old.plural_forms)]
    entries = [m for m in old if isinstance(m.id, str) and m.id]  # a plural entry is never a guide's string
    exact = {(m.id, m.context): m for m in entries}
    by_text = {m.id: m for m in entries if m.string}
    by_context = {m.context: m for m in entries if m.context}
    template_texts = {m.id for m in template if m.id}
    exact_template = {(m.id, m.context) for m in template if m.id}
    used: set[tuple[object, object]] = set()
    new = fuzzy = remembered = 0
    for message in template:
        if not isinstance(message.id, str) or not message.id:
            continue
        entry = merged.add(message.id, context=message.context, locations=message.locations,
                           auto_comments=message.auto_comments)
        previous = exact.get((message.id, message.context)) or by_text.get(message.id)
        changed = False
        if previous is None and message.context is not None:
            candidate = by_context.get(message.context)
            if candidate is not None and candidate.id not in template_texts and candidate.string:
                previous, changed = candidate, True
        if previous is None:
            new += 1
            if memory and message.id in memory:
                entry.string, where = memory[message.id]
                entry.flags.add("fuzzy")
                entry.user_comments = [f"translation memory: {where}"]
                remembered += 1
            continue
        fuzzy += changed
        used.add((previous.id, previous.context))
        entry.user_comments, hint = split_previous(previous.user_comments)
        entry.string = previous.string
        if changed or previous.fuzzy:
            entry.flags.add("fuzzy")
            entry.previous_id = [str(previous.id)] if changed else hint
        entry.user_comments = without_stale_marks(entry)  # a review holds only for the text that was read
    for previous in entries:
        if (previous.id, previous.context) not in used and previous.string:
            key = (str(previous.id), previous.context) if previous.context else str(previous.id)
            merged.obsolete[key] = previous
    for key, previous in old.obsolete.items():  # obsolete before: kept until a translator deletes it
        if key not in merged.obsolete and (previous.id, previous.context) not in exact_template:
            merged.obsolete[key] = previous
    return merged, MergeSummary(new, fuzzy, len(merged.obsolete), remembered)


def split_previous(comments: list[str]) -> tuple[list[str], list[str]]:
    """Babel reads ``#| msgid "…"`` as a user comment: separate it out again."""
    kept, previous = [], []
    for comment in comments:
        if comment.startswith("| msgid "):
            previous.append(unescape(comment[len("| msgid "):].strip()))
        elif not comment.startswith("| "):
            kept.append(comment)
    return kept, previous
