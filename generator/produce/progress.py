"""What a batch tells its user while it runs and at the end.

On a terminal: one progress line (documents done / total, the last document,
elapsed time) redrawn in place, with failures and warnings printed above it.
Elsewhere (CI logs, pipes) or with ``--verbose``: one plain line per document.
With ``--quiet``: failures and the summary only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

import click

from generator.produce.jobs import Job, JobResult
from generator.errors import display_path

_BAR_WIDTH = 24
_CLEAR = "\r\x1b[K"  # back to the start of the line, erase it


def describe(result: JobResult) -> str:
    """``3 pages``, ``1 page, 12.5 pt, two columns``, ``6 pages, booklet of 2 sheets``."""
    parts = [f"{result.pages} page{'s' if result.pages != 1 else ''}"]
    if result.font_size:
        parts.append(f"{result.font_size:g} pt")
    if result.columns == 2:
        parts.append("two columns")
    if result.record_left_out:
        parts.append("without its record")
    if result.sheets:
        parts.append(f"booklet of {result.sheets} sheet{'s' if result.sheets != 1 else ''}")
    return ", ".join(parts)


@dataclass
class Reporter:
    total: int
    mode: str = "lines"  # bar | lines | verbose | quiet
    stream: IO[str] | None = None  # the bar's stream (default: stderr)
    clock: Callable[[], float] = time.monotonic
    built: int = 0
    skipped: int = 0
    failed: int = 0
    started: float = field(default=0.0)
    _last: str = ""

    def __post_init__(self) -> None:
        self.started = self.clock()

    @classmethod
    def choose(cls, total: int, quiet: bool, verbose: bool, stream: IO[str] | None = None) -> Reporter:
        if quiet:
            return cls(total, "quiet", stream)
        if verbose:
            return cls(total, "verbose", stream)
        return cls(total, "bar" if sys.stderr.isatty() else "lines", stream)

    @property
    def done(self) -> int:
        return self.built + self.skipped + self.failed

    def up_to_date(self, job: Job, path: str) -> None:
        self.skipped += 1
        self._last = job.label
        if self.mode == "verbose":
            self._line(f"current {path} (up to date)")
        self._draw()

    def result(self, result: JobResult) -> None:
        self._last = result.job.label
        if result.ok:
            self.built += 1
        else:
            self.failed += 1
            self._line(f"failed  {result.job.label}: {result.error}", err=True)
        if result.ok and self.mode in ("lines", "verbose"):
            assert result.path is not None
            self._line(f"built   {display_path(result.path)} ({describe(result)})")
        if result.ok and self.mode != "quiet":
            self._warnings(result)
        self._draw()

    def _warnings(self, result: JobResult) -> None:
        label = result.job.label
        if result.fallbacks and self.mode != "bar":
            self._line(f"        {len(result.fallbacks)} string(s) in the source language: "
                       + ", ".join(f"{f.context} ({f.reason})" for f in result.fallbacks[:5])
                       + (" …" if len(result.fallbacks) > 5 else ""), err=True)
        for fallback in (f for f in result.fallbacks if f.critical):
            self._line(f"warning: {label}: safety-relevant text '{fallback.context}' is not translated "
                       f"({fallback.reason}); the reader may not understand it", err=True)
        for message in result.warnings:
            self._line(f"warning: {label}: WeasyPrint: {message}", err=True)
        if result.record_left_out:
            self._line(f"warning: {label}: no room for the checklist's record (write-in lines) on its one page; "
                       "printed without it", err=True)
        if result.ui_missing:
            self._line(f"warning: {label}: template strings not translated: {', '.join(result.ui_missing)}", err=True)

    def failed_elsewhere(self, count: int) -> None:
        """Failures found before any job ran (broken guides, unknown languages): counted in the summary."""
        self.failed += count

    def _bar_write(self, text: str) -> None:
        stream = self.stream or sys.stderr  # written as is: click.echo would strip the escape codes
        stream.write(text)
        stream.flush()

    def _line(self, text: str, err: bool = False) -> None:
        if self.mode == "bar":
            self._bar_write(_CLEAR)
        click.echo(text, err=err)

    def _draw(self) -> None:
        if self.mode != "bar":
            return
        filled = round(_BAR_WIDTH * self.done / self.total) if self.total else _BAR_WIDTH
        bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
        self._bar_write(f"{_CLEAR}{bar} {self.done}/{self.total}  {self._last}  {self.clock() - self.started:.1f} s")

    def finish(self, not_started: int = 0) -> str:
        """Clear the bar and give the summary line."""
        if self.mode == "bar":
            self._bar_write(_CLEAR)
        summary = f"{self.built} built, {self.skipped} up to date, {self.failed} failed"
        if not_started:
            summary += f", {not_started} not started (interrupted)"
        return summary + f" in {self.clock() - self.started:.1f} s"
