//! The names of the script conversions. The cases of the `mixed-script` and `script-convert`
//! passes are in `tests/cases/` at the workspace root.

#![cfg(feature = "opencc")]

use ocrtidy_normalize::{ScriptConversion, ScriptConvert};

#[test]
fn names_parse() {
    for &c in ScriptConversion::ALL {
        assert_eq!(c.name().parse::<ScriptConversion>().ok(), Some(c));
        assert!(ScriptConvert::new(c).is_ok());
    }
    assert!("x2y".parse::<ScriptConversion>().is_err());
}
