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

from collections.abc import Iterator
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
        raise _unsafe(path, err) from None
    except ParseError as err:
        raise _malformed(path, err) from None


def iterparse_xml(path: Path) -> Iterator[tuple[str, Element]]:
    """``("start" | "end", element)`` events of a large XML file, read as a stream under the
    same rules as :func:`parse_xml` (a caller clears the elements it has read).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "list.xml"
    >>> _ = p.write_text("<a><b>1</b><b>2</b></a>")
    >>> [e.text for event, e in iterparse_xml(p) if event == "end" and e.tag == "b"]
    ['1', '2']
    """
    try:
        yield from safe_et.iterparse(str(path), events=("start", "end"), forbid_dtd=True,
                                     forbid_entities=True, forbid_external=True)
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden,
            defusedxml.ExternalReferenceForbidden) as err:
        raise _unsafe(path, err) from None
    except ParseError as err:
        raise _malformed(path, err) from None


def _unsafe(path: Path, err: Exception) -> DataFileError:
    return DataFileError(
        "the file declares a DTD or entities, which list files never do "
        f"(a possible XML bomb or external entity: {type(err).__name__}); refusing to read it",
        path=str(path))


def _malformed(path: Path, err: ParseError) -> DataFileError:
    line = err.position[0] if err.position else None
    return DataFileError(f"not well-formed XML ({err.msg if hasattr(err, 'msg') else err}); "
                         "the file may be truncated: download it again",
                         path=str(path), line=line)


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


def path_texts(element: Element, *path: str) -> list[str]:
    """The stripped, non-empty texts of the descendants reached by a path of local names.

    >>> from xml.etree.ElementTree import fromstring
    >>> doc = fromstring("<d><DOBs><DOB>01/02/1960</DOB><DOB> </DOB><DOB>1961</DOB></DOBs></d>")
    >>> path_texts(doc, "DOBs", "DOB")
    ['01/02/1960', '1961']
    """
    return [text for node in path_elements(element, *path)
            if (text := (node.text or "").strip())]


def path_elements(element: Element, *path: str) -> list[Element]:
    """The descendants reached by a path of local names (each step: direct children)."""
    level = [element]
    for name in path:
        level = [child for parent in level for child in children(parent, name)]
    return level
