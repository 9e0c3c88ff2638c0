#!/usr/bin/env python3
"""Hugging Face ``datasets``: clean the text column with ``Dataset.map(batched=True)``.

    python examples/hf_datasets.py pages.jsonl clean.jsonl [--field text] [--num-proc 2]

``map`` hands the function a dict of columns, a batch of records at a time; ``clean_batch``
cleans the list of texts in Rust, in parallel, with the GIL released. The pipeline pickles (by
its arguments), so ``datasets`` can fingerprint the function for its cache and send it to the
worker processes of ``num_proc``. Records keep their order.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import ocrtidy

# No hub: the data is a local file.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import datasets  # noqa: E402


def cleaner(field: str = "text", threads=None, **options):
    """A ``map(batched=True)`` function that cleans ``field``."""
    pipeline = ocrtidy.Pipeline(**options)

    def clean(batch: dict) -> dict:
        return {field: pipeline.clean_batch(batch[field], threads=threads)}

    return clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--field", default="text")
    parser.add_argument("--num-proc", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        ds = datasets.load_dataset("json", data_files=args.src, split="train", cache_dir=cache)
        threads = 1 if args.num_proc else None
        cleaned = ds.map(
            cleaner(args.field, threads=threads),
            batched=True,
            batch_size=args.batch_size,
            num_proc=args.num_proc,
            desc="ocrtidy",
        )
        cleaned.to_json(args.dst, force_ascii=False, lines=True)
        print(f"datasets: {len(cleaned)} records cleaned into {args.dst}")


if __name__ == "__main__":
    main()
