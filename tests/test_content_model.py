"""Stable ids, text normalization and the published schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from conftest import CONTENT
from generator.content.loader import load_guide
from generator.content.messages import iter_messages, map_messages
from generator.content.schema import guide_schema_json
from generator.content.textnorm import normalize_text
from generator.content.safe_yaml import load_yaml


def test_folded_cjk_lines_join_without_space() -> None:
    assert normalize_text("本指南告诉你注销前要做哪些准备，\n以及怎样") == "本指南告诉你注销前要做哪些准备，以及怎样"
    assert normalize_text("通过 App、客服\n热线") == "通过 App、客服热线"
    assert normalize_text("cancel the\nline") == "cancel the line"
    assert normalize_text("下载 Heyon\nApp") == "下载 Heyon App"
    assert normalize_text("번호를\n해지하세요") == "번호를 해지하세요"  # Korean keeps word spaces


def test_ids_follow_the_structure() -> None:
    guide, _ = load_guide(CONTENT / "esim-cancel" / "guide.yaml")
    contexts = [m.context for m in iter_messages(guide)]
    assert contexts[:2] == ["title", "summary"]
    assert "cancel.ways.app.steps.2.text" in contexts
    assert "checklist.before.items.1.text" in contexts
    assert len(contexts) == len(set(contexts))


def test_critical_strings_are_marked() -> None:
    guide, _ = load_guide(CONTENT / "esim-cancel" / "guide.yaml")
    critical = {m.context for m in iter_messages(guide) if m.critical}
    assert "before.unlink-first.text" in critical  # a warning callout
    assert "checklist.cancel.items.3.text" in critical
    assert "cancel.no-links.text" in critical  # the anti-phishing warning
    assert "before.tasks.items.backup.text" not in critical  # a list item of the handout


def test_map_messages_replaces_every_string() -> None:
    guide, _ = load_guide(CONTENT / "esim-cancel" / "guide.yaml")
    upper = map_messages(guide, lambda m: f"<{m.context}>")
    assert [m.source for m in iter_messages(upper)] == [f"<{m.context}>" for m in iter_messages(guide)]


def test_committed_schema_is_current() -> None:
    assert (CONTENT / "guide.schema.json").read_text(encoding="utf-8") == guide_schema_json()


def test_bundled_guides_validate_against_schema() -> None:
    schema = json.loads(guide_schema_json())
    for path in CONTENT.glob("*/guide.yaml"):
        jsonschema.validate(load_yaml(path).data, schema)


def test_schema_rejects_unknown_key() -> None:
    schema = json.loads(guide_schema_json())
    data = load_yaml(CONTENT / "esim-cancel" / "guide.yaml").data
    data["titel"] = "x"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        assert "titel" in error.message
    else:
        raise AssertionError("schema accepted an unknown key")


def test_plain_text_drops_exactly_the_markup_the_renderer_reads() -> None:
    from generator.render.inline import plain_text

    text = "Use *only* the **official** {provider} app: dial `*#06#`, see [the site](link:portal); snake_case 2*3"
    assert plain_text(text, {"provider": "Acme"}) == (
        "Use only the official Acme app: dial *#06#, see the site; snake_case 2*3")


def test_emphasis_does_not_leak_into_the_pdf_title(content_copy: Path, tmp_path: Path) -> None:
    from conftest import pdf_reader, run_cli

    guide = content_copy / "esim-cancel" / "guide.yaml"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace(
            "title: 如何注销不再使用的 {provider} eSIM 号码", "title: 如何注销*不再使用*的 {provider} eSIM 号码"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "-l", "zh-CN", "-f", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        pdf_reader(out / "zh-CN" / "esim-cancel-handout.pdf").metadata["/Title"] == "如何注销不再使用的 Heyon eSIM 号码"
    )


def test_schema_describes_every_field_and_block_type(tmp_path: Path) -> None:
    """Editors show these on hover and in completion: a field added without a description fails here."""
    from conftest import run_cli

    written = tmp_path / "guide.schema.json"
    assert run_cli("schema", "-o", str(written)).exit_code == 0
    schema = json.loads(written.read_text(encoding="utf-8"))
    assert schema == json.loads(guide_schema_json())
    undocumented = [f"{name}.{field}" for name, definition in [("Guide", schema), *schema["$defs"].items()]
                    for field, prop in definition.get("properties", {}).items()
                    if not prop.get("description") or not prop.get("examples")]
    assert undocumented == []
    block_types = schema["properties"]["blocks"]["items"]
    assert sorted(block_types["discriminator"]["mapping"]) == [
        "alternatives", "callout", "image", "list", "paragraph", "procedure", "qr", "section"]
    for choice in block_types["oneOf"]:
        assert schema["$defs"][choice["$ref"].rsplit("/", 1)[1]]["description"]
