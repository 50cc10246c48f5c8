"""The content model of a guide, validated with pydantic.

A guide is data: metadata, an ordered list of blocks, and a checklist. The
published JSON Schema (``guidegen schema``) is generated from these classes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from generator.errors import GuidegenError
from generator.content.codepoints import describe, refused_char
from generator.content.languages import TAG_PATTERN, maximize
from generator.content.textnorm import normalize_text

MAX_TEXT = 2_000  # characters in one translatable string
MAX_ITEMS = 40  # entries in any one list
MAX_CHECK_ITEMS = 9  # a checklist group holds fewer than 10 items
MAX_BLOCKS = 200
MAX_RECORD_FIELDS = 6  # write-in fields of a checklist's record
MAX_RECORD_LINES = 4  # lines a record field asks for at least

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARAM_PATTERN = r"^[a-z][a-z0-9_]*$"
# A file in the guide's assets folder: plain names, optional sub-folders, no "..", no absolute paths.
ASSET_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*(?:/[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]

# Names Windows reserves for devices (also with any extension, in any case): a file named so cannot be made or
# opened there, so an id that becomes a file name (guide, output) may not be one of them.
RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def reserved_name(name: str) -> bool:
    """Whether ``name`` (before its first dot, any case) is a Windows device name such as ``con`` or ``com1``."""
    return name.split(".", 1)[0].strip().lower() in RESERVED_NAMES


def _not_reserved(name: str) -> str:
    if reserved_name(name):
        raise ValueError(f"'{name}' is a device name on Windows (con, nul, aux, prn, com1-com9, lpt1-lpt9): "
                         "a file named so cannot be written there; choose another id")
    return name


FileId = Annotated[Id, AfterValidator(_not_reserved)]
def _printable(text: str) -> str:
    if not text:
        raise ValueError("must not be empty")
    char = refused_char(text)
    if char is not None:
        raise ValueError(f"contains {describe(char)}")
    return text


Text = Annotated[
    str, StringConstraints(max_length=MAX_TEXT), AfterValidator(normalize_text), AfterValidator(_printable)
]


def _language_tag(tag: str) -> str:
    """The one tag grammar (``languages.maximize``): a tag it refuses is refused here, with the guide's line."""
    try:
        maximize(tag)
    except GuidegenError as error:
        raise ValueError(str(error)) from None
    return tag


LanguageTag = Annotated[str, Field(max_length=35, json_schema_extra={"pattern": TAG_PATTERN.pattern}),
                        AfterValidator(_language_tag)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _TextShorthand(Strict):
    """An entry written either as a plain string or as a mapping with ``text``."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class Step(_TextShorthand):
    id: Id | None = None
    text: Text
    note: Text | None = None


class ListItem(_TextShorthand):
    id: Id | None = None
    title: Text | None = None
    text: Text


class CheckItem(_TextShorthand):
    id: Id | None = None
    text: Text


class Paragraph(Strict):
    type: Literal["paragraph"]
    id: Id | None = None
    text: Text


class BulletList(Strict):
    type: Literal["list"]
    id: Id | None = None
    intro: Text | None = None
    items: Annotated[list[ListItem], Field(min_length=1, max_length=MAX_ITEMS)]


class Procedure(Strict):
    type: Literal["procedure"]
    id: Id | None = None
    title: Text | None = None
    intro: Text | None = None
    steps: Annotated[list[Step], Field(min_length=1, max_length=MAX_ITEMS)]


class Alternative(Strict):
    id: Id
    title: Text
    summary: Text | None = None
    steps: Annotated[list[Step], Field(min_length=1, max_length=MAX_ITEMS)]


class Alternatives(Strict):
    type: Literal["alternatives"]
    id: Id | None = None
    intro: Text | None = None
    options: Annotated[list[Alternative], Field(min_length=2, max_length=MAX_ITEMS)]


class Callout(Strict):
    type: Literal["callout"]
    id: Id | None = None
    kind: Literal["warning", "tip", "note"]
    title: Text | None = None
    text: Text


class Image(Strict):
    """A picture from the guide's ``assets/`` folder; ``alt`` says what it shows to a reader who cannot see it."""

    type: Literal["image"]
    id: Id | None = None
    src: Annotated[str, StringConstraints(pattern=ASSET_PATTERN, max_length=200)]
    alt: Text
    caption: Text | None = None
    size: Literal["small", "medium", "full"] = "medium"


class QrCode(Strict):
    """A QR code of an official link, printed with the address in readable form beside it."""

    type: Literal["qr"]
    id: Id | None = None
    link: Annotated[str, StringConstraints(pattern=PARAM_PATTERN)]
    caption: Text | None = None


class Section(Strict):
    type: Literal["section"]
    id: Id
    title: Text
    blocks: Annotated[list[Block], Field(min_length=1, max_length=MAX_BLOCKS)]


Block = Annotated[
    Section | Paragraph | BulletList | Procedure | Alternatives | Callout | Image | QrCode,
    Field(discriminator="type"),
]
Section.model_rebuild()


class CheckGroup(Strict):
    id: Id
    title: Text
    items: Annotated[list[CheckItem], Field(min_length=1, max_length=MAX_CHECK_ITEMS)]


class RecordField(Strict):
    """A labelled write-in line of the checklist's record (a date, a reference number)."""

    id: Id
    label: Text
    lines: Annotated[int, Field(ge=1, le=MAX_RECORD_LINES)] = 1


class Record(Strict):
    """Write-in lines under the checklist, so the printed page is also the reader's record."""

    title: Text
    fields: Annotated[list[RecordField], Field(min_length=1, max_length=MAX_RECORD_FIELDS)]

    @field_validator("fields")
    @classmethod
    def _unique_ids(cls, fields: list[RecordField]) -> list[RecordField]:
        seen: set[str] = set()
        for entry in fields:
            if entry.id in seen:
                raise ValueError(f"two fields have the id '{entry.id}'")
            seen.add(entry.id)
        return fields


class Checklist(Strict):
    title: Text
    groups: Annotated[list[CheckGroup], Field(min_length=1, max_length=6)]
    record: Record | None = None


class Guide(Strict):
    """A guide in its source language."""

    id: FileId
    source_language: LanguageTag
    revision: dt.date
    params: dict[
        Annotated[str, StringConstraints(pattern=PARAM_PATTERN)],
        Annotated[str, StringConstraints(min_length=1, max_length=200)],
    ] = {}
    # The only addresses the guide may print, link or encode: name → https URL, on these hosts.
    official_hosts: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=253)]], Field(max_length=20)
    ] = []
    links: Annotated[
        dict[
            Annotated[str, StringConstraints(pattern=PARAM_PATTERN)],
            Annotated[str, StringConstraints(min_length=1, max_length=500)],
        ],
        Field(max_length=MAX_ITEMS),
    ] = {}
    title: Text
    summary: Text
    blocks: Annotated[list[Block], Field(min_length=1, max_length=MAX_BLOCKS)]
    checklist: Checklist

    @field_validator("revision", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("must be a date written as YYYY-MM-DD")
        return value


TEXT_FIELDS = ("title", "summary", "intro", "text", "note", "alt", "caption", "label")
"""Fields whose strings are translatable, in the order they appear in a block."""


def known_keys() -> set[str]:
    """Every key the format knows, for "did you mean" suggestions."""
    keys: set[str] = set()
    for model in (Guide, Checklist, CheckGroup, CheckItem, Record, RecordField, Section, Paragraph, BulletList,
                  ListItem, Procedure, Step, Alternatives, Alternative, Callout, Image, QrCode):
        keys.update(model.model_fields)
    return keys
