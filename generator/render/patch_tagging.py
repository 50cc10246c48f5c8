"""What WeasyPrint 70 does not tag the way PDF/UA asks, set right while it writes the PDF.

- Running headers and footers (the page's margin boxes: title, date, "Page 2 of 3")
  are drawn as tagged content that no structure element reachable from the
  StructTreeRoot claims (WeasyPrint issue #1836, open: Artifact nodes in the tree
  are PDF 2.0 only). PDF/UA-1 (ISO 14289-1, 7.1) wants every piece of content
  tagged or an artifact: they are drawn as pagination artifacts
  (``/Artifact <</Type /Pagination /Subtype /Footer>> BDC``) and left out of the tree.
- A run in another language (a string left in the source language, marked
  ``lang`` in the HTML) gets its own ``/Lang`` on its structure element, so a
  screen reader switches voice.

Both are patches of WeasyPrint internals (``pdf.stream.Stream.marked`` and
``pdf.tags._build_box_tree``), installed once; pyproject pins WeasyPrint's
major version, and tests/test_tagging.py checks the result on every bundled PDF.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_ARTIFACT = "guidegen_artifact"  # attribute set on the text boxes of margin boxes: "Header" or "Footer"
_installed = False


def install() -> None:
    """Patch WeasyPrint's drawing and tagging (idempotent)."""
    global _installed
    if _installed:
        return
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import stream, tags

    original_marked = stream.Stream.marked
    original_tree = tags._build_box_tree

    @contextmanager
    def marked(self: Any, box: Any, tag: str) -> Iterator[None]:
        subtype = getattr(box, _ARTIFACT, None)
        if self._tags is None or subtype is None:
            with original_marked(self, box, tag):
                yield
            return
        properties = pydyf.Dictionary({"Type": "/Pagination", "Subtype": f"/{subtype}"})
        pydyf.Stream.begin_marked_content(self, "Artifact", properties)
        try:
            yield
        finally:
            pydyf.Stream.end_marked_content(self)

    def build_tree(box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any,
                   marks: Any) -> Iterator[Any]:
        if isinstance(box, boxes.MarginBox):
            return  # drawn as an artifact: nothing of it belongs in the structure tree
        language = box.element.get("lang") if box.element is not None and box.element_tag != "html" else None
        for element in original_tree(box, parent, pdf, page_number, nums, annotations, marks):
            if language and "Lang" not in element:
                element["Lang"] = pydyf.String(language)
            yield element

    stream.Stream.marked = marked
    tags._build_box_tree = build_tree
    _installed = True


def mark_running_artifacts(document: Any) -> None:
    """Mark the text of every page's margin boxes (running header and footer) to be drawn as artifacts."""
    from weasyprint.formatting_structure import boxes

    def mark(box: Any, subtype: str) -> None:
        if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
            setattr(box, _ARTIFACT, subtype)
        for child in getattr(box, "children", ()) or ():
            mark(child, subtype)

    for page in document.pages:
        for box in page._page_box.children:
            if isinstance(box, boxes.MarginBox):
                mark(box, "Header" if box.at_keyword.startswith("@top") else "Footer")
