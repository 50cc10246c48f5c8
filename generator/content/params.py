"""Guide parameters: ``{provider}`` placeholders in text, filled in after translation.

Only ``{name}`` with a lowercase identifier is a placeholder; any other brace is
printed as written. Values are plain text, never markup or template code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def placeholders(text: str) -> set[str]:
    """The parameter names a text refers to."""
    return set(PLACEHOLDER.findall(text))


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace known placeholders; unknown ones stay as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
