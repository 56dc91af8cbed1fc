"""The corpus-wide stages of a build: match keys and merging of duplicates, then assembling the tables."""
