"""An organisation's own look: name, logo, accent colour and contact line, from one small file.

::

    # brand.yaml
    name: Riverside Library Help Desk
    logo: logo.svg                 # next to this file; SVG, PNG or JPEG
    logo_alt: Riverside Library
    accent: "#1b5e8c"              # rules, bands; at least 3:1 against white
    contact:                       # one line, or one per language
      default: "Help desk: ground floor, Monday to Saturday 9:00–18:00"
      es: "Mostrador de ayuda: planta baja, de lunes a sábado, de 9:00 a 18:00"

Everything else about the look is a template: put a file of the same name in a
folder passed with ``--templates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator

from generator.content.assets import AssetProblem, asset_path, read_image
from generator.errors import ContentError, Problem, display_path
from generator.content.languages import match_language
from generator.content.model import ASSET_PATTERN, Strict, Text
from generator.content.snapshot import Folder, read_file

MIN_CONTRAST = 3.0  # WCAG 1.4.11: graphical objects against their background
ShortText = Annotated[Text, StringConstraints(max_length=200)]


class Brand(Strict):
    name: ShortText
    logo: Annotated[str, StringConstraints(pattern=ASSET_PATTERN, max_length=200)] | None = None
    logo_alt: ShortText | None = None
    accent: Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#111111"
    contact: ShortText | Annotated[dict[Annotated[str, StringConstraints(max_length=35)], ShortText],
                                   Field(min_length=1, max_length=50)] | None = None

    @field_validator("accent")
    @classmethod
    def _visible(cls, value: str) -> str:
        ratio = contrast_with_white(value)
        if ratio < MIN_CONTRAST:
            raise ValueError(f"{value} has a contrast of {ratio:.1f}:1 against white paper; "
                             f"at least {MIN_CONTRAST:g}:1 is needed to be seen in print")
        return value


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of ``#rrggbb`` against white."""
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


@dataclass(frozen=True)
class LoadedBrand:
    """A brand file parsed from ``data``; ``logo_data`` is the logo as read then (both hashed into job keys)."""

    brand: Brand
    folder: Path  # the logo is served from here
    path: Path
    data: bytes = b""
    logo_data: bytes | None = None

    def files(self) -> Folder:
        """The logo as read when the brand was loaded, for the PDF fetcher."""
        if not self.brand.logo or self.logo_data is None:
            return Folder(self.folder)
        logo = (self.folder / self.brand.logo).resolve()
        return Folder(self.folder, {logo.relative_to(self.folder).as_posix(): self.logo_data})

    def contact_for(self, language: str) -> str | None:
        contact = self.brand.contact
        if contact is None or isinstance(contact, str):
            return contact
        tags = [t for t in contact if t != "default"]
        found = match_language(language, tags) if tags else None
        return contact[found] if found else contact.get("default")

    @property
    def logo_url(self) -> str | None:
        return (self.folder / self.brand.logo).resolve().as_uri() if self.brand.logo else None


def load_brand(path: Path) -> LoadedBrand:
    """Load and check a brand file; problems name the file, line and field."""
    from generator.content.loader import validate_file

    data = read_file(path)
    if data is None:
        raise ContentError([Problem(display_path(path), 0, 0, "cannot read the brand file")])
    brand, loaded = validate_file(path, Brand, "a brand file is a mapping: name, logo, logo_alt, accent, contact",
                                  data)
    problems = []
    logo_data = None
    if brand.logo:
        if not brand.logo_alt:
            problems.append(loaded.problem(("logo",), "logo: a logo needs 'logo_alt', the text a screen reader says"))
        try:
            logo_data, _ = read_image(asset_path(path.parent, brand.logo))
        except AssetProblem as problem:
            problems.append(loaded.problem(("logo",), f"logo: '{brand.logo}' {problem}"))
    if isinstance(brand.contact, dict):
        from generator.content.languages import is_valid_tag

        for tag in brand.contact:
            if tag != "default" and not is_valid_tag(tag):
                problems.append(loaded.problem(("contact", tag), f"contact.{tag}: '{tag}' is not a language tag"))
    if problems:
        raise ContentError(problems)
    return LoadedBrand(brand, path.parent.resolve(), path, data, logo_data)


def brand_context(loaded: LoadedBrand | None, language: str) -> dict[str, Any] | None:
    """What the templates see as ``brand``."""
    if loaded is None:
        return None
    return {"name": loaded.brand.name, "logo": loaded.logo_url, "logo_alt": loaded.brand.logo_alt,
            "accent": loaded.brand.accent, "contact": loaded.contact_for(language)}

