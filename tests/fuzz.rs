//! Fuzz targets on stable Rust: proptest harnesses over decoding, the default pipeline, JSON
//! Lines lines and every format reader, each checking properties that must hold for any input.
//!
//! By default every target runs a small number of cases, so that `cargo test --workspace`
//! stays fast. With `OCRTIDY_FUZZ_SECS=N` each target runs for about N seconds instead
//! (proptest runners with fresh random seeds, one after another, until the time is spent) and
//! prints how many cases it ran; `just fuzz 300` runs them in release mode. `OCRTIDY_FUZZ_CASES`
//! overrides the default number of cases. A failure prints the minimal (shrunk) input.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use ocrtidy::stream::{clean_jsonl, JsonlOptions, LineReport, LineStatus};
use ocrtidy::{replay, Change, DecodeOptions, EncodingChoice, PassId, Pipeline};
use ocrtidy_formats::{Format, LayoutOptions};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, TestCaseResult, TestError, TestRunner};
use serde_json::value::RawValue;

// ---------------------------------------------------------------------------------------------
// The runner: a number of cases, or a time budget.

/// The time budget of each target, from `OCRTIDY_FUZZ_SECS`.
fn budget() -> Option<Duration> {
    let secs: f64 = std::env::var("OCRTIDY_FUZZ_SECS")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (secs > 0.0).then(|| Duration::from_secs_f64(secs))
}

/// Bytes shown literally where printable ASCII, escaped otherwise.
struct Escaped<'a>(&'a [u8]);

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

/// Runs `test` on values of `strategy`: `default_cases` of them, or, with a time budget, runner
/// after runner (each with a fresh random seed) until the budget is spent. Panics with the
/// minimal failing input on the first failure (a panic inside `test` is a failure too).
fn fuzz<S>(name: &str, default_cases: u32, strategy: S, test: impl Fn(&S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: fmt::Debug,
{
    let budget = budget();
    let cases = std::env::var("OCRTIDY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default_cases);
    let count = Mutex::new(0u64);
    let slowest = Mutex::new((Duration::ZERO, String::new()));
    let timed = |value: S::Value| {
        let t = Instant::now();
        let result = test(&value);
        let took = t.elapsed();
        *count.lock().unwrap() += 1;
        let mut slow = slowest.lock().unwrap();
        if took > slow.0 {
            let mut shown = format!("{value:?}");
            if shown.len() > 300 {
                let cut = (0..=300)
                    .rev()
                    .find(|&i| shown.is_char_boundary(i))
                    .unwrap();
                shown.truncate(cut);
                shown.push_str("...");
            }
            *slow = (took, shown);
        }
        result
    };
    let config = |cases: u32| Config {
        cases,
        failure_persistence: None,
        // Shrinking a failure found after minutes of fuzzing must not take hours.
        max_shrink_time: 120_000,
        max_shrink_iters: 1_000_000,
        ..Config::default()
    };
    let start = Instant::now();
    let mut chunk = 16u32;
    loop {
        let t = Instant::now();
        let mut runner = TestRunner::new(config(if budget.is_some() { chunk } else { cases }));
        match runner.run(&strategy, timed) {
            Ok(()) => {}
            Err(TestError::Fail(reason, value)) => panic!(
                "fuzz target `{name}` failed after {} cases in {:.1} s: {reason}\nminimal input: {value:#?}",
                count.lock().unwrap(),
                start.elapsed().as_secs_f64(),
            ),
            Err(TestError::Abort(reason)) => panic!("fuzz target `{name}` aborted: {reason}"),
        }
        let Some(budget) = budget else { break };
        if start.elapsed() >= budget {
            break;
        }
        // Runners of about a second each: fresh seeds often, little time over the budget.
        if t.elapsed() < Duration::from_millis(500) {
            chunk = chunk.saturating_mul(2);
        } else if t.elapsed() > Duration::from_secs(2) && chunk > 1 {
            chunk /= 2;
        }
    }
    if budget.is_some() {
        let (slow, input) = &*slowest.lock().unwrap();
        let stats = std::mem::take(&mut *STATS.0.lock().unwrap());
        if !stats.is_empty() {
            println!("fuzz {name}: outcomes {stats:?}");
        }
        println!(
            "fuzz {name}: {} cases in {:.1} s without a finding (slowest case {:.3} s: {input})",
            count.lock().unwrap(),
            start.elapsed().as_secs_f64(),
            slow.as_secs_f64(),
        );
    }
}

/// Counts of outcomes, printed with a target's summary: evidence that the inputs reach the code
/// past the first parse error.
struct Stats(Mutex<BTreeMap<&'static str, u64>>);

impl Stats {
    fn count(&self, what: &'static str) {
        *self.0.lock().unwrap().entry(what).or_default() += 1;
    }
}

static STATS: Stats = Stats(Mutex::new(BTreeMap::new()));

/// `n` copies of `s` concatenated.
fn repeated(s: &str, n: usize) -> String {
    s.repeat(n)
}

// ---------------------------------------------------------------------------------------------
// 1. Decoding.

/// Byte pieces that make the decoder's interesting cases: byte order marks, UTF-8, GBK,
/// GB18030 four-byte sequences, Big5, UTF-16 in both orders, NULs, broken sequences.
fn byte_piece() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        // BOMs, whole and partial.
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"\xEF\xBB",
        // UTF-8.
        "第一段".as_bytes(),
        "中文，".as_bytes(),
        "hello ".as_bytes(),
        "😀".as_bytes(),
        "e\u{301}".as_bytes(),
        "\u{fffd}".as_bytes(),
        b"\n",
        b"\r\n",
        b"\x0c",
        // GBK (中文, 第一段, 清徐县疫情) and GB18030 four-byte sequences (U+0080, U+10000,
        // U+20000).
        b"\xd6\xd0\xce\xc4",
        b"\xb5\xda\xd2\xbb\xb6\xce",
        b"\xc7\xe5\xd0\xec\xcf\xd8\xd2\xdf\xc7\xe9",
        b"\x81\x30\x81\x30",
        b"\x90\x30\x81\x30",
        b"\x95\x32\x82\x36",
        // Big5 (中文, 第一段).
        b"\xa4\xa4\xa4\xe5",
        b"\xb2\xc4\xa4\x40\xac\x71",
        // UTF-16LE and BE of 中文, a lone surrogate in each order.
        b"\x2d\x4e\x87\x65",
        b"\x4e\x2d\x65\x87",
        b"\x00\xd8",
        b"\xd8\x00",
        // NULs.
        b"\x00",
        b"\x00\x00\x00",
        // Broken UTF-8: stray continuation, lone lead bytes, truncated sequences, an encoded
        // surrogate, beyond U+10FFFF, overlong; an ISO-2022-JP escape.
        b"\x80",
        b"\xff",
        b"\xc0",
        b"\xe4\xb8",
        b"\xf0\x9f\x98",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xc0\xaf",
        b"\x1b\x24\x42",
    ];
    prop_oneof![
        6 => select(fixed).prop_map(<[u8]>::to_vec),
        2 => "[ -~]{1,8}".prop_map(String::into_bytes),
        1 => any::<u8>().prop_map(|b| vec![b]),
        1 => any::<char>().prop_map(|c| c.to_string().into_bytes()),
    ]
}

fn decode_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        3 => proptest::collection::vec(byte_piece(), 0..40).prop_map(|v| v.concat()),
    ]
}

/// The choices every input is decoded with.
fn encoding_choices() -> &'static [EncodingChoice] {
    static CHOICES: OnceLock<Vec<EncodingChoice>> = OnceLock::new();
    CHOICES.get_or_init(|| {
        let mut v = vec![EncodingChoice::Default, EncodingChoice::Auto];
        for label in [
            "utf-8",
            "gbk",
            "gb18030",
            "big5",
            "utf-16le",
            "utf-16be",
            "shift_jis",
            "iso-2022-jp",
            "windows-1252",
            "euc-kr",
        ] {
            v.push(EncodingChoice::parse(label).unwrap());
        }
        v
    })
}

fn bom_of(encoding: &str) -> &'static [u8] {
    match encoding {
        "UTF-8" => b"\xEF\xBB\xBF",
        "UTF-16LE" => b"\xFF\xFE",
        "UTF-16BE" => b"\xFE\xFF",
        _ => b"",
    }
}

/// Properties of one decoding of `bytes` with `choice`.
fn check_decoding(bytes: &[u8], choice: EncodingChoice) -> TestCaseResult {
    let decoded = ocrtidy_decode::decode(bytes, &DecodeOptions::new(choice));
    let (text, report) = (&decoded.text, &decoded.report);
    // A BOM that was removed is that encoding's BOM, at the start of the input.
    let bom = if report.bom {
        let bom = bom_of(report.encoding);
        prop_assert!(!bom.is_empty(), "BOM of {}", report.encoding);
        prop_assert!(bytes.starts_with(bom));
        prop_assert!(!report.detected);
        bom.len()
    } else {
        0
    };
    match choice {
        EncodingChoice::Forced(e) => {
            prop_assert!(!report.detected);
            if !report.bom {
                prop_assert_eq!(report.encoding, e.name());
            }
        }
        EncodingChoice::Default
            if !report.bom
                && std::str::from_utf8(bytes).is_ok()
                && ocrtidy_decode::detect_utf16(bytes).is_none() =>
        {
            // Valid UTF-8 without a BOM is taken as it is, unless it reads as UTF-16, which is
            // recognized first (`00 30 00 30` is valid UTF-8 with NULs, and UTF-16BE `00`).
            prop_assert_eq!(report.encoding, "UTF-8");
            prop_assert!(!report.detected);
            prop_assert_eq!(text.as_bytes(), bytes);
        }
        _ => {}
    }
    // Every invalid run lies inside the input after the BOM, in order, disjoint, non-empty, and
    // its U+FFFD is in the text at its offset.
    let mut prev_end = bom;
    let mut prev_text = 0;
    for (i, run) in report.invalid.iter().enumerate() {
        prop_assert!(
            prev_end <= run.input_start && run.input_start < run.input_end,
            "run {} {:?} after {}",
            i,
            run,
            prev_end
        );
        prop_assert!(run.input_end <= bytes.len(), "run {:?} past the input", run);
        prop_assert!(i == 0 || run.text_offset >= prev_text + 3);
        prop_assert_eq!(
            text.get(run.text_offset..run.text_offset + 3),
            Some("\u{fffd}")
        );
        prev_end = run.input_end;
        prev_text = run.text_offset;
    }
    let marks = text.matches('\u{fffd}').count();
    prop_assert!(
        marks >= report.invalid.len(),
        "fewer U+FFFD than invalid runs"
    );
    prop_assert_eq!(
        report.invalid_bytes(),
        report
            .invalid
            .iter()
            .map(|r| r.input_end - r.input_start)
            .sum::<usize>()
    );
    if report.encoding == "UTF-8" {
        let body = &bytes[bom..];
        // UTF-8 decoding is the standard lossy one...
        let lossy = String::from_utf8_lossy(body);
        prop_assert_eq!(text.as_str(), lossy.as_ref());
        // ...and the invalid runs are exactly the malformed sequences: what lies between them
        // is valid UTF-8, and the text is those pieces joined by U+FFFD.
        let mut rebuilt = String::new();
        let mut at = bom;
        for run in &report.invalid {
            let piece = std::str::from_utf8(&bytes[at..run.input_start]);
            prop_assert!(piece.is_ok(), "bytes between invalid runs are not UTF-8");
            rebuilt.push_str(piece.unwrap());
            rebuilt.push('\u{fffd}');
            at = run.input_end;
        }
        let tail = std::str::from_utf8(&bytes[at..]);
        prop_assert!(
            tail.is_ok(),
            "bytes after the last invalid run are not UTF-8"
        );
        rebuilt.push_str(tail.unwrap());
        prop_assert_eq!(&rebuilt, text);
    }
    // Deterministic.
    let again = ocrtidy_decode::decode(bytes, &DecodeOptions::new(choice));
    prop_assert_eq!(&again, &decoded);
    Ok(())
}

/// A text and its encoding in a legacy Chinese encoding, built from a table of known pairs.
fn legacy_text(
    table: &'static [(&'static [u8], &'static str)],
) -> impl Strategy<Value = (Vec<u8>, String)> {
    let piece = prop_oneof![
        3 => select(table).prop_map(|(b, s)| (b.to_vec(), s.to_string())),
        1 => "[ -~\n]{1,6}".prop_map(|s| (s.clone().into_bytes(), s)),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|v| {
        let bytes = v.iter().flat_map(|(b, _)| b.iter().copied()).collect();
        let text = v.iter().map(|(_, s)| s.as_str()).collect();
        (bytes, text)
    })
}

const GBK: &[(&[u8], &str)] = &[
    (b"\xd6\xd0\xce\xc4", "中文"),
    (b"\xb5\xda\xd2\xbb\xb6\xce", "第一段"),
    (b"\xc7\xe5\xd0\xec\xcf\xd8\xd2\xdf\xc7\xe9", "清徐县疫情"),
    (b"\xb7\xb1\xf3\x77\xd6\xd0\xce\xc4", "繁體中文"),
    (b"\xa3\xac", "，"),
    (b"\xa1\xa3", "。"),
    (b"\x81\x30\x81\x30", "\u{80}"),
    (b"\x90\x30\x81\x30", "\u{10000}"),
    (b"\x95\x32\x82\x36", "\u{20000}"),
];

const BIG5: &[(&[u8], &str)] = &[
    (b"\xa4\xa4\xa4\xe5", "中文"),
    (b"\xb2\xc4\xa4\x40\xac\x71", "第一段"),
    (b"\xc1\x63\xc5\xe9\xa4\xa4\xa4\xe5", "繁體中文"),
];

#[test]
fn fuzz_decoding() {
    fuzz("decoding", 256, decode_input(), |bytes| {
        for &choice in encoding_choices() {
            check_decoding(bytes, choice)?;
        }
        Ok(())
    });
}

#[test]
fn fuzz_decoding_known_encodings() {
    let gb18030 = EncodingChoice::parse("gb18030").unwrap();
    let gbk = EncodingChoice::parse("gbk").unwrap();
    let big5 = EncodingChoice::parse("big5").unwrap();
    let utf16 = (
        any::<String>(),
        any::<bool>(),
        any::<bool>(),
        legacy_text(GBK),
        legacy_text(BIG5),
    );
    fuzz(
        "decoding-known-encodings",
        128,
        utf16,
        |(s, le, with_bom, (gbk_bytes, gbk_text), (big5_bytes, big5_text))| {
            // UTF-16 with its BOM decodes to the text under every choice but another forced
            // encoding; without a BOM, forced to its own order.
            let label = if *le { "utf-16le" } else { "utf-16be" };
            let own = EncodingChoice::parse(label).unwrap();
            let mut bytes = Vec::new();
            if *with_bom {
                bytes.extend_from_slice(if *le { b"\xFF\xFE" } else { b"\xFE\xFF" });
            }
            for unit in s.encode_utf16() {
                bytes.extend_from_slice(&if *le {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            let choices: &[EncodingChoice] = if *with_bom {
                &[EncodingChoice::Default, EncodingChoice::Auto, own]
            } else {
                &[own]
            };
            // Without a BOM of its own, a text that starts with U+FEFF reads as one.
            let want = if *with_bom {
                s.as_str()
            } else {
                s.strip_prefix('\u{feff}').unwrap_or(s)
            };
            for &choice in choices {
                let d = ocrtidy_decode::decode(&bytes, &DecodeOptions::new(choice));
                prop_assert_eq!(d.text.as_str(), want, "{:?}", choice);
                prop_assert!(d.report.invalid.is_empty());
                prop_assert_eq!(d.report.encoding, if *le { "UTF-16LE" } else { "UTF-16BE" });
                check_decoding(&bytes, choice)?;
            }
            // GBK and Big5 text forced to its encoding decodes to the text, with no invalid run.
            for (choice, bytes, text) in [
                (gbk, gbk_bytes, gbk_text),
                (gb18030, gbk_bytes, gbk_text),
                (big5, big5_bytes, big5_text),
            ] {
                let d = ocrtidy_decode::decode(bytes, &DecodeOptions::new(choice));
                prop_assert_eq!(&d.text, text);
                prop_assert!(d.report.invalid.is_empty());
                check_decoding(bytes, choice)?;
                check_decoding(bytes, EncodingChoice::Default)?;
                check_decoding(bytes, EncodingChoice::Auto)?;
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// 2. The default pipeline.

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(Pipeline::default)
}

/// Text shaped like OCR output, with the characters passes are most likely to trip on: CJK and
/// Latin words, both widths of punctuation, every kind of space and break, form feeds,
/// hyphens, NUL and other control characters, combining marks, emoji sequences, long lines.
fn ocr_text() -> impl Strategy<Value = String> {
    let word = select(vec![
        "清徐",
        "疫情",
        "残疾人土",
        "安全关",
        "本报讯",
        "记者",
        "杨文",
        "以快制快",
        "伴随",
        "發展",
        "後來",
        "the",
        "infor-",
        "mation",
        "Linux",
        "well-",
        "known",
        "Page",
        "12",
        "3.5",
        "9:00",
        "第3版",
        "（下转第2版）",
        "— 4 —",
        "- 12 -",
        "a@b.com",
        "http://x.cn/a",
        "DebianEdu",
        "ｗｉｄｅ",
        "１２３",
        "カタカナ",
        "한국어",
        "Ⅻ",
        "①",
        "℃",
        "%",
        "$",
    ])
    .prop_map(str::to_string);
    let punct = select(vec![
        "，",
        ",",
        "。",
        ".",
        "：",
        ":",
        "；",
        ";",
        "！",
        "!",
        "？",
        "?",
        "（",
        "(",
        ")",
        "）",
        "〈",
        "《",
        "》",
        "“",
        "”",
        "‘",
        "’",
        "\"",
        "'",
        "「",
        "」",
        "|",
        "丨",
        "■",
        "•",
        "·",
        "~",
        "_",
        "—————",
        "……",
        "...",
        "\u{fffd}",
        "-",
        "‐",
        "‑",
        "–",
        "—",
        "―",
        "\u{ad}",
        "=",
        "*",
    ])
    .prop_map(str::to_string);
    let space = select(vec![
        " ",
        "  ",
        "\u{3000}",
        "\t",
        "\n",
        "\n\n",
        "\n\n\n",
        "\r\n",
        "\r",
        "\u{c}",
        "\n\u{c}\n",
        "\u{a0}",
        "\u{2028}",
        "\u{2029}",
        "\u{85}",
        "\u{b}",
        " \n",
    ])
    .prop_map(str::to_string);
    let odd = select(vec![
        "\u{0}",
        "\u{1}",
        "\u{7}",
        "\u{8}",
        "\u{1b}",
        "\u{7f}",
        "\u{9f}",
        "\u{200b}",
        "\u{200c}",
        "\u{200d}",
        "\u{2060}",
        "\u{feff}",
        "\u{202e}",
        "\u{2f08}",
        "\u{fb01}",
        "\u{fb00}",
        "e\u{301}",
        "\u{301}",
        "\u{308}\u{308}",
        "a\u{20dd}",
        "\u{fe0f}",
        "👨\u{200d}👩\u{200d}👧",
        "🇨🇳",
        "𠀀",
        "\u{e000}",
        "\u{fff9}",
        "\u{fffe}",
        "\u{10ffff}",
    ])
    .prop_map(str::to_string);
    let piece = prop_oneof![
        5 => word,
        3 => punct,
        3 => space,
        2 => odd,
        1 => any::<char>().prop_map(|c| c.to_string()),
        // A long line: one piece repeated.
        1 => (select(vec!["字", "ab ", "-", "，", "清徐 ", "\u{3000}", "x-\n"]), 20usize..400)
            .prop_map(|(s, n)| repeated(s, n)),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

/// The pipeline's invariants on one input: replay gives the output, changes lie on char
/// boundaries inside the input and the output, applied changes are disjoint, the output is a
/// fixed point.
fn check_pipeline(pipeline: &Pipeline, input: &str) -> TestCaseResult {
    let cleaned = pipeline.clean(input);
    let out = &cleaned.text;
    let replayed = replay(input, &cleaned.changes);
    prop_assert_eq!(
        replayed.as_deref(),
        Some(out.as_str()),
        "replaying the changes does not give the output"
    );
    let applied: Vec<&Change> = cleaned.applied().collect();
    for w in applied.windows(2) {
        prop_assert!(w[0].end <= w[1].start, "applied changes overlap: {:?}", w);
    }
    for c in &cleaned.changes {
        prop_assert!(c.start <= c.end && c.end <= input.len(), "{:?}", c);
        prop_assert!(input.is_char_boundary(c.start) && input.is_char_boundary(c.end));
        prop_assert_eq!(c.char_start, input[..c.start].chars().count());
        prop_assert_eq!(c.char_end, input[..c.end].chars().count());
        prop_assert!((0.0..=1.0).contains(&c.confidence), "{:?}", c);
        prop_assert!(
            c.out_start <= c.out_end && c.out_end <= out.len(),
            "{:?}",
            c
        );
        prop_assert!(out.is_char_boundary(c.out_start) && out.is_char_boundary(c.out_end));
        if c.applied {
            prop_assert_eq!(&input[c.start..c.end], c.before.as_str());
            prop_assert_eq!(&out[c.out_start..c.out_end], c.after.as_str());
        }
    }
    // Form feeds (page boundaries) are never inserted; only `blank-lines` removes any: at the
    // start and end of the text, and all but one of a run of them ("a run that contains a form
    // feed becomes `\n\f`").
    for c in cleaned.applied() {
        let (before, after) = (
            c.before.matches('\u{c}').count(),
            c.after.matches('\u{c}').count(),
        );
        if before != after {
            prop_assert!(after < before, "a form feed was inserted: {:?}", c);
            // The change may be fused with edits of other passes (its history).
            let rules: Vec<&str> = c
                .history
                .iter()
                .map(|s| (s.pass, s.rule))
                .chain([(c.pass, c.rule)])
                .filter(|&(pass, _)| pass == PassId::BlankLines)
                .map(|(_, rule)| rule)
                .collect();
            let edge = rules
                .iter()
                .any(|r| matches!(*r, "document-start" | "document-end"));
            if !edge {
                prop_assert!(
                    rules.contains(&"page-break"),
                    "form feed removed by {:?}",
                    c
                );
                prop_assert_eq!(after, 1, "a page break lost its form feed: {:?}", c);
            }
        }
    }
    let again = pipeline.clean(out);
    prop_assert_eq!(
        &again.text,
        out,
        "cleaning the output changed it: {:?}",
        again.applied().collect::<Vec<_>>()
    );
    Ok(())
}

/// Every pass of the default pipeline but `blank-lines`, the one pass that may remove form feeds.
fn pipeline_keeping_pages() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        Pipeline::builder()
            .skip([PassId::BlankLines])
            .build()
            .unwrap()
    })
}

#[test]
fn fuzz_default_pipeline() {
    let input = prop_oneof![
        4 => ocr_text(),
        1 => any::<String>(),
    ];
    fuzz("default-pipeline", 24, input, |s| {
        check_pipeline(pipeline(), s)?;
        // Without `blank-lines`, page boundaries survive every pass.
        let kept = pipeline_keeping_pages().clean(s);
        prop_assert_eq!(
            s.matches('\u{c}').count(),
            kept.text.matches('\u{c}').count(),
            "form feeds changed without blank-lines: {:?}",
            kept.applied().collect::<Vec<_>>()
        );
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// 3. JSON Lines lines.

/// A JSON string literal for `s`: serde_json's, or with every non-ASCII character escaped.
fn json_string(s: &str, ascii: bool) -> String {
    if !ascii {
        return serde_json::to_string(s).unwrap();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// The value of a text field: a string (sometimes huge), a broken string or not a string.
fn text_value() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (ocr_text(), any::<bool>()).prop_map(|(s, ascii)| json_string(&s, ascii)),
        1 => (ocr_text(), 50usize..400).prop_map(|(s, n)| json_string(&repeated(&s, n.min(20_000 / (s.len() + 1) + 1)), false)),
        2 => select(vec![
            // Lone and reversed surrogate escapes, a high surrogate before a non-surrogate.
            r#""\ud800  ""#, r#""\udc00\ud800""#, r#""\ud83d\u0041""#, r#""a\ud83d""#,
            // Raw control characters (invalid JSON) and a NUL escape (valid).
            "\"a\u{0}b\"", "\"a\tb  \"", r#""a\u0000b  ""#,
            // Bad escapes, unterminated strings.
            r#""\x41""#, r#""\u12""#, r#""abc"#, r#""\""#,
            // Not strings.
            "42", "-0", "1e400", "null", "true", r#"["a  "]"#, r#"{"text":"x  "}"#, "",
        ])
        .prop_map(str::to_string),
    ]
}

/// One input line, without its line end.
fn jsonl_line() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        6 => Just("\"text\"".to_string()),
        1 => Just("\"te\\u0078t\"".to_string()),
        1 => Just("\"Text\"".to_string()),
    ];
    let extra = select(vec![
        r#""id":1"#,
        r#""id":"a\"b""#,
        r#""id":null"#,
        r#""doc":"a""#,
        r#""doc":"b""#,
        r#""doc":1"#,
        r#""n":1e400"#,
        r#""n":123456789012345678901234567890"#,
        r#""n":-0.0e-999"#,
        r#""m":{"text":"x  ","a":[[[[{}]]]]}"#,
        r#""s":"\u0000\ud83d\ude00""#,
        r#""":"""#,
        r#""layout":"<html/>""#,
        r#""layout":"[[[[0,0],[90,0],[90,20],[0,20]],\"第一行  \",0.9]]""#,
        r#""layout":{"lines":[{"box":[0,0,5,5],"text":"行  ","score":1}]}"#,
        r#""layout":"no/such/file.hocr""#,
        r#""layout":null"#,
    ]);
    let sep = select(vec!["", " ", "  ", "\t", " \r "]);
    let record = (
        key.clone(),
        text_value(),
        proptest::collection::vec(extra, 0..4),
        proptest::option::weighted(0.1, (key, text_value())),
        sep,
        any::<u64>(),
    )
        .prop_map(|(key, value, extras, dup, sep, shuffle)| {
            let mut fields: Vec<String> = extras.into_iter().map(str::to_string).collect();
            fields.push(format!("{key}{sep}:{sep}{value}"));
            if let Some((k, v)) = dup {
                fields.push(format!("{k}:{v}"));
            }
            // A cheap deterministic shuffle.
            let n = fields.len();
            for i in (1..n).rev() {
                let j = (shuffle.rotate_left(i as u32 * 7) as usize) % (i + 1);
                fields.swap(i, j);
            }
            format!(
                "{sep}{{{sep}{}{sep}}}{sep}",
                fields.join(&format!(",{sep}"))
            )
            .into_bytes()
        })
        .boxed();
    let damaged = (record.clone(), any::<Index>(), 0u8..4, any::<u8>()).prop_map(
        |(mut line, at, how, byte)| {
            let i = at.index(line.len() + 1);
            match how {
                0 => line.truncate(i),
                1 => line.insert(i, byte),
                2 => {
                    if i < line.len() {
                        line[i] ^= byte | 1;
                    }
                }
                _ => line.extend_from_slice(b" trailing"),
            }
            line
        },
    );
    prop_oneof![
        10 => record,
        3 => damaged,
        1 => select(vec!["", " ", "\t", "\r", "[]", "[\"text\", \"x  \"]", "{}", "{", "}", "null",
            "\u{feff}{\"text\":\"a  \"}", "\u{0}", "{\"text\":\"a\"}{\"text\":\"b\"}"])
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => Just(()).prop_map(|()| format!("{}1{}", "[".repeat(200), "]".repeat(200)).into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

#[derive(Clone)]
struct JsonlCase {
    input: Vec<u8>,
    threads: usize,
    batch_lines: usize,
    batch_bytes: usize,
    max_line_bytes: Option<usize>,
    group: bool,
    layout: bool,
}

impl fmt::Debug for JsonlCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonlCase")
            .field("input", &Escaped(&self.input))
            .field("threads", &self.threads)
            .field("batch_lines", &self.batch_lines)
            .field("batch_bytes", &self.batch_bytes)
            .field("max_line_bytes", &self.max_line_bytes)
            .field("group", &self.group)
            .field("layout", &self.layout)
            .finish()
    }
}

fn jsonl_case() -> impl Strategy<Value = JsonlCase> {
    let line = (jsonl_line(), select(vec!["\n", "\n", "\n", "\r\n"]));
    (
        proptest::collection::vec(line, 0..12),
        any::<bool>(),
        any::<bool>(),
        1usize..3,
        1usize..8,
        1usize..4096,
        proptest::option::weighted(0.3, 16usize..2048),
        proptest::option::weighted(0.2, Just(())),
        any::<bool>(),
    )
        .prop_map(
            |(
                lines,
                last_end,
                bom,
                threads,
                batch_lines,
                batch_bytes,
                max_line_bytes,
                group,
                layout,
            )| {
                let mut input = Vec::new();
                if bom {
                    input.extend_from_slice(b"\xEF\xBB\xBF");
                }
                let n = lines.len();
                for (i, (line, end)) in lines.into_iter().enumerate() {
                    input.extend_from_slice(&line);
                    if i + 1 < n || last_end {
                        input.extend_from_slice(end.as_bytes());
                    }
                }
                JsonlCase {
                    input,
                    threads,
                    batch_lines,
                    batch_bytes,
                    max_line_bytes,
                    group: group.is_some(),
                    layout,
                }
            },
        )
}

/// The line without its line end (`\n` or `\r\n`), and the line end.
fn split_end(line: &[u8]) -> (&[u8], &[u8]) {
    let n = if line.ends_with(b"\r\n") {
        2
    } else {
        usize::from(line.ends_with(b"\n"))
    };
    line.split_at(line.len() - n)
}

/// The fields of a JSON object line (the last of duplicate keys), read independently of the
/// engine; `None` when the line is not one JSON object.
fn fields(content: &[u8]) -> Option<BTreeMap<String, &RawValue>> {
    let s = std::str::from_utf8(content).ok()?;
    serde_json::from_str(s).ok()
}

fn check_jsonl(case: &JsonlCase) -> TestCaseResult {
    let mut options = JsonlOptions::default();
    options.threads = Some(case.threads);
    options.batch_lines = case.batch_lines;
    options.batch_bytes = case.batch_bytes;
    if let Some(max) = case.max_line_bytes {
        options.max_line_bytes = max;
    }
    if case.group {
        options.group_by = vec!["doc".to_string()];
    }
    if case.layout {
        options.layout_fields = vec!["layout".to_string()];
    }
    let mut out = Vec::new();
    let mut reports: Vec<LineReport> = Vec::new();
    let summary = clean_jsonl(pipeline(), &case.input[..], &mut out, &options, |r| {
        reports.push(r.clone());
        Ok(())
    });
    prop_assert!(summary.is_ok(), "{:?}", summary.err());
    let summary = summary.unwrap();
    let in_lines: Vec<&[u8]> = case.input.split_inclusive(|&b| b == b'\n').collect();
    let out_lines: Vec<&[u8]> = out.split_inclusive(|&b| b == b'\n').collect();
    // Exactly one output line and one report per input line, in order.
    prop_assert_eq!(out_lines.len(), in_lines.len());
    prop_assert_eq!(reports.len(), in_lines.len());
    prop_assert_eq!(summary.lines, in_lines.len() as u64);
    prop_assert_eq!(summary.output_bytes, out.len() as u64);
    prop_assert_eq!(summary.input_bytes, case.input.len() as u64);
    for (i, ((input, output), report)) in in_lines.iter().zip(&out_lines).zip(&reports).enumerate()
    {
        prop_assert_eq!(report.line, i as u64 + 1);
        prop_assert_eq!(report.input_bytes, input.len() as u64);
        prop_assert_eq!(report.output_bytes, output.len() as u64);
        let (in_content, in_end) = split_end(input);
        let (out_content, out_end) = split_end(output);
        prop_assert_eq!(in_end, out_end, "line {}: line end changed", i + 1);
        let json = if i == 0 {
            in_content
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(in_content)
        } else {
            in_content
        };
        let in_fields = fields(json);
        let in_text: Option<String> = in_fields
            .as_ref()
            .and_then(|f| f.get("text"))
            .and_then(|v| serde_json::from_str(v.get()).ok());
        let fits = input.len() <= options.max_line_bytes;
        match report.status {
            LineStatus::Changed => {
                // Only the text field changed, to the cleaned text.
                prop_assert_ne!(input, output);
                prop_assert!(in_text.is_some(), "line {}: changed but has no text", i + 1);
                let out_json = if i == 0 {
                    out_content
                        .strip_prefix(b"\xEF\xBB\xBF")
                        .unwrap_or(out_content)
                } else {
                    out_content
                };
                let out_fields = fields(out_json);
                prop_assert!(
                    out_fields.is_some(),
                    "line {}: output is not an object",
                    i + 1
                );
                let (mut a, mut b) = (in_fields.unwrap(), out_fields.unwrap());
                let new_text: Option<String> = b
                    .remove("text")
                    .and_then(|v| serde_json::from_str(v.get()).ok());
                a.remove("text");
                let a: Vec<(&String, &str)> = a.iter().map(|(k, v)| (k, v.get())).collect();
                let b: Vec<(&String, &str)> = b.iter().map(|(k, v)| (k, v.get())).collect();
                prop_assert_eq!(a, b, "line {}: another field changed", i + 1);
                prop_assert!(new_text.is_some());
                if !case.group && !report.from_layout {
                    let want = pipeline().clean(in_text.as_deref().unwrap()).text;
                    prop_assert_eq!(new_text.unwrap(), want);
                }
            }
            status => {
                // Not cleaned or unchanged: byte for byte.
                prop_assert_eq!(Escaped(input), Escaped(output), "line {}", i + 1);
                if status == LineStatus::Unchanged && !case.group && !report.from_layout {
                    if let Some(t) = &in_text {
                        prop_assert_eq!(&pipeline().clean(t).text, t);
                    }
                }
                if status == LineStatus::Blank {
                    prop_assert!(json.iter().all(u8::is_ascii_whitespace));
                }
                // A line that is one JSON object with a string text field is cleaned.
                if status == LineStatus::Error && fits {
                    prop_assert!(
                        in_text.is_none(),
                        "line {} is a record but was reported as {:?}",
                        i + 1,
                        report.error
                    );
                }
            }
        }
        STATS.count(match report.status {
            LineStatus::Changed => "changed",
            LineStatus::Unchanged => "unchanged",
            LineStatus::Blank => "blank",
            LineStatus::Error => "error",
        });
        if report.from_layout {
            STATS.count("from-layout");
        }
        if report.status == LineStatus::Error {
            prop_assert!(report.error.is_some());
        } else {
            prop_assert!(report.error.is_none());
        }
    }
    Ok(())
}

impl PartialEq for Escaped<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

#[test]
fn fuzz_jsonl_lines() {
    fuzz("jsonl-lines", 12, jsonl_case(), check_jsonl);
}

// ---------------------------------------------------------------------------------------------
// 4. Format readers.

macro_rules! fixture {
    ($name:literal, $format:expr) => {
        (
            $name,
            $format,
            include_str!(concat!("../crates/ocrtidy-formats/tests/fixtures/", $name)),
        )
    };
}

/// Small valid (and a few broken) documents of every format, from the formats crate's tests.
const SEEDS: &[(&str, Format, &str)] = &[
    fixture!("kraken.hocr", Format::Hocr),
    fixture!("tesseract.hocr", Format::Hocr),
    fixture!("truncated.hocr", Format::Hocr),
    fixture!("broken-bbox.hocr", Format::Hocr),
    fixture!("sample.alto.xml", Format::Alto),
    fixture!("hyphen.alto.xml", Format::Alto),
    fixture!("broken.alto.xml", Format::Alto),
    fixture!("sample.page.xml", Format::Page),
    fixture!("levels.page.xml", Format::Page),
    fixture!("broken.page.xml", Format::Page),
    fixture!("sample.tsv", Format::TesseractTsv),
    fixture!("broken.tsv", Format::TesseractTsv),
    fixture!("paddle2.json", Format::PaddleOcrJson),
    fixture!("paddle3.json", Format::PaddleOcrJson),
    fixture!("broken-paddle.json", Format::PaddleOcrJson),
    fixture!("rapidocr-merged.json", Format::RapidOcrJson),
    fixture!("rapidocr-triples.json", Format::RapidOcrJson),
    fixture!("rapidocr-two-column.json", Format::RapidOcrJson),
    fixture!("broken-rapidocr.json", Format::RapidOcrJson),
    fixture!("truncated-rapidocr.json", Format::RapidOcrJson),
];

/// Pieces inserted into documents: tags of every format, entities (valid, invalid, huge),
/// markup edge cases, JSON and TSV syntax, odd characters.
const TOKENS: &[&str] = &[
    "<span class='ocrx_word' title='bbox 1 2 3 4; x_wconf 90'>字</span>",
    "<span class='ocr_line' title='bbox 0 0 99999999999 -5'>",
    "<div class='ocr_page' title='bbox 0 0 0 0'>",
    "<p class='ocr_par'>",
    "</span>",
    "</div>",
    "<String CONTENT='x' HPOS='-5' VPOS='1e9' WIDTH='NaN' HEIGHT='0' WC='7'/>",
    "<TextLine>",
    "</TextLine>",
    "<TextBlock ID='tb1'>",
    "<HYP CONTENT='-'/>",
    "<Word id='w1'><Coords points='1,1 -5,1 5,99999999999'/><TextEquiv><Unicode>x</Unicode></TextEquiv></Word>",
    "<TextEquiv conf='2'><Unicode>",
    "</Unicode></TextEquiv>",
    "<Coords points=''/>",
    "<Point x='-1' y='1e308'/>",
    "&amp;",
    "&lt;",
    "&#x0;",
    "&#xD800;",
    "&#1114112;",
    "&#x4e00;",
    "&#99999999999999999999;",
    "&bogus;",
    "&",
    "<!--",
    "-->",
    "<![CDATA[x]]>",
    "<![CDATA[",
    "<?xml version='1.0'?>",
    "<!DOCTYPE x [<!ENTITY a 'bbbbbbbb'>]>",
    "<",
    ">",
    "/>",
    "'",
    "\"",
    "=",
    " title='bbox 1 2 3 4'",
    " id='dup'",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "null",
    "[[0,0],[1,0],[1,1],[0,1]]",
    "[[[[0,0],[9,0],[9,9],[0,9]],[\"行\",0.5]]]",
    "{\"box\":[0,0,5,5],\"text\":\"行\",\"score\":-1}",
    "\t",
    "\n",
    "\r\n",
    "5\t1\t1\t1\t1\t1\t-1\t-2\t99999999999\t4\t90\t词\n",
    "\u{0}",
    "\u{feff}",
    "\u{fffd}",
    "字",
    "\u{c}",
    "bbox",
    "x_wconf",
];

/// Numbers that replace a number of the document.
const NUMBERS: &[&str] = &[
    "-1",
    "-999999",
    "0",
    "-0",
    "99999999999",
    "4294967296",
    "18446744073709551616",
    "1e308",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "3.4e38",
    "1e-320",
    "0.5",
    "",
    "1.2.3",
    "0x10",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// XOR a byte.
    Flip(Index, u8),
    /// Cut the document here.
    Truncate(Index),
    /// Delete up to this many bytes.
    Delete(Index, usize),
    /// Copy a range (up to this long) to another place: duplicated and nested elements.
    Duplicate(Index, usize, Index),
    /// Repeat a range (up to this long) in place this many times.
    Repeat(Index, usize, usize),
    /// Insert a token.
    Insert(Index, &'static str),
    /// Replace the n-th number of the document.
    Number(Index, &'static str),
    /// Copy a whole line (often a whole element or TSV row) before another line.
    Line(Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (any::<Index>(), 1usize..600, any::<Index>()).prop_map(|(i, n, j)| Mutation::Duplicate(i, n, j)),
        1 => (any::<Index>(), 1usize..200, 2usize..60).prop_map(|(i, n, k)| Mutation::Repeat(i, n, k)),
        2 => (any::<Index>(), select(TOKENS)).prop_map(|(i, t)| Mutation::Insert(i, t)),
        6 => (any::<Index>(), select(NUMBERS)).prop_map(|(i, t)| Mutation::Number(i, t)),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::Line(i, j)),
    ]
}

fn apply(doc: &mut Vec<u8>, m: &Mutation) {
    let len = doc.len();
    match *m {
        Mutation::Flip(i, b) => {
            if len > 0 {
                doc[i.index(len)] ^= b;
            }
        }
        Mutation::Truncate(i) => doc.truncate(i.index(len + 1)),
        Mutation::Delete(i, n) => {
            let at = i.index(len + 1);
            doc.drain(at..(at + n).min(len));
        }
        Mutation::Duplicate(i, n, j) => {
            let at = i.index(len + 1);
            let piece = doc[at..(at + n).min(len)].to_vec();
            let to = j.index(len + 1);
            doc.splice(to..to, piece);
        }
        Mutation::Repeat(i, n, k) => {
            let at = i.index(len + 1);
            let end = (at + n).min(len);
            let piece = doc[at..end].repeat(k);
            doc.splice(at..end, piece);
        }
        Mutation::Insert(i, t) => {
            let at = i.index(len + 1);
            doc.splice(at..at, t.bytes());
        }
        Mutation::Number(i, t) => {
            let mut numbers = Vec::new();
            let mut k = 0;
            while k < len {
                if doc[k].is_ascii_digit() {
                    let start = if k > 0 && doc[k - 1] == b'-' {
                        k - 1
                    } else {
                        k
                    };
                    while k < len && (doc[k].is_ascii_digit() || doc[k] == b'.') {
                        k += 1;
                    }
                    numbers.push(start..k);
                } else {
                    k += 1;
                }
            }
            if !numbers.is_empty() {
                let r = numbers[i.index(numbers.len())].clone();
                doc.splice(r, t.bytes());
            }
        }
        Mutation::Line(i, j) => {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(
                    doc.iter()
                        .enumerate()
                        .filter(|&(_, &b)| b == b'\n')
                        .map(|(k, _)| k + 1),
                )
                .filter(|&k| k < len)
                .collect();
            if !starts.is_empty() {
                let k = i.index(starts.len());
                let end = starts.get(k + 1).copied().unwrap_or(len);
                let line = doc[starts[k]..end].to_vec();
                let to = starts[j.index(starts.len())];
                doc.splice(to..to, line);
            }
        }
    }
}

#[derive(Clone)]
struct FormatCase {
    seed: usize,
    mutations: Vec<Mutation>,
    other: Format,
    printed_lines: bool,
    keep_lines: bool,
    keep_furniture: bool,
}

impl FormatCase {
    fn document(&self) -> String {
        let mut doc = SEEDS[self.seed].2.as_bytes().to_vec();
        for m in &self.mutations {
            apply(&mut doc, m);
        }
        String::from_utf8_lossy(&doc).into_owned()
    }
}

impl fmt::Debug for FormatCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormatCase")
            .field("seed", &SEEDS[self.seed].0)
            .field("mutations", &self.mutations)
            .field("other", &self.other)
            .field("printed_lines", &self.printed_lines)
            .field("keep_lines", &self.keep_lines)
            .field("keep_furniture", &self.keep_furniture)
            .field("document", &self.document())
            .finish()
    }
}

fn format_case() -> impl Strategy<Value = FormatCase> {
    (
        0..SEEDS.len(),
        prop_oneof![
            3 => proptest::collection::vec(mutation(), 0..4),
            1 => proptest::collection::vec(mutation(), 4..12),
        ],
        select(Format::ALL.to_vec()),
        any::<(bool, bool, bool)>(),
    )
        .prop_map(
            |(seed, mutations, other, (printed_lines, keep_lines, keep_furniture))| FormatCase {
                seed,
                mutations,
                other,
                printed_lines,
                keep_lines,
                keep_furniture,
            },
        )
}

/// What the formats crate promises of a conversion: spans sorted, disjoint and inside the
/// text on char boundaries, confidences in 0..=1, line-break hints on distinct `\n`s.
fn check_converted(out: &ocrtidy_formats::Converted) -> TestCaseResult {
    let mut end = 0;
    for s in &out.spans {
        prop_assert!(
            s.range.start >= end && s.range.start <= s.range.end,
            "{:?}",
            s
        );
        prop_assert!(out.text.get(s.range.clone()).is_some(), "{:?}", s);
        if let Some(c) = s.conf {
            prop_assert!(
                (0.0..=1.0).contains(&c),
                "confidence {} out of 0..=1: {:?}",
                c,
                s
            );
        }
        end = s.range.end;
    }
    for w in out.breaks.windows(2) {
        prop_assert!(w[0].at < w[1].at);
    }
    for b in &out.breaks {
        prop_assert_eq!(out.text.as_bytes().get(b.at), Some(&b'\n'));
    }
    Ok(())
}

fn check_format(case: &FormatCase) -> TestCaseResult {
    let doc = case.document();
    let own = SEEDS[case.seed].1;
    let mut options = LayoutOptions::default();
    options.printed_lines = case.printed_lines;
    options.keep_lines = case.keep_lines;
    if case.keep_furniture {
        options.furniture = ocrtidy_formats::Furniture::Keep;
    }
    for format in [own, Format::Auto, case.other] {
        let _ = ocrtidy_formats::read(&doc, format);
        match ocrtidy_formats::convert(&doc, format, &options) {
            Ok(out) => {
                check_converted(&out)?;
                if format == own {
                    STATS.count(if out.spans.is_empty() {
                        "own-format-empty"
                    } else {
                        "own-format-ok"
                    });
                }
            }
            Err(e) if format == own => STATS.count(match e.kind {
                ocrtidy_formats::ErrorKind::Syntax(_) => "own-format-error-syntax",
                ocrtidy_formats::ErrorKind::Structure(_) => "own-format-error-structure",
                ocrtidy_formats::ErrorKind::Value(_) => "own-format-error-value",
                _ => "own-format-error-other",
            }),
            Err(_) => {}
        }
    }
    // `Auto` is the detected format.
    let body = doc.strip_prefix('\u{feff}').unwrap_or(&doc);
    if let Ok(detected) = ocrtidy_formats::detect(body) {
        prop_assert_ne!(detected, Format::Auto);
        let auto = ocrtidy_formats::convert(&doc, Format::Auto, &options);
        let direct = ocrtidy_formats::convert(&doc, detected, &options);
        prop_assert_eq!(auto, direct);
    }
    // Writing corrections back into the damaged document fails cleanly or not at all.
    if matches!(own, Format::Hocr | Format::Alto | Format::Page) {
        let texts: HashMap<String, String> =
            ["w1", "s1", "s2", "word_1_1", "l1", "r_top_l1", "dup"]
                .iter()
                .map(|id| (id.to_string(), "改".to_string()))
                .collect();
        let _ = ocrtidy_formats::write_back(&doc, own, &texts);
    }
    Ok(())
}

#[test]
fn fuzz_format_readers() {
    fuzz("format-readers", 256, format_case(), check_format);
}
