"""Loading guides: safe YAML, the content model and its schema, stable string ids, assets, official
links, parameters, language tags, and the snapshot of a document's input files. The first stage: it
imports no other stage.
"""

