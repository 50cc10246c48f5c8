"""Images: only from the guide's assets folder, format judged by content, pixel size capped, alt text required."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage

from conftest import pdftotext, run_cli, squeeze, struct_elements

GUIDE = Path("esim-cancel") / "guide.yaml"
ANCHOR = "      - type: paragraph\n        text: >\n          eSIM 是"


def _add_image(content: Path, src: str, alt: str | None = "手机设置页面示意图", extra: str = "") -> int:
    """Insert an image block before the first paragraph; return the line of its ``src``."""
    guide = content / GUIDE
    text = guide.read_text(encoding="utf-8")
    assert ANCHOR in text
    block = f"      - type: image\n        id: phone\n        src: {src}\n"
    if alt is not None:
        block += f"        alt: {alt}\n"
    block += extra
    guide.write_text(text.replace(ANCHOR, block + ANCHOR, 1), encoding="utf-8")
    return text[:text.index(ANCHOR)].count("\n") + 3


def _assets(content: Path) -> Path:
    folder = content / "esim-cancel" / "assets"
    folder.mkdir(exist_ok=True)
    return folder


def _png(width: int, height: int) -> bytes:
    image = PILImage.new("RGB", (width, height), "white")
    for x in range(width // 4, width * 3 // 4):
        image.putpixel((x, height // 2), (0, 0, 0))
    from io import BytesIO

    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """A valid, tiny PNG whose header claims ``width``×``height`` pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def _images_in(path: Path) -> list[tuple[int, int, int]]:
    """(page, width, height) of every image drawn, from poppler's ``pdfimages -list``."""
    import subprocess

    lines = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True).stdout
    return [(int(cols[0]), int(cols[3]), int(cols[4])) for cols in (line.split() for line in lines.splitlines()[2:])]


def test_image_prints_with_caption_and_translated_alt(content_copy: Path, tmp_path: Path) -> None:
    # PNG bytes under a .jpg name: the format comes from the content.
    (_assets(content_copy) / "phone.jpg").write_bytes(_png(300, 150))
    _add_image(content_copy, "phone.jpg", extra="        caption: 在“设置”里可以看到 eSIM\n")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "-l", "zh-CN", "-f", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    pdf = out / "zh-CN" / "esim-cancel-handout.pdf"
    assert _images_in(pdf) == [(1, 300, 150)]
    assert squeeze("在“设置”里可以看到 eSIM") in squeeze(pdftotext(pdf))
    assert ("/Figure", "手机设置页面示意图") in struct_elements(pdf)  # alt text reaches screen readers


def test_alt_and_caption_are_translatable(content_copy: Path) -> None:
    (_assets(content_copy) / "phone.png").write_bytes(_png(40, 20))
    _add_image(content_copy, "phone.png", extra="        caption: 示意图\n")
    result = run_cli("i18n", "extract", "--content", str(content_copy))
    assert result.exit_code == 0, result.output
    pot = (content_copy / "esim-cancel" / "locales" / "messages.pot").read_text(encoding="utf-8")
    assert 'msgctxt "what.phone.alt"' in pot
    assert 'msgctxt "what.phone.caption"' in pot


def test_alt_text_is_required(content_copy: Path) -> None:
    (_assets(content_copy) / "phone.png").write_bytes(_png(40, 20))
    line = _add_image(content_copy, "phone.png", alt=None)
    result = run_cli("check", "--content", str(content_copy))
    assert result.exit_code == 1
    assert f"guide.yaml:{line - 2}" in result.stderr  # the block's first line
    assert "required key 'alt' is missing" in result.stderr


@pytest.mark.parametrize("name, body, expected", [
    ("photo.png", b"GIF89a not really", "is not a PNG, JPEG or SVG image"),
    ("notes.png", "只是文字".encode(), "is not a PNG, JPEG or SVG image"),
    ("bomb.png", _png_declaring(30_000, 30_000), "declares 30000×30000 pixels"),
    ("broken.png", _png(20, 20)[:40], "image"),
    ("entity.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
                   b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE or entities"),
    ("html.svg", b"<?xml version='1.0'?><html/>", "is XML but not SVG"),
])
def test_bad_images_are_refused_with_file_and_line(content_copy: Path, tmp_path: Path, name: str, body: bytes,
                                                   expected: str) -> None:
    (_assets(content_copy) / name).write_bytes(body)
    line = _add_image(content_copy, name)
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "-l", "zh-CN", "-o", str(out))
    assert result.exit_code == 1
    assert f"esim-cancel/guide.yaml:{line}" in result.stderr
    assert "blocks[0].blocks[0].src" in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("esim-cancel-*.pdf"))  # the broken guide; the others still build


@pytest.mark.parametrize("src", ["../guide.yaml", "/etc/hostname", "assets/../../guide.yaml", "a/../b.png"])
def test_image_paths_outside_assets_are_rejected(content_copy: Path, src: str) -> None:
    _assets(content_copy)
    line = _add_image(content_copy, src)
    result = run_cli("check", "--content", str(content_copy))
    assert result.exit_code == 1
    assert f"guide.yaml:{line}" in result.stderr
    assert "Traceback" not in result.output


def test_symlink_out_of_assets_is_refused(content_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png(10, 10))
    (_assets(content_copy) / "link.png").symlink_to(secret)
    line = _add_image(content_copy, "link.png")
    result = run_cli("check", "--content", str(content_copy))
    assert result.exit_code == 1
    assert f"guide.yaml:{line}" in result.stderr
    assert "leads outside the assets/ folder" in result.stderr


def test_svg_cannot_reach_outside(content_copy: Path, tmp_path: Path) -> None:
    """An SVG that links to another file: the fetcher refuses it, and the build fails naming the URL."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'width="100" height="50"><image xlink:href="file:///etc/hostname" width="10" height="10"/>'
           '<rect width="100" height="50" fill="none" stroke="black"/></svg>')
    (_assets(content_copy) / "diagram.svg").write_text(svg, encoding="utf-8")
    _add_image(content_copy, "diagram.svg")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "-l", "zh-CN", "-f", "handout", "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "file:///etc/hostname" in result.stderr
    assert not out.exists() or not any(out.rglob("esim-cancel-*.pdf"))  # the broken guide; the others still build


def test_svg_image_prints(content_copy: Path, tmp_path: Path) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80" viewBox="0 0 200 80">'
           '<rect x="2" y="2" width="196" height="76" fill="#eee" stroke="#000"/></svg>')
    (_assets(content_copy) / "diagram.svg").write_text(svg, encoding="utf-8")
    _add_image(content_copy, "diagram.svg")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "-l", "en", "-f", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    # The alt text is not translated in en.po yet: it falls back to the source and says so.
    assert "what.phone.alt" in result.stderr


_SVG_WITH_PNG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                 'width="200" height="100"><rect width="200" height="100" fill="#eee"/>'
                 '<image xlink:href="inner.png" x="10" y="10" width="80" height="40"/></svg>')


def _key(content: Path, language: str = "en", format_: str = "handout") -> str:
    from generator.i18n.library import load_library
    from generator.produce.cache import Fingerprints
    from generator.produce.jobs import Job
    from generator.render.templates import Templates

    library = load_library(content)
    return Fingerprints(library, Templates(content_dir=content), {}).key(Job("esim-cancel", language, format_))


def test_a_documents_key_covers_the_images_it_uses_and_no_other_file(guide_copy: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A key hashes the files the guide's image blocks name and the images an SVG among them names. Any other
    file of assets/ may change, or be 1.5 GB, without a rebuild and without being read; a used file whose stat
    is unchanged is not read again for the next key (the desk asks every 2 s)."""
    from generator.content import digests

    assets = _assets(guide_copy)
    (assets / "inner.png").write_bytes(_png(40, 20))
    (assets / "diagram.svg").write_text(_SVG_WITH_PNG, encoding="utf-8")
    (assets / "unused.png").write_bytes(_png(10, 10))
    with (assets / "huge.bin").open("wb") as huge:
        huge.truncate(1536 * 1024**2)
    _add_image(guide_copy, "diagram.svg")
    read: list[str] = []
    real = digests.read_regular

    def counting(path: Path, limit: int) -> bytes:
        read.append(Path(path).name)
        return real(path, limit)

    monkeypatch.setattr(digests, "read_regular", counting)
    first = _key(guide_copy)
    assert sorted(name for name in read if name in {"inner.png", "diagram.svg", "unused.png", "huge.bin"}) == [
        "diagram.svg", "inner.png"]
    read.clear()
    assert _key(guide_copy) == first
    assert "inner.png" not in read and "diagram.svg" not in read, read
    (assets / "unused.png").write_bytes(_png(12, 12))
    assert _key(guide_copy) == first
    (assets / "inner.png").write_bytes(_png(41, 20))  # the image inside the SVG
    second = _key(guide_copy)
    assert second != first
    (assets / "diagram.svg").write_text(_SVG_WITH_PNG.replace("#eee", "#ddd"), encoding="utf-8")
    assert _key(guide_copy) not in (first, second)


def test_an_svg_prints_the_image_it_names_from_the_assets_folder(guide_copy: Path, tmp_path: Path) -> None:
    """The snapshot a document is drawn from holds what the guide uses, the images its SVGs name included."""
    assets = _assets(guide_copy)
    (assets / "inner.png").write_bytes(_png(40, 20))
    (assets / "diagram.svg").write_text(_SVG_WITH_PNG, encoding="utf-8")
    (assets / "unused.png").write_bytes(_png(10, 10))
    _add_image(guide_copy, "diagram.svg")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(guide_copy), "-l", "zh-CN", "-f", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [(width, height) for _, width, height in _images_in(out / "zh-CN" / "esim-cancel-handout.pdf")] == [(40, 20)]


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("  - type: image\n    src: a.png\n    alt: x\n  - {type: image, src: 'd/b.svg', alt: y}\n", ["a.png", "d/b.svg"]),
    ('    src: "a.png"  # a comment\n', ["a.png"]),
    ("  - type: paragraph\n    text: no images here\n", []),
    ("  - type: image\n    src: >\n      a.png\n", None),  # a block scalar: the whole folder
    ('  - {"type": "image", "src":"a.png"}\n', None),  # JSON style
    ('    src: "a\\x2epng"\n', None),  # an escape
])
def test_the_images_a_guide_uses_are_found_without_parsing_it(yaml_text: str, expected: list[str] | None) -> None:
    """A scan that never misses a src: what it cannot follow reads the whole folder (the desk must not wait on
    parsing a guide of a megabyte to answer whether a preview is current)."""
    from generator.content.snapshot import image_sources

    assert image_sources(yaml_text.encode()) == expected
