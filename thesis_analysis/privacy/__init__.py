"""Pseudonymisation of transcripts: consistent placeholders, a key, a review report.

The entry point is :func:`thesis_analysis.privacy.pseudonymise.run_pseudonymise`. Nothing
heavy is imported here.
"""
