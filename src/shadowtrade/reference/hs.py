"""HS nomenclatures, sections and the conversion weights between HS revisions.

Revisions are named as users know them (HS92 … HS22); the Growth Lab files call them H0 … H6.
A value in revision A maps to revision B as ``value_B = sum(value_A * weight)``, where the weights
of each A code sum to 1.

>>> section_of("8701")
'XVII'
>>> revision_code("HS17")
'H5'
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from shadowtrade.errors import UsageError
from shadowtrade.reference.packaged import atlas_data_dir, read_yaml

REVISIONS: dict[str, str] = {
    "HS92": "H0",
    "HS96": "H1",
    "HS02": "H2",
    "HS07": "H3",
    "HS12": "H4",
    "HS17": "H5",
    "HS22": "H6",
}
_ORDER = list(REVISIONS)
_TREE_FILES = {"HS92": "hs92", "HS12": "hs12", "HS22": "hs22"}


def revision_code(revision: str) -> str:
    """The Growth Lab code (``H5``) of a revision name (``HS17``)."""
    try:
        return REVISIONS[revision.upper()]
    except KeyError:
        raise UsageError(
            f"unknown HS revision '{revision}': use one of {', '.join(REVISIONS)}"
        ) from None


def revision_from_code(code: str) -> str:
    """The revision name (``HS17``) of a Growth Lab or Comtrade code (``H5``).

    >>> revision_from_code("H6")
    'HS22'
    """
    for name, short in REVISIONS.items():
        if short == code.upper():
            return name
    raise UsageError(f"unknown HS revision code '{code}': use H0 to H6")


@lru_cache(maxsize=1)
def sections() -> dict[str, dict]:
    """HS sections keyed by roman numeral, with their chapter range and name."""
    return dict(read_yaml("hs_sections.yaml"))


@lru_cache(maxsize=128)
def section_of(code: str) -> str:
    """The HS section (roman numeral) an HS code of any length belongs to."""
    chapter = int(code[:2])
    for numeral, spec in sections().items():
        first, last = spec["chapters"]
        if first <= chapter <= last:
            return numeral
    raise UsageError(f"HS code '{code}' is in no HS section")


def section_table() -> pa.Table:
    """One row per chapter: ``chapter`` (two digits) and its ``section``, for joins."""
    chapters, numerals = [], []
    for numeral, spec in sections().items():
        first, last = spec["chapters"]
        for chapter in range(first, last + 1):
            chapters.append(f"{chapter:02d}")
            numerals.append(numeral)
    return pa.table({"chapter": chapters, "section": numerals})


@lru_cache(maxsize=4)
def product_names(revision: str = "HS22") -> dict[str, str]:
    """HS code -> English description, for codes of 2, 4 and 6 digits.

    Revisions without a tree of their own (HS17, HS07 …) borrow the nearest later tree; codes
    that did not change keep their meaning.
    """
    name = revision.upper()
    tree = _TREE_FILES.get(name) or ("hs22" if _ORDER.index(name) > 4 else "hs12")
    table = pacsv.read_csv(
        atlas_data_dir() / f"classification/product/{tree}.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={"code": pa.string()}, include_columns=["code", "name_en", "product_level"]
        ),
    )
    keep = table.filter(pc.is_in(table["product_level"], pa.array([2, 4, 6])))
    return dict(zip(keep["code"].to_pylist(), keep["name_en"].to_pylist(), strict=True))


def describe(code: str, revision: str = "HS22") -> str:
    """A short description of an HS code, or the code itself when unknown.

    >>> describe("8701")
    'Tractors; (other than tractors of heading no 8709)'
    """
    return product_names(revision).get(code, code)


@lru_cache(maxsize=16)
def _step_weights(source: str, target: str) -> pa.Table:
    path = atlas_data_dir() / f"conversion_weights/conversion_weights_{source}_to_{target}.csv"
    # one thread: the 27 MB HS2017-to-HS2022 file parses in less CPU time than with a pool
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=False),
        convert_options=pacsv.ConvertOptions(
            column_types={source: pa.string(), target: pa.string(), "weight": pa.float64()},
            include_columns=[source, target, "weight"],
        ),
    )
    table = table.filter(pc.greater(table["weight"], 0))
    return table.rename_columns(["source", "target", "weight"])


@lru_cache(maxsize=16)
def concordance(source: str, target: str) -> pa.Table:
    """Weights from every HS6 code of ``source`` to ``target`` (revision names), chained.

    Columns ``source``, ``target``, ``weight``; for each source code the weights sum to 1.

    >>> t = concordance("HS17", "HS22")
    >>> round(sum(w for s, w in zip(t["source"].to_pylist(), t["weight"].to_pylist()) if s == "870110"), 6)
    1.0
    >>> t = concordance("HS92", "HS22")
    >>> round(sum(w for s, w in zip(t["source"].to_pylist(), t["weight"].to_pylist()) if s == "271000"), 6)
    1.0
    """
    first, last = _ORDER.index(source.upper()), _ORDER.index(target.upper())
    if first == last:
        raise UsageError(f"no concordance needed from {source} to itself")
    step = 1 if last > first else -1
    chain = [REVISIONS[_ORDER[i]] for i in range(first, last + step, step)]
    result = _step_weights(chain[0], chain[1]).to_pandas()
    for here, there in zip(chain[1:-1], chain[2:], strict=False):
        nxt = _step_weights(here, there).to_pandas()
        merged = result.merge(nxt, left_on="target", right_on="source", suffixes=("", "_next"))
        merged["weight"] = merged["weight"] * merged["weight_next"]
        result = (
            merged.groupby(["source", "target_next"], as_index=False)["weight"]
            .sum()
            .rename(columns={"target_next": "target"})
        )
    # Some codes of one Growth Lab step are missing from the next, so a chain can lose part of
    # a code's weight; spread what is left over the targets it does reach.
    result["weight"] = result["weight"] / result.groupby("source")["weight"].transform("sum")
    return pa.Table.from_pandas(result[["source", "target", "weight"]], preserve_index=False)


@lru_cache(maxsize=8)
def known_codes(revision: str) -> frozenset[str]:
    """Every HS6 code of a revision, from its conversion weights or tree."""
    name = revision.upper()
    if name == "HS22":
        return frozenset(c for c in product_names("HS22") if len(c) == 6)
    neighbour = _ORDER[_ORDER.index(name) + 1] if name != "HS22" else "HS17"
    table = _step_weights(REVISIONS[name], REVISIONS[neighbour])
    return frozenset(table["source"].to_pylist())
