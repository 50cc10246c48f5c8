"""The template folders: a user's own (``--templates``) searched before the bundled one.

The bundled templates live at the top of the repository (``templates/``) and are
installed inside the package as ``generator/bundled/``; ``bundled_templates()``
finds them either way. They are read-only: a project's own template-string
catalogs live in its content folder (``<content>/locales/``) or in a folder it
names with ``--templates``.
"""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

LOCALES_DIR = "locales"


def bundled_templates() -> Path:
    """Inside an installed wheel ``generator/bundled/``; in a source checkout the repository's ``templates/``."""
    installed = resources.files("generator") / "bundled"
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"


BUNDLED_TEMPLATES = bundled_templates()


class Templates:
    """The template folders (a user's first, the bundled last), their Jinja environment, and
    where template-string catalogs are looked up."""

    def __init__(self, extra_dirs: list[Path] | None = None, content_dir: Path | None = None):
        self.dirs = [*(extra_dirs or []), BUNDLED_TEMPLATES]
        self.content_dir = content_dir

    @property
    def catalog_dirs(self) -> list[Path]:
        """Folders of template-string catalogs, the first that has a language wins:
        ``--templates`` folders, the content folder's own, the bundled ones."""
        own = [self.content_dir / LOCALES_DIR] if self.content_dir else []
        return [folder / LOCALES_DIR for folder in self.dirs[:-1]] + own + [BUNDLED_TEMPLATES / LOCALES_DIR]

    @property
    def writable_catalog_dir(self) -> Path:
        """Where ``guidegen i18n`` writes template-string catalogs: the ``--templates`` folder if one was
        given, else the content folder. Never the bundled folder, which belongs to the installed tool."""
        if len(self.dirs) > 1:
            return self.dirs[0] / LOCALES_DIR
        if self.content_dir is None:
            raise ValueError("no content folder to write template-string catalogs into")
        return self.content_dir / LOCALES_DIR

    @property
    def input_dirs(self) -> list[Path]:
        """Every folder whose files shape a document (for the build cache)."""
        return [*self.dirs, *([self.content_dir / LOCALES_DIR] if self.content_dir else [])]

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
