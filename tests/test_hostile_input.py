"""Hostile and broken input: escaped, refused or reported; never a traceback, never a stray fetch."""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import (CONTENT, ROOT, communicate_or_dump, guidegen_with_worker_patch, pdf_reader, pdftotext, run_cli,
                      squeeze)

GUIDE = Path("esim-cancel") / "guide.yaml"
EN_PO = Path("esim-cancel") / "locales" / "en.po"


def _tree(folder: Path) -> dict[str, str]:
    """Every file below a folder with a hash of its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _set_translation(po: Path, old: str, new: str) -> None:
    text = po.read_text(encoding="utf-8")
    assert f'msgstr "{old}"' in text
    po.write_text(text.replace(f'msgstr "{old}"', f'msgstr "{new}"', 1), encoding="utf-8")


def test_markup_in_content_prints_literally(guide_copy: Path, tmp_path: Path) -> None:
    hostile = ('</p><link rel=\\"attachment\\" href=\\"../../../../etc/hostname\\"><script>alert(1)</script>'
               '<img src=\\"/etc/passwd\\">')
    _set_translation(guide_copy / EN_PO, "Choose the number to cancel.", hostile)
    out = tmp_path / "out"
    result = run_cli(
        "build", "esim-cancel", "--content", str(guide_copy), "--lang", "en", "-f", "handout", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    path = out / "en" / "esim-cancel-handout.pdf"
    text = squeeze(pdftotext(path))
    assert squeeze('</p><link rel="attachment" href="../../../../etc/hostname"><script>alert(1)</script>') in text
    reader = pdf_reader(path)
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert not any("/XObject" in (page.get("/Resources") or {}) and
                   any(x.get_object().get("/Subtype") == "/Image" for x in page["/Resources"]["/XObject"].values())
                   for page in reader.pages)


def test_translation_that_adds_an_address_is_not_printed(guide_copy: Path, tmp_path: Path) -> None:
    """A URL a translator slipped in (here a file: URL in markup) never reaches the page: the document fails."""
    _set_translation(guide_copy / EN_PO, "Choose the number to cancel.",
                     '<img src=\\"file:///etc/passwd\\"> or https://evil.example/login')
    out = tmp_path / "out"
    result = run_cli(
        "build", "esim-cancel", "--content", str(guide_copy), "--lang", "en", "-f", "handout", "-o", str(out)
    )
    assert result.exit_code == 1
    assert ("cancel.ways.app.steps.3.text: translation must use the same links as the source and add no address"
            in result.stderr)
    assert not (out / "en" / "esim-cancel-handout.pdf").exists()
    check = run_cli("check", "--content", str(guide_copy))
    assert check.exit_code == 1
    assert "en.po:" in check.stderr and "is not an official link" in check.stderr


def test_template_syntax_in_content_prints_literally(guide_copy: Path, tmp_path: Path) -> None:
    _set_translation(
        guide_copy / EN_PO, "Choose the number to cancel.", "{{ 7*7 }} {{ ''.__class__ }} {% if 1 %}x{% endif %}"
    )
    out = tmp_path / "out"
    result = run_cli(
        "build", "esim-cancel", "--content", str(guide_copy), "--lang", "en", "-f", "handout", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    text = squeeze(pdftotext(out / "en" / "esim-cancel-handout.pdf"))
    assert squeeze("{{ 7*7 }} {{ ''.__class__ }} {% if 1 %}x{% endif %}") in text
    assert "49" not in text


def test_code_spans_and_parameters_are_isolated() -> None:
    from generator.render.inline import render_inline

    html = render_inline("اطلب `*#06#` من {provider}", {"provider": "A<b>"})
    assert '<code dir="ltr">*#06#</code>' in html
    assert "<bdi>A&lt;b&gt;</bdi>" in html


def test_missing_template_variable_fails_loudly(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    original = (ROOT / "templates" / "checklist.html.j2").read_text(encoding="utf-8")
    changed = original.replace("{{ heading(guide.checklist.title) }}", "{{ guide.no_such_field }}")
    assert changed != original
    (templates / "checklist.html.j2").write_text(changed, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "--lang", "en", "-f", "checklist",
                     "--templates", str(templates), "-o", str(out))
    assert result.exit_code == 1
    assert "no_such_field" in result.output
    assert "Traceback" not in result.output
    assert _tree(out) == {}


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def counting_server():  # type: ignore[no-untyped-def]
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    _CountingHandler.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
    "../../../../../../etc/hostname",
    "http://127.0.0.1:{port}/x.css",
])
def test_fetcher_refuses_everything_outside_templates(tmp_path: Path, counting_server, url: str) -> None:  # type: ignore[no-untyped-def]
    url = url.format(port=counting_server.server_address[1])
    templates = tmp_path / "templates"
    templates.mkdir()
    original = (ROOT / "templates" / "checklist.html.j2").read_text(encoding="utf-8")
    (templates / "checklist.html.j2").write_text(
        original.replace("{% block body %}", f'{{% block head %}}<link rel="stylesheet" href="{url}">{{% endblock %}}'
                                              "{% block body %}", 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "--lang", "en", "-f", "checklist",
                     "--templates", str(templates), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "refused to fetch" in result.stderr
    assert "Traceback" not in result.output
    assert _CountingHandler.hits == 0
    assert _tree(out) == {}


def test_fetcher_serves_overridden_css(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    css = (ROOT / "templates" / "guide.css").read_text(encoding="utf-8")
    (templates / "guide.css").write_text(css + "\nh1 { font-size: 40pt; }\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "--lang", "en", "-f", "checklist",
                     "--templates", str(templates), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "en" / "esim-cancel-checklist.pdf").is_file()


@pytest.mark.parametrize("size, expected", [
    (200_000, "text is 200,000 characters; at most 2,000 are allowed"),
])
def test_long_string_is_a_limit_error(guide_copy: Path, size: int, expected: str) -> None:
    guide = guide_copy / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8").replace("    title: 小结", "    title: " + "长" * size),
                     encoding="utf-8")
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert expected in result.stderr


def test_ten_thousand_items_is_a_limit_error(guide_copy: Path) -> None:
    guide = guide_copy / GUIDE
    items = "".join(f"          - 第{i}条\n" for i in range(10_000))
    text = guide.read_text(encoding="utf-8").replace(
        "      - type: list\n        id: tasks\n        items:\n",
        "      - type: list\n        id: many\n        items:\n" + items
        + "      - type: list\n        id: tasks\n        items:\n")
    guide.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = run_cli("check", "--content", str(guide_copy))
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert "has 10000 items; at most 40 are allowed" in result.stderr


def test_ten_megabyte_file_is_refused(guide_copy: Path, tmp_path: Path) -> None:
    guide = guide_copy / GUIDE
    with guide.open("a", encoding="utf-8") as stream:
        stream.write("# " + "x" * 10_000_000 + "\n")
    out = tmp_path / "out"
    result = run_cli("build", "esim-cancel", "--content", str(guide_copy), "-o", str(out))
    assert result.exit_code == 1
    assert "the limit is 1,000,000" in result.stderr
    assert _tree(out) == {}


def test_norwegian_language_tag_is_not_false(guide_copy: Path) -> None:
    guide = guide_copy / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8").replace("source_language: zh-CN", "source_language: no"),
                     encoding="utf-8")
    from generator.content.loader import load_guide

    loaded, _ = load_guide(guide)
    assert loaded.source_language == "no"


def test_po_with_broken_header_or_plural_formula(guide_copy: Path) -> None:
    po = guide_copy / EN_PO
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
                               '"Plural-Forms: nplurals=2; plural=(n != 1;\\n"'), encoding="utf-8")
    # Guide strings have no plural forms, so a broken formula cannot change any
    # output: the catalog is read and used as it is.
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output

    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=klingon\\n"\n', encoding="utf-8")
    broken = run_cli("check", "--content", str(guide_copy))
    assert broken.exit_code == 1
    assert "en.po" in broken.stderr and "invalid PO file" in broken.stderr
    assert "Traceback" not in broken.output


def test_read_only_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # root ignores permission bits, so block the language folder with a file instead.
    (out / "en").write_text("not a folder")
    result = run_cli(
        "build", "esim-cancel", "--content", str(CONTENT), "--lang", "en", "-f", "checklist", "-o", str(out)
    )
    assert result.exit_code == 1
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.output


_RUNAWAY_HANDOUTS = """
import time
from generator.render import pdf

original = pdf.Renderer.layout


def slow_for_handouts(self, html, *args):
    if 'class="handout' in html:
        while True:  # a layout that never ends
            time.sleep(0.01)
    return original(self, html, *args)


pdf.Renderer.layout = slow_for_handouts
"""


def test_runaway_render_is_stopped_and_others_go_on(tmp_path: Path) -> None:
    """The worker's own time limit stops a layout that never ends, with a clear message, and the build goes on."""
    out = tmp_path / "out"
    result = subprocess.run([*guidegen_with_worker_patch(_RUNAWAY_HANDOUTS, tmp_path / "patch"), "build",
                             "esim-cancel", "--content", str(CONTENT), "--lang", "en", "--timeout", "3", "-j", "2",
                             "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "stopped after 3 s" in result.stderr
    assert (out / "en" / "esim-cancel-checklist.pdf").is_file()
    assert "1 built, 0 up to date, 1 failed" in result.stdout


def test_interrupted_build_keeps_previous_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_cli("build", "esim-cancel", "--content", str(CONTENT), "--lang", "en", "-f", "handout", "-o", str(out))
    assert first.exit_code == 0
    handout = "en/esim-cancel-handout.pdf"
    before = _tree(out)
    assert handout in before
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}  # makes a new PDF differ from the old one
    for finished_first in (1, 4):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                "esim-cancel",
                "--content",
                str(CONTENT),
                "--force",
                "--paper",
                "a4",
                "--paper",
                "letter",
                "--paper",
                "a5",
                "-j",
                "2",
                "-o",
                str(out),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        # Ctrl-C once some documents are done (one line each in a pipe): the batch is really under way.
        lines = [process.stdout.readline() for _ in range(finished_first)]
        assert all(line.startswith(b"built") for line in lines), lines
        process.send_signal(signal.SIGINT)
        stdout, stderr = communicate_or_dump(process, 60)
        stdout = b"".join(lines) + stdout
        assert b"Traceback" not in stderr
        leftovers = [p.name for p in out.rglob("*")
                     if (p.name.startswith(".") and p.name != ".guidegen-cache.json") or p.suffix == ".tmp"]
        assert leftovers == []
        assert process.returncode == 130, (stdout, stderr)
        assert "interrupted" in stderr.decode()
        assert "not started (interrupted)" in stdout.decode()
        # Every PDF present is whole: the previous bytes, or a finished new document.
        now = _tree(out)
        for name, digest in now.items():
            if not name.endswith(".pdf") or before.get(name) == digest:
                continue
            reader = PdfReader(out / name)
            assert reader.metadata["/CreationDate"].startswith("D:20231114"), name  # from SOURCE_DATE_EPOCH
            assert (out / name).read_bytes().rstrip().endswith(b"%%EOF")


# --- bounded reads: only regular files, never more than the limit -------------------------------------------------

_PEAK = ("import atexit, resource, sys\n"
         "atexit.register(lambda: print('peak KiB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
         "file=sys.stderr))\nfrom generator.cli.main import main\nmain(sys.argv[1:])\n")


def _guidegen(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], int]:
    """guidegen in a process of its own (a read that blocks forever fails at ``timeout``), and its peak memory
    in KiB as the kernel counted it (one document: built in that process)."""
    result = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, cwd=ROOT,
                            timeout=timeout)
    peak = re.search(r"peak KiB (\d+)", result.stderr)
    assert peak, result.stderr
    return result, int(peak.group(1))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_device_in_the_content_folder_is_an_error_not_a_hang(content_copy: Path) -> None:
    """A guide.yaml that is a FIFO (or a link to a device) is reported, not skipped; a catalog that is a FIFO
    or /dev/zero is refused at once, never read."""
    fifo_guide = content_copy / "fifo-guide"
    fifo_guide.mkdir()
    os.mkfifo(fifo_guide / "guide.yaml")
    device_guide = content_copy / "device-guide"
    device_guide.mkdir()
    (device_guide / "guide.yaml").symlink_to("/dev/zero")
    french = content_copy / "esim-cancel" / "locales" / "fr.po"
    french.unlink()
    french.symlink_to("/dev/zero")
    spanish = content_copy / "esim-transfer" / "locales" / "es.po"
    spanish.unlink()
    os.mkfifo(spanish)
    result, peak_kib = _guidegen("check", "--content", str(content_copy), timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert peak_kib < 500 * 1024, f"{peak_kib / 1024:.0f} MB"
    assert "fifo-guide/guide.yaml: file is a FIFO, not a regular file" in result.stderr
    assert "device-guide/guide.yaml: file is a device, not a regular file" in result.stderr
    assert "esim-cancel/locales/fr.po: file is a device, not a regular file" in result.stderr
    assert "esim-transfer/locales/es.po: file is a FIFO, not a regular file" in result.stderr
    assert "checked 5 guide(s)" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_huge_build_record_is_a_warning_and_a_rebuild(tmp_path: Path) -> None:
    """A 3 GB build record (sparse: no disk used) is not read: one warning, the document built again."""
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".guidegen-cache.json").open("wb") as record:
        record.truncate(3 * 1024**3)
    result, peak_kib = _guidegen("build", "esim-cancel", "-l", "en", "-f", "checklist", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "is 3,221,225,472 bytes; the limit is" in result.stderr and "Traceback" not in result.stderr
    assert "1 built" in result.stdout
    assert peak_kib < 500 * 1024


def test_an_unused_huge_file_in_assets_costs_no_memory(guide_copy: Path, tmp_path: Path) -> None:
    """Snapshots read an assets folder's files; one of 1.5 GB (sparse) is not read, and the build stays small."""
    assets = guide_copy / "esim-cancel" / "assets"
    assets.mkdir(exist_ok=True)
    with (assets / "huge.bin").open("wb") as huge:
        huge.truncate(1536 * 1024**2)
    result, peak_kib = _guidegen("build", "esim-cancel", "--content", str(guide_copy), "-l", "en", "-f", "checklist",
                                 "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert peak_kib < 500 * 1024, f"{peak_kib / 1024:.0f} MB"


def test_a_huge_image_the_guide_names_is_refused_unread(guide_copy: Path, tmp_path: Path) -> None:
    """An image block naming a 1.5 GB file (sparse): an error at its src line, and the process stays small."""
    assets = guide_copy / "esim-cancel" / "assets"
    assets.mkdir(exist_ok=True)
    with (assets / "huge.png").open("wb") as huge:
        huge.truncate(1536 * 1024**2)
    guide = guide_copy / "esim-cancel" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    anchor = "      - type: paragraph\n"
    assert anchor in text
    block = "      - type: image\n        src: huge.png\n        alt: 示意图\n"
    guide.write_text(text.replace(anchor, block + anchor, 1), encoding="utf-8")
    line = text[:text.index(anchor)].count("\n") + 2
    result, peak_kib = _guidegen("build", "esim-cancel", "--content", str(guide_copy), "-l", "en", "-f", "handout",
                                 "-o", str(tmp_path / "out"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"guide.yaml:{line}:" in result.stderr and "'huge.png'" in result.stderr, result.stderr
    assert "1,610,612,736 bytes" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "en" / "esim-cancel-handout.pdf").exists()
    assert peak_kib < 500 * 1024, f"{peak_kib / 1024:.0f} MB"


def test_a_full_disk_is_not_remembered_but_a_content_failure_is(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The desk's documents: "No space left on device" is tried again at the next request (the disk may have been
    freed); a document that fails for its content is not tried again until the content changes."""
    from generator.errors import GuidegenError, OutputError
    from generator.produce import builder
    from generator.produce.jobs import Job
    from generator.produce.ondemand import OnDemand
    from generator.render.templates import Templates

    real = builder.write_atomic
    full = [True]

    def write(path: Path, data: bytes) -> os.stat_result:
        if full[0]:
            raise OutputError(f"cannot write {path}: No space left on device")
        return real(path, data)

    monkeypatch.setattr(builder, "write_atomic", write)
    desk = OnDemand(CONTENT, tmp_path / "out", Templates())
    job = Job("esim-cancel", "en", "checklist")
    with pytest.raises(GuidegenError, match="No space left on device"):
        desk.document(job)
    full[0] = False  # space freed
    path, result = desk.document(job)
    assert result is not None and result.ok and path.is_file()

    calls: list[Job] = []
    monkeypatch.setattr(builder.Builder, "render", lambda self, inputs, job, result: calls.append(job) or
                        (_ for _ in ()).throw(GuidegenError("the content is broken")))
    broken = Job("esim-cancel", "fr", "checklist")
    for _ in range(2):
        with pytest.raises(GuidegenError, match="the content is broken"):
            desk.document(broken)
    assert calls == [broken]  # remembered: not laid out again
