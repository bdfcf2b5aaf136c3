"""Agreement between coders: percent agreement, Cohen, Fleiss, Krippendorff; units; the
`agreement` and `reliability` reports."""
