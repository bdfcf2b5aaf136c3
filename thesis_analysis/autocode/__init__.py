"""The rule-based auto-coder: codebook rules compiled to arrays and applied to token arrays in
compiled loops, and the runs over segments or a CSV of texts."""
