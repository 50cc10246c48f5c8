"""Property tests: whatever the input, the project's own error or a valid PDF, never another exception.

Default runs are short; `make test PYTEST_ARGS=--hypothesis-profile=long` (or
`pytest --hypothesis-profile=long tests/test_fuzz.py`) explores thousands of cases.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from generator.errors import GuidegenError

ODD_CHARACTERS = ["\u200f", "\u200e", "\u202e", "\u0301", "\u200d", "\ufe0f", "👩‍👩‍👧", "\ud800", "\x00", "\x1b",
                  "\ufeff", "ﷺ", "𝕏", "\u3000", "\\", '"', "{", "}", "{provider}", "{{ 7*7 }}", "</p>", "`", "*",
                  "&amp;", "\t", "\r\n"]
HOSTILE_SNIPPETS = ["!!python/object/apply:os.system ['true']", "&a [1, 2]", "*a", "!!binary aGk=", "<<: {a: 1}",
                    "[" * 50, "{" * 50, "? [a]\n: b", "%YAML 1.1\n---", "no", "2026-11-20", "1.10", "~", "'"]

text = st.lists(st.one_of(st.characters(), st.sampled_from(ODD_CHARACTERS)), max_size=25).map("".join)


def _write(tmp: Path, content: str | bytes) -> Path:
    folder = tmp / "content" / "fuzz"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "guide.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


@given(st.one_of(st.binary(max_size=300), st.text(max_size=300),
                 st.lists(st.sampled_from(HOSTILE_SNIPPETS + ODD_CHARACTERS), max_size=8).map("\n".join)))
def test_loader_raises_only_its_own_errors(tmp_path_factory, data: str | bytes) -> None:  # type: ignore[no-untyped-def]
    from generator.content import load_guide

    path = _write(tmp_path_factory.mktemp("fuzz"), data)
    try:
        load_guide(path)
    except GuidegenError:
        pass


steps = st.lists(text, min_size=1, max_size=4)
nonempty = text.filter(lambda t: t.strip() != "")
block = st.one_of(
    st.fixed_dictionaries({"type": st.just("paragraph"), "text": text}),
    st.fixed_dictionaries({"type": st.just("list"), "items": steps}),
    st.fixed_dictionaries({"type": st.just("procedure"), "steps": steps}),
    st.fixed_dictionaries({"type": st.just("callout"), "kind": st.sampled_from(["warning", "tip", "x"]), "text": text}),
)
maybe_broken_block = st.one_of(block, block, block, st.dictionaries(
    st.sampled_from(["type", "text", "titel", "id", "steps"]), text, max_size=3))
guide = st.fixed_dictionaries({
    "id": st.just("fuzz"),
    "source_language": st.sampled_from(["en", "ar", "zh-CN", "ko", "no", "he", "xx", "en-GB"]),
    "revision": st.sampled_from(["2026-11-25", "2026-11-25", "2026-13-45"]),
    "title": text,
    "summary": text,
    "blocks": st.lists(st.fixed_dictionaries({"type": st.just("section"), "id": st.sampled_from(["a", "b", "B c"]),
                                              "title": nonempty, "blocks": st.lists(maybe_broken_block, min_size=1,
                                                                                    max_size=3)}),
                       min_size=1, max_size=3, unique_by=lambda b: b["id"]),
    "checklist": st.fixed_dictionaries({"title": nonempty, "groups": st.lists(
        st.fixed_dictionaries({"id": st.sampled_from(["g", "h"]), "title": nonempty, "items": steps}),
        min_size=1, max_size=2, unique_by=lambda g: g["id"])}),
})


@given(guide)
def test_pipeline_gives_pdf_or_own_error(tmp_path_factory, data: dict) -> None:  # type: ignore[no-untyped-def]
    from generator.build import Builder
    from generator.jobs import Job
    from generator.library import load_library
    from generator.templates import Templates

    tmp = tmp_path_factory.mktemp("pipeline")
    _write(tmp, yaml.safe_dump(data, allow_unicode=True))
    library = load_library(tmp / "content")
    if library.problems:
        event("rejected by validation")
        return  # rejected with the project's own file:line errors
    event("rendered")
    source = library.get("fuzz")
    builder = Builder(library, tmp / "out", Templates(), timeout=60)
    result = builder.build(Job("fuzz", source.guide.source_language, "checklist"))
    if result.ok:
        assert result.path is not None and result.path.read_bytes().startswith(b"%PDF-")
    else:
        assert result.error  # a GuidegenError, reported as text
