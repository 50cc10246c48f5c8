"""Document formats, paper sizes and print options, shared by the CLI (kept light) and the renderer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

FORMATS = ("handout", "checklist")
PAPERS = {"a4": "A4", "letter": "letter", "a5": "A5"}  # option value → CSS page size
DEFAULT_PAPER = "a4"
# Page size in points (portrait), as written in the PDF's MediaBox.
PAPER_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0), "a5": (419.53, 595.28), "a6": (297.64, 419.53),
                "half-letter": (396.0, 612.0)}
# A saddle-stitched booklet folds each sheet once: its pages are half the sheet.
BOOKLET_PAGE = {"a4": "a5", "letter": "half-letter", "a5": "a6"}
CSS_PAGE = {**PAPERS, "a6": "A6", "half-letter": "5.5in 8.5in"}
SMALL_PAGES = ("a5", "a6", "half-letter")  # narrower margins; the running footer drops the title
MAX_BLEED_MM = 10.0
HANDOUT_ONLY = ("duplex", "booklet")


@dataclass(frozen=True, order=True)
class PrintOptions:
    """Options that change a document's bytes; each non-default one is named in the file name."""

    paper: str = DEFAULT_PAPER
    large_print: bool = False
    duplex: bool = False  # pad to an even page count
    booklet: bool = False  # impose as a saddle-stitched booklet on `paper` sheets
    bleed_mm: float = 0.0
    marks: bool = False  # crop and registration marks (in the bleed area)
    pdf_a: bool = False  # PDF/A-3u (tagged as PDF/UA-1 too) instead of PDF/UA-1

    @property
    def variant(self) -> str:
        """``letter-large-bleed3mm-marks``: empty for the defaults."""
        parts = [] if self.paper == DEFAULT_PAPER else [self.paper]
        parts += [name for name, on in (("large", self.large_print), ("booklet", self.booklet),
                                        ("duplex", self.duplex)) if on]
        if self.bleed_mm:
            parts.append(f"bleed{self.bleed_mm:g}mm".replace(".", "p"))
        parts += [name for name, on in (("marks", self.marks), ("pdfa", self.pdf_a)) if on]
        return "-".join(parts)

    @property
    def page(self) -> str:
        """The size of the document's own pages (half the sheet for a booklet)."""
        return BOOKLET_PAGE[self.paper] if self.booklet else self.paper

    def for_format(self, format_: str) -> PrintOptions:
        """These options as they apply to ``format_``: a one-page checklist is never padded or imposed."""
        return self if format_ == "handout" else replace(self, duplex=False, booklet=False)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def parse_bleed(text: str) -> float:
    """``3mm`` → 3.0; millimetres only, up to MAX_BLEED_MM."""
    number = text.strip().lower().removesuffix("mm").strip()
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"expected a length in millimetres such as 3mm, got {text!r}") from None
    if not 0 <= value <= MAX_BLEED_MM:
        raise ValueError(f"bleed must be between 0 and {MAX_BLEED_MM:g} mm, got {text!r}")
    return value
