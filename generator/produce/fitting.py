"""Choosing a checklist's type size: the largest on a half-point grid that keeps it on one page.

Laying out is the cost, so sizes are not tried one by one. Every layout tells
how tall the content is at its size (the room left on the page, or how much is
over). Content height grows with type size as a power between 1 (lines that do
not wrap) and 2 (lines that wrap more): two layouts give that power, one gives
a middle guess, and the next size tried is the one predicted to just fit,
bounded by the sizes already known to fit and not to fit. When the prediction
is the size that already fits, the search stops there. A checklist that fits at
its start size with no room for half a point more costs one layout, as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.render.pdf import Layout

STEP_PT = 0.5
GUESSED_POWER = 1.5  # before two layouts tell how content height follows type size
MIN_POWER, MAX_POWER = 0.8, 2.5  # bounds of the measured power (1 and 2 in theory; wrapping is lumpy)
COLUMN_SHARE = 0.8  # of its height in one column, what content takes of a page in two (lines wrap more)


@dataclass
class Fit:
    """The largest size found that fits (``None`` if even the floor is too big) and its layout."""

    size: float | None = None
    layout: Layout | None = None
    overflow: float = math.inf  # the least overflow of the sizes that did not fit, as a fraction of a page
    body_pt: float = 0.0  # the height of the page's content box
    heights: dict[float, float] = field(default_factory=dict)  # size tried → content height, in points


def _grid(size: float) -> float:
    return math.floor(size / STEP_PT + 1e-9) * STEP_PT


def _height(layout: Layout, columns: int) -> float:
    """How tall the content is, as one column of the page: the page's height less the room left (at the foot
    of the last column), or plus what runs over."""
    if layout.pages == 1:
        return layout.body_pt - layout.free_pt / columns
    return layout.body_pt * (1 + layout.overflow / columns)


def largest_fitting(lay_out: Callable[[float], Layout], start: float, floor: float, top: float,
                    columns: int = 1, guide: Fit | None = None, more_columns_next: bool = False) -> Fit:
    """The largest size in [``floor``, ``top``] at which ``lay_out(size)`` gives one page (set in ``columns``),
    searched from ``start``; or, given the ``guide`` of a search in one column that found no size, from the
    size its heights predict for ``columns``. ``more_columns_next``: a search in more columns follows, so
    content that could not fit even if it shrank as fast as it can is not laid out at the floor."""
    fit = Fit()
    too_big = top + STEP_PT  # the smallest size known not to fit
    size: float | None = start
    if guide is not None and guide.heights and columns > 1:
        shared = {s: h * COLUMN_SHARE for s, h in guide.heights.items()}
        size = min(max(_grid(_predict(shared, guide.body_pt)), floor), top)
    body = 0.0
    while size is not None:
        layout = lay_out(size)
        fit.heights[size], body = _height(layout, columns), layout.body_pt
        fit.body_pt = body
        if layout.pages == 1:
            fit.size, fit.layout = size, layout
        else:
            too_big = size
            fit.overflow = min(fit.overflow, layout.overflow)
            if more_columns_next and fit.size is None and _hopeless(fit.heights[size], size, floor, body):
                break
        size = _next_size(fit, body, too_big, floor)
    return fit


def _hopeless(height: float, size: float, floor: float, body: float) -> bool:
    """Whether content ``height`` tall at ``size`` would still be over a page at ``floor`` even if it shrank
    with the highest power the search allows, and a tenth more."""
    return height * (floor / size) ** MAX_POWER > body * 1.1


def _next_size(fit: Fit, body: float, too_big: float, floor: float) -> float | None:
    """The size to try next, or ``None`` when the search is over."""
    lowest = fit.size + STEP_PT if fit.size is not None else floor
    highest = too_big - STEP_PT
    if highest < lowest - 1e-9:
        return None
    guess = _grid(_predict(fit.heights, body))
    if fit.size is not None and guess < lowest - 1e-9:
        return None  # the prediction is the size that fits: stop there
    return min(max(guess, lowest), highest)


def _predict(heights: dict[float, float], body: float) -> float:
    """The size whose content would just fill ``body`` points, from the two layouts nearest to filling it."""
    near = sorted(heights.items(), key=lambda item: abs(item[1] - body))[:2]
    (size, height), power = near[0], GUESSED_POWER
    if len(near) == 2 and near[1][0] != size and near[1][1] > 0 and height > 0:
        measured = math.log(near[1][1] / height) / math.log(near[1][0] / size)
        power = min(max(measured, MIN_POWER), MAX_POWER)
    return size * (body / height) ** (1 / power) if height > 0 else size
