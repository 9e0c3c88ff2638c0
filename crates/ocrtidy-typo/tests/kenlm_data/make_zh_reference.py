#!/usr/bin/env python3
"""Writes reference scores of python `kenlm` on fcitx/libime's zh_CN.lm for tests/kenlm.rs.

    python3 make_zh_reference.py /path/to/zh_CN.lm /tmp/zh_ref.tsv
    KENLM_REFERENCE=/tmp/zh_ref.tsv cargo test -p ocrtidy-typo --test kenlm
    KENLM_REFERENCE=/tmp/zh_ref.tsv.windows cargo test -p ocrtidy-typo --test kenlm

Sentences: the benchmark text benches/data/zh.txt cut at punctuation and segmented greedily with
the model's vocabulary (longest match up to 6 characters), variants of them (pieces,
concatenations, one word replaced), random vocabulary words; and, in OUT.windows, every 1- to
3-word window of the segmented text. Columns as the fixtures' references.
"""
import os
import random
import re
import sys

import kenlm

path = sys.argv[1]
out = sys.argv[2]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..")
m = kenlm.Model(path)
data = open(path, 'rb').read()
i = data.rfind(b'<unk>\0')
vocab = [w.decode() for w in data[i:].split(b'\0') if w][1:]
assert len(vocab) == 164886, len(vocab)
vs = set(vocab)
text = open(os.path.join(ROOT, 'benches', 'data', 'zh.txt')).read()
text = re.sub(r'\s+', '', text)
sents = [s for s in re.split(r'[。！？；，、“”：（）《》\n]', text) if len(s) >= 2]
def seg(s):
    out = []; k = 0
    while k < len(s):
        for L in range(min(6, len(s) - k), 0, -1):
            if s[k:k+L] in vs or L == 1:
                out.append(s[k:k+L]); k += L; break
    return out
rng = random.Random(7)
seen = []
for s in sents:
    w = seg(s)
    if w not in seen: seen.append(w)
rng.shuffle(seen)
cases = [(w, True, True) for w in seen]
while len(cases) < 650:
    a = rng.choice(seen); b = rng.choice(seen)
    kind = rng.randint(0, 2)
    if kind == 0:
        i = rng.randint(0, len(a) - 1); w = a[i:i + rng.randint(1, 6)]
    elif kind == 1:
        w = a + b
    else:
        w = list(a); w[rng.randint(0, len(w) - 1)] = rng.choice(vocab)
    cases.append((w, rng.random() < 0.8, rng.random() < 0.8))
for n in range(350):
    k = rng.randint(1, 8)
    w = [rng.choice(vocab) for _ in range(k)]
    # also mix frequent words so that some bigrams/trigrams hit
    if n % 2 == 0 and len(seen) > 0:
        base = rng.choice(seen)
        w = base[:rng.randint(1, len(base))] + w[:2]
    cases.append((w, n % 3 != 0, n % 4 != 0))
with open(out, 'w') as f:
    for w, bos, eos in cases:
        s = ' '.join(w)
        fs = list(m.full_scores(s, bos=bos, eos=eos))
        f.write('%s\t%d\t%d\t%r\t%s\t%s\n' % (s, bos, eos, m.score(s, bos=bos, eos=eos),
            ','.join(repr(p) for p, _, _ in fs), ','.join(str(n) for _, n, _ in fs)))
print(len(cases), 'cases; text sentences', len(seen))
# Extra: every 1- to 3-word window of the segmented text (many bigram and trigram hits).
with open(out + '.windows', 'w') as f:
    n = 0
    for w in seen:
        for i in range(len(w)):
            for L in (1, 2, 3):
                if i + L > len(w): continue
                s = ' '.join(w[i:i+L]); bos = (i == 0); eos = (i + L == len(w))
                fs = list(m.full_scores(s, bos=bos, eos=eos))
                f.write('%s\t%d\t%d\t%r\t%s\t%s\n' % (s, bos, eos, m.score(s, bos=bos, eos=eos),
                    ','.join(repr(p) for p, _, _ in fs), ','.join(str(n) for _, n, _ in fs)))
                n += 1
print(n, 'windows')
