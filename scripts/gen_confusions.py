#!/usr/bin/env python3
"""Generates ocrtidy's committed confusion tables (data/confusion/*.tsv).

Inputs (none of them is needed to build ocrtidy, only to regenerate the tables):
- data/lexicon/jieba-dict.txt: chooses the character set (the N most frequent characters,
  weighted by the frequencies of the words that contain them);
- Unihan (Debian package `unicode-data`: /usr/share/unicode/Unihan_*.txt.bz2): kMandarin
  readings for the phonetic table, kFourCornerCode and kTotalStrokes to support visual pairs;
- glyph bitmaps rendered from the OFL-licensed Noto Serif CJK SC and Noto Sans CJK SC fonts,
  Regular and Bold (Debian package `fonts-noto-cjk`) with Pillow: the visual table.

The packages need not be installed: `apt-get download fonts-noto-cjk unicode-data`, `dpkg -x`
each into one scratch directory and run with PREFIX=that directory.

The visual table pairs each character with its 30 most similar glyphs (`--visual-k`) whose
similarity is at least 0.72 (`--visual-min`); a pair's weight is its similarity rescaled from
[0.72, 1] to [0, 1] (plus the Unihan adjustments, floored at 0.05), which keeps the weights on
the scale that `ChannelParams` (crates/ocrtidy-typo) was fitted on. Measured with
scripts/confusion_coverage.py and scripts/typo_eval.py, chosen on half A of the corpus.

Output lines are `observed<TAB>intended:weight intended:weight ...` with each weight in (0, 1]: how plausible it is that
the OCR engine printed `observed` where the page had `intended`. Both tables are symmetric.

Usage: [PREFIX=DIR] python3 scripts/gen_confusions.py [--chars 6000] [--visual-k 30]
       [--visual-min 0.72] [--out data/confusion] [--cache sim.npy]   (needs pillow and numpy)
"""
import argparse
import bz2
import collections
import os
import re
import unicodedata

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A scratch `dpkg -x` of the two Debian packages works too: PREFIX=/tmp/x python3 scripts/...
PREFIX = os.environ.get("PREFIX", "")
UNIHAN = PREFIX + "/usr/share/unicode"
FONTS = [
    (PREFIX + "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    (PREFIX + "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    (PREFIX + "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    (PREFIX + "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
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


def _top2_of_4(a, b, c, d):
    """The mean of the two largest of four matrices, elementwise (no sort of a 4×n×n stack)."""
    hi1, lo1 = np.maximum(a, b), np.minimum(a, b)
    hi2, lo2 = np.maximum(c, d), np.minimum(c, d)
    return (np.maximum(hi1, hi2) + np.maximum(np.minimum(hi1, hi2), np.maximum(lo1, lo2))) / 2


def glyph_similarity(chars, px=48, blur=2.5):
    """Cosine similarity of low-resolution, blurred renderings (what a degraded scan leaves of
    a glyph) in four faces (Noto Serif and Sans CJK SC, Regular and Bold: a heavy or light
    print thickens or thins strokes): each rendering at `px` pixels is blurred (Gaussian,
    radius `blur` pixels) before it is reduced to 12 and 16 px. Half the score is the whole
    glyph at both sizes, half the best two of its four halves (left, right, top, bottom) at
    16 px, so that 除/徐 (same right half) score high."""
    faces = [load_face(p, fam, px) for p, fam in FONTS]
    n = len(chars)
    whole = np.zeros((n, len(faces), 12 * 12 + 16 * 16), np.float32)
    halves = np.zeros((4, n, len(faces), 128), np.float32)
    for i, c in enumerate(chars):
        for f, face in enumerate(faces):
            img = Image.new("L", (px, px), 0)
            ImageDraw.Draw(img).text((px // 2, px // 2), c, font=face, fill=255, anchor="mm")
            if blur:
                img = img.filter(ImageFilter.GaussianBlur(blur))
            a12 = np.asarray(img.resize((12, 12), Image.BILINEAR), dtype=np.float32)
            a16 = np.asarray(img.resize((16, 16), Image.BILINEAR), dtype=np.float32)
            whole[i, f] = np.concatenate([_unit(a12.ravel()), _unit(a16.ravel())])
            for h, sl in enumerate([np.s_[:, :8], np.s_[:, 8:], np.s_[:8, :], np.s_[8:, :]]):
                halves[h, i, f] = _unit(a16[sl].ravel())
    # Each face and size is a unit vector; the mean of their cosines is one dot product.
    w = whole.reshape(n, -1) / np.sqrt(2 * len(faces))
    sim = w @ w.T
    hs = [v.reshape(n, -1) / np.sqrt(len(faces)) for v in halves]
    return 0.5 * sim + 0.5 * _top2_of_4(*(v @ v.T for v in hs))


def visual_pairs(chars, k, min_sim, strokes, four, cache=None):
    if cache and os.path.exists(cache):
        sim = np.load(cache)
    else:
        sim = glyph_similarity(chars)
        if cache:
            np.save(cache, sim)
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
    ap.add_argument("--visual-k", type=int, default=30)
    ap.add_argument("--visual-min", type=float, default=0.72)
    ap.add_argument("--phonetic-k", type=int, default=6)
    ap.add_argument("--out", default=os.path.join(ROOT, "data/confusion"), help="output directory")
    ap.add_argument("--cache", help="a .npy file keeping the similarity matrix between runs")
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
    out = a.out
    os.makedirs(out, exist_ok=True)
    src = "# generated by scripts/gen_confusions.py; observed<TAB>intended:weight ...\n"
    write(os.path.join(out, "visual.tsv"),
          visual_pairs(chars, a.visual_k, a.visual_min, strokes, four, a.cache),
          src + "# visual: Noto Serif/Sans CJK SC Regular/Bold glyph bitmaps, blurred (OFL) + Unihan four-corner codes and stroke counts\n")
    write(os.path.join(out, "phonetic.tsv"), phonetic_pairs(chars, freq, a.phonetic_k),
          src + "# phonetic: same Mandarin syllable (Unihan kMandarin); 1.0 same tone, 0.5 other tone\n")


if __name__ == "__main__":
    main()
