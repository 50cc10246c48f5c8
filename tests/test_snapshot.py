"""One snapshot per document: the key recorded is the key of the bytes rendered, whatever changes meanwhile.

Each test edits guide.yaml at a chosen moment of a build (deterministically, by
wrapping a function), then checks that the PDF and the manifest agree: a PDF is
called up to date only if it shows what is on disk now.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import guidegen_with_worker_patch, pdftotext, run_cli

GUIDE = Path("esim-cancel") / "guide.yaml"


def _provider(content: Path, name: str) -> None:
    """Set the guide's provider parameter, printed in the title of every document."""
    path = content / GUIDE
    text = path.read_text(encoding="utf-8")
    start = text.index("  provider: ")
    end = text.index("\n", start)
    # Saved as editors save (a new file renamed over the old): with -j 2 another worker may be reading it.
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(text[:start] + f"  provider: {name}" + text[end:], encoding="utf-8")
    os.replace(temporary, path)


def _build(content: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli(
        "build", "esim-cancel", "--content", str(content), "-l", "zh-CN", "-f", "handout", "-o", str(out), *extra
    )


def _pdf(out: Path) -> Path:
    return out / "zh-CN" / "esim-cancel-handout.pdf"


def test_edit_after_the_library_is_loaded(content_copy: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The build plans from one read of the guide; the document is made (and keyed) from its own."""
    from generator.i18n import library

    out = tmp_path / "out"
    _provider(content_copy, "Oldcorp")
    original = library.load_library
    edited = []

    def load_then_edit(*args, **kwargs):  # type: ignore[no-untyped-def]
        loaded = original(*args, **kwargs)
        if not edited:
            _provider(content_copy, "Newcorp")
            edited.append(True)
        return loaded

    monkeypatch.setattr(library, "load_library", load_then_edit)
    first = _build(content_copy, out, "-j", "1")
    assert first.exit_code == 0, first.output
    assert "Newcorp" in pdftotext(_pdf(out))  # rendered from the bytes it was keyed by
    again = _build(content_copy, out)
    assert "0 built, 1 up to date" in again.stdout
    assert "Newcorp" in pdftotext(_pdf(out))


_EDIT_THEN_RENDER = """
import os
from pathlib import Path
from generator.produce.builder import Builder

original = Builder.render


def edit_then_render(self, inputs, job, result):  # after the inputs were read, before anything is rendered
    path = Path(os.environ["GUIDE"])
    text = path.read_text(encoding="utf-8").replace("provider: Oldcorp", "provider: Newcorp")
    temporary = path.with_name(path.name + f".{os.getpid()}.new")  # saved as editors save
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return original(self, inputs, job, result)


Builder.render = edit_then_render
"""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_edit_between_snapshot_and_render(content_copy: Path, tmp_path: Path, workers: str) -> None:
    """An edit made while a document renders: the PDF shows the old text, recorded under the old key,
    so the next build makes it again with the new text. (In a process of its own, whose workers, forked
    from the fork server, carry the edit: a monkeypatch here would not reach them.)"""
    out = tmp_path / "out"
    _provider(content_copy, "Oldcorp")
    command = guidegen_with_worker_patch(_EDIT_THEN_RENDER, tmp_path / "patch")
    if workers == "1":  # built in the parent: the patch is imported there
        command[-1] = "import guidegen_worker_patch\n" + command[-1]
    first = subprocess.run([*command, "build", "esim-cancel", "--content", str(content_copy), "-l", "zh-CN",
                            "-f", "handout", "-l", "en", "-o", str(out), "-j", workers],
                           capture_output=True, text=True, env={**os.environ, "GUIDE": str(content_copy / GUIDE)},
                           timeout=240)
    assert first.returncode == 0, first.stdout + first.stderr
    pdfs = sorted(out.rglob("*.pdf"))
    stale = [pdf for pdf in pdfs if "Oldcorp" in pdftotext(pdf)]
    assert len(pdfs) == 2 and stale  # the first document rendered began before the edit
    again = _build(content_copy, out, "-l", "en")
    assert f"{len(stale)} built, {2 - len(stale)} up to date" in again.stdout, again.output
    assert all("Newcorp" in pdftotext(pdf) for pdf in pdfs)
    assert "0 built, 2 up to date" in _build(content_copy, out, "-l", "en").stdout


def _desk(content: Path, out: Path):  # type: ignore[no-untyped-def]
    from generator.produce.ondemand import OnDemand
    from generator.render.templates import Templates

    return OnDemand(content, out, Templates())


def _job():  # type: ignore[no-untyped-def]
    from generator.produce.jobs import Job

    return Job("esim-cancel", "zh-CN", "handout")


def test_desk_edit_within_a_second_of_a_request(content_copy: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The measured bug: the desk looks at the folder at most once a second; an edit inside that second
    must not be served as the old PDF under the new key."""
    from generator.produce import ondemand

    out = tmp_path / "out"
    _provider(content_copy, "Oldcorp")
    monkeypatch.setattr(ondemand.time, "monotonic", lambda: 1000.0)  # the second never ends
    desk = _desk(content_copy, out)
    assert "esim-cancel" in desk.library.guides  # the folder is looked at: a request lists guides
    _provider(content_copy, "Newcorp")  # saved right after
    path, built = desk.document(_job())
    assert built is not None
    assert "Newcorp" in pdftotext(path)
    assert desk.document(_job())[1] is None  # up to date, and rightly so
    again = _build(content_copy, out)
    assert "0 built, 1 up to date" in again.stdout


def test_desk_edit_between_snapshot_and_render(content_copy: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.produce.builder import Builder

    out = tmp_path / "out"
    _provider(content_copy, "Oldcorp")
    original = Builder.render
    desk = _desk(content_copy, out)

    def edit_then_render(self, inputs, job, result):  # type: ignore[no-untyped-def]
        _provider(content_copy, "Newcorp")
        return original(self, inputs, job, result)

    monkeypatch.setattr(Builder, "render", edit_then_render)
    path, built = desk.document(_job())
    assert built is not None and "Oldcorp" in pdftotext(path)
    monkeypatch.setattr(Builder, "render", original)
    path, built = desk.document(_job())
    assert built is not None, "the old PDF was served as up to date"
    assert "Newcorp" in pdftotext(path)
    assert desk.document(_job())[1] is None


def test_template_and_asset_files_come_from_the_snapshot(content_copy: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSS edit while a document renders: what is laid out is the CSS that was keyed."""
    from generator.produce.builder import Builder

    templates = tmp_path / "templates"
    templates.mkdir()
    css = templates / "guide.css"
    bundled = (Path(__file__).resolve().parent.parent / "templates" / "guide.css").read_text(encoding="utf-8")
    css.write_text(bundled, encoding="utf-8")
    out = tmp_path / "out"
    original = Builder.render

    def edit_then_render(self, inputs, job, result):  # type: ignore[no-untyped-def]
        css.write_text(bundled + '\nh1::after { content: " CSSEDITED"; }\n', encoding="utf-8")
        return original(self, inputs, job, result)

    monkeypatch.setattr(Builder, "render", edit_then_render)
    args = ("--templates", str(templates))
    assert _build(content_copy, out, *args).exit_code == 0
    assert "CSSEDITED" not in pdftotext(_pdf(out))
    monkeypatch.setattr(Builder, "render", original)
    again = _build(content_copy, out, *args)
    assert "1 built, 0 up to date" in again.stdout
    assert "CSSEDITED" in pdftotext(_pdf(out))


def test_an_image_replaced_while_rendering(content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF shows the image that was keyed; the next build shows the new one."""
    from test_images import _add_image, _assets, _images_in, _png

    from generator.produce.builder import Builder

    _add_image(content_copy, "phone.png")
    image = _assets(content_copy) / "phone.png"
    image.write_bytes(_png(40, 30))
    out = tmp_path / "out"
    original = Builder.render

    def replace_then_render(self, inputs, job, result):  # type: ignore[no-untyped-def]
        image.write_bytes(_png(80, 60))
        return original(self, inputs, job, result)

    monkeypatch.setattr(Builder, "render", replace_then_render)
    assert _build(content_copy, out).exit_code == 0
    assert [size[1:] for size in _images_in(_pdf(out))] == [(40, 30)]
    monkeypatch.setattr(Builder, "render", original)
    again = _build(content_copy, out)
    assert "1 built, 0 up to date" in again.stdout
    assert [size[1:] for size in _images_in(_pdf(out))] == [(80, 60)]
    assert "0 built, 1 up to date" in _build(content_copy, out).stdout
