use std::collections::HashMap;
use std::sync::OnceLock;

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

/// Isolated characters of the other script in a document that is overwhelmingly Simplified (or
/// Traditional). OCR models trained on both scripts sometimes read a Simplified character as its
/// Traditional form (`学` → `學`); a document with hundreds of Simplified-only characters and
/// two Traditional-only ones is a Simplified document with two misreads.
///
/// Evidence: the counts of Simplified-only and Traditional-only characters (by OpenCC's
/// character tables `STCharacters` and `TSCharacters`, embedded). The document is Simplified
/// when it has at least 8 Simplified-only characters and at least 10 times as many as
/// Traditional-only ones (and the reverse for Traditional). A character of the other script is
/// isolated when no other such character lies within 2 characters of it — a run of them is a
/// quotation or a name and stays. An isolated character with one counterpart is converted
/// (rules `traditional-in-simplified`, `simplified-in-traditional`); one with several
/// counterparts (`發`/`髮` for `发`) becomes a suggestion with the counterparts as candidates.
///
/// Rules: `traditional-in-simplified`, `simplified-in-traditional`.
#[derive(Debug, Default, Clone)]
pub struct MixedScript;

const MIN_EVIDENCE: usize = 8;
const DOMINANCE: usize = 10;
const ISOLATION: usize = 2;

/// Characters of one script only and their counterparts in the other, with the range of code
/// points they lie in (most characters of a text are outside it and need no look-up).
struct Table {
    map: HashMap<char, Vec<char>, CharHash>,
    lo: char,
    hi: char,
    /// The keys of `map` in the Basic Multilingual Plane, one bit per code point: a text's
    /// characters are counted without hashing them.
    bmp: Vec<u64>,
}

impl Table {
    /// Whether `c` belongs to the table's source script only (`foreign(self, c).is_some()`).
    #[inline]
    fn has(&self, c: char) -> bool {
        let u = c as u32;
        if u < 0x1_0000 {
            return self.bmp[(u >> 6) as usize] >> (u & 63) & 1 != 0;
        }
        foreign(self, c).is_some()
    }
}

struct Tables {
    /// Traditional-only characters → Simplified candidates.
    ts: Table,
    /// Simplified-only characters → Traditional candidates.
    st: Table,
    /// Both tables' bitmaps interleaved, two bits per code point of the Basic Multilingual
    /// Plane (`ts.has`, then `st.has`): a text's characters are counted for both scripts with
    /// one look-up.
    both: Vec<u64>,
}

impl Tables {
    fn new(ts: Table, st: Table) -> Self {
        let mut both = vec![0u64; 0x1_0000 / 32];
        for u in 0..0x1_0000u32 {
            let bit = |t: &Table| t.bmp[(u >> 6) as usize] >> (u & 63) & 1;
            both[(u >> 5) as usize] |= (bit(&ts) | bit(&st) << 1) << ((u & 31) * 2);
        }
        Tables { ts, st, both }
    }

    /// The numbers of Traditional-only and Simplified-only characters of `text`.
    fn count(&self, text: &str) -> (usize, usize) {
        let (mut trad, mut simp) = (0usize, 0usize);
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            // Neither table holds an ASCII character (checked by a test).
            if b[i] < 0x80 {
                i += 1;
                continue;
            }
            // A three-byte char (U+0800..U+FFFF, the CJK blocks) is decoded here: the text is
            // valid UTF-8, so its two continuation bytes follow.
            if b[i] & 0xF0 == 0xE0 {
                let u = u32::from(b[i] & 0x0F) << 12
                    | u32::from(b[i + 1] & 0x3F) << 6
                    | u32::from(b[i + 2] & 0x3F);
                i += 3;
                let v = self.both[(u >> 5) as usize] >> ((u & 31) * 2);
                trad += (v & 1) as usize;
                simp += (v >> 1 & 1) as usize;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            let u = c as u32;
            if u < 0x1_0000 {
                let v = self.both[(u >> 5) as usize] >> ((u & 31) * 2);
                trad += (v & 1) as usize;
                simp += (v >> 1 & 1) as usize;
            } else {
                trad += usize::from(self.ts.has(c));
                simp += usize::from(self.st.has(c));
            }
        }
        (trad, simp)
    }
}

/// rustc's FxHash for `char` keys: one multiplication instead of SipHash (nothing depends on
/// the iteration order of the tables).
type CharHash = rustc_hash::FxBuildHasher;

/// The entries of a conversion table whose character is of the source script only: those not
/// among their own counterparts.
fn foreign_only(map: HashMap<char, Vec<char>>) -> Table {
    let map: HashMap<char, Vec<char>, CharHash> =
        map.into_iter().filter(|(k, v)| !v.contains(k)).collect();
    let lo = map.keys().copied().min().unwrap_or('\u{10ffff}');
    let hi = map.keys().copied().max().unwrap_or('\0');
    let mut bmp = vec![0u64; 0x1_0000 / 64];
    for &k in map.keys() {
        let u = k as u32;
        if u < 0x1_0000 {
            bmp[(u >> 6) as usize] |= 1 << (u & 63);
        }
    }
    Table { map, lo, hi, bmp }
}

fn parse(data: &str) -> HashMap<char, Vec<char>> {
    let mut map = HashMap::new();
    for line in data.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        let (Some(k), Some(v)) = (parts.next(), parts.next()) else {
            continue;
        };
        let mut kc = k.chars();
        let (Some(key), None) = (kc.next(), kc.next()) else {
            continue;
        };
        let vals: Vec<char> = v
            .split(' ')
            .filter_map(|s| {
                let mut c = s.chars();
                match (c.next(), c.next()) {
                    (Some(x), None) => Some(x),
                    _ => None,
                }
            })
            .collect();
        if !vals.is_empty() {
            map.insert(key, vals);
        }
    }
    map
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        Tables::new(
            foreign_only(parse(include_str!("../data/TSCharacters.txt"))),
            foreign_only(parse(include_str!("../data/STCharacters.txt"))),
        )
    })
}

/// The counterparts of `c` in `table` when `c` belongs only to the table's source script.
fn foreign(table: &Table, c: char) -> Option<&Vec<char>> {
    if c < table.lo || c > table.hi {
        return None;
    }
    table.map.get(&c)
}

impl MixedScript {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::MixedScript,
        summary: "isolated Traditional chars in a Simplified text, and reverse",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "traditional-in-simplified",
                explain: "In a document that is clearly Simplified (at least 8 Simplified-only characters, at least 10 times as many as Traditional-only ones, counted with OpenCC's character tables), an isolated Traditional-only character is taken for an OCR misread and converted: `學习` → `学习`. Applied (confidence 0.85) when the character has one Simplified counterpart; when it has several, only suggested (confidence 0.5) with the counterparts as candidates. A character with another Traditional-only character within 2 characters of it is left alone, as such runs are quotations or names.",
            },
            RuleSpec {
                id: "simplified-in-traditional",
                explain: "The reverse of `traditional-in-simplified`: in a document that is clearly Traditional (at least 8 Traditional-only characters and at least 10 times as many as Simplified-only ones), an isolated Simplified-only character is converted to its Traditional form: `这個` → `這個`. Applied (confidence 0.85) when there is a single counterpart; when there are several (`发` → `發` or `髮`) it is only suggested (confidence 0.5) with the candidates ranked. Characters with another Simplified-only character within 2 characters are left alone.",
            },
        ],
    };
}

impl Pass for MixedScript {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let t = tables();
        let text = input.text;
        let (trad, simp) = t.count(text);
        let (map, rule) = if simp >= MIN_EVIDENCE && simp >= DOMINANCE * trad && trad > 0 {
            (&t.ts, "traditional-in-simplified")
        } else if trad >= MIN_EVIDENCE && trad >= DOMINANCE * simp && simp > 0 {
            (&t.st, "simplified-in-traditional")
        } else {
            return;
        };
        // The characters of the other script only (few), with their char index and offset:
        // a character is isolated when the ones next to it in this list are more than
        // `ISOLATION` chars away. (The text's chars are not collected: 16 bytes each.)
        let others: Vec<(usize, usize, char)> = text
            .char_indices()
            .enumerate()
            .filter(|&(_, (_, c))| map.has(c))
            .map(|(k, (i, c))| (k, i, c))
            .collect();
        for (n, &(k, i, c)) in others.iter().enumerate() {
            let Some(to) = foreign(map, c) else { continue };
            let crowded = (n > 0 && others[n - 1].0 + ISOLATION >= k)
                || others
                    .get(n + 1)
                    .is_some_and(|&(j, _, _)| j <= k + ISOLATION);
            if crowded {
                continue;
            }
            let range = i..i + c.len_utf8();
            if let [one] = to.as_slice() {
                let _ = sink.replace(range, one.to_string(), rule, 0.85);
            } else {
                let n = to.len() as f32;
                let cands = to
                    .iter()
                    .enumerate()
                    .map(|(r, x)| {
                        Candidate::new(x.to_string(), (0.6 - r as f32 * 0.2 / n).max(0.1))
                    })
                    .collect();
                let _ = sink.suggest(range, cands, rule, 0.5);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_by_chars() {
        let t = tables();
        assert!(t.ts.lo > '\u{7f}' && t.st.lo > '\u{7f}');
        let by_chars = |s: &str| {
            s.chars().fold((0, 0), |(a, b), c| {
                (a + usize::from(t.ts.has(c)), b + usize::from(t.st.has(c)))
            })
        };
        let texts = [
            "",
            "abc",
            "學習 the 学习 發发 Ünïcode\u{10348}x，。𠮷",
            "é\u{ffff}\u{800}z",
        ];
        for s in texts {
            assert_eq!(t.count(s), by_chars(s), "{s:?}");
        }
        // Every code point of the plane, through the interleaved bitmap.
        let all: String = ('\u{80}'..='\u{ffff}').collect();
        assert_eq!(t.count(&all), by_chars(&all));
    }
}
