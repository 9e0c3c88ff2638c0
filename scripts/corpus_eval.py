#!/usr/bin/env python3
"""Run `ocrtidy clean` over every record of an OCR corpus and score the result with score.py.

Usage: scripts/corpus_eval.py [--corpus ../shared/ocr-corpus/dev.jsonl] [--bin target/release/ocrtidy]
                              [--field ocr] [--out pred.jsonl] [-- extra ocrtidy clean args...]

Each record's text is cleaned on its own (one process per record). The predictions are written to
--out in score.py's format and score.py prints the table (pass --json to get JSON).
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="../shared/ocr-corpus/dev.jsonl")
    ap.add_argument("--bin", default="target/release/ocrtidy")
    ap.add_argument("--field", default="ocr")
    ap.add_argument("--out", default="target/corpus-pred.jsonl")
    ap.add_argument("--json", action="store_true", help="score.py --json")
    ap.add_argument("--score-args", default="", help="extra score.py arguments")
    ap.add_argument("rest", nargs="*", help="extra `ocrtidy clean` arguments (after --)")
    a = ap.parse_args()
    preds = []
    with open(a.corpus, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            p = subprocess.run([a.bin, "clean", "-", *a.rest], input=r[a.field].encode("utf-8"),
                               capture_output=True)
            if p.returncode != 0:
                sys.stderr.write(f"{r['id']}: exit {p.returncode}: {p.stderr.decode(errors='replace')}\n")
                sys.exit(1)
            text = p.stdout.decode("utf-8")
            # The CLI ends its output with a newline, as text files do; it is not a paragraph break.
            if text.endswith("\n"):
                text = text[:-1]
            preds.append({"id": r["id"], "engine": r["engine"], "text": text})
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    score = os.path.join(os.path.dirname(a.corpus), "score.py")
    cmd = [sys.executable, score, a.corpus, "--pred", a.out] + (["--json"] if a.json else []) + a.score_args.split()
    sys.exit(subprocess.call(cmd))


if __name__ == "__main__":
    main()
