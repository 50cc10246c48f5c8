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
    from generator.content.loader import load_guide

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


# Guides that pass validation, so the pipeline is really exercised: printable text in the
# fonts of the guide's language, with the characters that trip renderers (direction marks,
# joiners, combining accents, braces, markup, quotes) mixed in.
ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789 .,;:!?()'-",
    "en-GB": "aeiouxyzAEIOU019 .,-",
    "ar": "ابتثجحخدذرسشصضطظعغفقكلمنهوي٠١٢٣ ،؟.",
    "he": "אבגדהוזחטיכלמנסעפצקרשת ,.",
    "zh-CN": "注销号码手机应用商店网站客服热线，。：（）一二三 ",
    "ko": "한국어전화번호취소앱웹사이트 .,",
}
PRINTABLE_ODDITIES = ["\u200f", "\u200e", "\u0301", "\u200d", "\u3000", "\\", '"', "{", "}", "{provider}", "{{ 7*7 }}",
                      "</p>", "<script>", "&amp;", "`x`", "**b**", "*e*", "\t"]


@st.composite
def valid_guide(draw: st.DrawFn) -> dict:  # type: ignore[type-arg]
    language = draw(st.sampled_from(sorted(ALPHABETS)))
    letters = st.sampled_from(list(ALPHABETS[language]) + PRINTABLE_ODDITIES)
    words = st.lists(letters, min_size=1, max_size=30).map("".join).filter(lambda t: t.strip() != "")
    items = st.lists(words, min_size=1, max_size=4)
    block = st.one_of(
        st.fixed_dictionaries({"type": st.just("paragraph"), "text": words}),
        st.fixed_dictionaries({"type": st.just("list"), "items": items}),
        st.fixed_dictionaries({"type": st.just("procedure"), "steps": items}),
        st.fixed_dictionaries({"type": st.just("callout"), "kind": st.sampled_from(["warning", "tip", "note"]),
                               "text": words}),
    )
    return draw(st.fixed_dictionaries({
        "id": st.just("fuzz"), "source_language": st.just(language), "revision": st.just("2026-11-25"),
        "params": st.just({"provider": "Acme"}), "title": words, "summary": words,
        "blocks": st.lists(st.fixed_dictionaries({"type": st.just("section"), "id": st.sampled_from(["a", "b", "c"]),
                                                  "title": words, "blocks": st.lists(block, min_size=1, max_size=3)}),
                           min_size=1, max_size=3, unique_by=lambda b: b["id"]),
        "checklist": st.fixed_dictionaries({"title": words, "groups": st.lists(
            st.fixed_dictionaries({"id": st.sampled_from(["g", "h"]), "title": words, "items": items}),
            min_size=1, max_size=2, unique_by=lambda g: g["id"])}),
    }))


def _build_checklist(tmp: Path, data: dict):  # type: ignore[no-untyped-def, type-arg]
    """Load the guide; None if validation refused it, else the result of building its checklist."""
    from generator.produce.builder import Builder
    from generator.produce.jobs import Job
    from generator.i18n.library import load_library
    from generator.render.templates import Templates

    _write(tmp, yaml.safe_dump(data, allow_unicode=True))
    library = load_library(tmp / "content")
    if library.problems:
        return None
    source = library.get("fuzz")
    return Builder(library, tmp / "out", Templates(), timeout=60).build(
        Job("fuzz", source.guide.source_language, "checklist"))


@given(st.one_of(valid_guide(), valid_guide(), valid_guide(), guide))
def test_pipeline_gives_pdf_or_own_error(tmp_path_factory, data: dict) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    result = _build_checklist(tmp_path_factory.mktemp("pipeline"), data)
    if result is None:
        event("rejected by validation")
        return  # rejected with the project's own file:line errors
    event("built" if result.ok else "refused while building")
    if result.ok:
        assert result.path is not None
        reader = PdfReader(result.path)
        assert len(reader.pages) == 1  # a checklist: one page, whatever the text
        assert reader.trailer["/Root"]["/Lang"] == data["source_language"]
    else:
        assert result.error and "Traceback" not in result.error


def test_most_generated_guides_reach_the_pdf(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """The property above proves little if random guides never get past validation: count how many do."""
    from hypothesis import HealthCheck, settings

    outcomes: list[str] = []

    @settings(max_examples=25, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(valid_guide())
    def build(data: dict) -> None:  # type: ignore[type-arg]
        result = _build_checklist(tmp_path_factory.mktemp("rate"), data)
        outcomes.append("rejected" if result is None else "built" if result.ok else result.error)

    build()
    built = outcomes.count("built")
    assert built >= 0.8 * len(outcomes), [o for o in outcomes if o != "built"][:5]
