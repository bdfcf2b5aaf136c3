"""thesis_analysis."""
