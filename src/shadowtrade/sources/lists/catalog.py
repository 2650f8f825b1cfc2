"""Which lists exist, where their publishers put them, and how to find them in a mirror.

A mirror is a directory laid out like ``../shared/data``: the list files live under
``<mirror>/sanctions/<folder>/``. For each list the first pattern that matches wins, so an
official download (``un/consolidated.xml``) is preferred to a third-party derived file, and
the first entry of the catalogue that finds a list's files wins.

A list may be published in more than one form: OFAC's SDN list comes as legacy CSV files
(fetched by default) and as ``SDN_ADVANCED.XML`` (fetched with ``--only
us_ofac_sdn_advanced``); both load as the dataset ``us_ofac_sdn``.

>>> [spec.name for spec in CATALOG][:3]
['un_sc', 'us_ofac_sdn_advanced', 'us_ofac_sdn']
>>> datasets_named(["us_ofac_sdn_advanced", "gb_fcdo", "internal"])
['us_ofac_sdn', 'gb_fcdo', 'internal']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shadowtrade.errors import DataFileError, NoDataError
from shadowtrade.sources.lists.canada import read_canada
from shadowtrade.sources.lists.custom_csv import read_custom_csv
from shadowtrade.sources.lists.derived_csv import read_derived_csv
from shadowtrade.sources.lists.eu import read_eu_derived, read_eu_xml
from shadowtrade.sources.lists.ftm import read_ftm
from shadowtrade.sources.lists.ofac import read_ofac_csv, read_ofac_xml
from shadowtrade.sources.lists.ofac_advanced import read_ofac_advanced
from shadowtrade.sources.lists.parsed import ParsedList
from shadowtrade.sources.lists.uk import read_conlist, read_uk_derived
from shadowtrade.sources.lists.uk_fcdo import read_fcdo_xml
from shadowtrade.sources.lists.un import read_un

OFAC_BASE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
FCDO_XML = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"


@dataclass(frozen=True)
class ListSpec:
    """One form of one list: its dataset name, the official downloads and the mirror file
    patterns; ``key`` names a second form of a list (for ``--only``), and a form that is not
    ``default`` is fetched only when asked for."""

    dataset: str
    downloads: tuple[tuple[str, str], ...]  # (official URL, path under sanctions/)
    patterns: tuple[tuple[str, ...], ...]  # alternatives; each a tuple of globs read together
    key: str = ""
    default: bool = True

    @property
    def name(self) -> str:
        """What ``--only`` calls this form: its key, else its dataset."""
        return self.key or self.dataset


CATALOG: tuple[ListSpec, ...] = (
    ListSpec("un_sc", (("https://scsanctions.un.org/resources/xml/en/consolidated.xml",
                        "un/consolidated.xml"),),
             (("un/consolidated.xml",), ("un/un_consolidated_*.xml",))),
    ListSpec("us_ofac_sdn", ((OFAC_BASE + "SDN_ADVANCED.XML", "ofac/SDN_ADVANCED.XML"),),
             (("ofac/SDN_ADVANCED.XML",), ("ofac/sdn_advanced*.xml",)),
             key="us_ofac_sdn_advanced", default=False),
    ListSpec("us_ofac_sdn", tuple((OFAC_BASE + name, f"ofac/{name}") for name in
                                  ("SDN.CSV", "ALT.CSV", "ADD.CSV", "SDN_COMMENTS.CSV")),
             (("ofac/SDN.CSV", "ofac/ALT.CSV", "ofac/ADD.CSV", "ofac/SDN_COMMENTS.CSV"),
              ("ofac/sdn_2*.csv", "ofac/alt_*.csv", "ofac/add_*.csv", "ofac/sdn_comments_*.csv"))),
    ListSpec("us_ofac_cons", ((OFAC_BASE + "CONSOLIDATED.XML", "ofac/CONSOLIDATED.XML"),),
             (("ofac/CONSOLIDATED.XML",), ("ofac/cons_non_sdn_*.xml",))),
    ListSpec("us_ofac_sdn_derived", (), (("ofac/sdn_parsed_*_derived.csv",),)),
    ListSpec("eu_fsf", (("https://webgate.ec.europa.eu/fsd/fsf/public/files/"
                         "xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
                         "eu/xmlFullSanctionsList_1_1.xml"),),
             (("eu/xmlFullSanctionsList_1_1.xml",), ("eu/eu_fsf_parsed_*_derived.csv",))),
    # the FCDO list before OFSI's ConList, which it replaced in January 2026
    ListSpec("gb_fcdo", ((FCDO_XML, "uk/UK-Sanctions-List.xml"),),
             (("uk/UK-Sanctions-List.xml",), ("uk/UK_Sanctions_List*.xml",))),
    ListSpec("gb_hmt", (("https://ofsistorage.blob.core.windows.net/publishlive/2022format/"
                         "ConList.csv", "uk/ConList.csv"),),
             (("uk/ConList.csv",), ("uk/uk_sanctions_parsed_*_derived.csv",))),
    ListSpec("ca_sema", (("https://www.international.gc.ca/world-monde/assets/office_docs/"
                          "international_relations-relations_internationales/sanctions/"
                          "sema-lmes.xml", "canada/sema-lmes.xml"),),
             (("canada/sema-lmes.xml",), ("canada/canada_sema_*.xml",))),
)


@dataclass(frozen=True)
class FoundList:
    """A list located on disk, ready to read."""

    dataset: str
    paths: tuple[Path, ...]
    name: str = ""  # the catalogue form it was found as (``us_ofac_sdn_advanced``)

    def read(self) -> ParsedList:
        """Parse the files into entities (the date in the file name stands in for a missing
        publication date)."""
        parsed = read_list(self.paths, self.dataset or None)
        if parsed.published is None:
            dated = re.search(r"(\d{4}(?:-\d{2}(?:-\d{2})?)?)", self.paths[0].name)
            parsed.published = dated.group(1) if dated else None
        return parsed


def find_in_mirror(mirror: Path) -> list[FoundList]:
    """Every catalogued list (and FtM file) present under ``<mirror>/sanctions``."""
    root = mirror / "sanctions"
    if not root.is_dir():
        raise NoDataError(f"no sanctions folder in the mirror: {root} does not exist; pass the "
                          "directory that contains 'sanctions/' (e.g. --mirror ../shared/data)")
    found: list[FoundList] = []
    for spec in CATALOG:
        if any(item.dataset == spec.dataset for item in found):
            continue  # an earlier form of this list is present
        for globs in spec.patterns:
            matches = [sorted(root.glob(pattern)) for pattern in globs]
            if matches[0]:
                paths = tuple(m[-1] for m in matches if m)  # newest by name
                found.append(FoundList(spec.dataset, paths, spec.name))
                break
    for path in sorted(root.glob("opensanctions/*.ftm.json")):
        found.append(FoundList(path.name.split(".")[0], (path,)))
    return found


def datasets_named(names: list[str]) -> list[str]:
    """The datasets that ``--only`` names stand for (a form's key → its dataset)."""
    keys = {spec.key: spec.dataset for spec in CATALOG if spec.key}
    return list(dict.fromkeys(keys.get(name, name) for name in names))


def _sniff(path: Path) -> str:
    """The format of a list file, from its first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if head.startswith("<"):
        for marker, kind in (("<CONSOLIDATED_LIST", "un"), ("<sdnList", "ofac_xml"),
                             ("<export", "eu_xml"), ("<data-set", "canada"),
                             ("<Designations", "uk_fcdo")):
            if marker in head:
                return kind
        if re.search(r"<Sanctions[\s>]", head):
            return "ofac_advanced"
        return "xml"
    if head.startswith("{"):
        return "ftm"
    first = head.splitlines()[0] if head else ""
    if first.startswith("Last Updated"):
        return "conlist"
    if first.startswith("Name,Alias"):
        return "derived"
    if first[:1].isdigit():
        return "ofac_csv"
    return "custom"


def read_list(paths: tuple[Path, ...] | list[Path], dataset: str | None = None) -> ParsedList:
    """Read one list from its file(s), detecting the format.

    >>> read_list([Path("missing.xml")])
    Traceback (most recent call last):
    ...
    shadowtrade.errors.DataFileError: missing.xml: no such file
    """
    paths = tuple(Path(p) for p in paths)
    for path in paths:
        if not path.is_file():
            raise DataFileError("no such file", path=str(path))
    kind = _sniff(paths[0])
    readers: dict[str, Callable[[], ParsedList]] = {
        "un": lambda: read_un(paths[0], dataset or "un_sc"),
        "ofac_xml": lambda: read_ofac_xml(paths[0], dataset or "us_ofac_cons"),
        "eu_xml": lambda: read_eu_xml(paths[0], dataset or "eu_fsf"),
        "canada": lambda: read_canada(paths[0], dataset or "ca_sema"),
        "uk_fcdo": lambda: read_fcdo_xml(paths[0], dataset or "gb_fcdo"),
        "ofac_advanced": lambda: read_ofac_advanced(paths[0], dataset or "us_ofac_sdn"),
        "ftm": lambda: read_ftm(paths[0], dataset),
        "conlist": lambda: read_conlist(paths[0], dataset or "gb_hmt"),
        "ofac_csv": lambda: read_ofac_csv(*_ofac_files(paths), dataset=dataset or "us_ofac_sdn"),
        "derived": lambda: _derived(paths[0], dataset),
        "custom": lambda: read_custom_csv(paths[0], dataset),
    }
    if kind == "xml":
        raise DataFileError("an XML file of no known list format (expected UN "
                            "CONSOLIDATED_LIST, OFAC sdnList or advanced Sanctions, EU export, "
                            "UK Designations or Canada data-set)", path=str(paths[0]))
    return readers[kind]()


def _ofac_files(paths: tuple[Path, ...]) -> tuple[Path, Path | None, Path | None, Path | None]:
    sdn, *rest = paths
    by_kind: dict[str, Path] = {}
    for path in rest:
        name = path.name.lower()
        kind = "comments" if "comment" in name else name[:3]
        by_kind[kind] = path
    return sdn, by_kind.get("alt"), by_kind.get("add"), by_kind.get("comments")


def _derived(path: Path, dataset: str | None) -> ParsedList:
    lowered = str(path).lower()
    if "uk" in path.name.lower() or "/uk/" in lowered:
        return read_uk_derived(path, dataset or "gb_hmt")
    if "eu" in path.name.lower() or "/eu/" in lowered:
        return read_eu_derived(path, dataset or "eu_fsf")
    return read_derived_csv(path, dataset or path.stem, "derived list CSV")
