"""Name screening: normalisation, transliteration, candidate index, explained scores."""

from shadowtrade.screening.compiled import guard

guard()  # an outdated compiled scorer (make compile) runs from its source instead
