"""Small BACI files for the warehouse tests (imported by them; pytest puts this folder on the
path of the test modules in it)."""

from __future__ import annotations

from pathlib import Path

HEADER = "t,i,j,k,v,q\n"
CODES = ("country_code,country_name,country_iso2,country_iso3\n"
         "156,China,CN,CHN\n643,Russian Federation,RU,RUS\n842,USA,US,USA\n")


def baci_file(folder: Path, body: str, name: str = "BACI_HS17_Y2022_V202501.csv") -> Path:
    """A small BACI file with the release's country codes beside it, as in the real zip."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "country_codes_V202501.csv").write_text(CODES)
    path = folder / name
    path.write_text(body)
    return path
