"""Build hook: the screening scorer compiled with mypyc, when asked for.

``SHADOWTRADE_COMPILE=1`` (``make compile``) compiles the modules listed in
``src/shadowtrade/screening/compiled.py`` to C extensions (needs mypy and a C compiler) and
records the digests of the sources compiled, so that a source edited afterwards is run as
Python, not as its outdated compiled copy. Without it the package is pure Python, as
``make install`` builds it. Everything else is in pyproject.toml.
"""

import os
import runpy

from setuptools import setup

if os.environ.get("SHADOWTRADE_COMPILE") == "1":
    try:
        from mypyc.build import mypycify
    except ImportError as missing:
        raise SystemExit("SHADOWTRADE_COMPILE=1 needs mypyc, which comes with mypy: run "
                         "`make compile` (it uses .venv, where mypy is installed), or install "
                         "mypy and build with pip's --no-build-isolation") from missing

    compiled = runpy.run_path("src/shadowtrade/screening/compiled.py")
    compiled["write_manifest"]("src")  # before the build, so that a wheel carries it
    try:
        sources = [str(path) for path in compiled["source_paths"]("src")]
        setup(ext_modules=mypycify(sources, opt_level="3", group_name=compiled["GROUP"]))
    except BaseException:
        compiled["remove_manifest"]("src")  # a failed build leaves no claim of freshness
        raise
else:
    setup()
