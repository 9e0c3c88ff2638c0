#!/usr/bin/env python3
"""Makes JSON Lines records of OCR-like pages from the repository's own texts, the same bytes
on every run (a seeded generator, no other input): the records of the recipe tests and of the
benchmark.

Sources: the pages of ``data/samples/*.txt``, the inputs of the data-driven cases
(``tests/cases/*.cases``) and the words of the engine files in ``tests/data/`` (hOCR, ALTO,
PAGE, RapidOCR), line by line. A document takes 1 to 4 pages; a page joins 1 to 4 source
blocks and gets some typical OCR faults (a running header and a page number, spaces inside
Chinese text, half-width punctuation, CRLF line ends, full-width Latin letters, trailing
spaces), so that the cleaning has work to do. Each record is
``{"id", "doc_id", "page", "source", "text"}``, the pages of a document consecutive.

    python3 python/tests/make_records.py -o records.jsonl --records 1200
    python3 python/tests/make_records.py -o bench.jsonl --mb 10
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 20


def case_inputs(path: Path) -> list[str]:
    """The ``--- input`` blocks of a ``.cases`` file."""
    blocks, current = [], None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("--- "):
            if current is not None:
                blocks.append("\n".join(current).strip("\n"))
            current = [] if line.strip() == "--- input" else None
        elif line.startswith("### "):
            if current is not None:
                blocks.append("\n".join(current).strip("\n"))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        blocks.append("\n".join(current).strip("\n"))
    return [b for b in blocks if b.strip()]


def engine_lines(path: Path) -> list[str]:
    """The text of an engine file, one line per printed line."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [line["text"] for line in json.loads(text).get("lines", [])]
    if path.suffix == ".hocr":
        lines = re.findall(r"class='ocr_line'.*?</span>\s*</span>", text, flags=re.S)
        words = [re.findall(r"class='ocrx_word'[^>]*>([^<]*)<", line) for line in lines]
        return [html.unescape(" ".join(w)) for w in words if w]
    # ALTO strings and PAGE words
    lines = re.findall(r"<(?:\w+:)?TextLine\b.*?</(?:\w+:)?TextLine>", text, flags=re.S)
    out = []
    for line in lines:
        words = re.findall(r'CONTENT="([^"]*)"', line) or re.findall(
            r"<(?:\w+:)?Unicode>([^<]*)</(?:\w+:)?Unicode>", line
        )
        if words:
            out.append(html.unescape(" ".join(words)))
    return out


def sources() -> list[tuple[str, str]]:
    """(name, block) pairs, in a fixed order."""
    out = []
    for path in sorted((ROOT / "data" / "samples").glob("*.txt")):
        for i, page in enumerate(path.read_text(encoding="utf-8").split("\f")):
            if page.strip():
                out.append((f"{path.name}#{i + 1}", page.strip("\n")))
    for path in sorted((ROOT / "tests" / "cases").glob("*.cases")):
        for i, block in enumerate(case_inputs(path)):
            out.append((f"{path.name}#{i + 1}", block))
    for path in sorted((ROOT / "tests" / "data").rglob("*")):
        if path.suffix in (".hocr", ".xml", ".json"):
            lines = engine_lines(path)
            if lines:
                out.append((str(path.relative_to(ROOT / "tests" / "data")), "\n".join(lines)))
    return out


HAN = re.compile(r"[\u4e00-\u9fff]")
FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def perturb(rng: random.Random, text: str, doc: int, page: int) -> str:
    """Typical OCR faults, each with some probability."""
    han = bool(HAN.search(text))
    if rng.random() < 0.25:
        # spaces between Chinese characters of one line
        between_han = r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])"
        text = "\n".join(
            re.sub(between_han, lambda _: " " if rng.random() < 0.2 else "", line)
            for line in text.split("\n")
        )
    if han and rng.random() < 0.3:
        text = text.replace("，", ",", rng.randint(1, 3)).replace("：", ":", 1)
    if rng.random() < 0.15:
        words = re.findall(r"[A-Za-z]{3,}", text)
        if words:
            w = rng.choice(words)
            text = text.replace(w, "".join(FULLWIDTH.get(c, c) for c in w), 1)
    if rng.random() < 0.2:
        text = "\n".join(line + " " * rng.randint(1, 3) for line in text.split("\n"))
    if rng.random() < 0.35:
        header = f"晋中晚报 第{doc % 90 + 1}期" if han else f"THE RIVER PRESS  No. {doc % 90 + 1}"
        footer = f"— {page + 1} —" if han else f"{page + 1}"
        text = f"{header}\n\n{text}\n\n{footer}"
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


def records(count: int = 0, min_bytes: int = 0):
    """Yields records until there are `count` of them and they hold `min_bytes` of text."""
    rng = random.Random(SEED)
    blocks = sources()
    n = size = doc = 0
    while n < count or size < min_bytes:
        pages = rng.randint(1, 4)
        for page in range(pages):
            parts = [rng.choice(blocks) for _ in range(rng.randint(1, 4))]
            sep = rng.choice(["\n", "\n\n"])
            text = perturb(rng, sep.join(b for _, b in parts), doc, page)
            if not text.strip():
                text = parts[0][1] or "空白页"
            yield {
                "id": n,
                "doc_id": f"doc-{doc:05d}",
                "page": page + 1,
                "source": parts[0][0],
                "text": text,
            }
            n += 1
            size += len(text.encode("utf-8"))
        doc += 1


def write(path: Path, count: int = 0, min_bytes: int = 0) -> int:
    """Writes the records to `path`; returns how many."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for rec in records(count, min_bytes):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1200, help="at least this many records")
    parser.add_argument("--mb", type=float, default=0, help="and at least this many MB of text")
    args = parser.parse_args()
    n = write(args.output, args.records, int(args.mb * 1e6))
    print(f"{n} records, {args.output.stat().st_size} bytes: {args.output}")


if __name__ == "__main__":
    main()
