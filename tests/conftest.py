"""Shared fixtures. The bundled PDFs are built once per run (one build for all xdist workers)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.cli.main import main
from generator.i18n.library import load_library

from hypothesis import HealthCheck, settings

# Property tests: modest by default; `pytest --hypothesis-profile=long` goes deep.
settings.register_profile("default", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile("default")

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
# What the bundled library holds, read from it (not a list to keep in step by hand).
_LIBRARY = load_library(CONTENT)
BUNDLED_GUIDES = tuple(sorted(_LIBRARY.guides))
BUNDLED_LANGUAGES = tuple(_LIBRARY.languages)
BUNDLED_DOCUMENTS = tuple(
    (guide, language) for guide in BUNDLED_GUIDES for language in _LIBRARY.guides[guide].languages
)
GUIDE_VERSIONS = len(BUNDLED_DOCUMENTS)  # (guide, language) pairs
DOCUMENTS = BUNDLED_DOCUMENTS


def languages_of(guide: str) -> tuple[str, ...]:
    """The languages a bundled guide is available in."""
    return tuple(language for name, language in BUNDLED_DOCUMENTS if name == guide)
FORMATS = ("handout", "checklist")


@dataclass
class Built:
    """A built bundled library: where it is and the CLI's output."""

    out: Path
    output: str

    def pdf(self, language: str, format_: str, guide: str = "esim-cancel") -> Path:
        return self.out / language / f"{guide}-{format_}.pdf"


def run_cli(*args: str, cwd: Path | None = None) -> CliResult:
    """Run the CLI in-process; stdout and stderr are kept apart."""
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as scratch, _chdir(cwd or Path(scratch)):
        result = runner.invoke(main, list(args), catch_exceptions=True)
    return CliResult(result.exit_code, result.stdout, result.stderr, result.exception)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class _chdir:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> None:
        import os

        self.previous = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc: object) -> None:
        import os

        os.chdir(self.previous)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Built:
    """The bundled library, built once per run: the first xdist worker builds it under a lock in the folder
    all workers of this run share; the others wait for it and read the same PDFs (nobody writes to them)."""
    from filelock import FileLock

    if worker_id == "master":  # not under xdist
        out = tmp_path_factory.mktemp("build")
        result = run_cli("build", "--content", str(CONTENT), "--output", str(out), cwd=ROOT)
        assert result.exit_code == 0, result.output
        return Built(out, result.output)
    shared = tmp_path_factory.getbasetemp().parent
    out, output = shared / "bundled-library", shared / "bundled-library.output"
    with FileLock(str(shared / "bundled-library.lock")):
        if not output.exists():
            result = run_cli("build", "--content", str(CONTENT), "--output", str(out), cwd=ROOT)
            assert result.exit_code == 0, result.output
            output.write_text(result.output, encoding="utf-8")
    return Built(out, output.read_text(encoding="utf-8"))


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled content folder."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


ONE_GUIDE = "esim-cancel"
# Desk tests of anything but the "preparing" answer wait for their layouts as long as the desk's pool does
# (DeskConfig(render_wait=…)); the desk itself answers "preparing" after 2 s (tests/test_desk_safety.py).
PATIENT_RENDER_WAIT = 120.0


@pytest.fixture
def guide_copy(tmp_path: Path) -> Path:
    """A writable content folder holding one bundled guide (esim-cancel), for tests about one guide:
    ``check`` and ``build`` then load, validate and render a third of the library."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target, ignore=lambda folder, names: [
        name for name in names if Path(folder) == CONTENT and (CONTENT / name).is_dir() and name != ONE_GUIDE])
    return target


def pdftotext(path: Path) -> str:
    """Text in content-stream order (``-raw``), which keeps justified lines in order."""
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    fonts = []
    for line in lines[2:]:
        parts = line.split()
        # name type... emb sub uni object ID: the last five columns are fixed
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def pdf_reader(path: Path) -> PdfReader:
    return PdfReader(str(path))


def pdf_words(path: Path, page: int = 1) -> list[tuple[str, float, float]]:
    """Words of a page with their left and top positions in points (``pdftotext -bbox``), without the bidi
    marks (LRM, RLM) of right-to-left lines' ActualText."""
    import re

    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', html)
    return [(re.sub("[\u200e\u200f]", "", word), float(x), float(y)) for x, y, word in words
            if re.sub("[\u200e\u200f]", "", word)]


def own_template_catalog(content: Path, language: str, msgid: str, msgstr: str) -> Path:
    """A content folder's own template-string catalog: the bundled one of ``language`` with one translation
    changed (``content/locales/<language>.po``)."""
    import re

    bundled = (ROOT / "templates" / "locales" / f"{language}.po").read_text(encoding="utf-8")
    changed = re.sub(rf'(msgid "{re.escape(msgid)}"\n)msgstr "[^"]*"', lambda m: f'{m.group(1)}msgstr "{msgstr}"',
                     bundled)
    assert changed != bundled, msgid
    path = content / "locales" / f"{language}.po"
    path.parent.mkdir(exist_ok=True)
    path.write_text(changed, encoding="utf-8")
    return path


def long_date(language: str) -> str:
    """The bundled guide's revision date as CLDR writes it in ``language`` (Babel's data, never a literal)."""
    import datetime as dt

    from babel.dates import format_date

    from generator.content.languages import babel_locale

    return format_date(dt.date(2026, 11, 25), format="long", locale=babel_locale(language))


def squeeze(text: str) -> str:
    """Text without any white space, to compare across line breaks."""
    return "".join(text.split())


def _struct_nodes(path: Path) -> Iterator[Any]:
    """Every dictionary of the tag tree (elements, marked-content references), in document order."""
    def walk(node: Any) -> Iterator[Any]:
        node = node.get_object() if hasattr(node, "get_object") else node
        if not hasattr(node, "get"):
            return
        yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            yield from walk(kid)

    yield from walk(pdf_reader(path).trailer["/Root"]["/StructTreeRoot"])


def struct_elements(path: Path) -> list[tuple[str, str]]:
    """(structure type, alt text) of every element of the tag tree, in document order."""
    return [(str(node["/S"]), str(node.get("/Alt", ""))) for node in _struct_nodes(path) if "/S" in node]


def struct_langs(path: Path) -> list[tuple[str, str]]:
    """(/Lang, structure type) of every element of the tag tree that sets a language, in document order."""
    return [(str(node["/Lang"]), str(node.get("/S", ""))) for node in _struct_nodes(path) if "/Lang" in node]


@pytest.fixture(scope="session")
def cups(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A private CUPS server with a virtual PDF printer; CUPS_SERVER points at it for the session."""
    from cups_server import start_cups

    # Not under pytest's own temporary folder: that is private (0700), and CUPS's filters run as 'lp'.
    root = Path(tempfile.mkdtemp(prefix="guidegen-cups-"))
    server = start_cups(root)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CUPS_SERVER", server.address)
            yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def guidegen_with_worker_patch(patch: str, folder: Path) -> list[str]:
    """A command line running guidegen in a fresh process whose worker processes run ``patch`` (Python) first.

    Workers are forked from the fork server, not from the process that asks for them, so a monkeypatch in
    this test process never reaches them: the patch becomes a module the fork server preloads after its
    warm start (``worker_loop.WARM_MODULES``), and every worker inherits it. The fork server finds it through
    PYTHONPATH: Python 3.11's fork server does not take its parent's sys.path."""
    import os
    import sys

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guidegen_worker_patch.py").write_text(patch, encoding="utf-8")
    script = ("import sys\nfrom generator.produce import worker_loop\n"
              "worker_loop.WARM_MODULES.append('guidegen_worker_patch')\n"
              "from generator.cli.main import main\nmain(sys.argv[1:])\n")
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH", "")]))
    return ["env", f"PYTHONPATH={path}", sys.executable, "-c", script]


class DeskServer:
    """A desk app on waitress on a free loopback port, as ``guidegen serve`` runs it, stopped completely on exit:
    its task threads, its connections, its loop thread and its pool's workers (none is left for later tests)."""

    def __init__(self, app: Any, **overrides: Any):
        from generator.desk.serving import desk_server

        self.app = app
        self.sockets: dict[int, Any] = {}  # waitress's socket map: ours, so that every connection can be closed
        self.server = desk_server(app, host="127.0.0.1", port=0, sockets=self.sockets, **overrides)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.effective_port}"

    def __exit__(self, *exc: object) -> None:
        from waitress import wasyncore

        self.server.task_dispatcher.shutdown(timeout=5)
        # Closed from the loop's own thread (through its trigger): the loop ends when its map is empty.
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.sockets))
        except OSError:  # the trigger is closed: the loop has already ended and closed its map
            pass
        self.thread.join(timeout=10)
        if "guidegen.pool" in self.app.extensions:
            from generator.desk.app import close_desk

            close_desk(self.app)
        assert not self.thread.is_alive(), "the desk's loop did not stop"


# The fast tier (make test-fast) leaves out what renders many documents, drives a browser or a print server, or
# starts guidegen in processes of its own; what is left is the pure tests and a handful of renders.
_SLOW_FIXTURES = {"built", "papers", "handouts", "variants", "card", "desk", "browser", "cups", "wheel", "served"}
_SLOW_MODULES = {"test_parallel.py", "test_worker_model.py", "test_worker_deadline.py", "test_fuzz.py",
                 "test_languages_pdfs.py", "test_glyph_coverage.py", "test_overflow.py", "test_images.py",
                 "test_snapshot.py", "test_watch.py", "test_checklist_fit.py"}
# Tests that each take seconds (several builds or checks of a copied library, a document past its time limit,
# many damaged manifests), measured with --durations; the fast tier keeps the quick ones of the same files.
_SLOW_TESTS = {
    "test_authoring.py": {"test_new_guide_checks_and_builds", "test_title_never_ends_on_a_lone_word_or_character"},
    "test_broken_content.py": {"test_broken_yaml_names_file_and_line",
                               "test_missing_translation_falls_back_and_is_reported"},
    "test_checklist_record.py": {"test_guide_without_record_still_builds",
                                 "test_type_grows_when_there_is_room_and_never_below_the_floor"},
    "test_desk.py": {"test_only_what_guidegen_builds_is_served", "test_page_image_is_the_page_at_preview_resolution",
                     "test_persian_pages_are_counted_in_persian_digits"},
    "test_desk_safety.py": {"test_a_slow_document_is_preparing_within_the_bound_and_stalls_no_one",
                            "test_a_cold_desk_under_many_page_images_answers_its_home_page",
                            "test_serve_with_relative_folders_loads_every_image",
                            "test_a_hanging_lpstat_does_not_hold_up_pages"},
    "test_hostile_input.py": {"test_interrupted_build_keeps_previous_pdf",
                              "test_runaway_render_is_stopped_and_others_go_on",
                              "test_po_with_broken_header_or_plural_formula",
                              "test_markup_in_content_prints_literally"},
    "test_i18n_workflow.py": {"test_a_translation_may_not_add_a_contact_point",
                              "test_a_translation_may_not_add_a_phone_number",
                              "test_source_text_prints_a_phone_number_only_from_a_declared_param",
                              "test_bidi_override_in_a_translation_is_refused_and_isolates_are_not",
                              "test_update_marks_changed_fuzzy_and_removed_obsolete"},
    "test_install.py": {"test_i18n_commands_never_write_into_the_tool"},
    "test_links.py": {"test_qr_code_payload_is_exactly_the_official_url", "test_qr_code_alt_text_names_the_address",
                      "test_bad_official_links_are_refused", "test_text_may_only_link_to_official_links"},
    "test_manifest.py": {"test_concurrent_forced_builds_forget_nothing",
                         "test_damaged_manifest_is_a_warning_and_a_full_rebuild", "test_manifest_that_is_a_directory"},
    "test_review.py": {"test_arabic_sheet_sets_translations_right_to_left",
                       "test_reviewed_mark_is_recorded_and_lapses_when_source_or_translation_change",
                       "test_glossary_warns_on_a_wrong_term_only",
                       "test_review_sheet_shows_every_string_beside_its_source"},
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", item.name)
        if (item.path.name in _SLOW_MODULES or _SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                or name in _SLOW_TESTS.get(item.path.name, ())):
            item.add_marker(pytest.mark.slow)


def communicate_or_dump(process: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bytes]:
    """``process.communicate(timeout)`` for a guidegen build; past the timeout, its workers (the children of its
    fork server) are asked for their stacks (faulthandler on SIGUSR1), the build is killed, and the test fails
    with what it wrote: a stall then says where it was instead of only that it happened."""
    import os
    import signal
    import time

    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        def children(pid: int) -> list[int]:
            try:
                return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
            except OSError:
                return []

        for worker in (w for child in children(process.pid) for w in children(child)):
            try:
                os.kill(worker, signal.SIGUSR1)
            except OSError:
                pass
        time.sleep(1.0)
        process.kill()
        stdout, stderr = process.communicate(timeout=30)
        pytest.fail(f"the build did not end within {timeout:g} s; its output:\n{stdout.decode(errors='replace')}\n"
                    f"{stderr.decode(errors='replace')[-8000:]}")
