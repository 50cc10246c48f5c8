"""Translation: PO catalogs, the one rule for a usable translation, a guide in another language (with
its fallbacks), the template strings, the library of guides and catalogs, and the translator's workflow
(extract, init, update, status).
"""

