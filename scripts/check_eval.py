#!/usr/bin/env python3
"""Check that `ocrtidy eval` agrees with the corpus scorer score.py, on raw and cleaned text.

Usage: scripts/check_eval.py [--corpus ../shared/ocr-corpus/dev.jsonl] [--bin target/release/ocrtidy]
                             [--tol 0.001] [-- extra `ocrtidy eval` args, e.g. --passes ...]

Runs `ocrtidy eval --corpus C --by engine,lang --json --write-pred P` (which cleans every record
with the pipeline and scores raw and cleaned text), then score.py on the raw OCR and on P, and
compares every metric of every common group (ALL, per engine, per engine x language).
Exits 1 when any metric differs by more than --tol. Needs score.py's rapidfuzz.
"""
import argparse
import json
import os
import subprocess
import sys

METRICS = ["CER_raw", "CER_content", "lb_precision", "lb_recall", "lb_f1", "furniture_leak"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="../shared/ocr-corpus/dev.jsonl")
    ap.add_argument("--bin", default="target/release/ocrtidy")
    ap.add_argument("--tol", type=float, default=0.001)
    ap.add_argument("--pred", default="target/eval-pred.jsonl")
    ap.add_argument("rest", nargs="*", help="extra `ocrtidy eval` arguments (after --)")
    a = ap.parse_args()
    score = os.path.join(os.path.dirname(a.corpus), "score.py")
    os.makedirs(os.path.dirname(a.pred) or ".", exist_ok=True)
    mine = json.loads(subprocess.run(
        [a.bin, "eval", "--corpus", a.corpus, "--by", "engine,lang", "--json", "--write-pred", a.pred, *a.rest],
        check=True, capture_output=True).stdout)
    theirs = {}
    for side, extra in (("raw", []), ("cleaned", ["--pred", a.pred])):
        out = subprocess.run([sys.executable, score, a.corpus, "--json", *extra], check=True,
                             capture_output=True).stdout
        theirs[side] = json.loads(out)["groups"]

    def their_name(g):
        if g == "ALL":
            return "ALL"
        parts = dict(p.split("=", 1) for p in g.split(" "))
        return parts["engine"] + (f" lang={parts['lang']}" if "lang" in parts else "")

    worst = 0.0
    failures = 0
    print(f"{'group':<28}{'side':<9}" + "".join(f"{m:>15}" for m in METRICS) + f"{'recs/chars':>12}")
    for g, sides in mine["groups"].items():
        t = their_name(g)
        for side in ("raw", "cleaned"):
            ref = theirs[side].get(t)
            if ref is None:
                print(f"{g}: no group {t!r} in score.py output")
                failures += 1
                continue
            cells = []
            for m in METRICS:
                d = abs(sides[side][m] - ref[m])
                worst = max(worst, d)
                bad = d > a.tol
                failures += bad
                cells.append(f"{sides[side][m]:.4f}/{ref[m]:.4f}{'!' if bad else ' '}")
            same = sides[side]["records"] == ref["records"] and sides[side]["gt_chars"] == ref["gt_chars"]
            failures += not same
            print(f"{g:<28}{side:<9}" + "".join(f"{c:>15}" for c in cells) + f"{'ok' if same else 'DIFF':>12}")
    print(f"unit={mine['unit']} passes={','.join(mine['passes'])}")
    print(f"max |ocrtidy eval - score.py| = {worst:.6f} (tolerance {a.tol}); "
          f"{'AGREE' if failures == 0 else f'{failures} DISAGREEMENTS'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
