"""Reference data: HS nomenclatures and concordances, countries and groups, sector groups."""
