#!/usr/bin/env python3
"""What the Python binding costs: ``Pipeline.clean_batch`` on 2 threads against the
``ocrtidy`` command line (``clean --jsonl --threads 2``) on the same records, and against
``ftfy.fix_text``, all in one run.

    cargo build --release
    pip install ./python ftfy pyarrow
    python3 scripts/bench_python.py [--mb 8] [--repeat 3] [--bin target/release/ocrtidy]

The records are those of the recipe tests (``python/tests/make_records.py``: OCR-like pages
from the repository's texts), as much as ``--mb`` MB of text. Each figure is the best of
``--repeat`` runs, the runs of all contenders interleaved; wall time and CPU time (user +
system, all threads, all processes) are both reported, MB/s of text. Rows:

- ``cli``: the command line on the JSON Lines file, output to /dev/null (parses and writes
  JSON, starts up once);
- ``clean_batch list``: the texts (already in a Python list) cleaned by ``clean_batch``;
- ``clean_batch arrow``: the text column of a pyarrow Table (``pyarrow.json.read_json``, not
  timed) cleaned into an arrow array;
- ``python jsonl``: read the file, ``json.loads`` each line, ``clean_batch`` in batches of
  1,000, ``json.dumps`` each record, write: end to end, what a Python loop does;
- ``ftfy``: ``ftfy.fix_text`` on each text, one process; ``ftfy x2``: the same on a pool of 2
  processes;
- ``normalise``: ocrtidy's normalisation passes only (``clean_batch`` on 2 threads), the work
  closest to ftfy's.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python" / "tests"))

import make_records  # noqa: E402

NORMALISE = "control-chars,newlines,unicode-forms,width,cjk-punct,cjk-spacing,trailing-space,blank-lines"


def cpu_now() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn) -> tuple[float, float]:
    """(wall s, CPU s) of one call."""
    c0, t0 = cpu_now(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, cpu_now() - c0 + getattr(fn, "cpu", 0.0)


def _ftfy_chunk(texts: list[str]) -> tuple[list[str], float]:
    """ftfy on a chunk in a pool worker, with the worker's CPU time for it."""
    import ftfy

    c0 = time.process_time()
    return [ftfy.fix_text(t) for t in texts], time.process_time() - c0


class Pooled:
    """ftfy on a pool of 2 processes; the workers' CPU time is added to the measure."""

    def __init__(self, chunks: list[list[str]]):
        self.chunks = chunks
        self.pool = multiprocessing.get_context("fork").Pool(2)
        self.pool.map(_ftfy_chunk, chunks[:2])  # warm the workers (import ftfy)
        self.cpu = 0.0

    def __call__(self) -> None:
        self.cpu = sum(cpu for _, cpu in self.pool.map(_ftfy_chunk, self.chunks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bin", default=str(ROOT / "target" / "release" / "ocrtidy"))
    args = parser.parse_args()

    import ftfy
    import pyarrow.json as pj

    import ocrtidy

    work = Path(tempfile.mkdtemp(prefix="ocrtidy-bench-"))
    src = work / "records.jsonl"
    n = make_records.write(src, 0, int(args.mb * 1e6))
    lines = src.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    table = pj.read_json(src)
    pipeline = ocrtidy.Pipeline()
    normalise = ocrtidy.Pipeline(passes=NORMALISE)

    def cli() -> None:
        subprocess.run(
            [args.bin, "clean", "--jsonl", str(src), "-o", "/dev/null", "--threads", "2",
             "--quiet"],
            check=True,
        )

    def python_jsonl() -> None:
        with open(src, encoding="utf-8") as f, open(os.devnull, "w", encoding="utf-8") as out:
            batch: list[dict] = []

            def flush() -> None:
                cleaned = pipeline.clean_batch([r["text"] for r in batch], threads=2)
                for rec, text in zip(batch, cleaned):
                    rec["text"] = text
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                batch.clear()

            for line in f:
                batch.append(json.loads(line))
                if len(batch) == 1000:
                    flush()
            flush()

    pooled = Pooled([texts[i : i + 500] for i in range(0, len(texts), 500)])

    contenders = {
        "cli (--jsonl, 2 threads)": cli,
        "clean_batch list (2 threads)": lambda: pipeline.clean_batch(texts, threads=2),
        "clean_batch arrow (2 threads)": lambda: pipeline.clean_batch(
            table.column("text"), threads=2),
        "python jsonl loop + clean_batch": python_jsonl,
        "clean_batch list (1 thread)": lambda: pipeline.clean_batch(texts, threads=1),
        "normalise passes, clean_batch (2 threads)": lambda: normalise.clean_batch(
            texts, threads=2),
        "ftfy.fix_text (1 process)": lambda: [ftfy.fix_text(t) for t in texts],
        "ftfy.fix_text (2 processes)": pooled,
    }
    assert pipeline.clean_batch(texts[:200]) == [pipeline.clean(t).text for t in texts[:200]]
    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for name, fn in contenders.items():
            wall, cpu = measure(fn)
            old = best.get(name)
            best[name] = (min(wall, old[0]), min(cpu, old[1])) if old else (wall, cpu)
    pooled.pool.close()

    base_wall, base_cpu = best["cli (--jsonl, 2 threads)"]
    ftfy_wall, ftfy_cpu = best["ftfy.fix_text (1 process)"]
    print(f"{n} records, {text_mb:.1f} MB of text; best of {args.repeat}; "
          f"load average {os.getloadavg()[0]:.1f}; ocrtidy {ocrtidy.__version__}, "
          f"ftfy {ftfy.__version__}, Python {sys.version.split()[0]}\n")
    print("| run | wall s | MB/s | CPU s | wall ÷ CLI | CPU ÷ CLI | speed × ftfy (wall) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (wall, cpu) in best.items():
        print(f"| {name} | {wall:.2f} | {text_mb / wall:.1f} | {cpu:.2f} | "
              f"{wall / base_wall:.3f} | {cpu / base_cpu:.3f} | {ftfy_wall / wall:.2f} |")
    for f in work.iterdir():
        f.unlink()
    work.rmdir()


if __name__ == "__main__":
    main()
