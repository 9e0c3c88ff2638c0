#!/usr/bin/env python3
"""Ray Data: clean the text column of a JSON Lines dataset with ocrtidy in ``map_batches``.

    python examples/ray_data.py pages.jsonl clean.jsonl [--field text] [--actors 2]

Each actor of the pool builds its pipeline once (a callable class) and receives batches as
pyarrow Tables; ``clean_batch`` cleans the text column in Rust, in parallel, with the GIL
released, and gives back an arrow array of the same type. Every other column passes through.
``preserve_order`` keeps the records in input order; the output here is one JSON Lines file
(``ds.write_json(dir)`` writes a directory of files instead).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Optional

import pyarrow as pa
import ray

import ocrtidy


class CleanText:
    """A ``map_batches`` callable: one ocrtidy pipeline per actor, built once."""

    def __init__(self, field: str = "text", threads: Optional[int] = None, **options):
        self.field = field
        self.threads = threads
        self.pipeline = ocrtidy.Pipeline(**options)

    def __call__(self, batch: pa.Table) -> pa.Table:
        i = batch.schema.get_field_index(self.field)
        cleaned = self.pipeline.clean_batch(batch.column(i), threads=self.threads)
        return batch.set_column(i, batch.schema.field(i), cleaned)


def clean_dataset(
    ds: "ray.data.Dataset",
    field: str = "text",
    actors: int = 2,
    threads: Optional[int] = 1,
    batch_size: int = 256,
    **options,
) -> "ray.data.Dataset":
    """The dataset with its ``field`` cleaned by a pool of ``actors`` actors, each cleaning a
    batch on ``threads`` threads. ``options`` are ``ocrtidy.Pipeline``'s."""
    return ds.map_batches(
        CleanText,
        fn_constructor_kwargs={"field": field, "threads": threads, **options},
        batch_format="pyarrow",
        batch_size=batch_size,
        concurrency=actors,
        num_cpus=threads or 1,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--field", default="text")
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per actor")
    args = parser.parse_args()

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(
        # the actors' CPUs and one for reading the input (else the read tasks wait forever
        # for a CPU that the actors hold)
        num_cpus=args.actors * args.threads + 1,
        include_dashboard=False,
        object_store_memory=256 << 20,
        log_to_driver=False,
    )
    try:
        ray.data.DataContext.get_current().execution_options.preserve_order = True
        ds = ray.data.read_json(args.src)
        cleaned = clean_dataset(ds, field=args.field, actors=args.actors, threads=args.threads)
        n = 0
        with open(args.dst, "w", encoding="utf-8") as out:
            for batch in cleaned.iter_batches(batch_format="pyarrow", batch_size=1024):
                for row in batch.to_pylist():
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
        print(f"ray: {n} records cleaned into {args.dst}")
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
