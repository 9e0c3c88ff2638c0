use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

/// Historical Latin letters in their modern spelling, for users who ask for it (`--modernise`;
/// historical text keeps its letters by default, as digitisation projects' ground truth does):
///
/// - the long s `ſ` becomes `s` (`Selbſtverſchuldet` → `Selbstverschuldet`; the ligature `ﬅ`
///   has already become `ſt` in `unicode-forms`), rule `long-s`;
/// - the r rotunda `ꝛ`/`Ꝛ` (U+A75B/U+A75A) becomes `r`/`R`, rule `r-rotunda`;
/// - a vowel with a combining small e above (U+0364, the old umlaut) becomes the vowel with a
///   diaeresis (`aͤ` → `ä`, `oͤ` → `ö`, `uͤ` → `ü`), rule `e-above`.
///
/// The pass runs only when it is asked for, right after `unicode-forms`.
#[derive(Debug, Default, Clone)]
pub struct Modernise;

impl Modernise {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::Modernise,
        summary: "historical Latin letters in modern spelling (long s, r rotunda, e above), on request",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        written_back: true,
        local: true,
        rules: &[
            RuleSpec {
                id: "long-s",
                explain: "The long s `ſ` (U+017F) becomes `s`: `Selbſtverſchuldet` → `Selbstverschuldet`. Only with `--modernise` (historical text keeps its `ſ` by default, as transcription guidelines and ground truth do). Always applied (confidence 1.0).",
            },
            RuleSpec {
                id: "r-rotunda",
                explain: "The r rotunda `ꝛ` (U+A75B) becomes `r`, its capital `Ꝛ` (U+A75A) `R`. Only with `--modernise`. Always applied (confidence 1.0).",
            },
            RuleSpec {
                id: "e-above",
                explain: "A vowel with a combining small letter e above (U+0364, the old form of the umlaut) becomes the vowel with a diaeresis: `aͤ` → `ä`, `oͤ` → `ö`, `uͤ` → `ü` (capitals too). Only with `--modernise`. Always applied (confidence 1.0).",
            },
        ],
    };
}

/// The umlauted form of `c` with a combining e above, if it has one.
fn umlaut(c: char) -> Option<char> {
    Some(match c {
        'a' => 'ä',
        'o' => 'ö',
        'u' => 'ü',
        'A' => 'Ä',
        'O' => 'Ö',
        'U' => 'Ü',
        _ => return None,
    })
}

impl Pass for Modernise {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let end = i + c.len_utf8();
            let (with, rule) = match c {
                'ſ' => ('s', "long-s"),
                'ꝛ' => ('r', "r-rotunda"),
                'Ꝛ' => ('R', "r-rotunda"),
                _ => match (umlaut(c), iter.peek()) {
                    (Some(u), Some(&(j, '\u{364}'))) => {
                        iter.next();
                        let _ = sink.replace(
                            i..j + '\u{364}'.len_utf8(),
                            u.to_string(),
                            "e-above",
                            1.0,
                        );
                        continue;
                    }
                    _ => continue,
                },
            };
            let _ = sink.replace(i..end, with.to_string(), rule, 1.0);
        }
    }
}
