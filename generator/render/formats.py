"""Document formats, paper sizes and print options, shared by the CLI (kept light) and the renderer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

FORMATS = ("handout", "checklist")
DEFAULT_PAPER = "a4"
MAX_BLEED_MM = 10.0


@dataclass(frozen=True)
class Paper:
    """One page size, everything guidegen says about it in one place."""

    css: str  # the CSS @page size
    points: tuple[float, float]  # portrait width and height, as in the PDF's MediaBox
    cups_media: str | None  # the CUPS media name, for the sheets a user can choose and print on
    booklet_page: str | None  # the page of a saddle-stitched booklet folded from this sheet
    small: bool  # narrower margins; the running footer drops the title


PAPER_TABLE: dict[str, Paper] = {
    "a4": Paper("A4", (595.28, 841.89), "A4", "a5", small=False),
    "letter": Paper("letter", (612.0, 792.0), "Letter", "half-letter", small=False),
    "a5": Paper("A5", (419.53, 595.28), "A5", "a6", small=True),
    # Only as booklet pages:
    "a6": Paper("A6", (297.64, 419.53), None, None, small=True),
    "half-letter": Paper("5.5in 8.5in", (396.0, 612.0), None, None, small=True),
}
PAPERS = tuple(name for name, paper in PAPER_TABLE.items() if paper.cups_media)  # what --paper offers


@dataclass(frozen=True, order=True, kw_only=True)
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
        page = PAPER_TABLE[self.paper].booklet_page if self.booklet else self.paper
        assert page is not None
        return page

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
