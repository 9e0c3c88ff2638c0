#!/usr/bin/env bash
# The command line without the Python wheel: a JSON Lines file split into chunks, the chunks
# cleaned by parallel `ocrtidy clean --jsonl` processes under `xargs -P` (one thread each),
# the cleaned chunks put together again in input order.
#
#   examples/cli_xargs.sh pages.jsonl clean.jsonl
#   JOBS=8 CHUNK_LINES=10000 OCRTIDY=target/release/ocrtidy examples/cli_xargs.sh in.jsonl out.jsonl
#
# Every output chunk has exactly one line per input line, in order (a bad record is passed
# through and reported on stderr), so the output lines up with the input. To clean the pages
# of a document together (`--group-by doc_id`), cut the chunks at document boundaries.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 INPUT.jsonl OUTPUT.jsonl" >&2
    exit 2
fi
input=$1
output=$2
jobs=${JOBS:-$(nproc)}
chunk_lines=${CHUNK_LINES:-250}
ocrtidy=${OCRTIDY:-ocrtidy}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

split -l "$chunk_lines" -d -a 6 "$input" "$work/chunk."
# The glob is expanded (sorted) before any output exists.
printf '%s\n' "$work"/chunk.* |
    xargs -P "$jobs" -I{} "$ocrtidy" clean --jsonl --threads 1 --quiet {} -o {}.clean
cat "$work"/chunk.*.clean > "$output"
echo "xargs: $(wc -l < "$output") lines cleaned into $output" >&2
