//! A user's pass runs where it is placed, with its own id in the ledger, next to the built-in
//! passes: the example `examples/custom_pass.rs`, built and run here.

#[allow(dead_code)]
#[path = "../examples/custom_pass.rs"]
mod example;

use example::{pipeline, DigitizationStamp};
use ocrtidy::{replay, Change, EditSink, Pass, PassId, PassInput, PassSpec, Pipeline};

const PAGE: &str = "The history of the parish\nbegins with its church.\n  Digitized by Google  \n\nThe second part.\n";

#[test]
fn the_example_pass_runs_in_the_pipeline_under_its_own_id() {
    let pipeline = pipeline().unwrap();
    let ids = pipeline.passes();
    let at = ids
        .iter()
        .position(|&p| p == DigitizationStamp::SPEC.id)
        .unwrap();
    assert_eq!(ids[at + 1], PassId::LineJoin);
    let cleaned = pipeline.clean(PAGE);
    assert_eq!(
        cleaned.text,
        "The history of the parish begins with its church.\nThe second part."
    );
    let stamp: Vec<&Change> = cleaned
        .changes
        .iter()
        .filter(|c| c.pass == PassId::new("digitization-stamp"))
        .collect();
    assert_eq!(stamp.len(), 1, "{:#?}", cleaned.changes);
    assert_eq!(stamp[0].rule, "google-stamp");
    assert!(stamp[0].before.contains("Digitized by Google"));
    assert_eq!(
        replay(PAGE, &cleaned.changes).as_deref(),
        Some(cleaned.text.as_str())
    );
    // Without it, the stamp stays in the text.
    assert!(Pipeline::default()
        .clean(PAGE)
        .text
        .contains("Digitized by Google"));
    // It can be skipped by its id like any pass.
    let skipped = Pipeline::builder()
        .insert_before(PassId::LineJoin, DigitizationStamp)
        .skip([DigitizationStamp::SPEC.id])
        .build()
        .unwrap();
    assert!(!skipped.passes().contains(&DigitizationStamp::SPEC.id));
}

/// A pass with a bad id, or one that is taken, or placed next to a pass that is not a text
/// pass, is refused when the pipeline is built.
#[test]
fn a_bad_custom_pass_is_refused_at_build_time() {
    struct Named(&'static PassSpec);
    impl Pass for Named {
        fn spec(&self) -> &'static PassSpec {
            self.0
        }
        fn run(&self, _: &PassInput<'_>, _: &mut EditSink<'_>) {}
    }
    fn spec(name: &'static str) -> &'static PassSpec {
        Box::leak(Box::new(PassSpec {
            id: PassId::new(name),
            ..DigitizationStamp::SPEC
        }))
    }
    let build = |anchor, name| {
        Pipeline::builder()
            .insert_after(anchor, Named(spec(name)))
            .build()
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert!(build(PassId::Typo, "fine-name").is_ok());
    assert!(build(PassId::Typo, "Bad Name")
        .unwrap_err()
        .contains("kebab-case"));
    assert!(build(PassId::Typo, "typo")
        .unwrap_err()
        .contains("another pass"));
    assert!(build(PassId::Decode, "fine-name")
        .unwrap_err()
        .contains("not a text pass"));
}

/// A ledger written as JSON reads back as the same changes, which replay on the input.
#[test]
fn changes_round_trip_through_json() {
    let input = "第一段 ， 关于清除疫情的报道  \r\n\r\n\r\n第二段 | 完\r\n";
    let cleaned = pipeline().unwrap().clean(input);
    assert!(cleaned.changes.len() >= 3, "{:#?}", cleaned.changes);
    let json: Vec<String> = cleaned
        .changes
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    let back: Vec<Change> = json
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, cleaned.changes);
    assert_eq!(replay(input, &back).as_deref(), Some(cleaned.text.as_str()));
    assert!(serde_json::from_str::<Change>(r#"{"pass":"Not Valid"}"#).is_err());
}

/// Lexicons, protected terms and confusion tables can be given in memory, not only as files.
#[test]
fn typo_data_is_taken_from_memory() {
    use ocrtidy::Config;
    let text = "残疾人土参加了活动，残疾人土很高兴。";
    let typo = |mut config: Config| {
        // The suggestion 土 → 士 is a weak one.
        config.all_suggestions = true;
        Pipeline::builder()
            .config(config)
            .build()
            .map(|p| {
                p.clean(text)
                    .changes
                    .into_iter()
                    .filter(|c| c.pass == PassId::Typo)
                    .map(|c| (c.before, c.after))
                    .collect::<Vec<_>>()
            })
            .map_err(|e| e.to_string())
    };
    let found = typo(Config::default()).unwrap();
    assert!(
        found.contains(&("土".to_string(), "士".to_string())),
        "{found:?}"
    );
    let mut protected = Config::default();
    protected.protected_terms = vec!["残疾人土".to_string()];
    assert_eq!(typo(protected).unwrap(), []);
    let mut bad = Config::default();
    bad.confusion_texts = vec!["土\t士\tnot-a-number\n".to_string()];
    assert!(typo(bad)
        .unwrap_err()
        .contains("in-memory confusion table 1"));
    let mut lexicon = Config::default();
    lexicon.lexicon_text = Some("残疾人土 500000\n".to_string());
    assert_eq!(typo(lexicon).unwrap(), []);
}
