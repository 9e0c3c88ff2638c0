#!/usr/bin/env python3
"""Every paragraph-break error of a prediction, per record, with its context.

    ocrtidy eval --corpus ../shared/ocr-corpus/dev.jsonl --write-pred pred.jsonl
    python3 scripts/lb_errors.py pred.jsonl [--half A|B] [--level heavy] [--id zh-d001-p4] [--ocr]
    python3 scripts/lb_errors.py pred.jsonl --half B --summary     # counts and LB_F1 only

A MISS is a ground-truth `\n` that no predicted break matched (shown as gt and prediction
around it, `│` at the break); a FALSE is a predicted break (a run of whitespace with a line
feed) that matched none. `--ocr` adds the raw OCR lines around each (width in chars and text).
The matching is score.py's `linebreak_counts` (Levenshtein alignment, each gt break matched
once), so the TOTAL line is the group's LB_F1 (code points, not graphemes: it may differ from
`ocrtidy eval` in the third decimal on text with combining marks). Halves: the documents split
by the parity of the md5 of their `doc_id` (as scripts/typo_eval.py). Needs rapidfuzz.
"""
import argparse
import hashlib
import json
import re

from rapidfuzz.distance import Levenshtein


def half(doc_id):
    return "A" if int(hashlib.md5(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


def vis(s):
    return s.replace("\n", "⏎").replace("\f", "␌")


def position_map(src, dst):
    """For each position of `dst` (and its end), a position of `src` aligned to it."""
    out = [0] * (len(dst) + 1)
    for _, i1, i2, j1, j2 in Levenshtein.opcodes(src, dst):
        for k in range(j2 - j1):
            out[j1 + k] = i1 + min(k, max(i2 - i1 - 1, 0))
    out[len(dst)] = len(src)
    return out


def match(pred, gt):
    """score.py's matching: (predicted break runs, matched gt breaks, false runs, missed gt)."""
    runs = [(m.start(), m.end()) for m in re.finditer(r"\s+", pred) if "\n" in m.group()]
    aligned = [None] * len(pred)
    for tag, i1, i2, j1, _ in Levenshtein.opcodes(pred, gt):
        if tag in ("equal", "replace"):
            for k in range(i2 - i1):
                aligned[i1 + k] = j1 + k
        elif tag == "delete":
            for k in range(i1, i2):
                aligned[k] = ("ins", j1)
    used, false = set(), []
    for start, end in runs:
        cands = []
        for al in aligned[start:end]:
            if isinstance(al, tuple):
                cands += [al[1] - 1, al[1]]
            elif al is not None:
                cands.append(al)
        hit = next((g for g in cands if 0 <= g < len(gt) and gt[g] == "\n" and g not in used), None)
        if hit is None:
            false.append((start, end))
        else:
            used.add(hit)
    missed = [g for g, c in enumerate(gt) if c == "\n" and g not in used]
    return runs, used, false, missed


def ocr_lines(ocr, at, n=2):
    """The raw OCR lines around offset `at`, the one holding it marked `>`."""
    lines = ocr.split("\n")
    pos, idx = 0, len(lines) - 1
    for i, line in enumerate(lines):
        if pos + len(line) >= at:
            idx = i
            break
        pos += len(line) + 1
    return "\n".join(
        ("      >" if i == idx else "       ") + f"{len(lines[i]):3d}|" + vis(lines[i])
        for i in range(max(0, idx - n), min(len(lines), idx + n + 2))
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pred")
    ap.add_argument("--corpus", default="../shared/ocr-corpus/dev.jsonl")
    ap.add_argument("--engine", default="tesseract")
    ap.add_argument("--level")
    ap.add_argument("--half")
    ap.add_argument("--id")
    ap.add_argument("--ctx", type=int, default=25)
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--ocr", action="store_true")
    a = ap.parse_args()
    preds = {}
    for line in open(a.pred, encoding="utf-8"):
        r = json.loads(line)
        preds[(r["id"], r["engine"])] = r["text"]
    tp = n_pred = n_gt = 0
    c = a.ctx
    for line in open(a.corpus, encoding="utf-8"):
        r = json.loads(line)
        if (r["engine"] != a.engine or (a.level and r["degradation"]["level"] != a.level)
                or (a.half and half(r["doc_id"]) != a.half) or (a.id and r["id"] != a.id)):
            continue
        pred = preds.get((r["id"], r["engine"]))
        if pred is None:
            continue
        gt, ocr = r["gt"], r["ocr"]
        runs, used, false, missed = match(pred, gt)
        tp, n_pred, n_gt = tp + len(used), n_pred + len(runs), n_gt + gt.count("\n")
        if not false and not missed:
            continue
        print(f"=== {r['id']} {r['degradation']['level']} {r['layout']['type']} "
              f"half={half(r['doc_id'])} miss={len(missed)} false={len(false)} gt={gt.count(chr(10))}")
        if a.summary:
            continue
        g2p, g2o, p2o = position_map(pred, gt), position_map(ocr, gt), position_map(ocr, pred)
        for g in missed:
            p = g2p[g]
            print(f"  MISS gt: {vis(gt[max(0, g - c):g])}│{vis(gt[g + 1:g + 1 + c])}")
            print(f"       pr: {vis(pred[max(0, p - c):p])}│{vis(pred[p:p + c])}")
            if a.ocr:
                print(ocr_lines(ocr, g2o[g]))
        for start, end in false:
            print(f"  FALSE pr: {vis(pred[max(0, start - c):start])}│{vis(pred[end:end + c])}")
            if a.ocr:
                print(ocr_lines(ocr, p2o[start]))
    prec, rec = tp / max(n_pred, 1), tp / max(n_gt, 1)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"TOTAL tp={tp} pred={n_pred} gt={n_gt} P={prec:.3f} R={rec:.3f} F1={f1:.3f}")


if __name__ == "__main__":
    main()
