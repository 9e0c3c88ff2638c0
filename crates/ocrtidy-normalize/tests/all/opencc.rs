//! OpenCC's own test cases (`tests/data/opencc/testcases.json`, copied unchanged from OpenCC,
//! Apache-2.0, see `tests/data/opencc/LICENSE`), and the conversion pass run once.

#![cfg(feature = "opencc")]

use crate::support;

use ocrtidy_core::Pass;
use ocrtidy_normalize::{ScriptConversion, ScriptConvert};

const CASES: &str = include_str!("../data/opencc/testcases.json");

/// One (case, configuration) pair of the file.
struct Case {
    id: String,
    input: String,
    config: String,
    expected: String,
}

/// A reader for the file's JSON (which has trailing commas): strings, objects and arrays.
struct Json<'a> {
    s: &'a [u8],
    i: usize,
}

#[derive(Debug)]
enum Value {
    Str(String),
    Obj(Vec<(String, Value)>),
    Arr(Vec<Value>),
    Other,
}

impl Json<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\n' | b'\r' | b'\t' | b',')
        {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Value {
        self.ws();
        match self.s[self.i] {
            b'"' => Value::Str(self.string()),
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b'}' {
                        self.i += 1;
                        return Value::Obj(members);
                    }
                    let key = self.string();
                    self.ws();
                    assert_eq!(self.s[self.i], b':', "at byte {}", self.i);
                    self.i += 1;
                    members.push((key, self.value()));
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b']' {
                        self.i += 1;
                        return Value::Arr(items);
                    }
                    items.push(self.value());
                }
            }
            _ => {
                while !matches!(self.s[self.i], b',' | b'}' | b']') {
                    self.i += 1;
                }
                Value::Other
            }
        }
    }

    fn string(&mut self) -> String {
        assert_eq!(self.s[self.i], b'"', "at byte {}", self.i);
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let b = self.s[self.i];
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).expect("UTF-8"),
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    let c = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            let mut cp = u32::from_str_radix(hex, 16).unwrap();
                            if (0xD800..0xDC00).contains(&cp) {
                                let lo =
                                    std::str::from_utf8(&self.s[self.i + 2..self.i + 6]).unwrap();
                                self.i += 6;
                                let lo = u32::from_str_radix(lo, 16).unwrap();
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            }
                            char::from_u32(cp).unwrap()
                        }
                        other => other as char,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
    }
}

fn field<'v>(members: &'v [(String, Value)], name: &str) -> Option<&'v Value> {
    members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn cases() -> Vec<Case> {
    let Value::Obj(top) = (Json {
        s: CASES.as_bytes(),
        i: 0,
    })
    .value() else {
        panic!("not an object")
    };
    let Some(Value::Arr(items)) = field(&top, "cases") else {
        panic!("no cases")
    };
    let mut out = Vec::new();
    for item in items {
        let Value::Obj(m) = item else { continue };
        let (Some(Value::Str(id)), Some(Value::Str(input)), Some(Value::Obj(expected))) =
            (field(m, "id"), field(m, "input"), field(m, "expected"))
        else {
            panic!("malformed case {m:?}")
        };
        for (config, want) in expected {
            let Value::Str(want) = want else { continue };
            out.push(Case {
                id: id.clone(),
                input: input.clone(),
                config: config.clone(),
                expected: want.clone(),
            });
        }
    }
    out
}

#[test]
fn opencc_test_cases() {
    let converters: Vec<(ScriptConversion, ScriptConvert)> = ScriptConversion::ALL
        .iter()
        .map(|&c| {
            (
                c,
                ScriptConvert::new(c).expect("embedded configuration loads"),
            )
        })
        .collect();
    let mut per_config: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let (mut passed, mut total, mut unsupported) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in cases() {
        let Some((_, conv)) = converters.iter().find(|(c, _)| c.name() == case.config) else {
            unsupported += 1;
            continue;
        };
        total += 1;
        let got = conv.convert(&case.input);
        let entry = per_config.entry(case.config.clone()).or_default();
        entry.1 += 1;
        if got == case.expected {
            passed += 1;
            entry.0 += 1;
        } else {
            failures.push(format!(
                "{} {}: {:?}\n    want {:?}\n    got  {:?}",
                case.id, case.config, case.input, case.expected, got
            ));
        }
    }
    for (config, (ok, n)) in &per_config {
        println!("{config}: {ok}/{n}");
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    println!("{passed} of {total} pass ({unsupported} pairs of configurations not supported)");
    assert_eq!(total, 543, "pairs of supported configurations");
    assert_eq!(unsupported, 0);
    // The seven configurations the command line offers (`--script`): 330 pairs.
    let cli = ["t2s", "s2t", "s2tw", "tw2s", "s2hk", "hk2s", "t2tw"];
    let (ok, n) = per_config
        .iter()
        .filter(|(c, _)| cli.contains(&c.as_str()))
        .fold((0, 0), |(a, b), (_, (ok, n))| (a + ok, b + n));
    println!("command-line configurations: {ok} of {n}");
    assert_eq!(n, 330);
    assert!(ok >= 325, "{ok} of {n} OpenCC test cases pass");
    assert!(passed >= 535, "{passed} of {total} OpenCC test cases pass");
}

fn conv(c: ScriptConversion) -> Box<dyn Pass> {
    Box::new(ScriptConvert::new(c).expect("embedded config loads"))
}

/// The runner's later rounds must not convert the pass's own output again.
#[test]
fn a_conversion_runs_once() {
    for (c, input, want) in [
        (ScriptConversion::S2t, "于飞", "于飛"),
        (ScriptConversion::T2s, "幺麼小丑", "幺麽小丑"),
        (ScriptConversion::S2t, "鲗鱼涌", "鰂魚涌"),
    ] {
        let converter = ScriptConvert::new(c).unwrap();
        assert_eq!(converter.convert(input), want, "{c} {input}");
        // Converting the output again would change it further: only running once is right.
        assert_ne!(converter.convert(want), want, "{c} {want}");
        let cleaned = support::run(vec![conv(c)], input);
        assert_eq!(cleaned.text, want, "{c} {input}");
        assert!(cleaned.stats.converged);
        // With another pass that keeps the run going for a second round.
        let cleaned = support::run(
            vec![conv(c), Box::new(ocrtidy_normalize::TrailingSpace)],
            &format!("{input} \n"),
        );
        assert_eq!(cleaned.text, format!("{want}\n"), "{c} {input}");
    }
}
