"""Validation of a whole content folder without rendering: ``guidegen check``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from generator.i18n.catalogs import read_catalog, shown_id, string_ids
from generator.i18n.completeness import completeness
from generator.errors import ContentError, Problem, display_path
from generator.i18n.library import GuideSource, Library
from generator.fonts.coverage import Gap
from generator.content.glossary import GLOSSARY_FILE, LoadedGlossary, TermRule, combined, findings, load_glossary
from generator.content.links import text_problems
from generator.i18n.localize import localize
from generator.content.messages import iter_messages
from generator.content.phones import added_numbers, guide_regions, phone_regions
from generator.render.templates import Templates
from generator.i18n.ui_strings import ui_catalog_paths
from generator.i18n.usability import INVALID, Unusable, what_is_wrong, why_unusable


@dataclass
class CheckReport:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    hints: list[Problem] = field(default_factory=list)  # plain-language: warnings, or errors with --strict


def check_library(library: Library, templates: Templates) -> CheckReport:
    report = CheckReport(errors=list(library.problems))
    shared = _glossary(library.content_dir / GLOSSARY_FILE, report)
    for source in library.guides.values():
        _check_guide(source, report)
        _check_glyphs(source, templates, report)
        rules = combined(shared, _glossary(source.folder / GLOSSARY_FILE, report), source.guide.source_language)
        if rules:
            _check_terms(source, rules, report)
    from generator.i18n.workflow import ui_template

    template_strings = string_ids(ui_template(templates.dirs))
    for language, path in ui_catalog_paths(templates.catalog_dirs).items():
        try:
            catalog = read_catalog(path, language)
        except ContentError as error:
            report.errors.extend(error.problems)
            continue
        for msgid in template_strings:
            entry = catalog.get(msgid)
            regions = phone_regions([language])
            if entry is not None and why_unusable(msgid, entry, regions) in INVALID:
                report.errors.append(Problem(display_path(path), entry.lineno or 0, 0,
                    f"'{msgid}': translation {what_is_wrong(msgid, str(entry.string), regions)}"))
    return report


def _glossary(path: Path, report: CheckReport) -> LoadedGlossary | None:
    try:
        return load_glossary(path)
    except ContentError as error:
        report.errors.extend(error.problems)
        return None


def _check_terms(source: GuideSource, rules: list[TermRule], report: CheckReport) -> None:
    """A warning for each translation that does not use a glossary term's approved translation."""
    messages = list(iter_messages(source.guide))
    for language, path in source.catalog_paths.items():
        try:
            catalog = source.catalog(language)
        except ContentError:
            continue  # reported by _check_guide
        if catalog is None:
            continue
        regions = guide_regions(source.guide, language)
        for message in messages:
            entry = catalog.get(message.source, context=message.context)
            if why_unusable(message.source, entry, regions) is not None:
                continue
            assert entry is not None
            for rule, expected in findings(rules, message.source, str(entry.string), language):
                report.warnings.append(Problem(display_path(path), entry.lineno or 0, 0,
                    f"{message.context}: glossary term '{rule.term}' ({rule.where}) should be translated as "
                    f"{expected}"))


def _check_glyphs(source: GuideSource, templates: Templates, report: CheckReport) -> None:
    """Every character each document would print must be in its language's fonts."""
    from generator.render.formats import FORMATS
    from generator.fonts.coverage import FontMissing, find_printed_gaps
    from generator.render.html import DocumentOptions, render_html

    for language in source.languages:
        try:
            catalog = source.catalog(language)
        except ContentError:
            continue  # reported by _check_guide
        localized = localize(source.guide, language, catalog)
        printed = [entry for format_ in FORMATS
                   for entry in render_html(localized, DocumentOptions(format_), templates,
                                                 assets_dir=source.assets_dir).printed]
        try:
            gaps = find_printed_gaps(printed)
        except FontMissing as error:
            report.errors.append(Problem(display_path(source.loaded.path), 0, 0, str(error)))
            continue
        for gap in gaps:
            report.errors.append(_gap_problem(source, language, catalog, gap))


def _gap_problem(source: GuideSource, language: str, catalog: Catalog | None, gap: Gap) -> Problem:
    """Point at the catalog entry (or the guide line) holding the character."""
    message = f"{language}: {gap}"
    by_context = {m.context: m for m in iter_messages(source.guide)}
    found = by_context.get(gap.context)
    if found is None:
        return Problem(display_path(source.loaded.path), 0, 0, message)
    if catalog is not None:
        entry = catalog.get(found.source, context=found.context)
        if entry is not None and entry.string:
            return Problem(display_path(source.catalog_paths[language]), entry.lineno or 0, 0, message)
    return source.loaded.problem(found.path, message)


def _check_guide(source: GuideSource, report: CheckReport) -> None:
    from generator.content.plain_language import hints

    guide = source.guide
    report.hints.extend(hints(guide, source.loaded))
    messages = list(iter_messages(guide))
    for language, path in source.catalog_paths.items():
        shown = display_path(path)
        if language == guide.source_language:
            report.warnings.append(Problem(shown, 0, 0, "catalog for the source language is ignored"))
            continue
        try:
            catalog = source.catalog(language)
        except ContentError as error:
            report.errors.extend(error.problems)
            continue
        assert catalog is not None
        wanted = {(m.source, m.context) for m in messages}
        regions = guide_regions(guide, language)
        for message in messages:
            entry = catalog.get(message.source, context=message.context)
            if entry is None or not entry.string or not isinstance(entry.string, str):
                continue
            reason = why_unusable(message.source, entry, regions)
            if reason is Unusable.LINKS and added_numbers(entry.string, message.source, regions):
                report.errors.append(Problem(shown, entry.lineno or 0, 0,
                    f"{message.context}: translation {what_is_wrong(message.source, entry.string, regions)}"))
            elif reason is Unusable.LINKS:
                problems = text_problems(entry.string, guide.links) or ["must use the same links as the source"]
                report.errors.append(Problem(shown, entry.lineno or 0, 0,
                                             f"{message.context}: translation {problems[0]}"))
            elif reason in INVALID:
                report.errors.append(Problem(shown, entry.lineno or 0, 0,
                    f"{message.context}: translation {what_is_wrong(message.source, entry.string, regions)}"))
        by_context = {m.context: m for m in messages}
        for entry in catalog:
            if not entry.id or (entry.id, entry.context) in wanted:
                continue
            current = by_context.get(entry.context) if entry.context else None
            if isinstance(entry.id, (tuple, list)):
                report.warnings.append(Problem(shown, entry.lineno or 0, 0,
                    f"{entry.context + ': ' if entry.context else ''}plural entry {shown_id(entry)}: guides have "
                    "no plural strings, so it is never used"))
            elif current is not None:
                report.warnings.append(Problem(shown, entry.lineno or 0, 0,
                    f"{entry.context}: the source text changed (was: {shown_id(entry)}; now: {current.source}); run "
                    "'guidegen i18n update', then review the translation ('guidegen i18n todo' lists it)"))
            else:
                report.warnings.append(Problem(shown, entry.lineno or 0, 0,
                    f"{entry.context or shown_id(entry)}: not in the source any more; run 'guidegen i18n update'"))
        done = completeness(source, language, catalog)
        if done.fuzzy or done.untranslated:
            report.warnings.append(Problem(shown, 0, 0,
                f"{done.untranslated} untranslated and {done.fuzzy} fuzzy of {done.total} strings; "
                "they will print in the source language"))
