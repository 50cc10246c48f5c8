"""The write-in lines of a checklist's record: how many each field gets, and how far apart.

A record is laid out first at its least (each field's own ``lines``, a line every
``PITCH_EM``); once the checklist's type size is chosen, the room left on the page
is shared out as more lines, as many for every field, and what is still left
widens the pitch (up to half as much again; past that, the first fields get one
line more), so the last line ends near the bottom margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.content.model import Record

PITCH_EM = 2.2  # one write-in line: room for handwriting at the checklist's type size
MAX_STRETCH = 1.5  # the pitch grows at most this much; room past that is left blank
SAFETY_PT = 2.0  # kept free under the last line: layout rounding must not make a second page


@dataclass(frozen=True)
class RecordLines:
    """Ruled lines per field, in order, and the distance between two lines in points."""

    lines: tuple[int, ...]
    pitch_pt: float


def least(record: Record, font_size_pt: float) -> RecordLines:
    """The record at its least: each field's own number of lines, the plain pitch."""
    return RecordLines(tuple(field.lines for field in record.fields), round(PITCH_EM * font_size_pt, 2))


def stretched(record: Record, font_size_pt: float, free_pt: float) -> RecordLines:
    """The record taking ``free_pt`` more points than at its least: as many more lines for every field, then a
    wider pitch; when that would pass ``MAX_STRETCH``, one more line for the first fields instead."""
    base = least(record, font_size_pt)
    room = max(0.0, free_pt - SAFETY_PT)
    fields = len(base.lines)
    rounds = int(room // (base.pitch_pt * fields))
    lines = [count + rounds for count in base.lines]
    left = room - rounds * fields * base.pitch_pt
    if left / sum(lines) > base.pitch_pt * (MAX_STRETCH - 1):
        extra = int(left // base.pitch_pt)
        lines = [count + (index < extra) for index, count in enumerate(lines)]
        left -= extra * base.pitch_pt
    pitch = min(base.pitch_pt + left / sum(lines), base.pitch_pt * MAX_STRETCH)
    return RecordLines(tuple(lines), math.floor(pitch * 100) / 100)
