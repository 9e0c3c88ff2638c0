#!/usr/bin/env python3
"""How many real OCR misreadings the confusion tables can propose.

Aligns each Chinese record's OCR text with its ground truth (whitespace removed; rapidfuzz's
Levenshtein opcodes), takes the one-to-one Han→Han substitutions and counts, per half of the
corpus (A/B by md5(doc_id), as scripts/typo_eval.py), those whose pair (observed → intended) is
in the tables, with the intended character's rank in the observed one's visual line.

With `--pred FILE` (the cleaned texts of `ocrtidy eval --write-pred FILE`), the substitutions
are those left in the cleaned text, and it also prints the ceiling of a corrector that proposes
only what the tables hold: the character edit distance to the ground truth (whitespace removed)
if every 1:1 Han substitution whose pair is in a table were corrected and nothing else changed,
as a share of the distance now.

Usage: python3 scripts/confusion_coverage.py [--corpus dev.jsonl] [--engine tesseract]
           [--visual data/confusion/visual.tsv] [--rank 24] [--misses 40] [--pred FILE]
(needs rapidfuzz)
"""
import argparse
import collections
import hashlib
import json
import os

from rapidfuzz.distance import Levenshtein

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def half(doc_id):
    return "A" if int(hashlib.md5(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


def is_han(c):
    return 0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF


def load_compact(path):
    """`observed<TAB>intended:weight ...` → {observed: [intended, ...]} in file order."""
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            obs, rest = line.rstrip("\n").split("\t", 1)
            table[obs] = [item.rsplit(":", 1)[0] for item in rest.split()]
    return table


def load_pairs(path):
    with open(path, encoding="utf-8") as f:
        return {tuple(line.split("\t")[:2]) for line in f if not line.startswith("#") and "\t" in line}


def substitutions(corpus, engine, pred=None, distances=None):
    """(half, observed, intended) of every 1:1 Han→Han substitution; with `pred` (a dict
    (id, engine) → cleaned text), of the cleaned texts, adding each half's edit distance to
    `distances`."""
    out = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("lang") != "zh" or (engine and r.get("engine") != engine):
                continue
            text = r["ocr"] if pred is None else pred.get((r["id"], r["engine"]))
            if text is None:
                continue
            ocr = "".join(text.split())
            gt = "".join(r["gt"].split())
            if distances is not None:
                distances[half(r["doc_id"])] += Levenshtein.distance(ocr, gt)
            for tag, i1, i2, j1, j2 in Levenshtein.opcodes(ocr, gt):
                if tag == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
                    o, g = ocr[i1], gt[j1]
                    if is_han(o) and is_han(g):
                        out.append((half(r["doc_id"]), o, g))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/shared/ocr-corpus/dev.jsonl")
    ap.add_argument("--engine", default="tesseract", help="'' for every engine")
    ap.add_argument("--visual", default=os.path.join(ROOT, "data/confusion/visual.tsv"))
    ap.add_argument("--phonetic", default=os.path.join(ROOT, "data/confusion/phonetic.tsv"))
    ap.add_argument("--learned", default=os.path.join(ROOT, "data/confusion/learned-dev-a.tsv"))
    ap.add_argument("--rank", type=int, default=24, help="count visual hits within this rank too")
    ap.add_argument("--misses", type=int, default=0, help="print the N most frequent misses")
    ap.add_argument("--pred", help="cleaned texts (eval --write-pred): count what is left in them")
    a = ap.parse_args()
    pred = None
    distances = collections.Counter()
    if a.pred:
        pred = {}
        with open(a.pred, encoding="utf-8") as f:
            for line in f:
                p = json.loads(line)
                pred[(p["id"], p["engine"])] = p["text"]
    visual = load_compact(a.visual)
    phonetic = load_compact(a.phonetic)
    learned = load_pairs(a.learned)
    subs = substitutions(a.corpus, a.engine, pred, distances)
    stats = collections.defaultdict(collections.Counter)
    misses = collections.Counter()
    for h, o, g in subs:
        s = stats[h]
        s["subs"] += 1
        vis = visual.get(o, [])
        in_v = g in vis
        in_p = g in phonetic.get(o, [])
        in_l = (o, g) in learned
        s["visual"] += in_v
        s["visual_top"] += in_v and vis.index(g) < a.rank
        s["phonetic"] += in_p
        s["learned"] += in_l
        s["any"] += in_v or in_p or in_l
        s["generated"] += in_v or in_p
        if not (in_v or in_p or in_l):
            misses[(o, g)] += 1
    n_pairs = sum(len(v) for v in visual.values())
    print(f"visual table: {len(visual)} characters, {n_pairs} pairs, "
          f"{os.path.getsize(a.visual)} bytes")
    print("half  subs  visual  visual<=%d  phonetic  learned  vis+phon  any" % a.rank)
    for h in sorted(stats):
        s = stats[h]
        n = s["subs"]
        pct = lambda k: f"{s[k]} ({100 * s[k] / n:.1f}%)"
        print(f"{h:4}  {n:4}  {pct('visual')}  {pct('visual_top')}  {pct('phonetic')}  "
              f"{pct('learned')}  {pct('generated')}  {pct('any')}")
    if pred is not None:
        print("half  distance  ceiling (every table pair corrected)")
        for h in sorted(stats):
            d = distances[h]
            print(f"{h:4}  {d:8}  {d - stats[h]['any']:8} ({(d - stats[h]['any']) / max(d, 1):.3f}x)")
    if a.misses:
        print("most frequent misses (observed→intended ×count):")
        print(" ".join(f"{o}→{g}×{c}" for (o, g), c in misses.most_common(a.misses)))


if __name__ == "__main__":
    main()
