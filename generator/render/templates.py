"""The template folders: a user's own (``--templates``) searched before the bundled one.

The bundled templates live at the top of the repository (``templates/``) and are
installed inside the package as ``generator/bundled/``; ``bundled_templates()``
finds them either way. They are read-only: a project's own template-string
catalogs live in its content folder (``<content>/locales/``) or in a folder it
names with ``--templates``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import GuidegenError

if TYPE_CHECKING:
    import jinja2

    from generator.content.snapshot import TemplateFiles

LOCALES_DIR = "locales"
_KEPT_ENVIRONMENTS = 4


def bundled_templates() -> Path:
    """Inside an installed wheel ``generator/bundled/``; in a source checkout the repository's ``templates/``."""
    installed = resources.files("generator") / "bundled"
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "templates"


BUNDLED_TEMPLATES = bundled_templates()


class Templates:
    """The template folders (a user's first, the bundled last), their Jinja environments, and
    where template-string catalogs are looked up."""

    def __init__(self, extra_dirs: list[Path] | None = None, content_dir: Path | None = None):
        self.dirs = [*(extra_dirs or []), BUNDLED_TEMPLATES]
        self.content_dir = content_dir
        self._environments: dict[str, jinja2.Environment] = {}

    @property
    def project_catalogs(self) -> Path | None:
        """The content folder's own template-string catalogs (``<content>/locales/``)."""
        return self.content_dir / LOCALES_DIR if self.content_dir else None

    @property
    def catalog_dirs(self) -> list[Path]:
        """Folders of template-string catalogs, the first that has a language wins:
        ``--templates`` folders, the content folder's own, the bundled ones."""
        own = [self.project_catalogs] if self.project_catalogs else []
        return [folder / LOCALES_DIR for folder in self.dirs[:-1]] + own + [BUNDLED_TEMPLATES / LOCALES_DIR]

    @property
    def writable_catalog_dir(self) -> Path:
        """Where ``guidegen i18n`` writes template-string catalogs: the ``--templates`` folder if one was
        given, else the content folder. Never the bundled folder, which belongs to the installed tool."""
        if len(self.dirs) > 1:
            return self.dirs[0] / LOCALES_DIR
        if self.project_catalogs is None:
            raise GuidegenError("no content folder to write template-string catalogs into")
        return self.project_catalogs

    def read(self, contents: bool = True) -> TemplateFiles:
        """The files of the template folders (and the content folder's catalogs) as they are now; without
        ``contents`` only their digests (for a key)."""
        from generator.content.snapshot import TemplateFiles

        return TemplateFiles.read(self.dirs, self.project_catalogs, contents)

    @property
    def env(self) -> jinja2.Environment:
        """An environment of the template files as they are now."""
        return self.env_for(self.read())

    def env_for(self, files: TemplateFiles) -> jinja2.Environment:
        """A Jinja environment that loads templates from ``files`` (a snapshot), never from disk.

        Environments are kept by the snapshot's hash, so documents made from
        unchanged templates share the compiled templates.
        """
        import jinja2

        if files.digest not in self._environments:
            if len(self._environments) >= _KEPT_ENVIRONMENTS:
                self._environments.pop(next(iter(self._environments)))

            def load(name: str) -> tuple[str, str, object] | None:
                found = files.find(name)
                if found is None:
                    return None
                path, data = found
                try:
                    return data.decode("utf-8"), str(path), lambda: True
                except UnicodeDecodeError:
                    raise GuidegenError(f"template {path}: not valid UTF-8") from None

            self._environments[files.digest] = jinja2.Environment(
                loader=jinja2.FunctionLoader(load),  # type: ignore[arg-type]
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
        return self._environments[files.digest]
