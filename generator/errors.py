"""Errors a user can act on. The CLI prints them without a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One finding tied to a place in a file: ``file:line:col: message``."""

    file: str
    line: int = 0
    column: int = 0
    message: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class GuidegenError(Exception):
    """An error caused by input or environment, reported as plain text."""


class OutputError(GuidegenError):
    """Writing a result failed (a full disk, a read-only folder): the environment's fault, worth trying again."""


class ContentError(GuidegenError):
    """One or more problems found in content or translation files."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
