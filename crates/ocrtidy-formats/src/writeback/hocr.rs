//! hOCR: the content of the element with each id is replaced.

use std::collections::{HashMap, HashSet};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::markup::{attr_value, check_found, escape, next_event, syntax};
use super::{Edit, Skipped};
use crate::error::line_of;
use crate::{Format, FormatError};

/// HTML elements without an end tag (hOCR).
const VOID: [&str; 8] = ["area", "base", "br", "hr", "img", "input", "link", "meta"];

/// hOCR: the content of each element named in `texts`.
pub(super) fn hocr_edits(
    input: &str,
    texts: &HashMap<String, String>,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Edit>, FormatError> {
    let f = Format::Hocr;
    let mut edits = Vec::new();
    let mut found = HashSet::new();
    let mut reader = Reader::from_str(input);
    reader.config_mut().check_end_names = false;
    // The element being rewritten: (its id, depth of nesting inside it, content start).
    let mut open: Option<(&str, usize, usize)> = None;
    loop {
        let (ev, before, after) = next_event(&mut reader, input, f)?;
        match ev {
            Event::Start(s) | Event::Empty(s) if open.is_none() => {
                let empty = input.get(before..after).is_some_and(|t| t.ends_with("/>"));
                let Some(id) = attr_value(&s, "id") else {
                    continue;
                };
                let Some((key, _)) = texts.get_key_value(id.as_str()) else {
                    continue;
                };
                found.insert(key.as_str());
                if empty {
                    let name = String::from_utf8_lossy(s.local_name().as_ref()).into_owned();
                    skipped.push(Skipped {
                        element: name,
                        id: Some(id.clone()),
                        line: line_of(input, before),
                        text: texts[key].clone(),
                        reason: "the element is empty (`<… />`): it has no content to write \
                                 it into"
                            .into(),
                    });
                    continue;
                }
                open = Some((key.as_str(), 0, after));
            }
            Event::Start(s) => {
                if let Some(o) = open.as_mut() {
                    let name =
                        String::from_utf8_lossy(s.local_name().as_ref()).to_ascii_lowercase();
                    if !VOID.contains(&name.as_str()) {
                        o.1 += 1;
                    }
                }
            }
            Event::End(_) => match open.as_mut() {
                Some((id, 0, start)) => {
                    edits.push((*start..before, escape(&texts[*id])));
                    open = None;
                }
                Some((_, depth, _)) => *depth -= 1,
                None => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((id, ..)) = open {
        return Err(syntax(
            f,
            input,
            input.len(),
            format!("the file ends inside element `{id}`"),
        ));
    }
    check_found(f, texts, &found)?;
    Ok(edits)
}
