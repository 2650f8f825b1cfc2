"""CEPII BACI: ``t,i,j,k,v,q`` per year, HS6, value in thousand USD, quantity in tonnes.

BACI's country codes are Comtrade-style numbers (France 251, USA 842, Taiwan 490), read from the
``country_codes_V*.csv`` shipped with each release: inside the zip, next to the file, or in a
``countries`` folder beside it. Values become whole USD and quantities kilograms.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from shadowtrade.errors import DataFileError
from shadowtrade.reference.hs import known_codes
from shadowtrade.sources.flowfile import Batch, FlowFile, assemble, release_from_name
from shadowtrade.sources.tabular import (
    RawBatch, RowChecks, check_columns, map_codes, open_text, read_batches, sniff_header, to_float,
    to_int)
from shadowtrade.warehouse import BaciScan, FlowPart

COLUMNS = ("t", "i", "j", "k", "v", "q")


def hs_revision_from_name(path: Path) -> str:
    """The HS revision in a BACI file name (``BACI_HS17_…`` or ``baci_hs17_…``).

    >>> hs_revision_from_name(Path("BACI_HS92_Y1995_V202501.csv"))
    'HS92'
    """
    match = re.search(r"hs(92|96|02|07|12|17|22)", path.name, re.IGNORECASE)
    if not match:
        raise DataFileError(
            "cannot tell the HS revision from the file name: BACI files are named like "
            "BACI_HS17_Y2022_V202501.csv; rename the file or pass --format baci with a name "
            "that contains HS92 … HS22",
            path=str(path),
        )
    return f"HS{match.group(1)}"


def find_country_codes(path: Path) -> Path | bytes:
    """Locate the release's country-code file for a BACI data file."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if re.search(r"country_codes.*\.csv$", name):
                    return archive.read(name)
    for folder in (path.parent, path.parent.parent / "countries", path.parent / "countries"):
        found = sorted(folder.glob("*country_codes*.csv"))
        if found:
            return found[-1]
    raise DataFileError(
        "BACI's country_codes_V*.csv was not found in the zip, beside the file or in a "
        "'countries' folder next to it; put it there (it ships with every BACI release)",
        path=str(path),
    )


def read_country_codes(source: Path | bytes) -> tuple[dict[str, str], str | None]:
    """BACI numeric code -> ISO3, and the release named in the file name if any."""
    if isinstance(source, bytes):
        text, release = source.decode("utf-8-sig"), None
    else:
        text = source.read_text(encoding="utf-8-sig")
        match = re.search(r"V\d{6}", source.name)
        release = match.group(0) if match else None
    mapping = {}
    for row in csv.DictReader(io.StringIO(text)):
        mapping[str(int(row["country_code"]))] = row["country_iso3"]
    return mapping, release


def read_baci(path: Path, release: str | None = None) -> FlowFile:
    """Open a BACI CSV, zip or Parquet file.

    >>> import pathlib
    >>> f = read_baci(pathlib.Path("../shared/data/trade/flows/baci_hs17_chn_rus_2017_2023.parquet"))
    >>> f.source, f.release
    ('baci', 'V202501')
    """
    path = Path(path)
    revision = hs_revision_from_name(path)
    codes, codes_release = read_country_codes(find_country_codes(path))
    chosen = release or release_from_name(path, codes_release or "unknown")
    members: list[str | None] = [None]
    if path.suffix == ".zip":
        members = list(_zip_members(path))
    parts = [FlowPart(partial(_batches, path, [member], revision, codes, chosen),
                      partial(_scan, path, member, revision, codes, chosen))
             for member in members]
    return FlowFile(path, "baci", chosen, _batches(path, members, revision, codes, chosen), parts)


def constants(revision: str, release: str) -> dict[str, object]:
    """The columns every BACI row of one file shares.

    >>> constants("HS17", "V202501")["currency"]
    'USD'
    """
    return {"source": "baci", "dataset": revision, "release": release, "freq": "A",
            "month": None, "reporter": "BACI", "aggregate": False, "hs_revision": revision,
            "currency": "USD", "unit": "kg"}


def product_spellings(revision: str) -> dict[str, str]:
    """Each accepted HS code as BACI may write it (``010121``, or ``10121`` without the zero).

    >>> product_spellings("HS17")["10121"]
    '010121'
    """
    spellings = {}
    for code in accepted_hs_codes(revision):
        for start in range(len(code) - len(code.lstrip("0")) + 1):
            spellings[code[start:]] = code
    return spellings


def _scan(path: Path, member: str | None, revision: str, codes: dict[str, str], release: str
          ) -> BaciScan:
    """The fast path's view of one file or zip member, with this reader's checks for the blocks
    that hold a bad row."""
    exact = partial(_exact_block, path, revision, codes, release, pa.array(list(codes)),
                    pa.array(sorted(accepted_hs_codes(revision))))
    scan = BaciScan(path, codes, product_spellings(revision), exact,
                    constants=constants(revision, release))
    if path.suffix == ".parquet":
        return scan
    header, delimiter = sniff_header(path, member)
    check_columns(path, header, COLUMNS, "BACI")
    packed = member is not None or path.suffix in (".gz", ".zip")
    opener = partial(open_text, path, member) if packed else None
    return replace(scan, open_stream=opener, header=tuple(header),  # type: ignore[arg-type]
                   delimiter=delimiter)


def _exact_block(path: Path, revision: str, codes: dict[str, str], release: str,
                 known_countries: pa.Array, known_hs: pa.Array, table: pa.Table, first_line: int,
                 malformed: list[tuple[int | None, str, str]]) -> Batch:
    """The row-by-row reader's checks and conversion of one block of the file."""
    raw = RawBatch(table, first_line, path, malformed)
    return _convert(RowChecks(raw), revision, codes, release, known_countries, known_hs)


def _zip_members(path: Path) -> list[str | None]:
    with zipfile.ZipFile(path) as archive:
        found = [n for n in archive.namelist() if re.search(r"BACI_.*_Y\d{4}.*\.csv$", n)]
    if not found:
        raise DataFileError("the zip holds no BACI_*_Y<year>_*.csv file", path=str(path))
    return list(found)


def accepted_hs_codes(revision: str) -> set[str]:
    """HS6 codes of the revision, plus ``<heading>00`` codes BACI uses for whole headings.

    BACI reports some confidential headings at 4 digits padded with zeros (``271000``).

    >>> "271000" in accepted_hs_codes("HS17")
    True
    """
    codes = set(known_codes(revision))
    return codes | {code[:4] + "00" for code in codes}


def _batches(
    path: Path, members: list[str | None], revision: str, codes: dict[str, str], release: str
) -> Iterator[Batch]:
    known_countries = pa.array(list(codes))
    known_hs = pa.array(sorted(accepted_hs_codes(revision)))
    for member in members:
        for raw in read_batches(path, COLUMNS, "BACI", member=member):
            yield _convert(RowChecks(raw), revision, codes, release, known_countries, known_hs)


def _convert(
    checks: RowChecks,
    revision: str,
    codes: dict[str, str],
    release: str,
    known_countries: pa.Array,
    known_hs: pa.Array,
) -> Batch:
    table = checks.table
    for column in ("t", "i", "j", "v"):
        checks.require_number(column)
    checks.require_number("q", nullable=True)
    exporter_code = _code_text(table["i"])
    importer_code = _code_text(table["j"])
    checks.flag(pc.invert(pc.is_in(exporter_code, known_countries)),
                lambda: _reason("unknown BACI country code in 'i': ", exporter_code))
    checks.flag(pc.invert(pc.is_in(importer_code, known_countries)),
                lambda: _reason("unknown BACI country code in 'j': ", importer_code))
    hs = pc.utf8_lpad(pc.utf8_trim_whitespace(pc.cast(table["k"], pa.string())), 6, "0")
    checks.flag(pc.invert(pc.is_in(hs, known_hs)),
                lambda: _reason(f"unknown {revision} code in 'k': ", hs))
    quantity = to_float(table["q"])
    return assemble(checks, {
        "source": "baci", "dataset": revision, "release": release, "freq": "A",
        "year": to_int(table["t"], pa.int16()), "month": None,
        "exporter": map_codes(exporter_code, codes.get),
        "importer": map_codes(importer_code, codes.get),
        "reporter": "BACI", "aggregate": False, "hs_revision": revision, "hs_code": hs,
        "value": pc.multiply(to_float(table["v"]), 1000.0), "currency": "USD",
        "quantity": pc.multiply(quantity, 1000.0), "unit": "kg",
    })


def _code_text(values: pa.ChunkedArray) -> pa.Array:
    """Country codes as canonical text: '156' for 156, ' 156', '156.0'."""
    if pa.types.is_integer(values.type):
        return pc.cast(values, pa.string())
    text = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
    if not pc.any(pc.match_substring(text, ".")).as_py():
        return text  # no '156.0' to fix: skip the regular expression
    return pc.replace_substring_regex(text, r"\.0+$", "")


def _reason(prefix: str, values: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(prefix + "'", pc.fill_null(values, ""), "'", "")
