#!/usr/bin/env python3
"""Precision of the typo corrector on the OCR corpus, per correction.

1. `prepare`: cleans every record's OCR text and ground truth with `ocrtidy clean --skip typo`
   (the pipeline up to the typo pass) and writes them with a deterministic half (A/B by doc_id).
2. `score`: reads the corrections printed by `cargo run --release -p ocrtidy-typo --example
   typo_corpus` and classifies each one by aligning the OCR text with the ground truth
   (whitespace removed): `fix` (the original char was wrong and the candidate is what gt has),
   `break` (the original char was right), `neutral` (both wrong, or unaligned). Each correction is
   first looked up with its context (3, 2, then 1 chars each side) in the ground truth, then by
   a global alignment. On the clean
   `gt` texts every applied correction is an over-correction.

The corrections file may carry a seventh column (the best candidate's score terms, written by
`typo_corpus` for calibration); it is ignored here. Report figures on half B only: the learned
confusion table and the calibration were fitted on half A.

Usage:
  scripts/typo_eval.py prepare [--corpus ../shared/ocr-corpus/dev.jsonl] > pre.jsonl
  target/release/examples/typo_corpus < pre.jsonl > corrections.tsv
  scripts/typo_eval.py score pre.jsonl corrections.tsv [--half B] [--apply 2.0 --margin 1.0]
"""
import argparse
import collections
import hashlib
import json
import subprocess
import sys

from rapidfuzz.distance import Levenshtein


def half(doc_id):
    return "A" if int(hashlib.md5(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


def prepare(a):
    for line in open(a.corpus, encoding="utf-8"):
        r = json.loads(line)
        out = {}
        for src, dst in (("ocr", "text"), ("gt", "gtclean")):
            p = subprocess.run([a.bin, "clean", "-", "--skip", "typo"], input=r[src].encode(), capture_output=True)
            out[dst] = p.stdout.decode()
        rec = {"id": r["id"] + "@" + r["engine"], "doc_id": r["doc_id"], "lang": r["lang"], "engine": r["engine"],
               "level": r["degradation"]["level"], "half": half(r["doc_id"]), "gt": r["gt"], **out}
        print(json.dumps(rec, ensure_ascii=False))


def strip_map(text):
    """Whitespace-free text and, per byte offset of a kept char, its index in it."""
    kept, index, b = [], {}, 0
    for ch in text:
        if not ch.isspace():
            index[b] = len(kept)
            kept.append(ch)
        b += len(ch.encode("utf-8"))
    return "".join(kept), index


def classify(o, i, cand, g):
    """Looks the corrected and the original context up in the ground truth, widest first (robust
    to column interleaving and lost lines, where a global alignment is not)."""
    for k in (3, 2, 1):
        left, right = o[max(0, i - k):i], o[i + 1:i + 1 + k]
        was = (left + o[i] + right) in g
        now = (left + cand + right) in g
        if was != now:
            return "fix" if now else "break"
        if was and now:
            return "neutral"
    # One-sided contexts, where the other side is garbled.
    for left, right in ((o[max(0, i - 2):i], ""), ("", o[i + 1:i + 3])):
        if len(left) + len(right) < 2:
            continue
        was = (left + o[i] + right) in g
        now = (left + cand + right) in g
        if was != now:
            return "fix" if now else "break"
    return "neutral"


def classify_latin(text, start, end, rep, gt):
    """A Latin correction (byte offsets) looked up with its context in the ground truth."""
    b = text.encode("utf-8")
    norm = lambda x: " ".join(x.split())
    orig = b[start:end].decode()
    left = b[max(0, start - 12):start].decode(errors="ignore")
    right = b[end:end + 12].decode(errors="ignore")
    g = norm(gt)
    for k in (12, 8, 5, 3, 0):
        lk, rk = (norm(left[-k:]), norm(right[:k])) if k else ("", "")
        was, now = (lk + orig + rk) in g, (lk + rep + rk) in g
        if was != now:
            return "fix" if now else "break"
        if was:
            return "neutral"
    return "neutral"


def score(a):
    recs = {}
    for line in open(a.pre, encoding="utf-8"):
        r = json.loads(line)
        recs[r["id"]] = r
    aligned = {}
    g_of = {}
    stats = collections.Counter()
    examples = collections.defaultdict(list)
    for line in open(a.corrections, encoding="utf-8"):
        field, rid, start, end, cands, applied = line.rstrip("\n").split("\t")[:6]
        r = recs[rid]
        if a.half and r["half"] != a.half:
            continue
        if field.startswith("latin-"):
            kind = classify_latin(r[field[6:]], int(start), int(end), cands, r["gt"])
            if field == "latin-gtclean":
                kind = "over" if applied == "1" else "gt-suggestion"
            stats[("latin", kind, "applied" if applied == "1" else "suggested")] += 1
            continue
        start = int(start)
        top = [c.split(":") for c in cands.split(",")]
        cand, sc = top[0][0], float(top[0][1])
        runner = float(top[1][1]) if len(top) > 1 else -99.0
        apply = applied == "1" if a.apply is None else (applied == "1" and sc >= a.apply)
        group = (r["lang"], r["engine"])
        if field == "gtclean":
            if apply:
                stats[("over", group)] += 1
                examples["over"].append((rid, cand, sc))
            continue
        key = rid
        if key not in aligned:
            o, oi = strip_map(r["text"])
            g, _ = strip_map(r["gt"])
            m = {}
            for tag, i1, i2, j1, j2 in Levenshtein.opcodes(o, g):
                if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
                    for k in range(i2 - i1):
                        m[i1 + k] = g[j1 + k]
            aligned[key] = (o, oi, m)
            g_of[key] = g
        o, oi, m = aligned[key]
        i = oi.get(start)
        truth = m.get(i) if i is not None else None
        orig = o[i] if i is not None else None
        kind = classify(o, i, cand, g_of[key]) if i is not None else "neutral"
        if kind == "neutral" and truth is not None:
            kind = "fix" if truth == cand else ("break" if truth == orig else "neutral")
        stats[(kind, group, "applied" if apply else "suggested")] += 1
        if apply and kind != "fix":
            examples[kind].append((rid, o[max(0, i - 4):i] + "[" + orig + "→" + cand + "]" + o[i + 1:i + 5], truth, sc))
    gt_chars = collections.Counter()
    for r in recs.values():
        if a.half and r["half"] != a.half:
            continue
        gt_chars[(r["lang"], r["engine"])] += sum(1 for ch in r["gtclean"] if not ch.isspace())
    for group in sorted(gt_chars):
        fix = stats[("fix", group, "applied")]
        brk = stats[("break", group, "applied")]
        neu = stats[("neutral", group, "applied")]
        n = fix + brk + neu
        sugg = sum(stats[(k, group, "suggested")] for k in ("fix", "break", "neutral"))
        sfix = stats[("fix", group, "suggested")]
        print(f"{group[0]} {group[1]:9} applied {n:4} fix {fix:4} break {brk:3} neutral {neu:3} "
              f"precision {fix / n if n else float('nan'):.3f} | suggested {sugg:4} (top=gt {sfix:4}) | "
              f"gt over-corrections {stats[('over', group)]:3} / {gt_chars[group]} chars = "
              f"{100 * stats[('over', group)] / max(1, gt_chars[group]):.3f} %")
    print("latin", " ".join(f"{k[1]}/{k[2]}={v}" for k, v in sorted(stats.items()) if k[0] == "latin"))
    if a.show:
        for k in ("break", "neutral", "over"):
            for e in examples[k][: a.show]:
                print(k, *e)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--corpus", default="../shared/ocr-corpus/dev.jsonl")
    p.add_argument("--bin", default="target/release/ocrtidy")
    s = sub.add_parser("score")
    s.add_argument("pre")
    s.add_argument("corrections")
    s.add_argument("--half")
    s.add_argument("--apply", type=float)
    s.add_argument("--show", type=int, default=0)
    a = ap.parse_args()
    prepare(a) if a.cmd == "prepare" else score(a)


if __name__ == "__main__":
    main()
