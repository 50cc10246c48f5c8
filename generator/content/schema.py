"""The JSON Schema of ``guide.yaml``, generated from the pydantic model, with a description and an
example for every field and every block type, so an editor explains and completes as the author types."""

from __future__ import annotations

import json
from typing import Any

from generator.content.model import Guide

# Entries that may be written as a plain string instead of a mapping with "text".
_SHORTHAND = ("Step", "ListItem", "CheckItem")

# What each kind of entry is for: shown by editors on hover and in completion lists.
_TYPES: dict[str, str] = {
    "Guide": "A guide in its source language: metadata, the body (blocks, in order) and a one-page checklist.",
    "Section": "A heading and the blocks under it. Sections may hold sections.",
    "Paragraph": "A paragraph of plain text.",
    "BulletList": "A bulleted list; each item is text, or a bold title and text.",
    "ListItemObject": "A list item with an optional bold title.",
    "Procedure": "Numbered steps, one instruction each.",
    "StepObject": "A step with an optional note printed under it.",
    "Alternatives": "Ways to do the same thing ('choose one'): each option is a short titled procedure.",
    "Alternative": "One way of doing it: a title and its steps.",
    "Callout": "A boxed message: warning (what can go wrong), tip or note.",
    "Image": "A picture from the guide's assets/ folder (PNG, JPEG or SVG).",
    "QrCode": "A QR code of one of the guide's official links, printed with the address beside it.",
    "Checklist": "The one-page checklist: short imperative items, the most important first.",
    "CheckGroup": "A group of check items under a heading: 1 to 9 items (keep it to 7).",
    "CheckItemObject": "A check item written as a mapping (to give it an id).",
    "Record": "Write-in lines printed under the checklist, sized to the room left on the page, so the printed "
              "checklist is also the reader's record (dates, reference numbers).",
    "RecordField": "One write-in field: a short label and a ruled line (or more) to write on.",
}

# Field → (description, example). A field documented per entry type overrides the shared one.
_FIELDS: dict[str, tuple[str, Any]] = {
    "type": ("The kind of block.", "paragraph"),
    "id": ("A stable name (lowercase letters, digits, hyphens). It makes the translation ids of the strings "
           "inside, so translations stay attached when blocks move.", "before-you-start"),
    "title": ("A heading, in the source language. **Bold**, *emphasis* and `code` may be used.", "Before you start"),
    "text": ("Text in the source language. **Bold**, *emphasis*, `code` and [label](link:NAME) may be used; "
             "{name} inserts a parameter.", "Back up your contacts and messages."),
    "intro": ("A sentence that introduces what follows.", "Any one of these ways is enough."),
    "summary": ("A sentence or two: what this is about.", "For customers who no longer use their eSIM line."),
    "steps": ("The steps, in order: one instruction per step, each on a line starting with '- '.",
              ["Open the app.", "Choose Account."]),
    "items": ("The items, each on a line starting with '- '.", ["Back up your contacts"]),
    "blocks": ("The blocks, in order, each starting with '- type: …'.", [{"type": "paragraph", "text": "…"}]),
    "note": ("A note printed under the step.", "This takes a minute."),
    "caption": ("A caption printed under it.", "The eSIM page in Settings"),
}
_FIELDS_OF: dict[str, dict[str, tuple[str, Any]]] = {
    "Guide": {
        "id": ("The guide's id: equal to the name of its folder.", "esim-cancel"),
        "source_language": ("The language the guide is written in, as a BCP 47 tag.", "en"),
        "revision": ("Date of this version, YYYY-MM-DD, in quotes: printed on every document.", "2026-11-25"),
        "params": ("Values for {name} placeholders in the text, filled in after translation.",
                   {"provider": "Acme Mobile"}),
        "official_hosts": ("The only hosts links may point to (https).", ["help.example.org"]),
        "links": ("Official links by name, used as [label](link:NAME) in text and by qr blocks.",
                  {"portal": "https://help.example.org/esim"}),
        "title": ("The guide's title: what the reader will be able to do.", "How to cancel an eSIM line"),
        "checklist": ("The one-page checklist.", {"title": "Cancel your eSIM line", "groups": []}),
    },
    "Callout": {"kind": ("warning: what can go wrong; tip: a shortcut; note: good to know.", "warning")},
    "Image": {
        "src": ("A file in the guide's assets/ folder.", "settings.png"),
        "alt": ("What the picture shows, for a reader who cannot see it (required).", "The eSIM page in Settings"),
        "size": ("Share of the text width: small, medium or full.", "medium"),
    },
    "QrCode": {"link": ("The name of one of the guide's links.", "portal")},
    "Alternatives": {"options": ("The ways, each a titled procedure starting with '- id: …'.",
                                 [{"id": "app", "title": "In the app", "steps": ["Open the app."]}])},
    "Checklist": {"groups": ("Up to 6 groups of check items.", [{"id": "before", "title": "Before",
                                                                 "items": ["Back up your contacts"]}]),
                  "record": ("Optional: write-in lines under the checklist that take the room left on the page.",
                             {"title": "My record", "fields": [{"id": "sent", "label": "Date sent"}]})},
    "Record": {"title": ("The record's heading.", "My record"),
               "fields": ("Up to 6 write-in fields, in order, each starting with '- id: …'.",
                          [{"id": "sent", "label": "Date sent"}, {"id": "reference", "label": "Reference number"}])},
    "RecordField": {"label": ("What to write on the line, in a few words.", "Reference number"),
                    "lines": ("Ruled lines this field gets at least (1 to 4); room left on the page adds more.", 1)},
}


def guide_schema() -> dict[str, Any]:
    schema = Guide.model_json_schema()
    definitions = schema["$defs"]
    for name in _SHORTHAND:
        definitions[f"{name}Object"] = definitions.pop(name)
        definitions[name] = {"anyOf": [{"type": "string", "minLength": 1}, {"$ref": f"#/$defs/{name}Object"}],
                             "description": f"Text, or a mapping with 'text' ({_TYPES[f'{name}Object'].lower()})"}
    for name, definition in [("Guide", schema), *definitions.items()]:
        if name in _TYPES:
            definition["description"] = _TYPES[name]
        for field, prop in definition.get("properties", {}).items():
            description, example = _FIELDS_OF.get(name, {}).get(field) or _FIELDS[field]
            prop["description"] = description
            prop["examples"] = [prop["const"]] if "const" in prop else [example]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "guidegen guide"
    return schema


def guide_schema_json() -> str:
    return json.dumps(guide_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
