"""The smell test: legal, financial and reputational risk of a deal, corridor or country,
assembled from the regimes, screening, trade data and detectors, every claim with its source."""
