#!/usr/bin/env python3
"""PySpark: clean the text column of a JSON Lines dataset with ocrtidy, on ``local[2]``.

    python examples/pyspark_arrow.py pages.jsonl out_dir [--udf arrow|pandas] [--group-by doc_id]

- ``--udf arrow`` (default): ``DataFrame.mapInArrow``. Each task gets the record batches of
  its partition as pyarrow, builds one pipeline and cleans the text column with
  ``clean_batch``; Spark keeps the records' order (partition by partition, as the input file).
- ``--udf pandas``: a ``pandas_udf`` on the text column, the same in a ``withColumn``.
- ``--group-by doc_id --order-by page``: the pages of one document cleaned together
  (running headers, page numbers and fragments across pages), as ``ocrtidy clean --jsonl
  --group-by doc_id`` does, with ``groupBy(...).applyInArrow``; documents come back in no
  particular order, the pages of each in page order.

The output is a directory of JSON Lines part files (``part-00000-…``, in partition order).
"""


import argparse
import os
import sys
from typing import Iterator, Optional

import pyarrow as pa

import ocrtidy


def clean_partition(
    batches: Iterator[pa.RecordBatch], field: str = "text", threads: Optional[int] = 1
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow``'s function: one pipeline per task, the text column cleaned batch by
    batch, every other column as it was."""
    pipeline = ocrtidy.Pipeline()
    for batch in batches:
        i = batch.schema.get_field_index(field)
        columns = list(batch.columns)
        columns[i] = pipeline.clean_batch(columns[i], threads=threads)
        yield pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def clean_documents(table: pa.Table, field: str, order_by: Optional[str]) -> pa.Table:
    """``applyInArrow``'s function: the pages of one document (one group), in page order,
    cleaned together."""
    if order_by:
        table = table.sort_by(order_by)
    i = table.schema.get_field_index(field)
    texts = table.column(i).to_pylist()
    cleaned = ocrtidy.Pipeline().clean_batch(texts, group_by=[0] * len(texts), threads=1)
    return table.set_column(i, table.schema.field(i), pa.array(cleaned, type=pa.string()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--field", default="text")
    parser.add_argument("--udf", choices=["arrow", "pandas"], default="arrow")
    parser.add_argument("--group-by", help="field whose consecutive equal values are one document")
    parser.add_argument("--order-by", help="field giving the page order within a document")
    parser.add_argument("--partition-kb", type=int, default=128, help="input split size")
    args = parser.parse_args()

    # The workers run this interpreter, which has ocrtidy.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("ocrtidy")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        # several partitions even for a small file, so that both cores work
        .config("spark.sql.files.maxPartitionBytes", str(args.partition_kb << 10))
        .config("spark.sql.files.openCostInBytes", "0")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        df = spark.read.json(args.src)
        field = args.field
        if args.group_by:
            out = df.groupBy(args.group_by).applyInArrow(
                lambda t: clean_documents(t, field, args.order_by), schema=df.schema
            )
        elif args.udf == "arrow":
            out = df.mapInArrow(lambda batches: clean_partition(batches, field), df.schema)
        else:
            import pandas as pd
            from pyspark.sql.functions import col, pandas_udf

            @pandas_udf("string")
            def clean_text(texts: pd.Series) -> pd.Series:
                pipeline = _pipeline()
                return pd.Series(pipeline.clean_batch(texts.tolist(), threads=1))

            out = df.withColumn(field, clean_text(col(field)))
        out.write.mode("overwrite").json(args.dst)
        print(f"spark: {df.rdd.getNumPartitions()} partitions cleaned into {args.dst}")
    finally:
        spark.stop()


_PIPELINE: Optional[ocrtidy.Pipeline] = None


def _pipeline() -> ocrtidy.Pipeline:
    """One pipeline per Python worker process, built on first use."""
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = ocrtidy.Pipeline()
    return _PIPELINE


if __name__ == "__main__":
    main()
