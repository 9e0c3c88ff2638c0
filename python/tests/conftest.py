"""Shared fixtures: the repository, the command line binary, the records of the recipe tests
and what the command line makes of them.

The binary is `$OCRTIDY_BIN`, else `target/release/ocrtidy` or `target/debug/ocrtidy` under
`$CARGO_TARGET_DIR` or the repository's `target/` (the most recent of those that exist). With
`OCRTIDY_REQUIRE_ENGINES=1` (as `.ci/run` sets), a test whose engine is not installed fails
instead of being skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_records  # noqa: E402

RECORDS = int(os.environ.get("OCRTIDY_RECIPE_RECORDS", "1200"))


def require(module: str):
    """Imports `module`, or skips the test (fails under OCRTIDY_REQUIRE_ENGINES=1)."""
    if os.environ.get("OCRTIDY_REQUIRE_ENGINES") == "1":
        return __import__(module)
    return pytest.importorskip(module)


def find_cli() -> Path | None:
    if os.environ.get("OCRTIDY_BIN"):
        return Path(os.environ["OCRTIDY_BIN"])
    targets = [Path(os.environ["CARGO_TARGET_DIR"])] if os.environ.get("CARGO_TARGET_DIR") else []
    targets.append(ROOT / "target")
    found = [t / p / "ocrtidy" for t in targets for p in ("release", "debug")]
    found = [f for f in found if f.is_file()]
    return max(found, key=lambda f: f.stat().st_mtime) if found else None


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli() -> Path:
    path = find_cli()
    if path is None:
        pytest.fail("no ocrtidy binary: run `cargo build` or set OCRTIDY_BIN")
    return path


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("recipes")


@pytest.fixture(scope="session")
def records(work) -> Path:
    """At least RECORDS records, as a JSON Lines file."""
    path = work / "records.jsonl"
    n = make_records.write(path, RECORDS)
    assert n >= RECORDS
    return path


def run_cli(cli: Path, records: Path, out: Path, *extra: str) -> list[dict]:
    subprocess.run(
        [str(cli), "clean", "--jsonl", str(records), "-o", str(out), "--quiet", *extra],
        check=True,
    )
    return read_jsonl(out)


@pytest.fixture(scope="session")
def expected(cli, records, work) -> list[dict]:
    """The command line's output records for `records`, in order."""
    return run_cli(cli, records, work / "expected.jsonl")


@pytest.fixture(scope="session")
def expected_grouped(cli, records, work) -> list[dict]:
    """The same with the pages of a document cleaned together (`--group-by doc_id`)."""
    return run_cli(cli, records, work / "expected-grouped.jsonl", "--group-by", "doc_id")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def check_records(got: list[dict], expected: list[dict], ordered: bool = True) -> None:
    """Every record came back once, in order when `ordered`, with the command line's text."""
    assert len(got) == len(expected), f"{len(got)} records back of {len(expected)}"
    ids = [int(r["id"]) for r in got]
    want = [r["id"] for r in expected]
    if ordered:
        assert ids == want, "records out of order"
    else:
        assert sorted(ids) == sorted(want), "records missing or repeated"
    by_id = {r["id"]: r["text"] for r in expected}
    diff = [i for i, r in zip(ids, got) if r["text"] != by_id[i]]
    assert not diff, f"{len(diff)} texts differ from the command line's, first id {diff[0]}"
