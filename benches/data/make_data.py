#!/usr/bin/env python3
"""Generates the OCR-like benchmark inputs zh.txt and en.txt from the prose files here.

Deterministic (fixed seed). The layout imitates raw OCR output: one line per printed line,
trailing spaces, blank lines inside paragraphs, indents, running headers and page numbers,
form feeds between pages, words hyphenated at line ends, CRLF on some pages, full-width
digits, stray spaces between Chinese characters and stray symbols.

    python3 benches/data/make_data.py
"""
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent
TARGET_BYTES = 192 * 1024


def wrap_zh(par, width, rng):
    lines = [par[i:i + width] for i in range(0, len(par), width)]
    out = []
    for line in lines:
        if rng.random() < 0.08 and len(line) > 4:
            k = rng.randrange(1, len(line) - 1)
            line = line[:k] + " " + line[k:]
        out.append(line)
    out[0] = "\u3000\u3000" + out[0]
    return out


def wrap_en(par, width, rng):
    out, line = [], ""
    for word in par.split():
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}" if line else word
        elif len(word) > 6 and rng.random() < 0.3:
            k = rng.randrange(3, len(word) - 2)
            out.append(f"{line} {word[:k]}-")
            line = word[k:]
        else:
            out.append(line)
            line = word
    out.append(line)
    out[0] = "    " + out[0]
    return out


def make(lang):
    rng = random.Random(20261128 if lang == "zh" else 42)
    paras = [p for p in (HERE / f"{lang}_prose.txt").read_text("utf-8").splitlines() if p.strip()]
    wrap = wrap_zh if lang == "zh" else wrap_en
    width = 22 if lang == "zh" else 64
    header = "城市晚报  2026年3月5日  星期四" if lang == "zh" else "THE COUNTY GAZETTE    Thursday, March 5, 2026"
    pages, size, page_no, pi = [], 0, 1, 0
    while size < TARGET_BYTES:
        lines = [header, ""]
        while len(lines) < 40:
            par = paras[pi % len(paras)]
            pi += 1
            if lang == "zh" and rng.random() < 0.3:
                par = par.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            for line in wrap(par, width, rng):
                if rng.random() < 0.2:
                    line += " " * rng.randrange(1, 4)
                if rng.random() < 0.03:
                    line += rng.choice([" |", " ■", " .,", " 丨"])
                lines.append(line)
                if rng.random() < 0.05:
                    lines.append("")
            lines.append("")
        lines.append(f"— {page_no} —" if lang == "zh" else f"- {page_no} -")
        eol = "\r\n" if page_no % 2 == 0 else "\n"
        page = eol.join(lines) + eol
        pages.append(page)
        size += len(page.encode("utf-8"))
        page_no += 1
    (HERE / f"{lang}.txt").write_bytes("\f".join(pages).encode("utf-8"))


if __name__ == "__main__":
    make("zh")
    make("en")
