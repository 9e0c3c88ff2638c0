#!/usr/bin/env python3
"""Score `ocrtidy clean` on the OCR engines' own output formats, next to the plain-text path.

For every record of the corpus: tesseract records are cleaned from their hOCR file
(`--input-format hocr`), RapidOCR records from their box file (`--input-format rapidocr-json`,
or, with --paddle, converted here to PaddleOCR 2.x's native `[[box, [text, score]], ...]` and
read with `--input-format paddleocr-json`). The same build also cleans the plain `ocr` text of
every record (the path of scripts/corpus_eval.py). Both prediction sets are scored with score.py
and printed side by side per group (layout, level, language, engine).

Usage: scripts/eval_formats.py [--corpus ../shared/ocr-corpus/dev.jsonl] [--bin target/release/ocrtidy]
                               [--paddle] [--out-dir target/eval-formats] [-- extra ocrtidy clean args...]
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile


def run(binary, args, data=None):
    p = subprocess.run([binary, "clean", *args], input=data, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"exit {p.returncode}: {p.stderr.decode(errors='replace')}")
    # The CLI ends its output with a newline; score the cleaned text itself, as `ocrtidy eval`
    # does (score.py counts a trailing newline as a predicted paragraph break).
    out = p.stdout.decode("utf-8")
    return out[:-1] if out.endswith("\n") else out


def to_paddle(box_file):
    """RapidOCR's {"lines": [{box, text, score}]} as PaddleOCR 2.x's [[box, [text, score]], ...]."""
    with open(box_file, encoding="utf-8") as f:
        d = json.load(f)
    return [[l["box"], [l["text"], l["score"]]] for l in d["lines"]]


def score(corpus, pred, path):
    with open(path, "w", encoding="utf-8") as f:
        for p in pred:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    script = os.path.join(os.path.dirname(corpus), "score.py")
    out = subprocess.run([sys.executable, script, corpus, "--pred", path, "--json"],
                         capture_output=True, check=True)
    return json.loads(out.stdout)["groups"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="../shared/ocr-corpus/dev.jsonl")
    ap.add_argument("--bin", default="target/release/ocrtidy")
    ap.add_argument("--paddle", action="store_true", help="feed RapidOCR boxes as PaddleOCR 2.x JSON")
    ap.add_argument("--out-dir", default="target/eval-formats")
    ap.add_argument("--jobs", type=int, default=4, help="records cleaned in parallel")
    ap.add_argument("rest", nargs="*", help="extra `ocrtidy clean` arguments (after --)")
    a = ap.parse_args()
    base = os.path.dirname(a.corpus)
    os.makedirs(a.out_dir, exist_ok=True)
    with open(a.corpus, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]

    def one(r):
        key = {"id": r["id"], "engine": r["engine"]}
        try:
            txt = run(a.bin, ["-", *a.rest], r["ocr"].encode("utf-8"))
            if r.get("hocr"):
                text = run(a.bin, ["--input-format", "hocr", os.path.join(base, r["hocr"]), *a.rest])
            elif a.paddle:
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as t:
                    json.dump(to_paddle(os.path.join(base, r["boxes"])), t, ensure_ascii=False)
                try:
                    text = run(a.bin, ["--input-format", "paddleocr-json", t.name, *a.rest])
                finally:
                    os.unlink(t.name)
            else:
                text = run(a.bin, ["--input-format", "rapidocr-json", os.path.join(base, r["boxes"]), *a.rest])
        except RuntimeError as e:
            sys.exit(f"{r['id']} ({r['engine']}): {e}")
        return {**key, "text": text}, {**key, "text": txt}

    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(one, records))
    fmt_pred = [f for f, _ in results]
    txt_pred = [t for _, t in results]
    g_fmt = score(a.corpus, fmt_pred, os.path.join(a.out_dir, "formats-pred.jsonl"))
    g_txt = score(a.corpus, txt_pred, os.path.join(a.out_dir, "text-pred.jsonl"))
    cols = ["CER_raw", "CER_content", "lb_f1", "furniture_leak"]
    print(f"{'group':30} {'recs':>4}  " + "  ".join(f"{c[:8]:>8}/{'text':<6}" for c in cols) + "  worse")
    for name, m in g_fmt.items():
        t = g_txt[name]
        worse = [c for c in cols if (m[c] > t[c] + 1e-9 if c != "lb_f1" else m[c] < t[c] - 1e-9)]
        print(f"{name:30} {m['records']:>4}  " + "  ".join(f"{m[c]:8.4f}/{t[c]:<6.4f}" for c in cols)
              + "  " + ",".join(worse))


if __name__ == "__main__":
    main()
