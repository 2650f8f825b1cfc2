"""Error messages reach the terminal word for word: square brackets in them ("local[2]",
"shadowtrade[spark]") are text, not rich markup."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from shadowtrade.cli import main
from shadowtrade.warehouse.export import SCHEMA_VERSION


def test_brackets_in_an_error_survive(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = tmp_path / "export"
    (export / "flows").mkdir(parents=True)
    (export / "SCHEMA_VERSION").write_text(SCHEMA_VERSION)
    monkeypatch.setenv("SHADOWTRADE_HOME", str(tmp_path))
    monkeypatch.setenv("SHADOWTRADE_SPARK_DATA", str(export))
    monkeypatch.setattr(sys, "argv", ["shadowtrade", "--engine", "spark", "--spark-master",
                                      "local[cores]", "flows", "--exporter", "CHN", "--importer",
                                      "RUS", "--years", "2021-2023"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err == ("Error: invalid Spark master 'local[cores]': use local[2], spark://HOST:7077, "
                   "yarn or k8s://HOST:PORT")
