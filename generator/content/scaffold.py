"""``guidegen new``: the text of a starter guide that shows every block type, passes ``check`` and builds at once.

The starter's text is placeholder English in angle brackets, to be replaced in
the guide's own source language; the comments say what each block is for.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.content.languages import canonical_tag
from generator.content.model import ID_PATTERN, reserved_name
from generator.errors import GuidegenError, display_path

GUIDE_FILE = "guide.yaml"
SCHEMA_FILE = "guide.schema.json"

_STARTER = """\
# yaml-language-server: $schema=../{schema}
# A guide: metadata, the body (blocks, in order) and a one-page checklist.
# Replace every <placeholder> with text in {language}, the guide's source language;
# translations come later, through PO catalogs (guidegen i18n init --lang TAG).
# Check as you go: guidegen check --content {content}
id: {id}                       # equal to the folder name
source_language: {language}
revision: "{revision}"          # YYYY-MM-DD: printed on every document; change it when the content changes
params:                        # {{name}} placeholders, filled in after translation
  provider: <Your provider>
# official_hosts and links: the only web addresses a guide may print (https, your own hosts).
# official_hosts: [help.your-organisation.org]
# links:
#   portal: https://help.your-organisation.org/start

title: {title}
summary: <One or two sentences on who this is for and what they will be able to do.>

blocks:
  - type: section              # a heading and the blocks under it
    id: why                    # ids keep translations attached when blocks move
    title: <Why this matters>
    blocks:
      - type: paragraph
        text: <Plain words, short sentences. **Bold** for what must not be missed.>
      - type: list             # bullets; an item is text, or a title and text
        id: reasons
        items:
          - id: first
            title: <A reason>
            text: <One sentence about it.>
          - <Another reason, as plain text.>

  - type: section
    id: before
    title: <Before you start>
    blocks:
      - type: procedure        # numbered steps
        id: prepare
        title: <Get ready>
        steps:
          - <The first thing to do, as an instruction.>
          - text: <A step with a note.>
            note: <Something that helps with this step.>
      - type: callout          # kind: warning, tip or note
        id: careful
        kind: warning
        title: <What can go wrong>
        text: <What to avoid, and why.>

  - type: section
    id: ways
    title: <Ways to do it>
    blocks:
      - type: alternatives     # "choose one of these ways": each option is a short procedure
        id: options
        intro: <Any one of these ways is enough.>
        options:
          - id: app
            title: <In the app>
            steps:
              - <Open the {{provider}} app.>
              - <Do the next thing.>
          - id: desk
            title: <At a service desk>
            steps:
              - <Bring an identity document.>
              - <Ask the staff to do it.>
      # - type: image          # a picture from this guide's assets/ folder (PNG, JPEG or SVG)
      #   id: screen
      #   src: screen.png
      #   alt: <What the picture shows, for a reader who cannot see it>
      # - type: qr             # a QR code of one of the links above, printed with its address
      #   link: portal
      #   caption: <Scan to open the page>

checklist:                     # the one-page checklist: short imperative items, the most important first
  title: <The goal, as the checklist's title>
  groups:                      # 1–9 items a group (keep it to 7)
    - id: before
      title: <Before>
      items:
        - <Do this first>
        - <Then this>
    - id: after
      title: <Afterwards>
      items:
        - <Check that it worked>
  record:                      # optional: write-in lines that take the room left on the page
    title: <My record>
    fields:                    # a short label each; lines: 2 gives a field two lines at least
      - id: sent
        label: <Date sent>
      - id: reference
        label: <Reference number>
"""


def starter_guide(guide_id: str, language: str, content: Path, title: str | None = None,
                  today: dt.date | None = None) -> str:
    """The text of a new guide's ``guide.yaml``; refuses an invalid id or language tag."""
    if not re.fullmatch(ID_PATTERN, guide_id) or len(guide_id) > 64:
        raise GuidegenError(f"'{guide_id}' is not a valid guide id: lowercase letters, digits and single hyphens, "
                            "e.g. esim-transfer")
    if reserved_name(guide_id):
        raise GuidegenError(f"'{guide_id}' is a device name on Windows (con, nul, aux, prn, com1-com9, lpt1-lpt9): "
                            "a file named so cannot be written there; choose another guide id")
    return _STARTER.format(schema=SCHEMA_FILE, language=canonical_tag(language), content=display_path(content),
                           id=guide_id, revision=(today or dt.date.today()).isoformat(),
                           title=_yaml_text(title) if title else "<What the reader will be able to do>")


def _yaml_text(text: str) -> str:
    """A title as a double-quoted YAML string: nothing in it can turn into YAML syntax."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
