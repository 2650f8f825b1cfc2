"""Parse XML list files without ever resolving entities or DTDs (no XML bombs, no XXE).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "bomb.xml"
>>> _ = p.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
>>> try:
...     parse_xml(p)
... except Exception as err:
...     print(str(err).split(": ", 1)[1][:59])
the file declares a DTD or entities, which list files never
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_et

from shadowtrade.errors import DataFileError


def parse_xml(path: Path) -> Element:
    """The root element of an XML file; malformed, truncated or unsafe files raise
    :class:`DataFileError` naming the file and line."""
    try:
        return safe_et.parse(str(path), forbid_dtd=True, forbid_entities=True,
                             forbid_external=True).getroot()
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden,
            defusedxml.ExternalReferenceForbidden) as err:
        raise DataFileError(
            "the file declares a DTD or entities, which list files never do "
            f"(a possible XML bomb or external entity: {type(err).__name__}); refusing to read it",
            path=str(path)) from None
    except ParseError as err:
        line = err.position[0] if err.position else None
        raise DataFileError(f"not well-formed XML ({err.msg if hasattr(err, 'msg') else err}); "
                            "the file may be truncated: download it again",
                            path=str(path), line=line) from None


def local(tag: str) -> str:
    """A tag without its namespace.

    >>> local("{http://eu.europa.ec/fpi/fsd/export}nameAlias")
    'nameAlias'
    """
    return tag.rsplit("}", 1)[-1]


def child_text(element: Element, name: str) -> str:
    """The stripped text of the first child with this local name ('' when absent)."""
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def children(element: Element, name: str) -> list[Element]:
    """Direct children with this local name."""
    return [child for child in element if local(child.tag) == name]
