"""Fonts: the Noto stack of each script, what fontconfig has, glyph coverage (no boxes in print), and
CJK fonts cut to a document's characters before layout.
"""

