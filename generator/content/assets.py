"""Images a guide may print: only from its ``assets/`` folder, checked by content, size-capped.

The format is read from the file's bytes, never its name, and the pixel size from
its header before anything is decoded: a tiny PNG that declares 30000×30000
pixels is refused without allocating the gigabytes it would take.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from generator.content.bounded import Refused, read_regular

ASSETS_DIR = "assets"
MAX_IMAGE_BYTES = 8_000_000
MAX_SVG_BYTES = 1_000_000
MAX_SIDE_PX = 8_000
MAX_PIXELS = 24_000_000  # about 8 × 3000 px: a full A4 page at 300 dpi is 8.7 million
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
SVG_TYPE = "image/svg+xml"
_SVG_ROOT = "{http://www.w3.org/2000/svg}svg"


class AssetProblem(ValueError):
    """Why an asset cannot be used, in words for the guide's author."""


@dataclass(frozen=True)
class ImageInfo:
    mime: str
    width: int | None  # pixels; None for SVG
    height: int | None


def asset_path(assets_dir: Path, name: str) -> Path:
    """The file ``name`` inside ``assets_dir``; refuses anything that resolves outside it."""
    root = assets_dir.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise AssetProblem(f"leads outside the {ASSETS_DIR}/ folder")
    if not path.is_file():
        raise AssetProblem(f"is not a file in the guide's {ASSETS_DIR}/ folder")
    return path


def sniff_image(data: bytes) -> ImageInfo:
    """What image ``data`` is, judged by its bytes; raises AssetProblem if unusable."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        return _raster(data)
    if _looks_like_svg(data):
        return _svg(data)
    raise AssetProblem("is not a PNG, JPEG or SVG image (judged by its content, not its name)")


def read_image(path: Path) -> tuple[bytes, ImageInfo]:
    """Read and check one image file."""
    try:
        data = read_regular(path, MAX_IMAGE_BYTES)
    except Refused as refused:
        raise AssetProblem(str(refused)) from None
    return data, check_image(data)


def check_image(data: bytes) -> ImageInfo:
    """Check the bytes of an image read earlier: size, then content."""
    _check_size(len(data))
    return sniff_image(data)


def _check_size(size: int) -> None:
    if size > MAX_IMAGE_BYTES:
        raise AssetProblem(f"is {size:,} bytes; images may be at most {MAX_IMAGE_BYTES:,}")


def _raster(data: bytes) -> ImageInfo:
    import io
    import struct

    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        _check_pixels(*struct.unpack(">II", data[16:24]))  # before Pillow's own, coarser bomb check
    import warnings

    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                kind, (width, height) = image.format, image.size
                _check_pixels(width, height)
                image.verify()  # checksums and structure, still without decoding pixels
        except AssetProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise AssetProblem(f"declares too many pixels; at most {MAX_SIDE_PX} per side and "
                               f"{MAX_PIXELS:,} in all") from None
        except UnidentifiedImageError as error:
            raise AssetProblem(f"cannot be read as an image ({error})") from None
        except (OSError, SyntaxError, ValueError) as error:
            raise AssetProblem(f"is a damaged image ({error})") from None
    if kind not in RASTER_TYPES:
        raise AssetProblem(f"is a {kind} image; use PNG, JPEG or SVG")
    return ImageInfo(RASTER_TYPES[kind], width, height)


def _check_pixels(width: int, height: int) -> None:
    if width > MAX_SIDE_PX or height > MAX_SIDE_PX or width * height > MAX_PIXELS:
        raise AssetProblem(f"declares {width}×{height} pixels; at most {MAX_SIDE_PX} per side and "
                           f"{MAX_PIXELS:,} in all (scale it down: 300 dpi is plenty for print)")


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<svg", b"<!--"))


_HREF = re.compile(rb"""\bhref\s*=\s*(["'])([^"'<>]{1,300})\1""")
MAX_SVG_REFERENCES = 64


def svg_references(data: bytes) -> tuple[str, ...]:
    """The relative files an SVG image names with ``href`` (other images of its folder), in order; () when
    ``data`` is not SVG. Addresses with a scheme, absolute paths and fragments are not files of the folder."""
    if not _looks_like_svg(data):
        return ()
    found: list[str] = []
    for match in _HREF.finditer(data):
        try:
            target = match.group(2).decode("utf-8").strip()
        except UnicodeDecodeError:
            continue
        if target and ":" not in target and not target.startswith(("#", "/")) and target not in found:
            found.append(target.split("#")[0])
        if len(found) >= MAX_SVG_REFERENCES:
            break
    return tuple(found)


def _svg(data: bytes) -> ImageInfo:
    if len(data) > MAX_SVG_BYTES:
        raise AssetProblem(f"is {len(data):,} bytes; SVG images may be at most {MAX_SVG_BYTES:,}")
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise AssetProblem("declares a DOCTYPE or entities, which SVG images may not")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise AssetProblem(f"is not well-formed SVG ({error})") from None
    if root.tag != _SVG_ROOT:
        raise AssetProblem("is XML but not SVG (the root element must be <svg> in the SVG namespace)")
    return ImageInfo(SVG_TYPE, None, None)
