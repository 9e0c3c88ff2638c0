#!/usr/bin/env python3
"""Regenerates the KenLM fixtures of tests/kenlm.rs.

Writes a small random order-4 ARPA model (seeded), converts it with KenLM's `build_binary` into
the four trie types, and scores sentences with the python `kenlm` module on each binary:

    python3 make_fixtures.py /path/to/build_binary

Outputs, next to this script: tiny.{trie,quant,array,quant_array}.bin and the references
tiny.trie.tsv (for trie and array) and tiny.quant.tsv (for quant and quant_array): sentence, bos,
eos, total log10 prob, per-word log10 probs, per-word n-gram lengths, tab-separated. The ARPA
file is removed afterwards (it is regenerated from the seed). Also a bigram model,
tiny2.quant_array.bin, with its reference tiny2.quant_array.tsv.
"""
import os
import random
import subprocess
import sys

import kenlm

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261206)

words = ["w%d" % i for i in range(40)] + ["我们", "是", "中国人", "银行", "的"]
vocab = ["<unk>", "<s>", "</s>"] + words


def lp():
    return round(rng.uniform(-3.0, -0.05), 6)


def bo():
    r = rng.random()
    if r < 0.15:
        return 0.0
    return round(rng.uniform(-1.2, 0.4), 6)


uni = {(w,): (lp(), bo()) for w in vocab}
uni[("<s>",)] = (-99.0, bo())
uni[("</s>",)] = (lp(), 0.0)
firsts = [w for w in vocab if w not in ("</s>", "<unk>")]
lasts = [w for w in vocab if w not in ("<s>", "<unk>")]

bi = {}
while len(bi) < 300:
    bi[(rng.choice(firsts), rng.choice(lasts))] = (lp(), bo())
by_first = {}
for g in bi:
    by_first.setdefault(g[0], []).append(g)

tri = {}
keys = sorted(bi)
while len(tri) < 250:
    a, b = rng.choice(keys)
    if b == "</s>":
        continue
    nxt = by_first.get(b)
    if not nxt:
        continue
    c = rng.choice(nxt)[1]
    tri[(a, b, c)] = (lp(), bo())
tri_by_prefix = {}
for g in tri:
    tri_by_prefix.setdefault(g[:2], []).append(g)

four = {}
tkeys = sorted(tri)
tries = 0
while len(four) < 120 and tries < 100000:
    tries += 1
    a, b, c = rng.choice(tkeys)
    nxt = tri_by_prefix.get((b, c))
    if c == "</s>" or not nxt:
        continue
    # Mostly 4-grams whose suffix is a stored trigram; some without, for which build_binary
    # inserts "blank" trigrams (SRI-style pruning).
    d = rng.choice(nxt)[2] if rng.random() < 0.85 else rng.choice(lasts)
    four[(a, b, c, d)] = (lp(),)

def write_arpa(path, tables):
    with open(path, "w") as f:
        f.write("\n\\data\\\n")
        for n, table in enumerate(tables, 1):
            f.write("ngram %d=%d\n" % (n, len(table)))
        for n, table in enumerate(tables, 1):
            f.write("\n\\%d-grams:\n" % n)
            for g in sorted(table):
                v = table[g]
                line = "%s\t%s" % (v[0], " ".join(g))
                # The highest order has no backoff.
                if len(v) > 1 and n < len(tables):
                    line += "\t%s" % v[1]
                f.write(line + "\n")
        f.write("\n\\end\\\n")


arpa = os.path.join(HERE, "tiny.arpa")
write_arpa(arpa, [uni, bi, tri, four])
arpa2 = os.path.join(HERE, "tiny2.arpa")
write_arpa(arpa2, [uni, bi])

# Sentences: walks along stored n-grams (long matches), random words, unknown words.
sentences = []
for i in range(100):
    g = rng.choice(sorted(four) if i % 2 else sorted(tri))
    s = [w for w in g if w not in ("<s>", "</s>")]
    for _ in range(rng.randint(0, 4)):
        s.append(rng.choice(words + ["未知", "oov"]))
    if rng.random() < 0.3:
        s = [rng.choice(words)] + s
    if s:
        sentences.append(s)
for i in range(30):
    sentences.append([rng.choice(words + ["未知"]) for _ in range(rng.randint(1, 7))])

build_binary = sys.argv[1]


def reference(model):
    m = kenlm.Model(model)
    lines = []
    for i, s in enumerate(sentences):
        bos, eos = i % 5 != 1, i % 7 != 3
        text = " ".join(s)
        full = list(m.full_scores(text, bos=bos, eos=eos))
        lines.append("%s\t%d\t%d\t%.6f\t%s\t%s\n" % (
            text, bos, eos, m.score(text, bos=bos, eos=eos),
            ",".join("%.6f" % p for p, _, _ in full),
            ",".join(str(n) for _, n, _ in full)))
    return lines


references = {}
for name, args in [
    ("trie", []),
    ("quant", ["-q", "8", "-b", "8"]),
    ("array", ["-a", "64"]),
    ("quant_array", ["-q", "8", "-b", "8", "-a", "64"]),
]:
    out = os.path.join(HERE, "tiny.%s.bin" % name)
    subprocess.run([build_binary] + args + ["trie", arpa, out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    references[name] = reference(out)
# Array pointer compression does not change scores: one reference per value encoding.
assert references["trie"] == references["array"]
assert references["quant"] == references["quant_array"]
for name in ("trie", "quant"):
    with open(os.path.join(HERE, "tiny.%s.tsv" % name), "w") as f:
        f.writelines(references[name])

# A bigram model: no middle tables.
out = os.path.join(HERE, "tiny2.quant_array.bin")
subprocess.run([build_binary, "-q", "8", "-b", "8", "-a", "64", "trie", arpa2, out], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
with open(os.path.join(HERE, "tiny2.quant_array.tsv"), "w") as f:
    f.writelines(reference(out))
os.remove(arpa)
os.remove(arpa2)
