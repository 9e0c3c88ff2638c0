//! The integration tests of ocrtidy-formats, one test binary (each file of this folder a module).

mod conformance;
mod layout;
mod page;
mod properties;
mod readers;
mod writeback;

use ocrtidy_formats::{read, Format};

/// The words of a document as the reader reads them, line by line.
fn words(input: &str, format: Format) -> Vec<Vec<String>> {
    let doc = read(input, format).unwrap();
    doc.pages
        .iter()
        .flat_map(|p| &p.blocks)
        .flat_map(|b| &b.lines)
        .map(|l| l.words.iter().map(|w| w.text.clone()).collect())
        .collect()
}
