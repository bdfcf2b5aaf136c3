"""Analysis tables and figures: code levels, frequencies and matrices, claims, indicator links,
the målekort, the evaluation of the auto-coder."""
