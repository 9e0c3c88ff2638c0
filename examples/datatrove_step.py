#!/usr/bin/env python3
"""datatrove: an ocrtidy pipeline step between a reader and a writer.

    python examples/datatrove_step.py pages.jsonl out_dir [--tasks 1]

``OcrTidyFormatter`` is a datatrove ``PipelineStep`` (a formatter, like datatrove's own
``FTFYFormatter``): it takes the documents a batch at a time, cleans their texts with
``clean_batch`` (in Rust, in parallel, with the GIL released) and yields them in order, with
statistics (documents changed, applied changes). Here it runs between ``JsonlReader`` and
``JsonlWriter`` on a ``LocalPipelineExecutor``; the output is ``out_dir/00000.jsonl`` (one file
per task), records shaped as the input's (``as_record``). Any other step (filters, dedup,
tokenizers) can come before or after it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from typing import Iterator, Optional

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

import ocrtidy


class OcrTidyFormatter(PipelineStep):
    """Cleans each document's text with ocrtidy; ``options`` are ``ocrtidy.Pipeline``'s."""

    name = "🧹 ocrtidy"
    type = "✂️ - FORMAT"

    def __init__(self, batch_size: int = 256, threads: Optional[int] = None, **options):
        super().__init__()
        self.batch_size = batch_size
        self.threads = threads
        self.options = options

    def run(
        self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1
    ) -> DocumentsPipeline:
        pipeline = ocrtidy.Pipeline(**self.options)
        for batch in _batches(data, self.batch_size):
            with self.track_time(unit="batch"):
                texts, ledgers = pipeline.clean_batch(
                    [doc.text for doc in batch], changes=True, threads=self.threads
                )
            for doc, text, ledger in zip(batch, texts, ledgers):
                self.stat_update("total")
                if text != doc.text:
                    self.stat_update("changed")
                self.stat_update("changes", value=sum(c.applied for c in ledger))
                doc.text = text
                self.update_doc_stats(doc)
                yield doc


def _batches(data: DocumentsPipeline, size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in data or ():
        batch.append(doc)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def as_record(writer, document: Document) -> dict:
    """A ``JsonlWriter`` adapter: the record as it was read (id, text, the other fields),
    empty texts and ids of 0 included (the default adapter leaves out false values)."""
    metadata = {k: v for k, v in document.metadata.items() if k != "file_path"}
    return {"id": document.id, "text": document.text, **metadata}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", help="a JSON Lines file")
    parser.add_argument("dst", help="the output directory")
    parser.add_argument("--tasks", type=int, default=1)
    args = parser.parse_args()

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    src = os.path.abspath(args.src)
    with tempfile.TemporaryDirectory() as logs:
        executor = LocalPipelineExecutor(
            pipeline=[
                JsonlReader(os.path.dirname(src), glob_pattern=os.path.basename(src)),
                OcrTidyFormatter(),
                JsonlWriter(
                    args.dst,
                    output_filename="${rank}.jsonl",
                    compression=None,
                    adapter=as_record,
                ),
            ],
            tasks=args.tasks,
            logging_dir=logs,
        )
        executor.run()
    print(f"datatrove: cleaned into {args.dst}")


if __name__ == "__main__":
    main()
