"""The files a document's HTML links to that are made for it: QR codes of its official links, and subsets of the
large fonts cut to the characters it prints."""

from __future__ import annotations

from collections.abc import Mapping

from generator.fonts.coverage import needs_symbol_fonts
from generator.fonts.stacks import font_stack
from generator.fonts.subsetting import SUFFIX, printed_characters, subset_faces
from generator.render.css_values import font_list
from generator.render.html_context import DocumentFacts, FontChoice
from generator.render.qr import qr_resource


class QrCodes:
    """The QR codes a render asks for (``qr(name)`` in the templates), kept as generated files."""

    def __init__(self, links: Mapping[str, str]):
        self.links = links
        self.files: dict[str, bytes] = {}

    def url(self, name: str) -> str:
        """The URL of official link ``name``'s QR code (the link was validated when the guide was loaded)."""
        url, data = qr_resource(self.links[name])
        self.files[url] = data
        return url


def choose_fonts(facts: DocumentFacts, html: str, subset_fonts: bool) -> FontChoice | None:
    """The fonts of a second render, when the first one's are not enough: subsets of the large fonts (with
    ``subset_fonts``) and the symbol fonts, where the HTML prints a character they have. None: keep the first."""
    characters = printed_characters(html)
    symbols = needs_symbol_fonts(characters, facts.languages)
    faces = []
    if subset_fonts:
        families = list(dict.fromkeys(family for tag in facts.languages for family in font_stack(tag)))
        faces = subset_faces(families, characters)
    if not (faces or symbols):
        return None
    subset = frozenset(face.family.removesuffix(SUFFIX) for face in faces)
    return FontChoice(font_list(facts.language, subset, symbols),
                      {tag: font_list(tag, subset, symbols) for tag in facts.other_languages}, tuple(faces))
