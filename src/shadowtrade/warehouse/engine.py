"""The engine choice: the ``flows`` table on DuckDB (the warehouse file) or on Apache Spark (the
Parquet dataset written by ``shadowtrade data export``).

Analyses are Ibis expressions over the table this module hands out, so they run unchanged on
either engine. Everything Spark-specific lives here: starting (or reusing) a session, checking
the dataset and the master before the JVM starts, and reading the Parquet layout back with the
warehouse's column types.

>>> import tempfile, pathlib
>>> from shadowtrade.config import Settings
>>> home = pathlib.Path(tempfile.mkdtemp())
>>> with open_flows(Settings(home=home)) as flows:
...     flows.count().execute()
0
>>> check_dataset(str(home / "export"))
Traceback (most recent call last):
...
shadowtrade.errors.NoDataError: no Parquet dataset at ... write one with 'shadowtrade data export --format parquet --out ...' or point SHADOWTRADE_SPARK_DATA at one
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import ibis.expr.types as ir

from shadowtrade.config import Settings
from shadowtrade.errors import MissingExtraError, NoDataError, ShadowtradeError, UsageError
from shadowtrade.warehouse.core import Warehouse
from shadowtrade.warehouse.export import SCHEMA_VERSION

#: The ``flows`` columns and their Spark SQL types, in warehouse order (see ``schema.py``).
FLOWS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "string"), ("dataset", "string"), ("release", "string"), ("freq", "string"),
    ("year", "smallint"), ("month", "tinyint"), ("exporter", "string"), ("importer", "string"),
    ("reporter", "string"), ("aggregate", "boolean"), ("hs_revision", "string"),
    ("hs_code", "string"), ("value", "double"), ("currency", "string"), ("quantity", "double"),
    ("unit", "string"), ("load_id", "int"),
)
#: The JVM's log level. A failed job is reported by shadowtrade in one line (see
#: :func:`spark_job_errors`), so Spark's own log stays quiet unless asked for:
#: ``SHADOWTRADE_SPARK_LOG_LEVEL=WARN`` shows it again.
SPARK_LOG_LEVEL = os.environ.get("SHADOWTRADE_SPARK_LOG_LEVEL", "FATAL").upper()
#: Session settings that keep a run small and close to DuckDB's semantics.
SPARK_CONF: dict[str, str] = {
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "2g",
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    # DuckDB returns NULL for x / 0 where ANSI Spark raises: keep the analyses' semantics.
    "spark.sql.ansi.enabled": "false",
    # Partition folder names are read as text and cast to the warehouse types below.
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # Fail in a minute, not the default two, when a cluster stops answering.
    "spark.network.timeout": "60s",
    "spark.scheduler.maxRegisteredResourcesWaitingTime": "10s",
    "spark.log.level": SPARK_LOG_LEVEL,
    "spark.ui.showConsoleProgress": "false",
}
MASTER_TIMEOUT_SECONDS = 3.0
LOCAL_SCHEMES = ("", "file")


def spark_data_location(settings: Settings) -> str:
    """Where Spark reads the dataset: ``SHADOWTRADE_SPARK_DATA`` or ``HOME/export``."""
    return str(settings.spark_data or settings.home / "export")


@contextmanager
def open_flows(settings: Settings, session: Any = None) -> Iterator[ir.Table]:
    """The ``flows`` table on the configured engine; closed (or the session stopped) on exit.

    DuckDB opens the warehouse file read-only. Spark reads the Parquet dataset at
    :func:`spark_data_location`; a ``session`` given by the caller (or one already running in
    this process) is reused and left running.
    """
    if settings.engine == "duckdb":
        with Warehouse(settings.warehouse_path, read_only=True) as warehouse:
            yield warehouse.table("flows")
        return
    location = spark_data_location(settings)
    check_dataset(location)
    if session is not None:
        yield spark_flows(session, location)
        return
    with running_spark(settings.spark_master) as started:
        yield spark_flows(started, location)


@contextmanager
def running_spark(master: str) -> Iterator[Any]:
    """A SparkSession for one command: the one already running in this process (a notebook,
    the test suite) is reused and left running; otherwise one is started and stopped on exit.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingExtraError("--engine spark", "spark") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        with spark_job_errors(master):
            yield active
        return
    session = spark_session(master)
    try:
        with spark_job_errors(master):
            yield session
    finally:
        session.stop()


@contextmanager
def spark_job_errors(master: str) -> Iterator[None]:
    """Turn a failed Spark job (a Py4J or PySpark error carrying a JVM or worker stack trace)
    into one :class:`ShadowtradeError` line that says what to do.

    >>> with spark_job_errors("spark://10.0.0.5:7077"):
    ...     raise RuntimeError("boom")
    Traceback (most recent call last):
    ...
    RuntimeError: boom
    """
    try:
        yield
    except ShadowtradeError:
        raise
    except Exception as err:
        if not _is_spark_error(err):
            raise
        raise ShadowtradeError(spark_failure_message(str(err), master)) from None


def _is_spark_error(err: BaseException) -> bool:
    module = type(err).__module__ or ""
    return module.startswith(("pyspark", "py4j"))


def spark_failure_message(text: str, master: str) -> str:
    r"""One line for a failed Spark job: a module missing on the executors gets the fix.

    >>> print(spark_failure_message(
    ...     "PythonException: ... ModuleNotFoundError: No module named 'shadowtrade'\n...",
    ...     "spark://10.0.0.5:7077"))
    the Spark job on spark://10.0.0.5:7077 failed: the executors' Python has no module 'shadowtrade'. Install shadowtrade[spark] (the same version as here) on every worker node, or point PYSPARK_PYTHON at a Python that has it, at the same path on every node
    >>> spark_failure_message("Py4JJavaError: An error occurred\n\tat org.apache", "local[2]")
    'the Spark job on local[2] failed: Py4JJavaError: An error occurred'
    """
    missing = re.search(r"ModuleNotFoundError: No module named '([^']+)'", text)
    if missing:
        return (f"the Spark job on {master} failed: the executors' Python has no module "
                f"{missing.group(1)!r}. Install shadowtrade[spark] (the same version as here) on "
                "every worker node, or point PYSPARK_PYTHON at a Python that has it, at the same "
                "path on every node")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return f"the Spark job on {master} failed: {lines[0] if lines else 'no message'}"


def check_dataset(location: str) -> None:
    """Refuse, before Spark starts, a local dataset that is missing or of another version.

    Remote URIs (``s3a://``, ``hdfs://`` …) are checked by :func:`spark_flows` once Spark runs.
    """
    if urlparse(location).scheme not in LOCAL_SCHEMES:
        return
    root = Path(location.removeprefix("file://"))
    if not (root / "flows").is_dir():
        raise NoDataError(
            f"no Parquet dataset at {root} (no 'flows' folder): write one with 'shadowtrade "
            f"data export --format parquet --out {root}' or point SHADOWTRADE_SPARK_DATA at one")
    marker = root / "SCHEMA_VERSION"
    found = marker.read_text().strip() if marker.is_file() else None
    _check_version(found, str(root))


def _check_version(found: str | None, location: str) -> None:
    if found == SCHEMA_VERSION:
        return
    what = "has no SCHEMA_VERSION file" if found is None else f"has schema version {found!r}"
    raise ShadowtradeError(
        f"the Parquet dataset at {location} {what}; this version of shadowtrade reads schema "
        f"version {SCHEMA_VERSION!r}: export it again with 'shadowtrade data export --format "
        f"parquet --out {location} --overwrite'")


def check_master(master: str, timeout: float = MASTER_TIMEOUT_SECONDS) -> None:
    """Refuse, within ``timeout`` seconds, a ``spark://HOST:PORT`` master nobody answers at.

    Other masters (``local[N]``, ``yarn``, ``k8s://…``) are left to Spark.
    """
    if not master.startswith("spark://"):
        local = re.fullmatch(r"local(\[(\d+|\*)(,\d+)?\])?", master)
        if not (local or master == "yarn" or master.startswith(("k8s://", "mesos://"))):
            raise UsageError(f"invalid Spark master {master!r}: use local[2], "
                             "spark://HOST:7077, yarn or k8s://HOST:PORT")
        return
    for address in master.removeprefix("spark://").split(","):  # standby masters
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise UsageError(f"invalid Spark master {master!r}: write spark://HOST:PORT, "
                             "for example spark://10.0.0.5:7077")
        try:
            with socket.create_connection((host, int(port)), timeout=timeout):
                return
        except OSError as err:
            reason = err.strerror or type(err).__name__
            last = f"{host}:{port} ({reason})"
    raise ShadowtradeError(f"cannot reach the Spark master {master}: nothing answers at {last} "
                           f"within {timeout:g} s. Is the cluster up? Check --spark-master, or "
                           "use --spark-master local[2] to run on this machine")


def spark_session(master: str, app_name: str = "shadowtrade") -> Any:
    """A SparkSession on ``master`` with :data:`SPARK_CONF` (the caller stops it)."""
    check_master(master)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingExtraError("--engine spark", "spark") from None
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    if "PYSPARK_PYTHON" not in os.environ and runs_on_this_machine(master):
        # Python workers on this machine run this interpreter (and so find shadowtrade). On a
        # cluster, install shadowtrade on the executors or set PYSPARK_PYTHON (docs/spark.md).
        os.environ["PYSPARK_PYTHON"] = sys.executable
        builder = builder.config("spark.pyspark.python", sys.executable)
    try:
        session = builder.getOrCreate()
    except Exception as err:  # noqa: BLE001 - a JVM failure becomes one clean line
        first = _java_message(err)
        raise ShadowtradeError(f"cannot start Spark on {master}: {first}. Is Java 17+ "
                               "installed (java -version) and JAVA_HOME set?") from None
    session.sparkContext.setLogLevel(SPARK_LOG_LEVEL)
    return session


def runs_on_this_machine(master: str) -> bool:
    """True for ``local[N]`` and for a standalone master on this host's loopback address,
    whose workers can run this very interpreter.

    >>> runs_on_this_machine("local[2]"), runs_on_this_machine("spark://127.0.0.1:7077")
    (True, True)
    >>> runs_on_this_machine("spark://10.0.0.5:7077"), runs_on_this_machine("yarn")
    (False, False)
    """
    if master.startswith("local"):
        return True
    if not master.startswith("spark://"):
        return False
    hosts = [address.rpartition(":")[0] for address in master.removeprefix("spark://").split(",")]
    return all(host in ("127.0.0.1", "localhost", "::1", "[::1]") for host in hosts)


def _java_message(err: BaseException) -> str:
    """The first line of the Java exception behind a Py4J error, else of the error itself."""
    java = getattr(err, "java_exception", None)
    text = str(java.toString()) if java is not None else str(err)
    return text.strip().splitlines()[0] if text.strip() else type(err).__name__


def spark_flows(session: Any, location: str) -> ir.Table:
    """The Parquet dataset's ``flows`` as an Ibis table on ``session``, in warehouse types."""
    try:
        import ibis
        from pyspark.errors import PySparkException
    except ImportError:
        raise MissingExtraError("--engine spark", "spark") from None
    base = location.rstrip("/")
    try:
        if urlparse(location).scheme not in LOCAL_SCHEMES:
            lines = session.read.text(f"{base}/SCHEMA_VERSION").collect()
            _check_version(lines[0].value.strip() if lines else None, location)
        frame = session.read.option("basePath", f"{base}/flows").parquet(f"{base}/flows")
    except PySparkException as err:
        first = str(err).strip().splitlines()[0]
        raise NoDataError(f"cannot read the Parquet dataset at {location}: {first}") from None
    missing = [name for name, _ in FLOWS_COLUMNS if name not in frame.columns]
    if missing:
        raise ShadowtradeError(
            f"the Parquet dataset at {location} has no column {missing[0]!r}: it was not "
            "written by this version; export it again with 'shadowtrade data export'")
    typed = frame.selectExpr(*[f"CAST(`{name}` AS {kind}) AS `{name}`"
                               for name, kind in FLOWS_COLUMNS])
    view = f"shadowtrade_flows_{abs(hash(base)) % 10**8}"
    typed.createOrReplaceTempView(view)
    return ibis.pyspark.connect(session).table(view)
