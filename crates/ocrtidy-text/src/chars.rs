/// Converts byte offsets of one text into code-point (char) offsets.
///
/// Building the index is linear in the text; each lookup is a binary search over one checkpoint
/// per 64 bytes plus a scan of at most 64 bytes, so converting many offsets stays cheap.
#[derive(Debug, Clone)]
pub struct CharIndex<'a> {
    text: &'a str,
    /// `checkpoints[i]` is the number of chars in `text[..i * STRIDE_ALIGNED]`, where the byte
    /// position is rounded down to a char boundary and stored in `positions[i]`.
    positions: Vec<usize>,
    counts: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut positions = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut counts = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut next = 0;
        let mut count = 0;
        for (i, _) in text.char_indices() {
            if i >= next {
                positions.push(i);
                counts.push(count);
                next = i + STRIDE;
            }
            count += 1;
        }
        positions.push(text.len());
        counts.push(count);
        CharIndex {
            text,
            positions,
            counts,
        }
    }

    /// The number of chars before byte `offset`. An offset inside a multi-byte char counts that
    /// char as not yet reached; an offset past the end is clamped to the end.
    pub fn char_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let slot = match self.positions.binary_search(&offset) {
            Ok(i) => return self.counts[i],
            Err(i) => i - 1,
        };
        let base = self.positions[slot];
        let mut count = self.counts[slot];
        for (i, _) in self.text[base..].char_indices() {
            if base + i >= offset {
                break;
            }
            count += 1;
        }
        count
    }

    /// The total number of chars in the text.
    pub fn len_chars(&self) -> usize {
        *self.counts.last().unwrap_or(&0)
    }
}

impl CharIndex<'_> {
    /// [`CharIndex::char_offset`] for many offsets at once, in one forward sweep over the text:
    /// `result[i]` is the number of chars before byte `offsets[i]` (an offset inside a multi-byte
    /// char counts that char as not yet reached; past the end is clamped to the end). The offsets
    /// may come in any order; sorted ones cost one pass over the text.
    pub fn char_offsets(text: &str, offsets: &[usize]) -> Vec<usize> {
        let bytes = text.as_bytes();
        // The chars before a byte offset are the char starts (non-continuation bytes) before it.
        // Between char boundaries the standard library's (word-at-a-time) count does it.
        let count = |from: usize, to: usize| match text.get(from..to) {
            Some(s) => s.chars().count(),
            None => bytes[from..to]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count(),
        };
        let mut out = vec![0; offsets.len()];
        let sorted = offsets.windows(2).all(|w| w[0] <= w[1]);
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        if !sorted {
            order.sort_by_key(|&i| offsets[i]);
        }
        let (mut pos, mut chars) = (0, 0);
        for i in order {
            let offset = offsets[i].min(text.len());
            chars += count(pos, offset);
            pos = offset;
            out[i] = chars;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_chars_before_offsets() {
        let text = "ab清徐cd".repeat(40);
        let idx = CharIndex::new(&text);
        for (byte, _) in text.char_indices() {
            assert_eq!(idx.char_offset(byte), text[..byte].chars().count());
        }
        assert_eq!(idx.char_offset(text.len()), text.chars().count());
        assert_eq!(idx.len_chars(), text.chars().count());
    }

    #[test]
    fn many_offsets_match_single_lookups() {
        let text = "ab清徐cd𠀀 é".repeat(30);
        let idx = CharIndex::new(&text);
        let mut offsets: Vec<usize> = (0..text.len() + 5).rev().collect();
        offsets.extend([3, 0, 7, 7, text.len() + 9]);
        let got = CharIndex::char_offsets(&text, &offsets);
        for (o, g) in offsets.iter().zip(got) {
            assert_eq!(g, idx.char_offset(*o), "offset {o}");
        }
        offsets.sort_unstable();
        let got = CharIndex::char_offsets(&text, &offsets);
        for (o, g) in offsets.iter().zip(got) {
            assert_eq!(g, idx.char_offset(*o), "offset {o}");
        }
        assert!(CharIndex::char_offsets("", &[0, 4]).iter().all(|&c| c == 0));
    }

    #[test]
    fn empty_text() {
        let idx = CharIndex::new("");
        assert_eq!(idx.char_offset(0), 0);
        assert_eq!(idx.char_offset(10), 0);
    }
}
