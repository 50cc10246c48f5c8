"""The template folders: a user's own (``--templates``) searched before the bundled one."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class Templates:
    """The template folders (a user's first, the bundled last) and their Jinja environment."""

    def __init__(self, extra_dirs: list[Path] | None = None):
        self.dirs = [*(extra_dirs or []), BUNDLED_TEMPLATES]

    @cached_property
    def env(self) -> jinja2.Environment:
        import jinja2

        return jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
