#!/usr/bin/env python3
"""Every Latin correction of the typo corrector on the OCR corpus that is not an applied fix,
with its half, its class and its context: applied ones that broke or did not fix the text,
suggestions (right, wrong or neutral) and anything found in the clean ground truth (`GT`).

It reads the files of `scripts/typo_eval.py` (the prepared records and the corrections that
`typo_corpus` prints) and classifies each correction as `typo_eval.py score` does, so the
counts agree with its `latin` line; this lists the cases behind them, which is how a next Latin
rule is found and what it would cost on clean text is seen.

Usage:
  scripts/typo_eval.py prepare > pre.jsonl
  target/release/examples/typo_corpus < pre.jsonl > corrections.tsv
  scripts/typo_latin_list.py pre.jsonl corrections.tsv | sort
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import typo_eval  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    recs = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        r = json.loads(line)
        recs[r["id"]] = r
    for line in open(sys.argv[2], encoding="utf-8"):
        field, rid, start, end, cand, applied = line.rstrip("\n").split("\t")[:6]
        if not field.startswith("latin-"):
            continue
        r = recs[rid]
        text = r[field[6:]]
        b = text.encode("utf-8")
        s, e = int(start), int(end)
        kind = "GT" if field == "latin-gtclean" else typo_eval.classify_latin(text, s, e, cand, r["gt"])
        if applied == "1" and kind == "fix":
            continue
        left = b[max(0, s - 25):s].decode(errors="ignore").replace("\n", " ")
        right = b[e:e + 25].decode(errors="ignore").replace("\n", " ")
        mode = "applied" if applied == "1" else "suggested"
        print(f"{r['half']}\t{kind}\t{mode}\t{left}[{b[s:e].decode()} → {cand}]{right}")


if __name__ == "__main__":
    main()
