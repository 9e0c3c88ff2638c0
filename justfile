# ocrtidy recipes. A fresh machine needs only cargo: every recipe is a thin wrapper around
# commands written out in the README.

corpus_dir := "../shared/ocr-corpus"
corpus := corpus_dir / "dev.jsonl"

# Build the release binary.
build:
    cargo build --release

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
