//! Cleaning piece by piece (`ocrtidy::chunked`) gives the output and ledger of cleaning whole.

use ocrtidy::chunked::{clean_reader, ChunkError, ChunkOptions};
use ocrtidy::{Change, Config, PassId, Pipeline, ScriptConversion};
use proptest::prelude::*;

fn convert(script: ScriptConversion) -> Pipeline {
    let mut config = Config::default();
    config.script = Some(script);
    Pipeline::builder()
        .config(config)
        .only([PassId::ScriptConvert])
        .build()
        .unwrap()
}

/// What the command line makes of a whole UTF-8 input: cleaned without its BOM, ended with a
/// line feed, the BOM recorded.
fn whole(pipeline: &Pipeline, input: &str) -> (String, Vec<Change>) {
    let (bom, text) = match input.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", input),
    };
    let mut cleaned = pipeline.clean(text);
    ocrtidy::end_with_newline(&mut cleaned, text);
    ocrtidy::record_bom(&mut cleaned, bom);
    (cleaned.text, cleaned.changes)
}

/// The pieces put together, and how many there were.
fn chunked(pipeline: &Pipeline, input: &[u8], chunk_bytes: usize) -> (String, Vec<Change>, usize) {
    let mut options = ChunkOptions::default();
    options.chunk_bytes = chunk_bytes;
    let (mut text, mut changes) = (String::new(), Vec::new());
    let summary = clean_reader(pipeline, input, &options, |piece| {
        text.push_str(&piece.text);
        changes.extend(piece.changes);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap();
    assert_eq!(summary.bytes, input.len());
    (text, changes, summary.pieces)
}

fn check(pipeline: &Pipeline, input: &str, chunk_bytes: usize) {
    let (want_text, want_changes) = whole(pipeline, input);
    let (text, changes, _) = chunked(pipeline, input.as_bytes(), chunk_bytes);
    assert_eq!(text, want_text, "chunk {chunk_bytes}: {input:?}");
    assert_eq!(changes, want_changes, "chunk {chunk_bytes}: {input:?}");
    assert_eq!(
        ocrtidy::replay(input, &changes).as_deref(),
        Some(text.as_str())
    );
}

const TEXT: &str = "開放中文轉換（Open Chinese Convert）是一個開源項目，\n\
    它提供了一個完整配置的學校網絡的開箱即用環境。\r\n\
    \n\
    頭髮乾燥，鬱鬱蔥蔥的森林裡有許多動物。\n\
    ASCII only line\n\
    簡繁轉換⿰木東，著作權、一隻貓。";

#[test]
fn pieces_cut_anywhere_give_the_whole_result() {
    let t2s = convert(ScriptConversion::T2s);
    let s2twp = convert(ScriptConversion::S2twp);
    let simplified = t2s.clean(TEXT).text;
    for chunk in [4, 5, 7, 13, 32, 64, 100, 1 << 20] {
        check(&t2s, TEXT, chunk);
        check(&t2s, &format!("{TEXT}\n"), chunk);
        check(&t2s, &format!("\u{feff}{TEXT}\n\n"), chunk);
        check(&s2twp, &simplified, chunk);
    }
    check(&t2s, "", 4);
    check(&t2s, "\u{feff}", 4);
    check(&t2s, "\n", 4);
    check(&t2s, "頭髮", 4);
}

#[test]
fn a_small_chunk_makes_many_pieces_and_a_long_line_one() {
    let t2s = convert(ScriptConversion::T2s);
    let (_, _, pieces) = chunked(&t2s, TEXT.as_bytes(), 8);
    assert!(pieces >= 4, "{pieces}");
    let line = "頭髮乾燥".repeat(100);
    let (text, _, pieces) = chunked(&t2s, line.as_bytes(), 8);
    assert_eq!((text, pieces), (format!("{}\n", "头发干燥".repeat(100)), 1));
}

#[test]
fn only_line_local_pipelines_are_cut() {
    assert!(convert(ScriptConversion::T2s).is_local());
    let default = Pipeline::default();
    assert!(!default.is_local());
    let err = clean_reader(&default, &b"text\n"[..], &ChunkOptions::default(), |_| {
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_err();
    assert!(matches!(err, ChunkError::NotLocal(_)), "{err}");
}

#[test]
fn malformed_utf8_is_an_error_at_its_offset() {
    let t2s = convert(ScriptConversion::T2s);
    let mut input = "頭髮\n乾燥\n".repeat(4).into_bytes();
    input.insert(20, 0xff);
    let mut options = ChunkOptions::default();
    options.chunk_bytes = 8;
    let mut emitted = 0;
    let err = clean_reader(&t2s, &input[..], &options, |piece| {
        emitted += piece.text.len();
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_err();
    assert!(matches!(err, ChunkError::NotUtf8 { offset: 20 }), "{err}");
    // The pieces before it were emitted.
    assert_eq!(emitted, 14);
}

#[test]
fn a_failing_callback_stops_the_run() {
    let t2s = convert(ScriptConversion::T2s);
    let mut options = ChunkOptions::default();
    options.chunk_bytes = 8;
    let mut calls = 0;
    let err = clean_reader(&t2s, TEXT.as_bytes(), &options, |_| {
        calls += 1;
        Err("full")
    })
    .unwrap_err();
    assert!(matches!(err, ChunkError::Emit("full")));
    assert_eq!(calls, 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_any_chunk(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("頭髮"), Just("乾燥"), Just("著"), Just("一隻"), Just("於"), Just("\n"),
                Just("\r\n"), Just("\n\n"), Just(" "), Just("a"), Just("轉換"), Just("⿰"),
                Just("木東"), Just("\u{feff}"), Just("é"), Just("\u{c}"),
            ],
            0..40,
        ),
        chunk in 4usize..40,
        script in prop_oneof![
            Just(ScriptConversion::T2s),
            Just(ScriptConversion::S2t),
            Just(ScriptConversion::S2twp),
        ],
    ) {
        let input: String = parts.concat();
        check(&convert(script), &input, chunk);
    }
}
