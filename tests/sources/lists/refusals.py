"""What every list reader says when an XML file declares a DTD or entities (shared by the
readers' tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shadowtrade.errors import DataFileError
from shadowtrade.sources.lists.catalog import read_list


def assert_entities_refused(path: Path) -> None:
    """Reading ``path`` fails with the one message for a DTD or an entity (bomb or external)."""
    with pytest.raises(DataFileError) as caught:
        read_list([path])
    assert str(caught.value) == (
        f"{path}: the file declares a DTD or entities, which list files never do (a possible "
        "XML bomb or external entity: DTDForbidden); refusing to read it")
