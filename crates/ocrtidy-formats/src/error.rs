//! Typed errors of the readers: what was wrong, where (file, line, element).

use std::fmt;

use crate::Format;

/// Why an input could not be read as the format it claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormatError {
    /// The format that was being read.
    pub format: Format,
    /// The file name, when the caller attached one with [`FormatError::in_file`].
    pub file: Option<String>,
    /// 1-based line of the input where the problem was found, when known.
    pub line: Option<usize>,
    /// The element (XML tag, JSON path or TSV field) the problem is in, when known.
    pub element: Option<String>,
    pub kind: ErrorKind,
}

/// The kind of problem.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not well-formed (XML, JSON or TSV syntax).
    Syntax(String),
    /// Well-formed, but not the structure the format requires.
    Structure(String),
    /// A value (a box, a number, a confidence) could not be read.
    Value(String),
    /// `auto` could not tell which format the input is in.
    Unrecognized(String),
    /// A valid file that cannot take corrections back (`writeback`): an element without an id
    /// of its own, an id the file does not have, a format without write-back.
    WriteBack(String),
}

impl FormatError {
    pub(crate) fn new(format: Format, kind: ErrorKind) -> Self {
        FormatError {
            format,
            file: None,
            line: None,
            element: None,
            kind,
        }
    }

    pub(crate) fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub(crate) fn element(mut self, element: impl Into<String>) -> Self {
        self.element = Some(element.into());
        self
    }

    /// Attaches the name of the file the input came from.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(line)) => write!(f, "line {line}: ")?,
            (None, None) => {}
        }
        if let ErrorKind::WriteBack(m) = &self.kind {
            return write!(f, "{}: {m}", self.format.name());
        }
        write!(f, "not valid {}", self.format.name())?;
        if let Some(el) = &self.element {
            write!(f, " in `{el}`")?;
        }
        match &self.kind {
            ErrorKind::Syntax(m) => write!(f, ": syntax error: {m}"),
            ErrorKind::Structure(m)
            | ErrorKind::Value(m)
            | ErrorKind::Unrecognized(m)
            | ErrorKind::WriteBack(m) => write!(f, ": {m}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// 1-based line number of byte offset `pos` in `input`.
pub(crate) fn line_of(input: &str, pos: usize) -> usize {
    let pos = pos.min(input.len());
    input.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
