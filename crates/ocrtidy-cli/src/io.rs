//! Reading inputs and writing outputs with context-rich errors.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

/// Where an input comes from.
#[derive(Debug, Clone)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn from_arg(p: &Path) -> Source {
        if p.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(p.to_path_buf())
        }
    }

    /// The name used in messages and in change records.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }

    pub fn read_bytes(&self) -> Result<Vec<u8>> {
        self.read_bytes_limited(usize::MAX, "")
    }

    /// Reads the whole input, refusing one of more than `limit` bytes (`option` names the
    /// option that sets the limit, for the message). A file's size is checked before it is read.
    pub fn read_bytes_limited(&self, limit: usize, option: &str) -> Result<Vec<u8>> {
        let too_large = |size: u64| {
            anyhow::Error::new(TooLarge {
                name: self.name(),
                size,
                limit,
                option: option.to_string(),
            })
        };
        let cap = (limit as u64).saturating_add(1);
        let mut buf = Vec::new();
        match self {
            Source::Stdin => {
                io::stdin()
                    .lock()
                    .take(cap)
                    .read_to_end(&mut buf)
                    .context("cannot read standard input")?;
            }
            Source::File(p) => {
                let file = File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
                if let Ok(meta) = file.metadata() {
                    if meta.is_file() && meta.len() > limit as u64 {
                        return Err(too_large(meta.len()));
                    }
                }
                file.take(cap)
                    .read_to_end(&mut buf)
                    .with_context(|| format!("cannot read {}", p.display()))?;
            }
        }
        if buf.len() > limit {
            return Err(too_large(buf.len() as u64));
        }
        Ok(buf)
    }
}

/// A document over the size limit of one document.
#[derive(Debug)]
pub struct TooLarge {
    name: String,
    size: u64,
    limit: usize,
    option: String,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is {} bytes, over the limit of {} bytes for one document; raise {} or split the \
             input into pages",
            self.name, self.size, self.limit, self.option
        )
    }
}

impl std::error::Error for TooLarge {}

/// Decodes input bytes as UTF-8 (a leading BOM is dropped).
pub fn decode_utf8(source: &Source, bytes: Vec<u8>) -> Result<String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        anyhow::anyhow!(
            "{} is not valid UTF-8 (first bad byte at offset {at})",
            source.name()
        )
    })
}

/// Decodes input bytes with `options` (UTF-8, UTF-16 by BOM, legacy Chinese encodings by
/// detection or label) and warns on standard error when the encoding was guessed and when bytes
/// had to be replaced by U+FFFD.
pub fn decode_input(
    source: &Source,
    bytes: &[u8],
    options: &ocrtidy::DecodeOptions,
) -> ocrtidy_decode::Decoded {
    let decoded = ocrtidy_decode::decode(bytes, options);
    if decoded.report.detected {
        // A guess can be wrong on short inputs: say what was chosen, so mojibake is never silent.
        eprintln!(
            "ocrtidy: warning: {}: not valid UTF-8; decoded as {} by detection \
             (use --encoding LABEL to force an encoding)",
            source.name(),
            decoded.report.encoding,
        );
    }
    let n = decoded.report.invalid_bytes();
    if n > 0 {
        let first = decoded.report.invalid.first().map_or(0, |r| r.input_start);
        eprintln!(
            "ocrtidy: warning: {}: {n} invalid byte{} replaced by U+FFFD in {} sequence{} \
             (decoded as {}; first at byte {first})",
            source.name(),
            if n == 1 { "" } else { "s" },
            decoded.report.invalid.len(),
            if decoded.report.invalid.len() == 1 {
                ""
            } else {
                "s"
            },
            decoded.report.encoding,
        );
    }
    decoded
}

/// The identity of an existing file, following symbolic links: device and inode on Unix (so
/// two hard links of one file are the same file), the canonical path elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileId {
    #[cfg(unix)]
    dev_ino: (u64, u64),
    #[cfg(not(unix))]
    path: PathBuf,
}

impl FileId {
    /// The identity of the regular file at `path`; `None` when there is none (missing, or a
    /// device, a FIFO, a directory: writing to those never replaces an input's content).
    pub fn of(path: &Path) -> Option<FileId> {
        let meta = fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        Self::from_meta(path, &meta)
    }

    #[cfg(unix)]
    fn from_meta(_path: &Path, meta: &fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt as _;
        Some(FileId {
            dev_ino: (meta.dev(), meta.ino()),
        })
    }

    #[cfg(not(unix))]
    fn from_meta(path: &Path, _meta: &fs::Metadata) -> Option<FileId> {
        Some(FileId {
            path: path.canonicalize().ok()?,
        })
    }

    /// The identity of standard input when it is a regular file (`< file`).
    pub fn of_stdin() -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd as _;
            let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
            let meta = File::from(fd).metadata().ok()?;
            if !meta.is_file() {
                return None;
            }
            Self::from_meta(Path::new("-"), &meta)
        }
        #[cfg(not(unix))]
        {
            None
        }
    }
}

/// The identities of the input files of a run (standard input included when it is a file).
#[derive(Debug, Default)]
pub struct InputIds {
    ids: Vec<(FileId, String)>,
}

impl InputIds {
    pub fn of(sources: &[Source]) -> InputIds {
        let mut ids = InputIds::default();
        for s in sources {
            let id = match s {
                Source::Stdin => FileId::of_stdin(),
                Source::File(p) => FileId::of(p),
            };
            if let Some(id) = id {
                ids.ids.push((id, s.name()));
            }
        }
        ids
    }

    pub fn push(&mut self, id: FileId, name: String) {
        self.ids.push((id, name));
    }

    /// The name of the input that `path` is, if it is one.
    pub fn find(&self, path: &Path) -> Option<&str> {
        let id = FileId::of(path)?;
        self.ids
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.as_str())
    }
}

/// What makes two output paths one file: its identity when it exists, else its absolute path
/// with the directory resolved.
#[derive(PartialEq, Eq)]
enum OutputKey {
    Id(FileId),
    Path(PathBuf),
}

fn output_key(path: &Path) -> Option<OutputKey> {
    if let Some(id) = FileId::of(path) {
        return Some(OutputKey::Id(id));
    }
    if fs::metadata(path).is_ok() {
        // A device or a FIFO: writing to it twice is the user's choice.
        return None;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = parent
        .canonicalize()
        .unwrap_or_else(|_| parent.to_path_buf());
    Some(OutputKey::Path(dir.join(path.file_name()?)))
}

/// Refuses a run in which an output file is one of the inputs (compared by device and inode,
/// so also through a hard link or a symbolic link), as GNU `cat` does, or in which two outputs
/// name the same file. `outputs` are (option, path) pairs; `-` (standard output) is skipped.
pub fn check_outputs(inputs: &InputIds, outputs: &[(&str, &Path)]) -> Result<()> {
    let mut seen: Vec<(OutputKey, &str)> = Vec::new();
    for &(option, path) in outputs {
        if path.as_os_str() == "-" {
            continue;
        }
        if let Some(input) = inputs.find(path) {
            let how = if input == path.display().to_string() {
                String::new()
            } else {
                format!(" (the same file as the input {input})")
            };
            anyhow::bail!(
                "{option} {}: input file is output file{how}; refusing to overwrite an input, \
                 write to another file",
                path.display()
            );
        }
        if let Some(key) = output_key(path) {
            if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
                anyhow::bail!(
                    "{option} {}: the same file as {other}; give each output its own file",
                    path.display()
                );
            }
            seen.push((key, option));
        }
    }
    Ok(())
}

/// An output file written through a temporary file in the same directory and renamed into
/// place by [`OutputFile::commit`]: a run that fails (or is killed) never leaves a half-written
/// output, and an existing file is replaced, not rewritten in place (another hard link to it
/// keeps its content). A path under `/dev` or `/proc` (`/dev/stdout`, `/dev/fd/3`, `/dev/null`)
/// or one that is a device or a FIFO is written directly; a symbolic link is written through
/// (its target is replaced).
pub struct OutputFile {
    file: BufWriter<File>,
    /// The temporary file, until it is renamed to `dest`.
    tmp: Option<PathBuf>,
    dest: PathBuf,
    what: String,
}

impl OutputFile {
    pub fn create(path: &Path, what: &str) -> Result<OutputFile> {
        let cannot = || format!("cannot create the {what} file {}", path.display());
        if path.starts_with("/dev") || path.starts_with("/proc") {
            // `/dev/stdout`, `/dev/fd/N`, `/dev/null`: an open file of this process or a
            // device. Written where it is, never truncated, created or replaced: renaming over
            // the file behind `/dev/stdout` would unlink the shell's own redirection target.
            let file = fs::OpenOptions::new()
                .append(true)
                .open(path)
                .with_context(cannot)?;
            return Ok(OutputFile {
                file: BufWriter::new(file),
                tmp: None,
                dest: path.to_path_buf(),
                what: what.to_string(),
            });
        }
        let dest = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let existing = fs::metadata(&dest).ok();
        if let Some(meta) = &existing {
            if meta.is_dir() {
                return Err(anyhow::anyhow!("{} is a directory", path.display()))
                    .with_context(cannot);
            }
            if !meta.is_file() {
                let file = File::create(&dest).with_context(cannot)?;
                return Ok(OutputFile {
                    file: BufWriter::new(file),
                    tmp: None,
                    dest,
                    what: what.to_string(),
                });
            }
        }
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let base = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| anyhow::anyhow!("{} names no file", path.display()))
            .with_context(cannot)?;
        let mut attempt = 0u32;
        let (file, tmp) = loop {
            let tmp = dir.join(format!(
                ".{base}.ocrtidy-{}-{attempt}.tmp",
                std::process::id()
            ));
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => break (f, tmp),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 1000 => {
                    attempt += 1;
                }
                Err(e) => return Err(e).with_context(cannot),
            }
        };
        if let Some(meta) = existing {
            // The replacement keeps the permissions of the file it replaces (best effort).
            let _ = fs::set_permissions(&tmp, meta.permissions());
        }
        Ok(OutputFile {
            file: BufWriter::new(file),
            tmp: Some(tmp),
            dest,
            what: what.to_string(),
        })
    }

    /// Flushes the file and renames it into place.
    pub fn commit(mut self) -> Result<()> {
        let dest = self.dest.clone();
        let what = self.what.clone();
        self.file
            .flush()
            .with_context(|| format!("cannot write the {what} file {}", dest.display()))?;
        if let Some(tmp) = self.tmp.take() {
            if let Err(e) = fs::rename(&tmp, &dest) {
                let _ = fs::remove_file(&tmp);
                return Err(e)
                    .with_context(|| format!("cannot write the {what} file {}", dest.display()));
            }
        }
        Ok(())
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// The destination of the cleaned text: a file (see [`OutputFile`]) or standard output.
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File(OutputFile),
}

impl Output {
    /// Finishes the output: flushes standard output, or renames the file into place.
    pub fn commit(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("cannot write the cleaned text"),
            Output::File(f) => f.commit(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(f) => f.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(f) => f.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(f) => f.flush(),
        }
    }
}

/// Opens the destination for the cleaned text: a file (`-o FILE`), or standard output.
pub fn open_output(path: Option<&Path>) -> Result<Output> {
    Ok(match path {
        Some(p) if p.as_os_str() != "-" => Output::File(OutputFile::create(p, "output")?),
        _ => Output::Stdout(BufWriter::new(io::stdout().lock())),
    })
}

/// Creates a file for a side output (changes, reports); see [`OutputFile`].
pub fn create_file(path: &Path, what: &str) -> Result<OutputFile> {
    OutputFile::create(path, what)
}

/// True when the error (or any of its causes) is a broken pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Whether the file at `path` is text that the decoder reads as UTF-8 with nothing replaced:
/// valid UTF-8 (a BOM allowed) without a NUL byte (so neither binary nor UTF-16 without a
/// BOM, see `ocrtidy_decode::decode`). Read in blocks, never held whole.
pub fn is_plain_utf8(path: &Path) -> Result<bool> {
    let mut file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    // The bytes of the last character of the previous block, which its end may have cut,
    // moved to the front.
    let mut carry = 0;
    loop {
        let n = match file.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        if n == 0 {
            return Ok(simdutf8::basic::from_utf8(&buf[..carry]).is_ok());
        }
        let len = carry + n;
        if memchr::memchr(0, &buf[carry..len]).is_some() {
            return Ok(false);
        }
        // Up to the first byte of the last character (no UTF-8 character is longer than 4).
        let cut = (len.saturating_sub(4)..len)
            .rev()
            .find(|&i| buf[i] & 0xC0 != 0x80)
            .unwrap_or(len);
        if simdutf8::basic::from_utf8(&buf[..cut]).is_err() {
            return Ok(false);
        }
        buf.copy_within(cut..len, 0);
        carry = len - cut;
    }
}

/// The first bytes of the file at `path` (at most `len`), cut at a character boundary of
/// UTF-8 text, and whether they are the whole file.
pub fn utf8_head(path: &Path, len: usize) -> Result<(String, bool)> {
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut head = Vec::with_capacity(len);
    file.take(len as u64 + 1)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let whole = head.len() <= len;
    head.truncate(len);
    let valid = match std::str::from_utf8(&head) {
        Ok(_) => head.len(),
        Err(e) => e.valid_up_to(),
    };
    head.truncate(valid);
    Ok((String::from_utf8(head).unwrap_or_default(), whole))
}
