"""Name screening: normalisation, transliteration, candidate index, explained scores."""
