"""The JSON Schema of ``guide.yaml``, generated from the pydantic model."""

from __future__ import annotations

import json

from generator.content.model import Guide


# Entries that may be written as a plain string instead of a mapping with "text".
_SHORTHAND = ("Step", "ListItem", "CheckItem")


def guide_schema() -> dict:
    schema = Guide.model_json_schema()
    definitions = schema["$defs"]
    for name in _SHORTHAND:
        definitions[f"{name}Object"] = definitions.pop(name)
        definitions[name] = {"anyOf": [{"type": "string", "minLength": 1}, {"$ref": f"#/$defs/{name}Object"}]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "guidegen guide"
    return schema


def guide_schema_json() -> str:
    return json.dumps(guide_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
