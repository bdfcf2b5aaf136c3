"""Coding files (one per coder), coding by hand from Python or the JupyterLab panel, stale
codings and merging coders."""
