"""The codebook: its frozen records, loading from YAML, and validation with the line of every
problem."""
