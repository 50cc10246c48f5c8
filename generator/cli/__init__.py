"""The `guidegen` command line: parses options into requests, calls the stages, reports. Nothing
below imports it.
"""


from generator.cli.main import main

__all__ = ["main"]
