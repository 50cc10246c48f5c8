"""Translatable strings of a guide and their stable ids (the PO ``msgctxt``).

An id is derived from the string's place, built from the ids of the blocks that
hold it: ``cancel.ways.app.steps.2.text``. Blocks without an explicit ``id``
take their 1-based position. The same walk extracts strings and rebuilds the
guide with translated strings, so both always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from generator.content.model import TEXT_FIELDS, Callout, Checklist, Guide

M = TypeVar("M", bound=BaseModel)
DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Message:
    context: str  # stable id, the PO msgctxt
    source: str  # source-language text, the PO msgid
    path: DataPath  # where it stands in guide.yaml
    critical: bool  # in a checklist or a warning: a fallback here misleads


def iter_messages(guide: Guide) -> Iterator[Message]:
    """Every translatable string of the guide, in document order."""
    found: list[Message] = []

    def collect(message: Message) -> str:
        found.append(message)
        return message.source

    map_messages(guide, collect)
    yield from found


def map_messages(guide: Guide, translate: Callable[[Message], str]) -> Guide:
    """A copy of the guide with every translatable string replaced by ``translate(message)``."""
    return _walk(guide, "", (), False, translate)


def _walk(model: M, context: str, path: DataPath, critical: bool, translate: Callable[[Message], str]) -> M:
    critical = critical or isinstance(model, Checklist) or (isinstance(model, Callout) and model.kind == "warning")
    updates: dict[str, object] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in TEXT_FIELDS and isinstance(value, str):
            updates[name] = translate(Message(_join(context, name), value, path + (name,), critical))
        elif isinstance(value, BaseModel):
            updates[name] = _walk(value, _join(context, name), path + (name,), critical, translate)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            updates[name] = [
                _walk(child, _child_context(context, name, child, index), path + (name, index), critical, translate)
                for index, child in enumerate(value)
            ]
    return model.model_copy(update=updates)


def _child_context(parent: str, field: str, child: BaseModel, index: int) -> str:
    own = getattr(child, "id", None) or str(index + 1)
    if field in ("blocks", "options", "groups"):
        # Blocks are named by their own id; unnamed top-level blocks by position.
        if field == "blocks" and not parent and not getattr(child, "id", None):
            return f"blocks.{own}"
        return _join(parent, own)
    return _join(parent, f"{field}.{own}")


def _join(parent: str, part: str) -> str:
    return f"{parent}.{part}" if parent else part
