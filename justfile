# ocrtidy recipes. A fresh machine needs only cargo: every recipe is a thin wrapper around
# commands written out in the README.

corpus_dir := "../shared/ocr-corpus"
corpus := corpus_dir / "dev.jsonl"

# Build the release binary.
build:
    cargo build --release

# Build the release binary with line tables for profilers (perf, flamegraphs):
# target/profiling/ocrtidy. Release builds carry no debug info.
build-profiling:
    cargo build --profile profiling

# Run the whole test suite (what CI runs, without fmt/clippy).
test:
    cargo test --workspace

# Clean the bundled samples and show the changes.
demo: build
    ./target/release/ocrtidy clean data/samples/zh-newspaper.txt --changes target/demo-changes.jsonl
    ./target/release/ocrtidy clean data/samples/en-book.txt
    @echo "changes of the Chinese sample: target/demo-changes.jsonl"

# Criterion benchmarks of every pass and the default pipeline.
bench:
    cargo bench --bench passes

# Score raw OCR and ocrtidy's output on the OCR corpus (needs ../shared and python3 with rapidfuzz).
# Prints the raw vs cleaned table of `ocrtidy eval`, then checks that every metric agrees with
# score.py to 0.001 (on raw OCR and on the cleaned text); fails otherwise.
eval: build
    ./target/release/ocrtidy eval --corpus {{corpus}} --by engine,lang
    python3 scripts/check_eval.py --corpus {{corpus}} --bin target/release/ocrtidy

# The same corpus, each record cleaned from the engine output it carries (Tesseract's hOCR,
# RapidOCR's boxes) instead of its plain text; the raw row is still the plain OCR text.
eval-layout: build
    ./target/release/ocrtidy eval --corpus {{corpus}} --by engine,lang --layout-field hocr,boxes

# `eval-layout` with a KenLM word model weighing Chinese typo candidates (not shipped: Debian's
# libime-data-language-model has fcitx's zh_CN.lm; see data/README.md).
eval-lm lm="/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm": build
    ./target/release/ocrtidy eval --corpus {{corpus}} --by engine,lang --layout-field hocr,boxes --lm {{lm}}

# Fuzz targets on stable Rust (tests/fuzz.rs): decoding, the default pipeline, JSON Lines lines
# and every format reader, each run for about `secs` seconds in release mode with fresh random
# seeds; prints per target how many cases ran and for how long.
fuzz secs="120":
    OCRTIDY_FUZZ_SECS={{secs}} cargo test --release --test fuzz -- --nocapture --test-threads 1

# Clean text stays clean: cleans the corpus's ground truth and prints the share of characters
# changed per pass and rule and any deleted sentence (needs ../shared and python3). `split` is
# `all`, or `A`/`B` for one half of the documents (held-out checks of style thresholds).
gt-changes split="all": build
    python3 scripts/gt_changes.py --corpus {{corpus}} --bin target/release/ocrtidy --split {{split}}

# The Python package and its tests (the API, and the recipes of examples/ on Ray, Spark,
# datasets and datatrove) in a virtual environment under target/, as .ci/run's Python stage.
python-test: build
    python3 -m venv target/python-venv
    target/python-venv/bin/pip install -q -r python/tests/requirements.txt ./python
    OCRTIDY_BIN=target/release/ocrtidy target/python-venv/bin/python -m pytest python/tests
