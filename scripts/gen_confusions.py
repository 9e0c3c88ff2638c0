#!/usr/bin/env python3
"""Generates ocrtidy's committed confusion tables (data/confusion/*.tsv).

Inputs (none of them is needed to build ocrtidy, only to regenerate the tables):
- data/lexicon/jieba-dict.txt: chooses the character set (the N most frequent characters,
  weighted by the frequencies of the words that contain them);
- Unihan (Debian package `unicode-data`: /usr/share/unicode/Unihan_*.txt.bz2): kMandarin
  readings for the phonetic table, kFourCornerCode and kTotalStrokes to support visual pairs;
- glyph bitmaps rendered from the OFL-licensed Noto Serif CJK SC and Noto Sans CJK SC fonts
  (Debian package `fonts-noto-cjk`) with Pillow: the visual table.

Output lines are `observed<TAB>intended:weight intended:weight ...` with each weight in (0, 1]: how plausible it is that
the OCR engine printed `observed` where the page had `intended`. Both tables are symmetric.

Usage: python3 scripts/gen_confusions.py [--chars 6000]   (needs pillow and numpy)
"""
import argparse
import bz2
import collections
import os
import re
import unicodedata

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNIHAN = "/usr/share/unicode"
FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
]


def is_han(c):
    return 0x4E00 <= ord(c) <= 0x9FFF


def char_set(n):
    freq = collections.Counter()
    with open(os.path.join(ROOT, "data/lexicon/jieba-dict.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            w, fr = parts[0], int(parts[1])
            for c in w:
                if is_han(c):
                    freq[c] += fr
    return [c for c, _ in freq.most_common(n)], freq


def unihan(field_file, fields):
    out = {f: {} for f in fields}
    with bz2.open(os.path.join(UNIHAN, field_file), "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cp, field, value = line.rstrip("\n").split("\t", 2)
            if field in out:
                out[field][chr(int(cp[2:], 16))] = value
    return out


def load_face(path, family, size):
    for i in range(10):
        try:
            face = ImageFont.truetype(path, size, index=i)
        except OSError:
            break
        if face.getname()[0] == family:
            return face
    raise SystemExit(f"{family} not found in {path}")


def _unit(v):
    v = v - v.mean()
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def glyph_similarity(chars, px=48):
    """Cosine similarity of low-resolution, blurred renderings (what a degraded scan leaves of
    a glyph) in two fonts: half the whole glyph at 12 and 16 px, half the best two of its four
    halves (left, right, top, bottom) at 16 px, so that 除/徐 (same right half) score high."""
    faces = [load_face(p, fam, px) for p, fam in FONTS]
    views = [[] for _ in range(5)]
    for c in chars:
        whole, halves = [], [[] for _ in range(4)]
        for face in faces:
            img = Image.new("L", (px, px), 0)
            ImageDraw.Draw(img).text((px // 2, px // 2), c, font=face, fill=255, anchor="mm")
            a12 = np.asarray(img.resize((12, 12), Image.BILINEAR), dtype=np.float32)
            a16 = np.asarray(img.resize((16, 16), Image.BILINEAR), dtype=np.float32)
            whole += [_unit(a12.ravel()), _unit(a16.ravel())]
            for h, sl in enumerate([np.s_[:, :8], np.s_[:, 8:], np.s_[:8, :], np.s_[8:, :]]):
                halves[h].append(_unit(a16[sl].ravel()))
        views[0].append(np.concatenate(whole) / np.sqrt(len(whole)))
        for h in range(4):
            views[h + 1].append(np.concatenate(halves[h]) / np.sqrt(len(halves[h])))
    sims = [np.stack(v) @ np.stack(v).T for v in views]
    half = np.sort(np.stack(sims[1:]), axis=0)
    return 0.5 * sims[0] + 0.25 * half[-1] + 0.25 * half[-2]


def visual_pairs(chars, k, min_sim, strokes, four):
    sim = glyph_similarity(chars)
    np.fill_diagonal(sim, -1.0)
    pairs = {}
    for i, c in enumerate(chars):
        top = np.argpartition(-sim[i], k)[:k]
        for j in top:
            s = float(sim[i, j])
            if s < min_sim:
                continue
            d = chars[j]
            # Unihan support: the same four-corner code or a stroke count within one makes a
            # pair more plausible; very different stroke counts make it less so.
            bonus = 0.0
            if four.get(c) and four.get(c, "")[:4] == four.get(d, "")[:4]:
                bonus += 0.05
            sc, sd = strokes.get(c), strokes.get(d)
            if sc is not None and sd is not None:
                if abs(sc - sd) <= 1:
                    bonus += 0.03
                elif abs(sc - sd) >= 5:
                    bonus -= 0.05
            w = max(0.05, min(1.0, (s - min_sim) / (1.0 - min_sim) + bonus))
            key = (c, d) if c < d else (d, c)
            pairs[key] = max(pairs.get(key, 0.0), w)
    return pairs


def phonetic_pairs(chars, freq, k):
    readings = unihan("Unihan_Readings.txt.bz2", ["kMandarin"])["kMandarin"]
    by_syll = collections.defaultdict(list)
    toned = {}
    for c in chars:
        r = readings.get(c)
        if not r:
            continue
        r = r.split()[0]
        base = "".join(ch for ch in unicodedata.normalize("NFD", r) if not unicodedata.combining(ch))
        by_syll[base].append(c)
        toned[c] = (base, r)
    pairs = {}
    for syll, group in by_syll.items():
        group.sort(key=lambda c: -freq[c])
        for c in group:
            others = [d for d in group if d != c]
            same_tone = [d for d in others if toned[d][1] == toned[c][1]][:k]
            other_tone = [d for d in others if toned[d][1] != toned[c][1]][: max(0, k - len(same_tone)) // 2]
            for d, w in [(d, 1.0) for d in same_tone] + [(d, 0.5) for d in other_tone]:
                key = (c, d) if c < d else (d, c)
                pairs[key] = max(pairs.get(key, 0.0), w)
    return pairs


def write(path, pairs, header):
    """One line per observed character: `observed<TAB>intended:weight intended:weight ...`."""
    rows = collections.defaultdict(list)
    for (a, b), w in pairs.items():
        rows[a].append((b, w))
        rows[b].append((a, w))
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        for a in sorted(rows):
            cands = sorted(rows[a], key=lambda x: (-x[1], x[0]))
            f.write(a + "\t" + " ".join(f"{b}:{w:.2f}" for b, w in cands) + "\n")
    print(f"{path}: {len(rows)} characters, {sum(len(v) for v in rows.values())} pairs")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chars", type=int, default=6000)
    ap.add_argument("--visual-k", type=int, default=20)
    ap.add_argument("--visual-min", type=float, default=0.4)
    ap.add_argument("--phonetic-k", type=int, default=6)
    a = ap.parse_args()
    chars, freq = char_set(a.chars)
    rs = unihan("Unihan_RadicalStrokeCounts.txt.bz2", ["kTotalStrokes"])["kTotalStrokes"] if os.path.exists(
        os.path.join(UNIHAN, "Unihan_RadicalStrokeCounts.txt.bz2")) else {}
    strokes = {}
    for c, v in rs.items():
        m = re.match(r"\d+", v)
        if m:
            strokes[c] = int(m.group())
    irg = unihan("Unihan_IRGSources.txt.bz2", ["kTotalStrokes"])["kTotalStrokes"]
    for c, v in irg.items():
        m = re.match(r"\d+", v)
        if m and c not in strokes:
            strokes[c] = int(m.group())
    four = unihan("Unihan_DictionaryIndices.txt.bz2", ["kFourCornerCode"])["kFourCornerCode"]
    out = os.path.join(ROOT, "data/confusion")
    os.makedirs(out, exist_ok=True)
    src = "# generated by scripts/gen_confusions.py; observed<TAB>intended:weight ...\n"
    write(os.path.join(out, "visual.tsv"),
          visual_pairs(chars, a.visual_k, a.visual_min, strokes, four),
          src + "# visual: Noto Serif/Sans CJK SC glyph bitmaps (OFL) + Unihan four-corner codes and stroke counts\n")
    write(os.path.join(out, "phonetic.tsv"), phonetic_pairs(chars, freq, a.phonetic_k),
          src + "# phonetic: same Mandarin syllable (Unihan kMandarin); 1.0 same tone, 0.5 other tone\n")


if __name__ == "__main__":
    main()
