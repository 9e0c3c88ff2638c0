#!/usr/bin/env python3
"""Reliability of the typo pass's changes by confidence band, on the OCR corpus.

For every change of the typo pass (suggestions, and applied corrections for comparison) the
script decides whether its top candidate is what the ground truth has at that place: the
cleaned text of the record (where a suggestion still reads `before`, an applied change `after`)
is looked up in the record's `gt` with 3 (then 2) characters of context each side, with the top
candidate and with the observed text; when that does not decide, the text is aligned with the
`gt` with difflib, the change's output span is mapped through the alignment, and the ground
truth there is compared with the top candidate (whitespace ignored for Chinese, runs collapsed
for Latin). The documents are split into halves by md5(doc_id) (A even, B odd), as
`scripts/typo_eval.py` and `scripts/typo_fit.py` split them: fit the display threshold on A,
check it on B.

Usage:
  scripts/typo_suggestions.py --bin target/release/ocrtidy [--corpus ../shared/ocr-corpus/dev.jsonl]
      [--extra-args=--all-suggestions] [--fit A]
  scripts/typo_suggestions.py --from DIR   (DIR holds plain.jsonl/plain.changes.jsonl and
      layout.jsonl/layout.changes.jsonl, as `scripts/differential.sh` writes them)

Prints, per mode (plain, layout), script (zh, latin) and half, a table of suggestions per
confidence band (count, right, share) and the share right at and above each band's lower
bound; then the suggestions shown above each display threshold t (the pass shows those with
confidence > t) per half and script; then the threshold fitted on half A (the lowest t of the
grid above which each script's shown suggestions are right at least half the time, at t and
every higher t) and its check on half B. Run it with `--extra-args=--all-suggestions` to see
the suggestions the default hides.
"""
import argparse
import collections
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

BANDS = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]


def half(doc_id):
    return "A" if int(hashlib.md5(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def run(a, out):
    corpus = a.corpus
    extra = a.extra_args.split() if a.extra_args else []
    for mode, more in (("plain", []), ("layout", ["--layout-field", "hocr,boxes"])):
        subprocess.run(
            [a.bin, "clean", "--jsonl", "--field", "ocr", *more, corpus, "-o",
             f"{out}/{mode}.jsonl", "--changes", f"{out}/{mode}.changes.jsonl", "-q", *extra],
            check=True,
        )


class Aligned:
    """Maps char offsets of a text into its ground truth."""

    def __init__(self, text, gt):
        self.gt = gt
        sm = difflib.SequenceMatcher(None, text, gt, autojunk=False)
        self.ops = sm.get_opcodes()

    def span(self, s, e):
        gs = ge = None
        for tag, i1, i2, j1, j2 in self.ops:
            if gs is None and i1 <= s < i2 or (s == e == i1):
                gs = j1 + (s - i1) if tag == "equal" else j1
            if i1 < e <= i2:
                ge = j1 + (e - i1) if tag == "equal" else j2
            if gs is not None and ge is not None:
                break
        if gs is None or ge is None:
            return None
        return self.gt[gs:ge]


def squash(s, script):
    return re.sub(r"\s+", "", s) if script == "zh" else norm(s)


def judge(text, s, e, before, top, gt, al, script):
    """Whether `top` is what the ground truth has for `text[s:e]`: first by context (3, then 2
    characters each side, whitespace ignored for Chinese, collapsed for Latin) found in the
    ground truth with the candidate (right) or with the observed text (wrong), then by the
    alignment."""
    observed = before if before is not None else text[s:e]
    g = squash(gt, script)
    for k in (3, 2):
        left, right = squash(text[max(0, s - k * 2):s], script)[-k:], squash(text[e:e + k * 2], script)[:k]
        if len(left) < k or len(right) < k:
            continue
        hit_top = (left + squash(top, script) + right) in g
        hit_obs = (left + squash(observed, script) + right) in g
        if hit_top != hit_obs:
            return hit_top
    m = al.span(s, e)
    return m is not None and squash(m, script) == squash(top, script)


def collect(d, mode, corpus):
    recs = [json.loads(l) for l in open(corpus, encoding="utf-8")]
    outs = [json.loads(l) for l in open(f"{d}/{mode}.jsonl", encoding="utf-8")]
    changes = collections.defaultdict(list)
    for l in open(f"{d}/{mode}.changes.jsonl", encoding="utf-8"):
        c = json.loads(l)
        if c.get("pass") == "typo":
            changes[c["line"]].append(c)
    rows = []
    for line, cs in changes.items():
        rec, out = recs[line - 1], outs[line - 1]
        text = out["ocr"]
        b = text.encode("utf-8")
        al = Aligned(text, rec["gt"])
        for c in cs:
            s = len(b[: c["out_start"]].decode("utf-8"))
            e = len(b[: c["out_end"]].decode("utf-8"))
            top = c["after"] if c["applied"] else (c["candidates"] or [{"text": c["after"]}])[0]["text"]
            script = "latin" if "latin" in c["rule"] else "zh"
            right = judge(text, s, e, c["before"] if c["applied"] else None, top, rec["gt"], al, script)
            rows.append((half(rec["doc_id"]), script, c["applied"], c["confidence"], right, c["rule"]))
    return rows


def band(x):
    for lo, hi in zip(BANDS, BANDS[1:]):
        if lo <= x < hi:
            return lo
    return BANDS[-2]


def table(rows, title):
    print(f"\n{title}: {len(rows)} changes, {sum(r[4] for r in rows)} right")
    by = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        by[band(r[3])][0] += 1
        by[band(r[3])][1] += r[4]
    print("  band      n  right  share   | >= band: n  right  share")
    for lo in BANDS[:-1]:
        n, k = by[lo]
        cn = sum(by[x][0] for x in BANDS[:-1] if x >= lo)
        ck = sum(by[x][1] for x in BANDS[:-1] if x >= lo)
        if n or cn:
            sh = f"{k / n:5.0%}" if n else "    -"
            csh = f"{ck / cn:5.0%}" if cn else "    -"
            print(f"  {lo:4.2f}  {n:5} {k:6}  {sh}   |   {cn:7} {ck:6}  {csh}")


GRID = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def shown(rows, t):
    """Right and count of the suggestions shown above display threshold `t`."""
    sel = [r for r in rows if r[3] > t]
    return sum(r[4] for r in sel), len(sel)


def fit(rows):
    """The lowest threshold of GRID above which the suggestions of each script are right at
    least half the time (or none is shown), at that threshold and every higher one."""
    def ok(t):
        for script in ("zh", "latin"):
            k, n = shown([r for r in rows if r[1] == script], t)
            if n and 2 * k < n:
                return False
        return True
    for i, t in enumerate(GRID):
        if all(ok(u) for u in GRID[i:]):
            return t
    return None


def grid(rows, mode):
    print(f"\n{mode}: suggestions shown above threshold t, right/shown (share)")
    print("  t     " + "".join(f"{h}-{s:<18}" for h in "AB" for s in ("zh", "latin")))
    for t in GRID:
        cells = []
        for h in "AB":
            for script in ("zh", "latin"):
                k, n = shown([r for r in rows if r[0] == h and r[1] == script], t)
                cells.append(f"{k}/{n} ({k / n:.0%})" if n else "-")
        print(f"  {t:.1f}   " + "".join(f"{c:<20}" for c in cells))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin")
    p.add_argument("--from", dest="src")
    p.add_argument("--corpus", default="../shared/ocr-corpus/dev.jsonl")
    p.add_argument("--extra-args", default="")
    p.add_argument("--applied", action="store_true", help="also tabulate applied corrections")
    a = p.parse_args()
    if not (a.bin or a.src):
        p.error("--bin or --from")
    d = a.src or tempfile.mkdtemp(prefix="typo-sugg-")
    if a.bin:
        run(a, d)
    for mode in ("plain", "layout"):
        rows = collect(d, mode, a.corpus)
        sugg = [r for r in rows if not r[2]]
        for h in "AB":
            for script in ("zh", "latin"):
                table([r for r in sugg if r[0] == h and r[1] == script],
                      f"{mode} half {h} {script} suggestions")
        grid(sugg, mode)
        t = fit([r for r in sugg if r[0] == "A"])
        print(f"\n{mode}: fitted on half A, display threshold {t}")
        if t is not None:
            for h in "AB":
                for script in ("zh", "latin"):
                    k, n = shown([r for r in sugg if r[0] == h and r[1] == script], t)
                    print(f"  half {h} {script}: {k}/{n} shown suggestions right")
        if a.applied:
            for h in "AB":
                table([r for r in rows if r[2] and r[0] == h], f"{mode} half {h} applied")


if __name__ == "__main__":
    sys.exit(main())
