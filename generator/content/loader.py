"""Loading a guide file: YAML → validated ``Guide``, with errors that name file, line and field."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.content.assets import ASSETS_DIR, AssetProblem, asset_path, check_image, read_image
from generator.errors import ContentError, Problem
from generator.content.messages import iter_messages
from generator.content.links import host_problem, text_problems, url_problem
from generator.content.model import Block, Guide, Image, QrCode, Section, known_keys
from generator.content.params import placeholders
from generator.content.phones import guide_regions
from generator.content.safe_yaml import LoadedYaml, load_yaml

if TYPE_CHECKING:
    from generator.content.snapshot import Folder

GUIDE_FILE = "guide.yaml"


M = TypeVar("M", bound=BaseModel)


def validate_file(path: Path, model: type[M], shape: str, data: bytes | None = None) -> tuple[M, LoadedYaml]:
    """Load a YAML file as ``model``; every problem names the file, line and field. ``shape`` says
    what the top level should be when it is not a mapping; ``data`` is the file's bytes when already read."""
    loaded = load_yaml(path, data)
    if not isinstance(loaded.data, dict):
        raise ContentError([loaded.problem((), shape)])
    try:
        return model.model_validate(loaded.data), loaded
    except ValidationError as error:
        raise ContentError([problem_from(loaded, e) for e in error.errors()]) from None


def load_guide(path: Path, data: bytes | None = None, assets: Folder | None = None) -> tuple[Guide, LoadedYaml]:
    """Load and validate one ``guide.yaml``; raise ContentError with every problem found.

    ``data`` and ``assets``: the guide file's bytes and its assets folder as read in a snapshot;
    without them both are read from disk.
    """
    guide, loaded = validate_file(path, Guide, "a guide must be a mapping of keys (id, title, blocks, …)", data)
    problems = _semantic_problems(guide, loaded, assets)
    if problems:
        raise ContentError(problems)
    return guide, loaded


def _semantic_problems(guide: Guide, loaded: LoadedYaml, assets: Folder | None) -> list[Problem]:
    """What the schema cannot say: unique ids, known placeholders, folder name."""
    problems: list[Problem] = []
    folder = loaded.path.parent.name
    if guide.id != folder:
        problems.append(loaded.problem(("id",), f"id: '{guide.id}' must match the guide's folder name '{folder}'"))
    seen: dict[str, tuple[str | int, ...]] = {}
    for message in iter_messages(guide):
        if message.context in seen:
            line = loaded.position(seen[message.context])[0]
            problems.append(
                loaded.problem(
                    message.path,
                    f"{_field(message.path)}: id '{message.context}' is used twice (also line {line}); "
                    "give one an explicit 'id'",
                )
            )
        seen[message.context] = message.path
        for name in sorted(placeholders(message.source) - guide.params.keys()):
            problems.append(
                loaded.problem(
                    message.path, f"{_field(message.path)}: unknown parameter '{{{name}}}' (declare it under 'params')"
                )
            )
    problems.extend(_image_problems(guide, loaded, assets))
    problems.extend(_link_problems(guide, loaded))
    return problems


def _link_problems(guide: Guide, loaded: LoadedYaml) -> list[Problem]:
    """Official links must be https on official hosts; text and QR codes may use only them."""
    problems = []
    for index, host in enumerate(guide.official_hosts):
        problem = host_problem(host.lower().rstrip("."))
        if problem:
            problems.append(loaded.problem(("official_hosts", index), f"official_hosts[{index}]: {problem}"))
    for name, url in guide.links.items():
        problem = url_problem(url, guide.official_hosts)
        if problem:
            problems.append(loaded.problem(("links", name), f"links.{name}: {problem}"))
    regions = guide_regions(guide)
    for message in iter_messages(guide):
        for problem in text_problems(message.source, guide.links, regions):
            problems.append(loaded.problem(message.path, f"{_field(message.path)}: {problem}"))
    for path, block in iter_blocks(guide.blocks, QrCode):
        if block.link not in guide.links:
            problems.append(loaded.problem(path + ("link",), f"{_field(path + ('link',))}: unknown link "
                                           f"'{block.link}' (declared: {', '.join(sorted(guide.links)) or 'none'})"))
    return problems


B = TypeVar("B")


def iter_blocks(blocks: list[Block], kind: type[B], path: tuple[str | int, ...] = ("blocks",)
                ) -> list[tuple[tuple[str | int, ...], B]]:
    """Every block of type ``kind`` with its path in the file, in document order."""
    found: list[tuple[tuple[str | int, ...], B]] = []
    for index, block in enumerate(blocks):
        if isinstance(block, kind):
            found.append((path + (index,), block))
        elif isinstance(block, Section):
            found.extend(iter_blocks(block.blocks, kind, path + (index, "blocks")))
    return found


def _image_problems(guide: Guide, loaded: LoadedYaml, assets: Folder | None) -> list[Problem]:
    """Each image must be a readable PNG, JPEG or SVG inside the guide's assets folder."""
    problems = []
    for path, image in iter_blocks(guide.blocks, Image):
        field = _field(path + ("src",))
        try:
            if assets is None:
                read_image(asset_path(loaded.path.parent / ASSETS_DIR, image.src))
            else:
                check_image(assets.bytes_of(image.src))
        except AssetProblem as problem:
            problems.append(loaded.problem(path + ("src",), f"{field}: '{image.src}' {problem}"))
        except OSError as error:
            problems.append(loaded.problem(path + ("src",), f"{field}: cannot read '{image.src}': {error.strerror}"))
    return problems


def problem_from(loaded: LoadedYaml, error: Any) -> Problem:
    path = _data_path(loaded.data, error["loc"])
    kind = error["type"]
    field = _field(path)
    if kind == "missing":
        message = f"{field}: required key '{path[-1]}' is missing"
    elif kind == "extra_forbidden":
        message = f"{field}: unknown key '{path[-1]}'"
        close = difflib.get_close_matches(str(path[-1]), sorted(known_keys()), n=1)
        if close:
            message += f" (did you mean '{close[0]}'?)"
        elif " " in str(path[-1]):  # "- Step 1: open …" reads as a key "Step 1"
            message += "; if this is text that contains ': ', put the whole text in quotes"
    elif kind == "union_tag_not_found":
        message = (
            f"{field}: a block needs a 'type' (section, paragraph, list, procedure, alternatives, callout, image or qr)"
        )
    elif kind == "union_tag_invalid":
        message = f"{field}: unknown block type '{error['ctx']['tag']}' (expected {error['ctx']['expected_tags']})"
    elif kind == "string_type" and error.get("input") is None:
        message = f"{field}: must not be empty"
    elif kind == "list_type":
        message = f"{field}: {_expected_list(path, error.get('input'))}"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = (f"{field}: expected keys and values, one 'key: value' per line, indented under "
                   f"'{path[-1] if path else 'the top level'}'")
    elif kind == "string_type" and isinstance(error.get("input"), (list, dict)):
        message = (f"{field}: expected text, found a {'list' if isinstance(error['input'], list) else 'mapping'}; "
                   "text that contains ': ' or starts with '- ' goes in quotes, e.g. text: \"Note: like this\"")
    elif kind == "too_short" and isinstance(error.get("input"), list):
        message = f"{field}: needs at least {error['ctx']['min_length']} item(s)"
    elif kind == "too_long" and isinstance(error.get("input"), list):
        message = (
            f"{field}: has {error['ctx']['actual_length']} items; at most {error['ctx']['max_length']} are allowed"
        )
    elif kind == "string_too_long":
        message = (
            f"{field}: text is {len(error['input']):,} characters; at most {error['ctx']['max_length']:,} are allowed"
        )
    elif kind == "less_than_equal":
        message = f"{field}: is {error['input']}; at most {error['ctx']['le']} is allowed"
    elif kind == "greater_than_equal":
        message = f"{field}: is {error['input']}; at least {error['ctx']['ge']} is needed"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message = f"{field}: expected a whole number, found '{error['input']}'"
    elif kind == "string_pattern_mismatch" and path and path[-1] == "id":
        message = f"{field}: '{error['input']}' is not a valid id (lowercase letters, digits and single hyphens)"
    else:
        message = f"{field}: {error['msg'].removeprefix('Value error, ')}"
    return loaded.problem(path, message)


_LIST_ENTRIES = {"steps": "step", "items": "item", "blocks": "block", "groups": "group", "options": "option",
                 "official_hosts": "host"}


def _expected_list(path: tuple[str | int, ...], found: Any) -> str:
    """``steps: expected a list, one step per line starting with '- '`` (and a guess at what was meant)."""
    name = path[-1] if path and isinstance(path[-1], str) else ""
    entry = _LIST_ENTRIES.get(name, "entry")
    message = f"expected a list, one {entry} per line starting with '- '"
    if not isinstance(found, str):
        return message
    first = _shortened(found.removeprefix("-").split(" -")[0].strip())  # lines after it were folded into it
    if found.startswith("-") and not found.startswith("- "):
        return message + f" (did you mean '- {first}'?)"
    return message + f", e.g.\n    {name or 'list'}:\n      - {first}"


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Translate a pydantic error location into a path in the YAML data.

    Discriminated unions add the block type to the location (``blocks.0.section.title``);
    those parts are not in the file and are dropped.
    """
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part not in current and current.get("type") == part:
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        path.append(part)
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            current = None
    return tuple(path)


def _field(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"
