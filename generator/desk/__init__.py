"""`guidegen serve`, the language desk page (Flask), its render workers, page previews, and printing
through CUPS (also used by `guidegen print`).
"""

