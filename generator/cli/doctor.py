"""``guidegen doctor``: what the machine has, and what to install when something is missing."""

from __future__ import annotations

import ctypes.util
from collections.abc import Iterator
from importlib import metadata

from generator.content.languages import babel_locale, native_name
from generator.content.numerals import numerals
from generator.errors import GuidegenError
from generator.fonts.stacks import font_stack, script_stack
from generator.fonts.coverage import FontMissing, family_coverage, find_gaps

# One language per script family the bundled templates know (Ukrainian too: і ї ʼ are not Russian letters).
_PROBE_LANGUAGES = ("en", "ru", "uk", "el", "zh-CN", "zh-TW", "zh-HK", "ja", "ko", "ar", "he", "hi", "th", "am", "ka",
                    "hy", "km", "my")


def diagnose() -> Iterator[tuple[str, bool]]:
    """Lines of (finding, fine?)."""
    for package in ("weasyprint", "jinja2", "babel", "pydantic", "click", "uharfbuzz", "pypdf", "segno", "flask"):
        try:
            yield f"{package} {metadata.version(package)}", True
        except metadata.PackageNotFoundError:
            yield f"{package}: not installed (make build, or pip install the guidegen wheel)", False
    try:
        from generator.render.engine_patches import pango_version
        from generator.render.pdf import import_weasyprint

        import_weasyprint()
        yield f"Pango {pango_version()}", True
    except Exception as error:  # noqa: BLE001 - a diagnosis must not crash
        yield f"WeasyPrint/Pango: {error}", False
    subsetter = ctypes.util.find_library("harfbuzz-subset")
    if subsetter:
        yield f"HarfBuzz subsetter: {subsetter} (fast font subsetting)", True
    else:
        yield ("HarfBuzz subsetter: missing; PDFs take seconds each (fontTools fallback). "
               "Debian: apt-get install libharfbuzz-subset0"), False
    seen: set[str] = set()
    for language in _PROBE_LANGUAGES:
        for family in font_stack(language):
            if family in seen:
                continue
            seen.add(family)
            try:
                yield f"font {family}: {len(family_coverage(family)):,} characters", True
            except FontMissing as error:
                yield str(error), False
    yield from _letters()
    yield from _bundled_languages()
    yield from _printing()


def _bundled_languages() -> Iterator[tuple[str, bool]]:
    """Every language guidegen has template strings for: its letters and its digits are in its own fonts."""
    from generator.i18n.catalogs import read_catalog
    from generator.i18n.ui_strings import ui_catalog_paths
    from generator.render.templates import Templates

    for tag, path in sorted(ui_catalog_paths(Templates().catalog_dirs).items()):
        try:
            strings = [(str(m.id), str(m.string)) for m in read_catalog(path, tag) if m.id and m.string]
            gaps = find_gaps([*strings, ("digits", numerals(tag).digits)], font_stack(tag))
        except GuidegenError as error:  # a missing font was named above; an unreadable catalog is named here
            yield f"language {tag}: {error}", False
            continue
        if gaps:
            yield f"language {tag} ({native_name(tag)}): " + "; ".join(str(gap) for gap in gaps[:3]), False
        else:
            yield f"language {tag} ({native_name(tag)}): letters and digits in {', '.join(script_stack(tag))}", True


def _letters() -> Iterator[tuple[str, bool]]:
    """Each probe language's letters in its own fonts: a family can be installed and still lack a script."""
    checked = []
    for language in _PROBE_LANGUAGES:
        try:
            gaps = find_gaps([(language, cldr_sample(language))], font_stack(language))
        except FontMissing:
            continue  # reported with the fonts
        if gaps:
            missing = ", ".join(f"{gap.char} U+{ord(gap.char):04X}" for gap in gaps[:5])
            yield (f"letters of {language}: {len(gaps)} letters of its CLDR names (language, months, days) "
                   f"are in none of {', '.join(font_stack(language))} ({missing})"), False
        else:
            checked.append(language)
    if checked:
        yield f"letters of {len(checked)} languages in their fonts: {' '.join(checked)}", True


def cldr_sample(language: str) -> str:
    """Real text in a language, written by no one here: its name, month and day names from CLDR (Babel)."""
    locale = babel_locale(language)
    names = [locale.languages.get(locale.language, "")]
    for kind in ("format", "stand-alone"):
        names += locale.months[kind]["wide"].values()
        names += locale.days[kind]["wide"].values()
    return " ".join(names)


def _printing() -> Iterator[tuple[str, bool]]:
    """CUPS, for 'guidegen print' and the desk page. Not needed to build PDFs, so never a problem."""
    from generator.errors import GuidegenError
    from generator.desk.printing import default_printer, printers

    try:
        names = printers()
    except GuidegenError as error:
        yield f"printing: {error} (only 'print' and the desk page need it)", True
        return
    default = default_printer()
    listed = ", ".join(f"{name}{' (default)' if name == default else ''}" for name in names) or "none set up"
    yield f"printers (CUPS): {listed}", True
