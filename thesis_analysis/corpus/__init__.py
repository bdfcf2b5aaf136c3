"""Interview records, reading transcript files, sentence segments, and importers from
.docx/.txt/.vtt/.srt."""
