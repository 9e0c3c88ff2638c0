#!/usr/bin/env python3
"""Fits and checks the confidence of Chinese typo corrections on the OCR corpus's halves.

Reads `typo_eval.py prepare`'s records and `typo_corpus`'s corrections (with their score
terms), labels each correction of the OCR text (is its top candidate what the ground truth
has?, as `typo_eval.py score` decides), fits a logistic regression of that label on the score
terms on one half of the documents and prints, for the other half, the reliability table of
the current confidence and of the fitted one: per band, right/n, and how many corrections
reach 0.5 (shown) and 0.8 (applied, before the safety gates) with their precision.

Usage:
  scripts/typo_fit.py pre.jsonl corrections.tsv [--fit A] [--l2 1.0] [--print-weights]
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import typo_eval  # noqa: E402
from fit_line_breaks import solve  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

NAMES = ["ctx", "channel", "bond", "visual", "phonetic", "learned", "evidence", "questioned",
         "sup_ratio", "sup_ctx", "sup_n", "orphan", "lm", "long_word"]


def rows(pre, corrections):
    recs = {}
    for line in open(pre, encoding="utf-8"):
        r = __import__("json").loads(line)
        recs[r["id"]] = r
    aligned = {}
    out = []
    for line in open(corrections, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if parts[0] != "text" or len(parts) < 7:
            continue
        _, rid, start, _end, cands, applied, feats = parts[:7]
        r = recs[rid]
        if r["lang"] != "zh":
            continue
        if rid not in aligned:
            o, oi = typo_eval.strip_map(r["text"])
            g, _ = typo_eval.strip_map(r["gt"])
            m = {}
            for tag, i1, i2, j1, j2 in Levenshtein.opcodes(o, g):
                if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
                    for k in range(i2 - i1):
                        m[i1 + k] = g[j1 + k]
            aligned[rid] = (o, oi, m, g)
        o, oi, m, g = aligned[rid]
        i = oi.get(int(start))
        if i is None:
            continue
        top = [c.split(":") for c in cands.split(",")]
        cand, post = top[0][0], float(top[0][1])
        second = float(top[1][1]) if len(top) > 1 else post - 10.0
        kind = typo_eval.classify(o, i, cand, g)
        truth = m.get(i)
        if kind == "neutral" and truth is not None:
            kind = "fix" if truth == cand else ("break" if truth == o[i] else "neutral")
        f = [float(x) for x in feats.split()]
        x = [post, min(post - second, 10.0), float(top[0][2])] + f
        out.append((r["half"], r["engine"], x, 1 if kind == "fix" else 0, applied == "1", post))
    return out


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def fit(data, l2, iters=400):
    """Logistic regression by Newton's method on standardised features (pure Python)."""
    n, d = len(data), len(data[0][0])
    mean = [sum(x[j] for x, _ in data) / n for j in range(d)]
    sd = [max(1e-6, math.sqrt(sum((x[j] - mean[j]) ** 2 for x, _ in data) / n)) for j in range(d)]
    xs = [[1.0] + [(x[j] - mean[j]) / sd[j] for j in range(d)] for x, _ in data]
    ys = [y for _, y in data]
    w = [0.0] * (d + 1)
    for _ in range(iters):
        grad = [0.0] * (d + 1)
        hess = [[0.0] * (d + 1) for _ in range(d + 1)]
        for x, y in zip(xs, ys):
            p = sigmoid(sum(a * b for a, b in zip(w, x)))
            for a in range(d + 1):
                grad[a] += (p - y) * x[a]
                for b in range(a, d + 1):
                    hess[a][b] += p * (1 - p) * x[a] * x[b]
        for a in range(1, d + 1):
            grad[a] += l2 * w[a]
            hess[a][a] += l2
        for a in range(d + 1):
            for b in range(a):
                hess[a][b] = hess[b][a]
        step = solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-7:
            break
    # Back to raw features: w0 + sum w_j (x_j - mean_j) / sd_j.
    raw = [w[j + 1] / sd[j] for j in range(d)]
    bias = w[0] - sum(raw[j] * mean[j] for j in range(d))
    return bias, raw


def table(label, items):
    """items: (confidence, right)."""
    print(f"{label}")
    bands = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
    for lo, hi in zip(bands, bands[1:]):
        sel = [r for c, r in items if lo <= c < hi]
        if sel:
            print(f"  {lo:.2f}-{min(hi, 1):.2f}  {sum(sel):4}/{len(sel):<4} {sum(sel) / len(sel):.2f}")
    for t in (0.5, 0.8):
        sel = [r for c, r in items if c >= t]
        print(f"  >= {t}: {sum(sel)}/{len(sel)} right" + (f" ({sum(sel) / len(sel):.2f})" if sel else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pre")
    ap.add_argument("corrections")
    ap.add_argument("--fit", default="A")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--features", default="all", help="comma-separated indices into the row, or all")
    ap.add_argument("--print-weights", action="store_true")
    a = ap.parse_args()
    data = rows(a.pre, a.corrections)
    names = ["post", "gap", "ev"] + NAMES
    sel = list(range(len(names))) if a.features == "all" else [int(k) for k in a.features.split(",")]
    pick = lambda x: [x[k] for k in sel]
    train = [(pick(x), y) for h, _, x, y, _, _ in data if h == a.fit]
    test = [(h, e, pick(x), y, ap_, p) for h, e, x, y, ap_, p in data if h != a.fit]
    bias, w = fit(train, a.l2)
    if a.print_weights:
        print("bias", round(bias, 4))
        for k, v in zip(sel, w):
            print(f"  {names[k]:10} {v:+.4f}")
    print(f"fit on {a.fit}: {len(train)} corrections, {sum(y for _, y in train)} right; "
          f"held out: {len(test)}, {sum(t[3] for t in test)} right")
    table("current confidence (held-out half)", [(sigmoid(p), y) for _, _, _, y, _, p in test])
    table("fitted (held-out half)",
          [(sigmoid(bias + sum(a_ * b for a_, b in zip(w, x))), y) for _, _, x, y, _, _ in test])
    ap_ = [y for *_, y, applied, _ in test if applied]
    print(f"applied now (with gates): {sum(ap_)}/{len(ap_)}")


if __name__ == "__main__":
    main()
