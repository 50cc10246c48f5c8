"""Making documents: jobs, the builder (render, verify, write atomically), worker processes, the
incremental-build cache and its manifest, progress reports, documents made on demand, and
`guidegen check` (everything a build would refuse, without writing).
"""

