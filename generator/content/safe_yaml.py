"""Safe YAML loading that keeps line numbers and refuses YAML's surprises.

PyYAML's node tree is converted by hand instead of through a constructor, so that:
- only plain data comes out (dicts, lists, strings, ``None``); every explicit tag
  such as ``!!python/object`` is an error;
- anchors and aliases are refused before they can expand (no "billion laughs");
- duplicate keys are reported with both lines;
- YAML 1.1 implicit typing is off: ``no``, ``off``, ``1.10`` and ``2026-11-20``
  stay the strings the author wrote;
- every value's position is recorded, keyed by its path, for error messages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator.content.bounded import Refused, read_regular
from generator.errors import ContentError, Problem, display_path

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 24

Path_ = tuple[str | int, ...]
Positions = dict[Path_, tuple[int, int]]

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _AnchorRefused(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    """Composer that resolves only ``null`` implicitly and refuses anchors."""

    yaml_implicit_resolvers: dict = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AnchorRefused(
                None, None, "anchors and aliases (& and *) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


_Loader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class LoadedYaml:
    """Plain data from a YAML file plus the position of every value."""

    def __init__(self, path: Path, data: Any, positions: Positions):
        self.path = path
        self.data = data
        self.positions = positions

    def position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest known parent."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (0, 0))

    def problem(self, path: Path_, message: str) -> Problem:
        line, column = self.position(path)
        return Problem(display_path(self.path), line, column, message)


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES, data: bytes | None = None) -> str:
    """Read a UTF-8 text file (a leading BOM is dropped), refusing huge or undecodable files.

    With ``data``, those bytes are the file's content (read earlier, in a snapshot).
    """
    shown = display_path(path)
    try:
        if data is not None and len(data) > max_bytes:
            raise Refused(f"is {len(data):,} bytes; the limit is {max_bytes:,}")
        raw = read_regular(path, max_bytes) if data is None else data
    except Refused as refused:
        raise ContentError([Problem(shown, 0, 0, f"file {refused}")]) from None
    except OSError as error:
        raise ContentError([Problem(shown, 0, 0, f"cannot read file: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ContentError(
            [Problem(shown, line, 0, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8")]
        ) from None
    return text.removeprefix("\ufeff")


def load_yaml(path: Path, data: bytes | None = None) -> LoadedYaml:
    """Load one YAML document as plain data with positions, or raise ContentError.

    ``data``: the file's bytes, when they were already read (see ``snapshot``).
    """
    text = read_text(path, data=data)
    shown = display_path(path)
    loader = None
    try:
        loader = _Loader(text)  # the reader already refuses control characters here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ContentError([Problem(shown, line, column, f"invalid YAML: {_teach(error, text)}")]) from None
    except yaml.YAMLError as error:
        raise ContentError([Problem(shown, 0, 0, f"invalid YAML: {error}")]) from None
    except RecursionError:
        raise ContentError([Problem(shown, 0, 0, "invalid YAML: nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise ContentError([Problem(shown, 1, 0, "file is empty")])
    problems: list[Problem] = []
    positions: Positions = {}
    data = _convert(node, (), positions, problems, shown, 0)
    if problems:
        raise ContentError(problems)
    return LoadedYaml(path, data, positions)


def _teach(error: yaml.MarkedYAMLError, text: str) -> str:
    """PyYAML's complaint, said so that an author who never read the YAML specification can fix it."""
    problem = error.problem or str(error)
    mark = error.problem_mark
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if isinstance(error, _AnchorRefused):
        return problem
    if "cannot start any token" in problem and "'\\t'" in problem:
        return "YAML indents with spaces, not tabs: replace the tab with spaces"
    if problem.startswith("mapping values are not allowed"):
        return ("this value contains ': ', which YAML reads as a new key; put the text in quotes, "
                f"e.g. {_quoted_example(line)}")
    if problem.startswith("expected <block end>") or "could not find expected ':'" in problem:
        above = (f" (the mapping or list it should belong to starts on line {error.context_mark.line + 1})"
                 if error.context_mark else "")
        return ("the indentation here does not line up with the lines above" + above + ": keys of one mapping "
                "start in the same column, and the items of a list each start with '- ' in the same column")
    return f"{error.context}: {problem}" if error.context else problem


def _quoted_example(line: str) -> str:
    key, _, value = line.strip().lstrip("- ").partition(": ")
    value = value.replace('"', '\\"')
    return f'{key}: "{value}"' if key and value else 'text: "Note: like this"'


def _convert(
    node: yaml.Node, path: Path_, positions: Positions, problems: list[Problem], shown: str, depth: int
) -> Any:
    mark = node.start_mark
    positions.setdefault(path, (mark.line + 1, mark.column + 1))

    def problem(message: str, at: yaml.Node = node) -> None:
        problems.append(Problem(shown, at.start_mark.line + 1, at.start_mark.column + 1, message))

    if depth > MAX_DEPTH:
        problem(f"nested more than {MAX_DEPTH} levels deep")
        return None
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _NULL:
            return None
        if node.tag != _STR:
            problem(f"YAML tags like '{node.tag}' are not allowed")
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            problem(f"YAML tags like '{node.tag}' are not allowed")
            return None
        return [
            _convert(item, path + (index,), positions, problems, shown, depth + 1)
            for index, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            problem(f"YAML tags like '{node.tag}' are not allowed")
            return None
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                problem("keys must be plain text", key_node)
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first_line:
                problem(f"duplicate key '{key}' (first on line {first_line[key]})", key_node)
                continue
            first_line[key] = line
            positions[path + (key,)] = (line, key_node.start_mark.column + 1)
            result[key] = _convert(value_node, path + (key,), positions, problems, shown, depth + 1)
        return result
    problem("unsupported YAML node")  # pragma: no cover - PyYAML has only these three
    return None
