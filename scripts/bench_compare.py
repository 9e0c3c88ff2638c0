#!/usr/bin/env python3
"""End-to-end performance figures of the `ocrtidy` binary, measured in one run, with
side-by-side ratios against what users run today (Python `ftfy.fix_text` for normalisation).

    cargo build --release
    python3 scripts/bench_compare.py [--mb 20] [--big-gb 1] [--skip-big] [--bin PATH]

Inputs are generated under /tmp from benches/data/{zh,en}.txt (one JSON Lines record per OCR
page) and removed at the end. Reported:
  - start-up: `ocrtidy clean -` on a one-line input (pipeline built, embedded data loaded),
    median of 15 runs;
  - JSON Lines throughput of the default pipeline and of the normalisation passes on 1 and 2
    threads: wall time and CPU time (user + sys), MB/s, MB/s of CPU time without the start-up
    (the median start-up CPU time of the same passes subtracted), the speed-up of 2 threads;
  - ftfy.fix_text over the same records (CPU time, one core) against ocrtidy's normalisation
    passes and default pipeline on one thread;
  - peak RSS (`/usr/bin/time -v`) while streaming a large generated JSONL file (the layout
    and normalisation passes, so that the engine's memory bound is what is measured) and the
    default pipeline on the smaller file.
Wall times are only meaningful on an otherwise idle machine; CPU times are reported too.
"""
import argparse
import json
import os
import pathlib
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "ocrtidy"
NORMALISE = "control-chars,newlines,unicode-forms,width,cjk-punct,cjk-spacing,trailing-space,blank-lines"
LAYOUT = "newlines,trailing-space,furniture,dehyphenate,line-join,blank-lines"


def pages():
    out = []
    for lang in ("zh", "en"):
        text = (ROOT / "benches" / "data" / f"{lang}.txt").read_text("utf-8")
        out += [(lang, p) for p in text.split("\f")]
    return out


def make_jsonl(path, target_bytes):
    ps = pages()
    size, i = 0, 0
    with open(path, "w", encoding="utf-8") as f:
        while size < target_bytes:
            lang, text = ps[i % len(ps)]
            line = json.dumps({"id": f"{lang}-{i}", "text": text, "lang": lang}, ensure_ascii=False) + "\n"
            f.write(line)
            size += len(line.encode("utf-8"))
            i += 1
    return i


def set_bin(path):
    global BIN
    BIN = pathlib.Path(path).resolve()


def timed(args, stdin=None):
    """Runs the binary under /usr/bin/time -v; returns (wall s, cpu s, peak RSS KB)."""
    cmd = ["/usr/bin/time", "-v", str(BIN)] + args
    with open(os.devnull, "wb") as devnull:
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=stdin, stdout=devnull, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        sys.exit(f"ocrtidy failed: {' '.join(args)}\n{err}")
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1))
    sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    return wall, user + sys_, rss


def startup(passes=None):
    """Median wall and CPU time of cleaning one line (the pipeline is built, data loaded)."""
    walls, cpus = [], []
    extra = ["--passes", passes] if passes else []
    for _ in range(15):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([str(BIN), "clean", "-", *extra], input="第一段  \n".encode(),
                       stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def ftfy_cpu(records):
    import ftfy

    texts = [r["text"] for r in records]
    t0 = time.process_time()
    for t in texts:
        ftfy.fix_text(t)
    return time.process_time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20, help="size of the throughput input (MB)")
    ap.add_argument("--big-gb", type=float, default=1.0, help="size of the peak-RSS input (GB)")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--bin", help="the ocrtidy binary (default: target/release/ocrtidy)")
    args = ap.parse_args()
    if args.bin:
        set_bin(args.bin)
    if not BIN.exists():
        sys.exit("build first: cargo build --release")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ocrtidy-bench-"))
    small = tmp / "docs.jsonl"
    n = make_jsonl(small, int(args.mb * 1e6))
    mb = small.stat().st_size / 1e6
    print(f"input: {n} records, {mb:.1f} MB ({small})")
    print(f"load: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    print(f"binary: {BIN}")
    for label, passes in (("default pipeline", None), ("newlines only", "newlines")):
        wall, cpu = startup(passes)
        print(f"start-up, {label} (clean of one line, median of 15): {wall * 1000:.0f} ms wall, "
              f"{cpu * 1000:.0f} ms cpu")
    print()
    print(f"{'what':34} {'thr':>3} {'wall s':>7} {'cpu s':>7} {'MB/s wall':>9} {'MB/s cpu':>9} "
          f"{'w/o start':>9} {'RSS MB':>7}")
    results = {}
    for name, passes in (("default pipeline", None), ("normalisation passes", NORMALISE),
                         ("layout passes", LAYOUT), ("engine only (newlines pass)", "newlines")):
        start_cpu = startup(passes)[1]
        for threads in (1, 2):
            a = ["clean", "--jsonl", "--quiet", "--threads", str(threads), str(small)]
            if passes:
                a += ["--passes", passes]
            wall, cpu, rss = timed(a)
            results[(name, threads)] = (wall, cpu)
            warm = mb / max(cpu - start_cpu, 1e-9)
            print(f"{name:34} {threads:>3} {wall:7.2f} {cpu:7.2f} {mb / wall:9.2f} {mb / cpu:9.2f} "
                  f"{warm:9.2f} {rss / 1024:7.1f}")
        w1, w2 = results[(name, 1)][0], results[(name, 2)][0]
        print(f"{'':34} 2 threads / 1 thread (wall): {w1 / w2:.2f}x")

    records = [json.loads(l) for l in small.open(encoding="utf-8")]
    f_cpu = ftfy_cpu(records)
    print()
    print(f"ftfy.fix_text (Python, 1 core): {f_cpu:.2f} s cpu, {mb / f_cpu:.2f} MB/s")
    for name in ("normalisation passes", "default pipeline"):
        cpu = results[(name, 1)][1]
        print(f"ocrtidy {name} (1 thread): {mb / cpu:.2f} MB/s cpu = {f_cpu / cpu:.2f}x ftfy")

    if not args.skip_big:
        big = tmp / "big.jsonl"
        nb = make_jsonl(big, int(args.big_gb * 1e9))
        gb = big.stat().st_size / 1e9
        wall, cpu, rss = timed(["clean", "--jsonl", "--quiet", "--passes", LAYOUT, str(big)])
        print()
        print(f"peak RSS streaming {gb:.2f} GB ({nb} records), layout passes, 2 threads: "
              f"{rss / 1024:.1f} MB ({wall:.0f} s wall, {gb * 1000 / wall:.1f} MB/s)")
        big.unlink()
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    main()
