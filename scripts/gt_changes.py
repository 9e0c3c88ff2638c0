#!/usr/bin/env python3
"""Clean text stays clean: how much of a corpus's ground truth does ocrtidy change?

Cleans the ground-truth field of every record of a JSON Lines corpus with the given binary
(`ocrtidy clean --jsonl --field gt --changes …`) and prints the share of characters changed,
per pass and rule, and every applied change that deletes a whole sentence.

A character counts as changed when an applied change removes, replaces or inserts it (the
non-equal parts of a character alignment of `before` and `after`, the larger side of each).
Changes of line breaks only (between paragraphs: the ground truth has its own paragraph
convention) are counted apart, since the output convention decides them.

Usage: scripts/gt_changes.py --corpus ../shared/ocr-corpus/dev.jsonl --bin target/release/ocrtidy
       [--field gt] [--max-share 0.0002] [--split all|A|B]
Exit status 1 when the share of non-whitespace changes is over --max-share or a sentence is
deleted (so a recipe can fail on it).
"""
import argparse
import collections
import difflib
import hashlib
import json
import os
import subprocess
import sys
import tempfile

SENTENCE_END = "。！？.!?"


def changed_chars(before: str, after: str) -> int:
    m = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in m.get_opcodes() if op != "equal")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--field", default="gt")
    ap.add_argument("--max-share", type=float, default=None)
    ap.add_argument(
        "--split",
        default="all",
        help="all records, or half A / B of the documents (by md5(doc_id) parity, as scripts/typo_eval.py splits them)",
    )
    ap.add_argument("extra", nargs="*", help="more arguments for ocrtidy clean")
    args = ap.parse_args()

    records = []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if args.split != "all":
                half = "A" if int(hashlib.md5(r.get("doc_id", r.get("id", "")).encode()).hexdigest(), 16) % 2 == 0 else "B"
                if half != args.split:
                    continue
            records.append(r)
    total = collections.Counter()
    for r in records:
        total[r.get("lang", "?")] += len(r[args.field])
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps({"id": r["id"], "lang": r.get("lang", "?"),
                                    "text": r[args.field]}, ensure_ascii=False) + "\n")
        changes = os.path.join(tmp, "changes.jsonl")
        out = os.path.join(tmp, "out.jsonl")
        subprocess.run(
            [args.bin, "clean", "--jsonl", "--field", "text", src, "-o", out,
             "--changes", changes, "-q"] + args.extra,
            check=True,
        )
        lang_of = {r["id"]: r.get("lang", "?") for r in records}
        per_rule = collections.Counter()
        per_rule_ws = collections.Counter()
        per_lang = collections.Counter()
        deleted = []
        with open(changes, encoding="utf-8") as f:
            for line in f:
                c = json.loads(line)
                if not c["applied"]:
                    continue
                n = changed_chars(c["before"], c["after"])
                key = f'{c["pass"]}/{c["rule"]}'
                if set(c["before"] + c["after"]) <= {"\n", "\f"}:
                    per_rule_ws[key] += n
                    continue
                per_rule[key] += n
                per_lang[lang_of.get(c.get("id"), "?")] += n
                body = c["before"].strip()
                if (c["after"].strip() == "" and len(body) >= 6
                        and any(ch in SENTENCE_END for ch in body)):
                    deleted.append(c)
    all_chars = sum(total.values())
    changed = sum(per_rule.values())
    print(f"records: {len(records)}  characters: {all_chars}  split: {args.split}")
    print(f"non-whitespace changes: {changed} chars = {changed / max(all_chars, 1):.4%}")
    for lang in sorted(total):
        print(f"  {lang}: {per_lang[lang]} of {total[lang]} = "
              f"{per_lang[lang] / max(total[lang], 1):.4%}")
    print(f"{'pass/rule':<40}{'chars':>8}{'share':>10}")
    for key, n in per_rule.most_common():
        print(f"{key:<40}{n:>8}{n / max(all_chars, 1):>10.4%}")
    ws = sum(per_rule_ws.values())
    print(f"line-break-only changes (paragraph convention): {ws} chars "
          f"= {ws / max(all_chars, 1):.4%}")
    for key, n in per_rule_ws.most_common(8):
        print(f"  {key:<38}{n:>8}")
    print(f"sentences deleted: {len(deleted)}")
    for c in deleted[:20]:
        print(f'  {c.get("id")}: {c["pass"]}/{c["rule"]}: {c["before"][:80]!r}')
    failed = bool(deleted)
    if args.max_share is not None and changed / max(all_chars, 1) > args.max_share:
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
