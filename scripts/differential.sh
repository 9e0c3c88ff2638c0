#!/usr/bin/env bash
# Differential run: everything a restructuring must leave byte-identical.
# Usage: scripts/differential.sh BIN OUTDIR  (then `diff -r OUTDIR_before OUTDIR_after`)
# Needs ../shared/ocr-corpus (dev.jsonl) for the corpus part; the samples part always runs.
set -euo pipefail
bin=$1; out=$2
corpus=${CORPUS:-../shared/ocr-corpus/dev.jsonl}
mkdir -p "$out"
for s in data/samples/*.txt; do
  n=$(basename "$s" .txt)
  "$bin" clean "$s" -o "$out/$n.out" --changes "$out/$n.changes.jsonl" -q
  "$bin" clean "$s" --diff --color never > "$out/$n.diff.txt"
  "$bin" clean "$s" --report "$out/$n.report.json" -o /dev/null -q
  "$bin" clean "$s" --report "$out/$n.report.html" -o /dev/null -q
  "$bin" clean "$s" --report "$out/$n.report.diff" -o /dev/null -q
  "$bin" clean "$s" --script s2t -o "$out/$n.s2t.out" --changes "$out/$n.s2t.changes.jsonl" -q
done
"$bin" clean --list-passes > "$out/list-passes.txt"
if [ -f "$corpus" ]; then
  "$bin" clean --jsonl --field ocr "$corpus" -o "$out/plain.jsonl" --changes "$out/plain.changes.jsonl" -q
  "$bin" clean --jsonl --field ocr --layout-field hocr,boxes "$corpus" -o "$out/layout.jsonl" \
    --changes "$out/layout.changes.jsonl" -q
  "$bin" clean --jsonl --field gt "$corpus" -o "$out/gt.jsonl" --changes "$out/gt.changes.jsonl" -q
  "$bin" eval --corpus "$corpus" --by engine,lang > "$out/eval.txt"
fi
# The corpus path is written into change records and the eval table: name it the same way
# whatever path was given, so runs from other checkouts compare.
for f in "$out"/*; do sed -i "s#$corpus#CORPUS#g" "$f"; done
echo "differential outputs in $out"
