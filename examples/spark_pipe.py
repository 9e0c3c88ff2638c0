#!/usr/bin/env python3
"""Spark without the Python wheel: ``RDD.pipe`` through the ``ocrtidy`` command line.

    python examples/spark_pipe.py pages.jsonl out_dir [--bin target/release/ocrtidy]

Each partition's lines are piped through one ``ocrtidy clean --jsonl -`` process (one thread:
Spark runs a task per core), which writes exactly one line per input line, in order, so the
cleaned partition lines up with its input. Only the Spark workers need the binary; nothing
is installed into their Python. The output is a directory of text part files, in partition
order (``part-00000``, ...).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--bin", default=shutil.which("ocrtidy") or "ocrtidy")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("ocrtidy-pipe")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        lines = spark.sparkContext.textFile(args.src, minPartitions=args.partitions)
        command = [os.path.abspath(args.bin), "clean", "--jsonl", "--threads", "1", "--quiet", "-"]
        cleaned = lines.pipe(shlex.join(command))
        if os.path.exists(args.dst):
            shutil.rmtree(args.dst)
        cleaned.saveAsTextFile(args.dst)
        print(f"spark pipe: {lines.getNumPartitions()} partitions cleaned into {args.dst}")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
