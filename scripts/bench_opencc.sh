#!/usr/bin/env bash
# Benchmark: `ocrtidy clean --passes script-convert --script t2s` against the OpenCC command line
# on the same Traditional Chinese input. Checks that the outputs are identical and prints, over
# RUNS paired runs (OpenCC and ocrtidy alternate, so both see the same machine load), the median
# and best wall time, CPU time (user + system) and peak RSS of each, and the ratios: the median
# of the per-pair ratios and the ratio of the bests. A second ocrtidy line writes --changes too.
#
# Usage: scripts/bench_opencc.sh [LINES | FILE]
#   LINES: generate that many lines (default 100000, about 8 MB) from the seed sentences below;
#   FILE:  a Traditional Chinese UTF-8 text file to convert instead.
# Env:   BIN=path/to/ocrtidy (default target/release/ocrtidy, built if missing), CONFIG=t2s,
#        RUNS=5, OPENCC=the opencc command (default: the native binary of the Python package
#        `opencc` when it is installed, whose `opencc` script is a Python wrapper, else `opencc`)
#
# Debian's `opencc` is installed only if no OpenCC is found (needs root or sudo); the ocrtidy
# build never needs it.
set -euo pipefail
cd "$(dirname "$0")/.."

ARG=${1:-100000}
CONFIG=${CONFIG:-t2s}
BIN=${BIN:-target/release/ocrtidy}
RUNS=${RUNS:-5}

if [ -z "${OPENCC:-}" ]; then
    clib=$(python3 -c 'import opencc, os; print(os.path.join(os.path.dirname(opencc.__file__), "clib"))' 2>/dev/null || true)
    if [ -n "$clib" ] && [ -x "$clib/bin/opencc" ]; then
        OPENCC="$clib/bin/opencc"
        CONFIG_PATH="$clib/share/opencc/$CONFIG.json"
    fi
fi
if [ -z "${OPENCC:-}" ]; then
    if ! command -v opencc >/dev/null 2>&1; then
        echo "installing Debian's opencc for the benchmark..." >&2
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq >/dev/null
        $SUDO apt-get install -y -qq opencc >/dev/null
    fi
    OPENCC=opencc
fi
CONFIG_PATH=${CONFIG_PATH:-$CONFIG.json}
[ -x "$BIN" ] || cargo build --release --quiet -p ocrtidy-cli

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ -f "$ARG" ]; then
    INPUT=$ARG
    what="$(wc -l <"$INPUT") lines of $ARG"
else
    # Simplified seed sentences (written for this benchmark), varied per line and turned into
    # Traditional Chinese by OpenCC itself, so that t2s has real work on every line.
    cat >"$WORK/seed.txt" <<'EOF'
本报讯（记者 杨文）近日，本市召开疫情防控工作会议，要求以快制快、高效处置局部疫情。
这个软件包提供了网络服务器的配置工具，管理员可以通过图形界面设置各项参数。
学校的计算机实验室安装了新的操作系统，学生们在课堂上学习如何使用命令行。
开发者发布了新版本，修复了数据库连接的问题，并且改进了文档的翻译质量。
历史博物馆举办了书法展览，展出了许多珍贵的古代书画作品，吸引了大量游客。
经济发展需要稳定的环境，各级政府应当认真贯彻执行有关规定，为企业提供服务。
EOF
    awk -v n="$ARG" '
        { seed[NR] = $0 }
        END { for (i = 0; i < n; i++) printf "第%d条：%s\n", i, seed[i % NR + 1] }
    ' "$WORK/seed.txt" >"$WORK/simp.txt"
    "$OPENCC" -c "${CONFIG_PATH/$CONFIG.json/s2t.json}" -i "$WORK/simp.txt" -o "$WORK/trad.txt"
    INPUT=$WORK/trad.txt
    what="$ARG generated lines"
fi
BYTES=$(wc -c <"$INPUT")

# One timed run: appends "NAME wall cpu maxrss_kb" to the log.
timed() {
    local name=$1
    shift
    /usr/bin/time -f "$name %e %U %S %M" -a -o "$WORK/times" "$@"
}

for _ in $(seq "$RUNS"); do
    timed opencc "$OPENCC" -c "$CONFIG_PATH" -i "$INPUT" -o "$WORK/opencc.txt"
    timed ocrtidy "$BIN" clean --passes script-convert --script "$CONFIG" "$INPUT" \
        -o "$WORK/ocrtidy.txt"
    timed ocrtidy+changes "$BIN" clean --passes script-convert --script "$CONFIG" "$INPUT" \
        -o "$WORK/ocrtidy.txt" --changes "$WORK/changes.jsonl"
done

# ocrtidy ends its output with one line feed of its own.
if cmp -s <(sed -e '$a\' "$WORK/opencc.txt") <(sed -e '$a\' "$WORK/ocrtidy.txt" | sed -e '${/^$/d}'); then
    same="identical"
else
    same="DIFFERENT"
fi

python3 - "$WORK/times" "$BYTES" "$what" "$CONFIG" "$same" "$RUNS" <<'PY'
import statistics as st
import sys

path, size, what, config, same, runs = sys.argv[1:]
size = int(size)
runs_of = {}
for line in open(path):
    f = line.split()
    if len(f) == 5 and f[0] in ("opencc", "ocrtidy", "ocrtidy+changes"):
        runs_of.setdefault(f[0], []).append((float(f[1]), float(f[2]) + float(f[3]), int(f[4])))
print(f"input: {what}, {size / 1e6:.1f} MB (Traditional), config {config}, {runs} paired runs")
base = runs_of["opencc"]
for name, rs in runs_of.items():
    wall = [r[0] for r in rs]
    cpu = [r[1] for r in rs]
    line = (f"{name:16} wall median {st.median(wall):6.3f} s best {min(wall):6.3f} s"
            f"  cpu median {st.median(cpu):6.3f} s  max RSS {max(r[2] for r in rs) / 1024:6.1f} MB"
            f"  {size / 1e6 / min(wall):6.1f} MB/s")
    if name != "opencc":
        pairs = [a[0] / b[0] for a, b in zip(rs, base) if b[0] > 0]
        line += (f"  / opencc: median {st.median(pairs):.2f}"
                 f", best {min(wall) / max(min(r[0] for r in base), 1e-9):.2f}")
    print(line)
print(f"outputs: {same}")
PY
[ "$same" = "identical" ]
