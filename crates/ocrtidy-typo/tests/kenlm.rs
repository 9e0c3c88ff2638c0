//! Tests of the KenLM binary reader.
//!
//! The fixtures in `tests/kenlm_data` are a small random order-4 model converted by KenLM's own
//! `build_binary` into the four trie types, and a bigram model, with reference scores from the
//! python `kenlm` module (`make_fixtures.py` regenerates them; KenLM inserts "blank" n-grams for
//! some of the 4-grams, which the references cover too). Tests on fcitx/libime's `zh_CN.lm` run when the file is
//! present (`KENLM_MODEL`, default the Debian path under /work/lm) and print a note otherwise.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ocrtidy_typo::kenlm::{KenLm, LmError, ModelType};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/kenlm_data")
        .join(name)
}

const FIXTURES: [(&str, ModelType, &str); 4] = [
    ("tiny.trie.bin", ModelType::Trie, "tiny.trie.tsv"),
    ("tiny.quant.bin", ModelType::QuantTrie, "tiny.quant.tsv"),
    ("tiny.array.bin", ModelType::ArrayTrie, "tiny.trie.tsv"),
    (
        "tiny.quant_array.bin",
        ModelType::QuantArrayTrie,
        "tiny.quant.tsv",
    ),
];

/// One line of a reference file: a sentence scored by python `kenlm`.
struct Reference {
    words: Vec<String>,
    bos: bool,
    eos: bool,
    total: f32,
    scores: Vec<f32>,
    lengths: Vec<u8>,
}

fn references(path: &Path) -> Vec<Reference> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "{line}");
            Reference {
                words: f[0].split(' ').map(str::to_string).collect(),
                bos: f[1] == "1",
                eos: f[2] == "1",
                total: f[3].parse().unwrap(),
                scores: f[4].split(',').map(|s| s.parse().unwrap()).collect(),
                lengths: f[5].split(',').map(|s| s.parse().unwrap()).collect(),
            }
        })
        .collect()
}

/// Compares the reader with the references; returns (words compared, largest difference).
fn compare(lm: &KenLm, refs: &[Reference], tolerance: f32) -> (usize, f32) {
    let mut worst = 0f32;
    let mut n = 0;
    for r in refs {
        let words: Vec<&str> = r.words.iter().map(String::as_str).collect();
        let scores = lm.sentence_scores(&words, r.bos, r.eos);
        assert_eq!(scores.len(), r.scores.len(), "{words:?}");
        for (i, (got, want)) in scores.iter().zip(&r.scores).enumerate() {
            let diff = (got.log10_prob - want).abs();
            worst = worst.max(diff);
            assert!(
                diff <= tolerance,
                "{words:?} word {i}: {} vs python kenlm {want}",
                got.log10_prob
            );
            assert_eq!(got.ngram_length, r.lengths[i], "{words:?} word {i}");
            n += 1;
        }
        let total = lm.sentence_logprob(&words, r.bos, r.eos);
        let diff = (total - r.total).abs();
        worst = worst.max(diff);
        assert!(diff <= tolerance, "{words:?}: {total} vs {}", r.total);
    }
    (n, worst)
}

#[test]
fn fixtures_match_python_kenlm() {
    for (bin, model_type, tsv) in FIXTURES {
        let lm = KenLm::open(data(bin)).unwrap();
        assert_eq!(lm.model_type(), model_type, "{bin}");
        assert_eq!(lm.order(), 4);
        assert_eq!(lm.counts()[0] as usize, lm.vocab_size());
        let refs = references(&data(tsv));
        assert!(refs.len() >= 100);
        let (n, worst) = compare(&lm, &refs, 1e-4);
        assert!(n > 500, "{bin}: {n} words");
        assert!(worst <= 1e-4, "{bin}: {worst}");
    }
}

#[test]
fn bigram_fixture_matches_python_kenlm() {
    let lm = KenLm::open(data("tiny2.quant_array.bin")).unwrap();
    assert_eq!(lm.model_type(), ModelType::QuantArrayTrie);
    assert_eq!(lm.order(), 2);
    let refs = references(&data("tiny2.quant_array.tsv"));
    assert!(refs.iter().any(|r| r.lengths.contains(&2)));
    let (n, worst) = compare(&lm, &refs, 1e-4);
    assert!(n > 500 && worst <= 1e-4, "{n} {worst}");
}

#[test]
fn fixture_references_reach_every_order() {
    let refs = references(&data("tiny.trie.tsv"));
    for order in 1..=4u8 {
        assert!(
            refs.iter().any(|r| r.lengths.contains(&order)),
            "no {order}-gram match in the references"
        );
    }
}

#[test]
fn vocabulary_round_trips() {
    for (bin, _, _) in FIXTURES {
        let lm = KenLm::open(data(bin)).unwrap();
        let words: Vec<&str> = lm.words().unwrap().collect();
        assert_eq!(words.len(), lm.vocab_size());
        assert_eq!(words[0], "<unk>");
        for (id, word) in words.iter().enumerate() {
            assert_eq!(lm.index(word), Some(id as u32), "{bin} {word}");
        }
        assert_eq!(lm.index("no such word"), None);
        assert_eq!(lm.index_or_unk("no such word"), lm.unk());
        assert_eq!(lm.index("<s>"), Some(lm.bos()));
        assert_eq!(lm.index("</s>"), Some(lm.eos()));
        assert!(lm.bos() != 0 && lm.eos() != 0 && lm.bos() != lm.eos());
        assert!(lm.index("我们").is_some());
    }
}

#[test]
fn score_semantics() {
    let lm = KenLm::open(data("tiny.trie.bin")).unwrap();
    let unk = lm.unk();
    let w = |s: &str| lm.index(s).unwrap();
    // Only the last order - 1 context words count.
    let long = [w("w1"), w("w2"), w("w3"), w("w4"), w("w5")];
    assert_eq!(lm.score(&long, w("w6")), lm.score(&long[2..], w("w6")));
    // Ids out of range are <unk>.
    assert_eq!(lm.score(&[], u32::MAX), lm.score(&[], unk));
    assert_eq!(lm.score(&[u32::MAX], w("w1")), lm.score(&[unk], w("w1")));
    // Empty context: the unigram probability, never positive.
    for id in 0..lm.vocab_size() as u32 {
        let s = lm.full_score(&[], id);
        assert_eq!(s.ngram_length, 1);
        assert!(s.log10_prob <= 0.0);
    }
    // A sentence score is the sum of its word scores.
    let words = ["w1", "是", "未知"];
    let sum: f32 = lm
        .sentence_scores(&words, true, true)
        .iter()
        .map(|s| s.log10_prob)
        .sum();
    assert!((sum - lm.sentence_logprob(&words, true, true)).abs() < 1e-5);
    assert_eq!(lm.sentence_scores(&[], false, false).len(), 0);
    assert_eq!(lm.sentence_scores(&[], true, true).len(), 1);
}

fn open_bytes(bytes: Vec<u8>) -> Result<KenLm, LmError> {
    KenLm::from_bytes(bytes)
}

#[test]
fn errors_are_typed() {
    match KenLm::open(data("no-such-model.bin")) {
        Err(e @ LmError::NotFound(_)) => assert!(e.to_string().contains("not found")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        open_bytes(b"\\data\\\nngram 1=3\n".to_vec()),
        Err(LmError::NotKenLm)
    ));
    assert!(matches!(open_bytes(Vec::new()), Err(LmError::NotKenLm)));
    let good = std::fs::read(data("tiny.quant_array.bin")).unwrap();

    let mut v4 = good.clone();
    v4[49] = b'4';
    match open_bytes(v4) {
        Err(e @ LmError::UnsupportedVersion(_)) => assert!(e.to_string().contains("version 4")),
        other => panic!("{other:?}"),
    }
    let mut incomplete = good.clone();
    let magic = b"mmap lm http://kheafield.com/code incomplete\n";
    incomplete[..magic.len()].copy_from_slice(magic);
    assert!(matches!(open_bytes(incomplete), Err(LmError::Incomplete)));

    let mut foreign = good.clone();
    foreign[60..64].copy_from_slice(&1.0f32.to_be_bytes());
    assert!(matches!(open_bytes(foreign), Err(LmError::ForeignBuild)));

    for code in [0u32, 1, 6, 1000] {
        let mut probing = good.clone();
        probing[96..100].copy_from_slice(&code.to_le_bytes());
        match open_bytes(probing) {
            Err(e @ LmError::UnsupportedModelType(c)) => {
                assert_eq!(c, code);
                let msg = e.to_string();
                assert!(
                    msg.contains("unsupported") || msg.contains("unknown"),
                    "{msg}"
                );
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    // A quantized file read as unquantized has the wrong size or layout: an error or a model,
    // never a panic.
    let mut retyped = good.clone();
    retyped[96..100].copy_from_slice(&2u32.to_le_bytes());
    if let Ok(lm) = open_bytes(retyped) {
        let _ = lm.sentence_logprob(&["w1", "w2", "w3"], true, true);
    }
}

#[test]
fn truncated_files_are_errors() {
    for (bin, _, _) in FIXTURES {
        let good = std::fs::read(data(bin)).unwrap();
        for len in 0..good.len() {
            let result = open_bytes(good[..len].to_vec());
            assert!(result.is_err(), "{bin} cut at {len} opened");
        }
        assert!(open_bytes(good).is_ok());
    }
    let good = std::fs::read(data("tiny.trie.bin")).unwrap();
    match open_bytes(good[..1000].to_vec()) {
        Err(e @ LmError::Truncated { .. }) => assert!(e.to_string().contains("truncated")),
        other => panic!("{other:?}"),
    }
}

/// Deterministic xorshift, to damage files the same way on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn garbage_and_damaged_files_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Pure garbage, with and without a valid magic.
    let good = std::fs::read(data("tiny.quant_array.bin")).unwrap();
    for round in 0..200 {
        let len = (rng.next() % 10_000) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if round % 2 == 0 && bytes.len() > 88 {
            bytes[..88].copy_from_slice(&good[..88]);
        }
        if let Ok(lm) = open_bytes(bytes) {
            let _ = lm.sentence_logprob(&["w1", "w2"], true, true);
        }
    }
    // Valid files with damaged bytes: an error, or a model whose queries do not panic.
    for (bin, _, _) in FIXTURES {
        let good = std::fs::read(data(bin)).unwrap();
        for _ in 0..300 {
            let mut bytes = good.clone();
            for _ in 0..1 + rng.next() % 8 {
                let at = (rng.next() % bytes.len() as u64) as usize;
                bytes[at] = rng.next() as u8;
            }
            if let Ok(lm) = open_bytes(bytes) {
                let n = lm.vocab_size() as u32;
                for _ in 0..50 {
                    let ctx = [
                        rng.next() as u32 % n,
                        rng.next() as u32 % n,
                        rng.next() as u32,
                    ];
                    let _ = lm.full_score(&ctx, rng.next() as u32 % n);
                }
                if let Some(words) = lm.words() {
                    let _ = words.count();
                }
            }
        }
    }
}

fn zh_model() -> Option<PathBuf> {
    let path = std::env::var_os("KENLM_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm"));
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} not found (set KENLM_MODEL to fcitx/libime's zh_CN.lm)",
            path.display()
        );
        None
    }
}

#[test]
fn libime_zh_model() {
    let Some(path) = zh_model() else { return };
    let start = Instant::now();
    let lm = KenLm::open(&path).unwrap();
    let opened = start.elapsed();
    eprintln!("opened {} in {opened:?}", path.display());
    assert_eq!(lm.model_type(), ModelType::QuantArrayTrie);
    assert_eq!(lm.order(), 3);
    assert_eq!(lm.counts(), &[164887, 1983152, 634213]);
    assert_eq!(lm.vocab_size(), 164887);
    // libime's model has no sentence markers: KenLM maps them to <unk> as well.
    assert_eq!(lm.index("<s>"), None);
    assert_eq!(lm.bos(), 0);

    let words: Vec<&str> = lm.words().unwrap().collect();
    assert_eq!(words.len(), lm.vocab_size());
    for (id, word) in words.iter().enumerate() {
        assert_eq!(lm.index(word), Some(id as u32));
    }
    let total: f64 = (0..lm.vocab_size() as u32)
        .map(|id| 10f64.powf(f64::from(lm.score(&[], id))))
        .sum();
    eprintln!("sum of unigram probabilities {total:.4}");
    assert!(total > 0.5 && total < 1.01, "{total}");

    // Known values of python kenlm 0.3.0 on this file.
    let s = lm.sentence_scores(&["我们", "是", "中国人"], true, true);
    let want = [
        (-3.621_413_5, 1),
        (-2.114_952_8, 2),
        (-2.307_785_7, 3),
        (-6.990_352, 1),
    ];
    for (got, (p, n)) in s.iter().zip(want) {
        assert!((got.log10_prob - p).abs() < 1e-4, "{got:?} {p}");
        assert_eq!(got.ngram_length, n);
    }
    let w = |s: &str| lm.index(s).unwrap();
    // A frequent bigram beats a random pair, a trigram its backed-off form.
    assert!(lm.score(&[w("中国")], w("人民")) > lm.score(&[w("睥睨")], w("人民")));
    assert!(lm.score(&[w("中国"), w("人民")], w("银行")) > lm.score(&[w("人民")], w("银行")));
    assert!(
        lm.sentence_logprob(&["我们", "是", "中国人"], true, true)
            > lm.sentence_logprob(&["中国人", "是", "我们"], true, true)
    );
}

/// Compares with a reference file written by python kenlm on the zh model (`KENLM_REFERENCE`,
/// same columns as the fixtures' references; `kenlm_data/make_zh_reference.py` writes one).
#[test]
fn libime_zh_model_matches_reference() {
    let Some(path) = zh_model() else { return };
    let Some(reference) = std::env::var_os("KENLM_REFERENCE") else {
        eprintln!("skipped: set KENLM_REFERENCE to a reference file scored by python kenlm");
        return;
    };
    let lm = KenLm::open(path).unwrap();
    let refs = references(Path::new(&reference));
    let (n, worst) = compare(&lm, &refs, 1e-4);
    eprintln!(
        "{} sentences, {n} words agree with python kenlm; largest difference {worst:e}",
        refs.len()
    );
}
