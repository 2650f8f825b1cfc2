"""The compiled scorer (``make compile``: mypyc) gives exactly the Python scorer's results, passes
the screening tests, and never runs once its source has changed.

The package is copied twice into a temporary folder: one copy compiled the way ``make compile``
does it, one left as Python. Skipped where there is no C compiler or no mypyc (the compiled
scorer is optional: ``make test`` must pass on a machine with only Python and pip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "benchmarks" / "screening_quality" / "results_snapshot.py"


def _compiler_missing() -> str | None:
    try:
        import mypyc.build  # noqa: F401, PLC0415
    except ImportError:
        return "mypyc is not installed (it comes with mypy: pip install -e '.[dev]')"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return None if shutil.which(compiler) else f"no C compiler ({compiler}) on this machine"


pytestmark = pytest.mark.skipif(_compiler_missing() is not None,
                                reason=_compiler_missing() or "")


def _copy(target: Path) -> Path:
    """A copy of the project's sources and build files, without any compiled module."""
    shutil.copytree(REPO / "src", target / "src", ignore=shutil.ignore_patterns(
        "*.so", "*.pyd", "__pycache__", "compiled_sources.json", "*.egg-info"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    return target


def _run(args: list[str], source: Path, **kwargs) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False,
                          **kwargs)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with the scorer compiled, as ``make compile`` builds it."""
    folder = _copy(tmp_path_factory.mktemp("compiled"))
    built = subprocess.run([sys.executable, "setup.py", "--quiet", "build_ext", "--inplace"],
                           cwd=folder, env={**os.environ, "SHADOWTRADE_COMPILE": "1"},
                           capture_output=True, text=True, check=False, timeout=900)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return folder


def _scorer_build(folder: Path) -> str:
    found = _run([sys.executable, "-c", "from shadowtrade.screening.compiled import "
                  "scorer_build; print(scorer_build())"], folder)
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def test_the_compiled_scorer_gives_the_python_scorers_results(compiled: Path,
                                                             tmp_path: Path) -> None:
    # 3,200 queries against every list in ../shared/data (top 5 and batch hits) and the 4,700
    # labelled pairs, scores equal to 1e-9
    python = _copy(tmp_path / "python")
    assert (_scorer_build(compiled), _scorer_build(python)) == ("compiled", "python")
    snapshot = tmp_path / "python.json"
    saved = _run([sys.executable, str(SNAPSHOT), "save", str(snapshot)], python)
    assert saved.returncode == 0, saved.stderr[-3000:]
    checked = _run([sys.executable, str(SNAPSHOT), "check", str(snapshot)], compiled)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    assert "0 queries and 0 pairs differ" in checked.stdout


def test_the_screening_tests_pass_on_the_compiled_scorer(compiled: Path) -> None:
    ran = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m",
                "not slow", str(REPO / "tests" / "screening"), str(REPO / "tests" / "api"),
                "--deselect", f"{Path(__file__).relative_to(REPO).as_posix()}"],
               compiled, cwd=REPO, timeout=900)
    assert ran.returncode == 0, ran.stdout[-4000:]


def test_an_edited_source_runs_as_python_with_a_warning(compiled: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(compiled / "src", edited / "src")
    names = edited / "src" / "shadowtrade" / "screening" / "names.py"
    names.write_text(names.read_text(encoding="utf-8") + "\n# edited after the build\n",
                     encoding="utf-8")
    found = _run([sys.executable, "-c", "from shadowtrade.screening.compiled import "
                  "scorer_build; from shadowtrade.screening.engine import compare; "
                  "print(scorer_build(), compare('Kim Jong Un', '김정은')['match'])"], edited)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["python", "True"]
    assert "older than its source" in found.stderr and "make compile" in found.stderr
