"""Reading and writing gettext PO catalogs with Babel."""

from __future__ import annotations

import io
import re
from pathlib import Path

from collections.abc import Iterable

from babel import UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from generator.errors import ContentError, Problem, display_path
from generator.content.safe_yaml import read_text

MAX_CATALOG_BYTES = 2_000_000

# Babel's parser accepts an unterminated string and silently drops its last
# character; every line is checked against the PO grammar first.
_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"^(?:\s*|#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}\s*|{_STRING}\s*)$")


def _syntax_problems(text: str, shown: str) -> list[Problem]:
    return [Problem(shown, number, 0, "invalid PO file: expected a keyword and a quoted string, or a comment")
            for number, line in enumerate(text.splitlines(), 1) if not _PO_LINE.match(line)]


def read_catalog(path: Path, language: str, data: bytes | None = None, *, keep_obsolete: bool = False) -> Catalog:
    """Read a PO file strictly: any syntax error is a ContentError with its line.

    ``data``: the file's bytes, when they were already read (see ``snapshot``). Obsolete
    entries (``#~``) are dropped unless ``keep_obsolete``: only a merge needs them, to carry them over.
    """
    text = read_text(path, MAX_CATALOG_BYTES, data)
    problems = _syntax_problems(text, display_path(path))
    if problems:
        raise ContentError(problems)
    try:
        catalog = read_po(io.StringIO(text), locale=language.replace("-", "_"), abort_invalid=True,
                          ignore_obsolete=not keep_obsolete)
    except PoFileError as error:
        raise ContentError(
            [Problem(display_path(path), error.lineno + 1, 0, f"invalid PO file: {error.args[0].rsplit(' on ', 1)[0]}")]
        ) from None
    except (ValueError, UnicodeError, UnknownLocaleError) as error:
        raise ContentError([Problem(display_path(path), 0, 0, f"invalid PO file: {error}")]) from None
    if catalog.charset.lower().replace("-", "") != "utf8":
        raise ContentError([Problem(display_path(path), 0, 0,
            f"invalid PO file: header declares charset={catalog.charset}; save it as UTF-8 and declare charset=UTF-8")])
    return catalog


def catalog_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=True, omit_header=False)
    return buffer.getvalue()


def keep_untouched(old: str, new: str) -> str:
    """``new`` (a catalog as Babel writes it) with every entry whose meaning did not change written as in ``old``.

    Translators' tools wrap lines their own way and Babel re-wraps everything, so a
    merge would otherwise rewrite every entry. An entry is compared by its meaning:
    keywords with their joined strings, flags and comments, locations in any wrapping;
    the header ignores the 'Generated-By' line.
    """
    kept = {_meaning(block): block for block in _blocks(old)}
    ending = old[len(old.rstrip("\n")):] or new[len(new.rstrip("\n")):]
    return "\n\n".join(kept.get(_meaning(block), block) for block in _blocks(new)) + ending


def _blocks(text: str) -> list[str]:
    return [block.strip("\n") for block in re.split(r"\n[ \t]*\n", text) if block.strip()]


def _meaning(block: str) -> tuple[str, ...]:
    parts: list[str] = []
    locations: list[str] = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("#:"):
            locations.extend(line[2:].split())
        elif line.startswith('"') and parts:
            parts[-1] += line[1:-1]
        elif line.startswith("#~ \"") and parts:
            parts[-1] += line[4:-1]
        else:
            keyword, _, string = line.partition(" ")
            parts.append(f"{keyword} {string[1:-1]}" if string.startswith('"') else line)
    if "msgid " in parts and not any(p.startswith("msgctxt") for p in parts):  # the header
        parts = [re.sub(r"Generated-By: [^\\]*\\n", "", p) for p in parts]
    return (*parts, " ".join(sorted(locations)))


def shown_id(message: Message) -> str:
    """A catalog entry's source text as a message shows it: a plural entry's (a tuple in Babel) as
    'singular' / 'plural', never as a Python tuple."""
    if isinstance(message.id, (tuple, list)):
        return " / ".join(f"'{part}'" for part in message.id)
    return str(message.id)


def string_ids(messages: Iterable[Message]) -> list[str]:
    """The source texts of the entries with a plain string id: no header entry, no plural entry."""
    return [message.id for message in messages if isinstance(message.id, str) and message.id]
