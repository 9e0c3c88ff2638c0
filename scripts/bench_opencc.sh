#!/usr/bin/env bash
# Benchmark: `ocrtidy clean --passes script-convert --script t2s` against the OpenCC command line
# on the same generated Traditional Chinese input. Checks that the outputs are identical and
# prints both timings, throughputs and their ratio.
#
# Usage: scripts/bench_opencc.sh [LINES]      (default 100000 lines, about 8 MB)
# Env:   BIN=path/to/ocrtidy (default target/release/ocrtidy, built if missing), CONFIG=t2s
#
# Debian's `opencc` is installed only if it is missing (needs root or sudo); the ocrtidy build
# never needs it.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${1:-100000}
CONFIG=${CONFIG:-t2s}
BIN=${BIN:-target/release/ocrtidy}

if ! command -v opencc >/dev/null 2>&1; then
    echo "installing Debian's opencc for the benchmark..." >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq opencc >/dev/null
fi
[ -x "$BIN" ] || cargo build --release --quiet

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

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
awk -v n="$LINES" '
    { seed[NR] = $0 }
    END { for (i = 0; i < n; i++) printf "第%d条：%s\n", i, seed[i % NR + 1] }
' "$WORK/seed.txt" >"$WORK/simp.txt"
opencc -c s2t.json -i "$WORK/simp.txt" -o "$WORK/trad.txt"
BYTES=$(wc -c <"$WORK/trad.txt")

now() { date +%s.%N; }

t0=$(now)
opencc -c "$CONFIG.json" -i "$WORK/trad.txt" -o "$WORK/opencc.txt"
t1=$(now)
"$BIN" clean --passes script-convert --script "$CONFIG" "$WORK/trad.txt" >"$WORK/ocrtidy.txt"
t2=$(now)

# ocrtidy ends its output with one line feed of its own.
if cmp -s <(sed -e '$a\' "$WORK/opencc.txt") <(sed -e '$a\' "$WORK/ocrtidy.txt" | sed -e '${/^$/d}'); then
    same="identical"
else
    same="DIFFERENT"
fi

awk -v b="$BYTES" -v l="$LINES" -v a0="$t0" -v a1="$t1" -v a2="$t2" -v same="$same" -v cfg="$CONFIG" 'BEGIN {
    o = a1 - a0; r = a2 - a1
    printf "input: %d lines, %.1f MB (Traditional, generated), config %s\n", l, b / 1e6, cfg
    printf "opencc CLI        : %7.3f s  %7.1f MB/s\n", o, b / 1e6 / o
    printf "ocrtidy (+ledger) : %7.3f s  %7.1f MB/s\n", r, b / 1e6 / r
    printf "ratio ocrtidy/opencc time: %.2f   outputs: %s\n", r / o, same
}'
[ "$same" = "identical" ]
