"""The recipes of `examples/`, each run as a user runs it (its own process) on the records of
`make_records.py`: every record comes back, in input order where the engine keeps it, with a
text byte-identical to the command line's output on the same records."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, check_records, read_jsonl, require

EXAMPLES = ROOT / "examples"
TIMEOUT = 900


def run(*args: str, env: dict | None = None) -> None:
    """Runs a recipe; its output is shown when it fails."""
    full_env = {
        **os.environ,
        "RAY_USAGE_STATS_ENABLED": "0",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "PYSPARK_PYTHON": sys.executable,
        **(env or {}),
    }
    done = subprocess.run(
        list(args), env=full_env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"


def read_parts(directory: Path) -> list[dict]:
    """The records of a directory of part files (Spark's output), in part order."""
    parts = sorted(glob.glob(str(directory / "part-*")))
    assert parts, f"no part files in {directory}"
    return [rec for part in parts for rec in read_jsonl(Path(part))]


def test_records_are_enough(expected):
    assert len(expected) >= 1000


def test_ray_data_map_batches(records, expected, work):
    require("ray")
    out = work / "ray.jsonl"
    run(sys.executable, str(EXAMPLES / "ray_data.py"), str(records), str(out))
    check_records(read_jsonl(out), expected)


@pytest.mark.parametrize("udf", ["arrow", "pandas"])
def test_pyspark(records, expected, work, udf):
    require("pyspark")
    out = work / f"spark-{udf}"
    run(sys.executable, str(EXAMPLES / "pyspark_arrow.py"), str(records), str(out), "--udf", udf)
    check_records(read_parts(out), expected)


def test_pyspark_pages_of_a_document_together(records, expected_grouped, work):
    require("pyspark")
    out = work / "spark-grouped"
    run(sys.executable, str(EXAMPLES / "pyspark_arrow.py"), str(records), str(out),
        "--group-by", "doc_id", "--order-by", "page")
    # groupBy shuffles the documents: complete, not in order
    check_records(read_parts(out), expected_grouped, ordered=False)


@pytest.mark.parametrize("num_proc", [None, 2])
def test_hf_datasets_map(records, expected, work, num_proc):
    require("datasets")
    out = work / f"hf-{num_proc}.jsonl"
    extra = ["--num-proc", str(num_proc)] if num_proc else []
    run(sys.executable, str(EXAMPLES / "hf_datasets.py"), str(records), str(out), *extra)
    check_records(read_jsonl(out), expected)


def test_datatrove_step(records, expected, work):
    require("datatrove")
    require("orjson")
    out = work / "datatrove"
    run(sys.executable, str(EXAMPLES / "datatrove_step.py"), str(records), str(out))
    check_records(read_jsonl(out / "00000.jsonl"), expected)


def test_cli_under_xargs(records, expected, work, cli):
    out = work / "xargs.jsonl"
    run("bash", str(EXAMPLES / "cli_xargs.sh"), str(records), str(out),
        env={"OCRTIDY": str(cli), "JOBS": "2", "CHUNK_LINES": "100"})
    assert out.read_bytes() == (work / "expected.jsonl").read_bytes()
    check_records(read_jsonl(out), expected)


def test_cli_under_spark_rdd_pipe(records, expected, work, cli):
    require("pyspark")
    out = work / "spark-pipe"
    run(sys.executable, str(EXAMPLES / "spark_pipe.py"), str(records), str(out), "--bin", str(cli))
    check_records(read_parts(out), expected)


def test_clean_jsonl_from_python(records, work):
    """The package's own JSON Lines cleaner: the command line's output, byte for byte."""
    import ocrtidy

    out = work / "python.jsonl"
    summary = ocrtidy.clean_jsonl(records, out, threads=2)
    assert out.read_bytes() == (work / "expected.jsonl").read_bytes()
    assert summary["records"] >= 1000 and summary["errors"] == 0
