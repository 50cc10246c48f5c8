"""The YAML loader refuses what YAML could do to us, and keeps positions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.errors import ContentError
from generator.content.safe_yaml import MAX_FILE_BYTES, load_yaml


def _load(tmp_path: Path, text: str | bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "guide.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return load_yaml(path)


def _error(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(ContentError) as caught:
        _load(tmp_path, text)
    return str(caught.value)


def test_unsafe_tag_is_refused_and_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    message = _error(tmp_path, f"title: !!python/object/apply:os.system ['touch {marker}']\n")
    assert "guide.yaml:1:8: YAML tags like 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed" in message
    assert not marker.exists()


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]")
    started = time.perf_counter()
    message = _error(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 0.5
    assert "guide.yaml:1:4: invalid YAML: anchors and aliases (& and *) are not allowed" in message


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    message = _error(tmp_path, "id: a\ntitle: one\nsummary: s\ntitle: two\n")
    assert "guide.yaml:4:1: duplicate key 'title' (first on line 2)" in message


def test_yaml_11_surprises_stay_strings(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "a: no\nb: off\nc: 1.10\nd: 2026-11-20\ne: yes\nf: 0x1F\ng: ~\nh:\n")
    assert loaded.data == {"a": "no", "b": "off", "c": "1.10", "d": "2026-11-20", "e": "yes", "f": "0x1F",
                           "g": None, "h": None}


def test_positions_are_recorded(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "id: a\nblocks:\n  - type: paragraph\n    text: hi\n")
    assert loaded.position(("blocks", 0, "text")) == (4, 5)
    assert loaded.position(("blocks", 0, "missing")) == (3, 5)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "\ufeffid: a\r\ntitle: b\r\n".encode("utf-8"))
    assert loaded.data == {"id": "a", "title": "b"}


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    message = _error(tmp_path, "id: a\ntitle: caf\xe9\n".encode("latin-1"))
    assert "guide.yaml:2: not valid UTF-8 (byte 0xe9)" in message


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    message = _error(tmp_path, "x: " + "a" * (MAX_FILE_BYTES + 10) + "\n")
    assert "the limit is" in message


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, "a: " + "[" * 200 + "]" * 200 + "\n")
    assert "nested" in message


def test_empty_file(tmp_path: Path) -> None:
    assert "file is empty" in _error(tmp_path, "# only a comment\n")


def test_non_string_keys_refused(tmp_path: Path) -> None:
    assert "keys must be plain text" in _error(tmp_path, "? [a, b]\n: c\n")


@pytest.mark.parametrize("text, where, words", [
    ("id: g\nblocks:\n\t- a\n", "guide.yaml:3:1:", "YAML indents with spaces, not tabs: replace the tab with spaces"),
    ("id: g\ntitle: Note: this breaks\n", "guide.yaml:2:12:",
     "put the text in quotes, e.g. title: \"Note: this breaks\""),
    ("id: g\nblocks:\n  - type: paragraph\n    text: a\n   id: b\n", "guide.yaml:5:4:",
     "the indentation here does not line up with the lines above (the mapping or list it should belong to "
     "starts on line 3)"),
    ("id: g\nchecklist:\n  title: t\n groups: []\n", "guide.yaml:4:2:", "does not line up"),
])
def test_yaml_errors_teach(tmp_path: Path, text: str, where: str, words: str) -> None:
    message = _error(tmp_path, text)
    assert where in message and words in message, message
    assert "cannot start any token" not in message and "<block end>" not in message


def _guide_error(guide_copy: Path, old: str, new: str) -> str:
    from conftest import run_cli

    guide = guide_copy / "esim-cancel" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    assert old in text
    guide.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1 and "Traceback" not in result.output
    return result.stderr


def test_dash_without_space_is_explained(guide_copy: Path) -> None:
    stderr = _guide_error(guide_copy, "              - 在手机自带", "              -在手机自带")
    assert ("guide.yaml:78:13: blocks[3].blocks[0].options[0].steps: expected a list, one step per line starting "
            "with '- ' (did you mean '- 在手机自带的应用商店下载 {provider} App，用要注销的号码登录。'?)") in stderr


def test_steps_written_as_text_get_an_example(guide_copy: Path) -> None:
    stderr = _guide_error(guide_copy, "            steps:\n              - 在 {provider} App 的帮助中心",
                          "            steps: 在 {provider} App 的帮助中心")
    assert ("options[1].steps: expected a list, one step per line starting with '- ', e.g.\n"
            "    steps:\n      - 在 {provider} App 的帮助中心或官方网站上查到客服热线号码。") in stderr


def test_mapping_expected_is_said_in_words(guide_copy: Path) -> None:
    stderr = _guide_error(guide_copy, "params:\n  provider: Heyon", "params: Heyon")
    assert "params: expected keys and values, one 'key: value' per line, indented under 'params'" in stderr


def test_text_read_as_a_key_is_explained(guide_copy: Path) -> None:
    stderr = _guide_error(
        guide_copy, "              - 打开“账户管理”。", "              - Step 2: open the account page"
    )
    assert "unknown key 'Step 2'; if this is text that contains ': ', put the whole text in quotes" in stderr
