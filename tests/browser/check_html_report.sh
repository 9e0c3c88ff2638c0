#!/usr/bin/env bash
# Renders an `ocrtidy clean --report out.html` page in headless Chromium and checks what the
# browser built: one change mark per ledger entry, the page's own script ran, a `<script>` and
# an `onerror` handler in the document did NOT run, and a screenshot is produced.
#
# Usage: tests/browser/check_html_report.sh [OCRTIDY_BINARY]   (default target/debug/ocrtidy)
# Installs Debian's chromium with apt-get when /usr/bin/chromium is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin="${1:-target/debug/ocrtidy}"
[ -x "$bin" ] || cargo build --quiet
out=target/browser
rm -rf "$out"
mkdir -p "$out"

if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium"
    apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
fi

# A page with things to clean (CRLF, trailing spaces, blank lines, a form feed) and hostile text.
printf '%s\r\n' \
    '　　第一段的文字，行末有空格。   ' \
    '' '' \
    '<script>document.body.setAttribute("data-pwned","script")</script>' \
    '<img src=x onerror="document.body.setAttribute(&quot;data-pwned&quot;,&quot;img&quot;)">' \
    'The quick brown fox  ' > "$out/input.txt"
printf '\f第二页\t\n\n' >> "$out/input.txt"

"$bin" clean "$out/input.txt" -o "$out/output.txt" --changes "$out/changes.jsonl" --report "$out/report.html"
expected=$(wc -l < "$out/changes.jsonl")
[ "$expected" -gt 0 ] || { echo "FAIL: the sample produced no change"; exit 1; }

chrome=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking
        --disable-component-update --no-first-run --user-data-dir="$out/profile")
url="file://$PWD/$out/report.html"
timeout 120 "${chrome[@]}" --dump-dom "$url" > "$out/dom.html" 2> "$out/chromium.log"
timeout 120 "${chrome[@]}" --window-size=1200,900 --screenshot="$PWD/$out/report.png" "$url" \
    >> "$out/chromium.log" 2>&1

fail=0
marks=$(grep -o '<mark [^>]*class="ch ' "$out/dom.html" | wc -l)
if [ "$marks" -ne "$expected" ]; then
    echo "FAIL: $marks change marks in the rendered DOM, expected $expected"; fail=1
fi
if ! grep -q 'data-ready="1"' "$out/dom.html"; then
    echo "FAIL: the report's own script did not run"; fail=1
fi
if grep -q 'data-pwned="' "$out/dom.html"; then
    echo "FAIL: script from the document ran"; fail=1
fi
if ! grep -q '&lt;script&gt;' "$out/dom.html"; then
    echo "FAIL: the document's <script> text is not shown escaped"; fail=1
fi
if [ ! -s "$out/report.png" ]; then
    echo "FAIL: no screenshot"; fail=1
fi
[ "$fail" -eq 0 ] && echo "ok: $marks change marks rendered, document scripts inert, screenshot $out/report.png"
exit "$fail"
