"""guidegen: printable, localized how-to guides from structured content."""

__version__ = "0.1.0"
