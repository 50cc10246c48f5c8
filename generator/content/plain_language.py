"""Plain-language hints for authors: rules that can be applied reliably, and only where they can.

- Sentences: at most 25 words in languages that separate words with spaces
  (Latin, Cyrillic, Greek, Arabic, Hebrew, Hangul scripts), at most 40
  characters in Chinese and Japanese; other scripts are not measured.
- Lists, steps and checklist groups: more than 7 entries is a lot to hold in mind.
- One instruction per step: a step chaining two with "and then" (English) or
  "然后" (Chinese) is two steps. Other languages are not guessed at.

They are warnings in ``guidegen check`` (errors with ``--strict``), about the source text only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.content.languages import maximize
from generator.content.messages import iter_messages
from generator.content.model import Alternatives, BulletList, Guide, Procedure
from generator.content.safe_yaml import LoadedYaml
from generator.errors import Problem

MAX_WORDS = 25
MAX_CJK_CHARACTERS = 40
MAX_ENTRIES = 7
_WORD_SCRIPTS = {"Latn", "Cyrl", "Grek", "Arab", "Hebr", "Kore"}
_CHARACTER_SCRIPTS = {"Hans", "Hant", "Jpan"}
_HAN_OR_KANA = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？])\s*")
_MARKUP = re.compile(r"[*`]|\[([^\]]*)\]\([^)]*\)")
_CHAINED = {"en": re.compile(r"\b(?:and then|, then)\b", re.IGNORECASE), "zh": re.compile("然后")}


def hints(guide: Guide, loaded: LoadedYaml) -> list[Problem]:
    return [*_long_sentences(guide, loaded), *_long_lists(guide, loaded), *_chained_steps(guide, loaded)]


def _long_sentences(guide: Guide, loaded: LoadedYaml) -> Iterator[Problem]:
    script = maximize(guide.source_language).script
    for message in iter_messages(guide):
        for sentence in filter(None, (s.strip() for s in _SENTENCE_END.split(_MARKUP.sub(r"\1", message.source)))):
            if script in _WORD_SCRIPTS and len(sentence.split()) > MAX_WORDS:
                yield loaded.problem(message.path, f"{message.context}: a sentence of {len(sentence.split())} words; "
                                     f"plain language keeps them under {MAX_WORDS + 1}: '{sentence[:40]}…'")
            elif (script in _CHARACTER_SCRIPTS and _HAN_OR_KANA.search(sentence)
                  and (count := len(re.sub(r"\s", "", sentence))) > MAX_CJK_CHARACTERS):
                yield loaded.problem(message.path, f"{message.context}: a sentence of {count} characters; "
                                     f"plain language keeps them to {MAX_CJK_CHARACTERS}: '{sentence[:20]}…'")


def _long_lists(guide: Guide, loaded: LoadedYaml) -> Iterator[Problem]:
    from generator.content.loader import iter_blocks

    found: list[tuple[tuple[str | int, ...], str, int]] = []
    for path, procedure in iter_blocks(guide.blocks, Procedure):
        found.append((path + ("steps",), "steps", len(procedure.steps)))
    for path, bullets in iter_blocks(guide.blocks, BulletList):
        found.append((path + ("items",), "items", len(bullets.items)))
    for path, choice in iter_blocks(guide.blocks, Alternatives):
        found += [(path + ("options", i, "steps"), "steps", len(o.steps)) for i, o in enumerate(choice.options)]
    found += [
        (("checklist", "groups", i, "items"), "items", len(g.items)) for i, g in enumerate(guide.checklist.groups)
    ]
    for path, what, count in found:
        if count > MAX_ENTRIES:
            yield loaded.problem(path, f"{count} {what} in one list; keep it to {MAX_ENTRIES} or fewer "
                                       "(split it in two, or drop the least important)")


def _chained_steps(guide: Guide, loaded: LoadedYaml) -> Iterator[Problem]:
    chained = _CHAINED.get(maximize(guide.source_language).language)
    if chained is None:
        return
    for message in iter_messages(guide):
        found = chained.search(message.source) if ".steps." in message.context else None
        if found and message.context.endswith(".text"):
            yield loaded.problem(message.path, f"{message.context}: one instruction per step: this one chains two "
                                               f"('{found.group(0)}'); make it two steps")
