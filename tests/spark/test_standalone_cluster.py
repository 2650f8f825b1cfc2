"""``--spark-master spark://HOST:PORT`` against a real Spark standalone cluster: a master and
one worker started by this module (PySpark's own ``spark-class``), each CLI command run in its
own process as a user would. Slow (the JVMs take a minute to start on 2 cores): ``-m slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from shadowtrade.analysis.flows import FlowQuery, corridor_series
from shadowtrade.warehouse import Warehouse

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CLI = [str(Path(sys.executable).parent / "shadowtrade")]
CUSTOM_LIST = "id,name,schema,aliases\nc1,Foreign Trade Bank,Organization,Mooyokbank\n" \
              "c2,Ri Je-son,Person,Ri Che-son\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spark_class() -> Path:
    pyspark = pytest.importorskip("pyspark", reason="needs the 'spark' extra")
    found = Path(pyspark.__file__).parent / "bin" / "spark-class"
    if not found.exists() or shutil.which("java") is None:
        pytest.skip("needs PySpark's spark-class and Java")
    return found


def _wait_for_worker(ui_port: int, deadline: float) -> None:
    """Poll the master's JSON status until one worker is ALIVE."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=2) as page:
                status = json.load(page)
            if any(w.get("state") == "ALIVE" for w in status.get("workers", [])):
                return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError("the Spark worker did not register with the master in time")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone master and a 2-core worker on loopback; their URL, stopped at the end."""
    spark_class = _spark_class()
    logs = tmp_path_factory.mktemp("spark-cluster")
    port, ui_port, worker_ui = _free_port(), _free_port(), _free_port()
    env = {**os.environ, "SPARK_HOME": str(spark_class.parent.parent),
           "SPARK_WORKER_DIR": str(logs / "work"), "SPARK_LOCAL_IP": "127.0.0.1"}
    master_cmd = [str(spark_class), "org.apache.spark.deploy.master.Master", "--host",
                  "127.0.0.1", "--port", str(port), "--webui-port", str(ui_port)]
    url = f"spark://127.0.0.1:{port}"
    worker_cmd = [str(spark_class), "org.apache.spark.deploy.worker.Worker", url, "--cores",
                  "2", "--memory", "2g", "--webui-port", str(worker_ui)]
    processes = [subprocess.Popen(master_cmd, env=env, stdout=open(logs / "master.log", "w"),
                                  stderr=subprocess.STDOUT)]
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(1)
        processes.append(subprocess.Popen(worker_cmd, env=env,
                                          stdout=open(logs / "worker.log", "w"),
                                          stderr=subprocess.STDOUT))
        _wait_for_worker(ui_port, deadline)
        yield url
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with a small custom list loaded (the screener the cluster broadcasts)."""
    folder = tmp_path_factory.mktemp("cluster-home")
    listing = folder / "internal.csv"
    listing.write_text(CUSTOM_LIST)
    _cli(folder, {}, "lists", "load", str(listing), "--dataset", "internal", check=True)
    return folder


def _cli(home: Path, env: dict[str, str], *args: str,
         check: bool = False) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*CLI, "--home", str(home), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=900, check=False)
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_flows_on_a_standalone_cluster(cluster: str, home: Path, export_dir: Path,
                                       real_warehouse: Warehouse) -> None:
    done = _cli(home, {"SHADOWTRADE_SPARK_DATA": str(export_dir)}, "--engine", "spark",
                "--spark-master", cluster, "flows", "--exporter", "CHN", "--importer", "RUS",
                "--years", "2021-2023", "--json", check=True)
    got = {row["year"]: row["value"] for row in json.loads(done.stdout)}
    expected = corridor_series(real_warehouse.table("flows"),
                               FlowQuery("CHN", "RUS", (2021, 2023))).execute()
    assert got == pytest.approx(dict(zip(expected["year"], expected["value"])), rel=1e-9)
    assert round(got[2023] / 1e9, 1) == 110.0


def test_batch_screening_on_a_standalone_cluster(cluster: str, home: Path,
                                                 tmp_path: Path) -> None:
    names = tmp_path / "names.parquet"
    pd.DataFrame({"name": ["Mooyokbank", "Ri Che-son", "Jane Doe"]}).to_parquet(names)
    out = tmp_path / "hits.parquet"
    _cli(home, {}, "--engine", "spark", "--spark-master", cluster, "screen", "--input",
         str(names), "--name-column", "name", "--output", str(out), check=True)
    hits = pd.read_parquet(out)
    assert list(hits["name"]) == ["Mooyokbank", "Ri Che-son", "Jane Doe"]
    assert list(hits["hit_count"].astype(int) > 0) == [True, True, False]


def test_executors_without_shadowtrade_get_a_clear_message(cluster: str, home: Path,
                                                           tmp_path: Path) -> None:
    bare = shutil.which("python3", path="/usr/bin:/bin")
    if bare is None or subprocess.run([bare, "-c", "import shadowtrade"],
                                      capture_output=True).returncode == 0:
        pytest.skip("needs a Python without shadowtrade installed")
    names = tmp_path / "names.parquet"
    pd.DataFrame({"name": ["Mooyokbank"]}).to_parquet(names)
    started = time.monotonic()
    done = _cli(home, {"PYSPARK_PYTHON": bare}, "--engine", "spark", "--spark-master", cluster,
                "screen", "--input", str(names), "--name-column", "name", "--output",
                str(tmp_path / "hits.parquet"))
    assert done.returncode != 0
    err = " ".join(done.stderr.split())
    assert "the executors' Python has no module 'shadowtrade'. Install shadowtrade[spark]" in err
    assert "Traceback" not in done.stderr and "\tat org.apache" not in done.stderr
    assert time.monotonic() - started < 600
