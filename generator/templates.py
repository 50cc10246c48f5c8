"""The template folders: a user's own (``--templates``) searched before the bundled one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

    from generator.snapshot import TemplateFiles

from generator.errors import GuidegenError

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_KEPT_ENVIRONMENTS = 4


class Templates:
    """The template folders (a user's first, the bundled last) and their Jinja environments."""

    def __init__(self, extra_dirs: list[Path] | None = None):
        self.dirs = [*(extra_dirs or []), BUNDLED_TEMPLATES]
        self._environments: dict[str, jinja2.Environment] = {}

    def read(self) -> TemplateFiles:
        """The files of the template folders as they are now."""
        from generator.snapshot import TemplateFiles

        return TemplateFiles.read(self.dirs)

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
