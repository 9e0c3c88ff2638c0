//! Flat tables for the model: an open-addressing hash map over non-zero integer keys, and the
//! little-endian byte form the model is stored in (written by `build.rs`, read at start-up).
//!
//! This file is also compiled into the crate's `build.rs`: it may use only `std`.

use std::borrow::Cow;
use std::marker::PhantomData;

/// A key of an [`IntMap`]: a non-zero integer (zero marks an empty slot).
pub trait IntKey: Copy + Eq + Default + Wire {
    fn hash(self) -> u64;
}

/// Fibonacci hashing: the high bits of the product index the table.
const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

impl IntKey for u64 {
    #[inline]
    fn hash(self) -> u64 {
        self.wrapping_mul(MUL)
    }
}

impl IntKey for u32 {
    #[inline]
    fn hash(self) -> u64 {
        u64::from(self).wrapping_mul(MUL)
    }
}

/// A hash map from non-zero integer keys to small values, being filled: linear probing in one
/// flat array of slots. [`IntMapBuilder::freeze`] turns it into an [`IntMap`].
#[derive(Clone, Debug)]
pub struct IntMapBuilder<K, V> {
    slots: Vec<(K, V)>,
    /// 64 - log2(slots.len()).
    shift: u32,
    len: usize,
}

impl<K: IntKey, V: Copy + Default + Wire> IntMapBuilder<K, V> {
    /// A map that holds `n` keys without growing (at most 2/3 of the slots filled).
    pub fn with_capacity(n: usize) -> Self {
        let slots = (n + n / 2).max(8).next_power_of_two();
        IntMapBuilder {
            slots: vec![(K::default(), V::default()); slots],
            shift: 64 - slots.trailing_zeros(),
            len: 0,
        }
    }

    /// The slot of `k`, or of the empty slot where it would go.
    #[inline]
    fn find(&self, k: K) -> (usize, bool) {
        let mask = self.slots.len() - 1;
        let mut i = (k.hash() >> self.shift) as usize;
        loop {
            let key = self.slots[i].0;
            if key == k {
                return (i, true);
            }
            if key == K::default() {
                return (i, false);
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    pub fn contains_key(&self, k: K) -> bool {
        k != K::default() && self.find(k).1
    }

    /// The value of `k`, inserted as `value` when absent. `None` for the zero key, which is
    /// never stored.
    pub fn get_or_insert(&mut self, k: K, value: V) -> Option<&mut V> {
        if k == K::default() {
            return None;
        }
        if (self.len + 1) * 3 > self.slots.len() * 2 {
            self.grow();
        }
        let (i, found) = self.find(k);
        if !found {
            self.slots[i] = (k, value);
            self.len += 1;
        }
        Some(&mut self.slots[i].1)
    }

    fn grow(&mut self) {
        let mut bigger = IntMapBuilder::with_capacity(self.slots.len());
        for &(k, v) in &self.slots {
            if k != K::default() {
                let (i, _) = bigger.find(k);
                bigger.slots[i] = (k, v);
            }
        }
        bigger.len = self.len;
        *self = bigger;
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.slots
            .iter_mut()
            .filter(|(k, _)| *k != K::default())
            .map(|(_, v)| v)
    }

    /// The finished map: the same slots, in their byte form.
    pub fn freeze(&self) -> IntMap<K, V> {
        let mut bytes = Vec::with_capacity(self.slots.len() * (K::SIZE + V::SIZE));
        for &(k, v) in &self.slots {
            k.put(&mut bytes);
            v.put(&mut bytes);
        }
        IntMap {
            slots: Cow::Owned(bytes),
            shift: self.shift,
            len: self.len,
            types: PhantomData,
        }
    }
}

/// A finished [`IntMapBuilder`]: its slots in their byte form, read in place, so that a map
/// stored in the binary (see `Model::embedded`) is used without being copied.
#[derive(Clone, PartialEq)]
pub struct IntMap<K, V> {
    /// Every slot, the key and then the value, little-endian.
    slots: Cow<'static, [u8]>,
    /// 64 - log2(number of slots).
    shift: u32,
    len: usize,
    types: PhantomData<fn() -> (K, V)>,
}

impl<K: IntKey, V: Copy + Default + Wire> Default for IntMap<K, V> {
    fn default() -> Self {
        IntMapBuilder::with_capacity(0).freeze()
    }
}

impl<K, V> std::fmt::Debug for IntMap<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntMap")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl<K: IntKey, V: Copy + Default + Wire> IntMap<K, V> {
    const SLOT: usize = K::SIZE + V::SIZE;

    #[inline]
    pub fn get(&self, k: K) -> Option<V> {
        if k == K::default() {
            return None;
        }
        let n = self.slots.len() / Self::SLOT;
        let mut i = (k.hash() >> self.shift) as usize;
        // At most every slot once: a damaged table without an empty slot ends the search.
        for _ in 0..n {
            let slot = self.slots.get(i * Self::SLOT..(i + 1) * Self::SLOT)?;
            let key = K::get(&slot[..K::SIZE]);
            if key == k {
                return Some(V::get(&slot[K::SIZE..]));
            }
            if key == K::default() {
                return None;
            }
            i = (i + 1) & (n - 1);
        }
        None
    }

    #[inline]
    pub fn contains_key(&self, k: K) -> bool {
        self.get(k).is_some()
    }

    /// Every key, in slot order.
    pub fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.slots
            .chunks_exact(Self::SLOT)
            .map(|slot| K::get(&slot[..K::SIZE]))
            .filter(|k| *k != K::default())
    }

    /// Appends the byte form: slot count, entry count, then every slot.
    pub fn write(&self, out: &mut Vec<u8>) {
        ((self.slots.len() / Self::SLOT) as u64).put(out);
        (self.len as u64).put(out);
        out.extend_from_slice(&self.slots);
    }

    /// Reads the byte form back (borrowing the slots when the reader's bytes are static);
    /// `None` when it is not one.
    pub fn read(r: &mut Reader<'_>) -> Option<Self> {
        let n = usize::try_from(r.get::<u64>()?).ok()?;
        let len = usize::try_from(r.get::<u64>()?).ok()?;
        if !n.is_power_of_two() || n < 2 || len >= n {
            return None;
        }
        Some(IntMap {
            slots: r.take_cow(n.checked_mul(Self::SLOT)?)?,
            shift: 64 - n.trailing_zeros(),
            len,
            types: PhantomData,
        })
    }
}

/// A Bloom filter over non-zero `u64` keys, blocked: a key's three bits lie in one 64-bit word
/// (one cache line a probe), 16 bits a key, about 1 % false positives. Sized for its keys when
/// built ([`KeyFilter::with_keys`]); stored as its words ([`KeyFilter::words`],
/// [`KeyFilter::from_words`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyFilter {
    /// A power of two of words (none: the filter passes nothing).
    bits: Vec<u64>,
    /// 64 - log2(bits.len()).
    shift: u32,
}

impl KeyFilter {
    /// An empty filter for `n` keys.
    pub fn with_keys(n: usize) -> KeyFilter {
        let words = (n * 16).div_ceil(64).next_power_of_two();
        KeyFilter {
            bits: vec![0; words],
            shift: 64 - words.trailing_zeros(),
        }
    }

    /// The filter of stored words; `None` when their number is not a power of two.
    pub fn from_words(bits: Vec<u64>) -> Option<KeyFilter> {
        bits.len().is_power_of_two().then(|| KeyFilter {
            shift: 64 - bits.len().trailing_zeros(),
            bits,
        })
    }

    /// The filter's words, as [`KeyFilter::from_words`] reads them.
    pub fn words(&self) -> &[u64] {
        &self.bits
    }

    /// True when the filter passes nothing (it was built for no key).
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// Adds `key`.
    pub fn insert(&mut self, key: u64) {
        let (word, mask) = self.probes(key);
        if let Some(w) = self.bits.get_mut(word) {
            *w |= mask;
        }
    }

    /// False when `key` was certainly not added.
    #[inline]
    pub fn may_contain(&self, key: u64) -> bool {
        let (word, mask) = self.probes(key);
        self.bits.get(word).is_some_and(|w| w & mask == mask)
    }

    /// The word of `bits` that holds the key's bits, and the bits.
    #[inline]
    fn probes(&self, key: u64) -> (usize, u64) {
        // splitmix64's finaliser: the ids of a packed key sit in separate bits.
        let mut z = (key ^ (key >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let mask = (1 << (z & 63)) | (1 << ((z >> 6) & 63)) | (1 << ((z >> 12) & 63));
        // `checked_shr`: a filter of one word has a shift of 64.
        (z.checked_shr(self.shift).unwrap_or(0) as usize, mask)
    }
}

/// A fixed-size value in little-endian bytes.
pub trait Wire: Sized {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    /// Reads from exactly `SIZE` bytes.
    fn get(b: &[u8]) -> Self;
}

macro_rules! wire_int {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            #[inline]
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            #[inline]
            fn get(b: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            }
        }
    )*};
}

wire_int!(u8, u16, u32, u64, f32);

impl Wire for () {
    const SIZE: usize = 0;
    fn put(self, _: &mut Vec<u8>) {}
    fn get(_: &[u8]) -> Self {}
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    const SIZE: usize = A::SIZE + B::SIZE;
    #[inline]
    fn put(self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    #[inline]
    fn get(b: &[u8]) -> Self {
        (A::get(&b[..A::SIZE]), B::get(&b[A::SIZE..]))
    }
}

/// Reads values from bytes in order: static bytes (the binary's) are borrowed, others copied.
pub struct Reader<'a> {
    bytes: &'a [u8],
    /// The same bytes, when they are static.
    fixed: Option<&'static [u8]>,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, fixed: None }
    }

    /// A reader whose [`Reader::take_cow`] borrows.
    pub fn new_static(bytes: &'static [u8]) -> Reader<'static> {
        Reader {
            bytes,
            fixed: Some(bytes),
        }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        if let Some(fixed) = &mut self.fixed {
            *fixed = &fixed[n..];
        }
        Some(head)
    }

    /// The next `n` bytes, borrowed when the reader's bytes are static.
    pub fn take_cow(&mut self, n: usize) -> Option<Cow<'static, [u8]>> {
        let fixed = self.fixed.and_then(|f| f.get(..n));
        let head = self.take(n)?;
        Some(match fixed {
            Some(f) => Cow::Borrowed(f),
            None => Cow::Owned(head.to_vec()),
        })
    }

    pub fn get<T: Wire>(&mut self) -> Option<T> {
        self.take(T::SIZE).map(T::get)
    }

    /// True when everything was read.
    pub fn is_done(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn zero_key_is_never_stored() {
        let mut b: IntMapBuilder<u32, f32> = IntMapBuilder::with_capacity(4);
        assert!(b.get_or_insert(0, 1.0).is_none());
        *b.get_or_insert(7, 0.0).unwrap() += 2.0;
        *b.get_or_insert(7, 0.0).unwrap() += 2.0;
        assert!(b.contains_key(7) && !b.contains_key(0) && !b.contains_key(8));
        let m = b.freeze();
        assert_eq!(m.get(0), None);
        assert_eq!(m.get(7), Some(4.0));
        assert!(!m.contains_key(8));
    }

    #[test]
    fn static_bytes_are_borrowed() {
        static BYTES: [u8; 6] = [1, 2, 3, 4, 5, 6];
        let mut r = Reader::new_static(&BYTES);
        assert_eq!(r.get::<u16>(), Some(0x0201));
        assert!(matches!(r.take_cow(3), Some(Cow::Borrowed([3, 4, 5]))));
        assert!(r.take_cow(2).is_none());
        let mut r = Reader::new(&BYTES[..]);
        assert!(matches!(r.take_cow(6), Some(Cow::Owned(_))));
        assert!(r.is_done());
    }

    proptest! {
        /// The map answers like a HashMap through growth, and its byte form reads back equal.
        #[test]
        fn agrees_with_hash_map(
            keys in prop::collection::vec(0u64..2000, 0..500),
            capacity in 0usize..64,
        ) {
            let mut b: IntMapBuilder<u64, (f32, u32)> = IntMapBuilder::with_capacity(capacity);
            let mut h: HashMap<u64, (f32, u32)> = HashMap::new();
            for (i, &k) in keys.iter().enumerate() {
                if let Some(v) = b.get_or_insert(k, (i as f32, 0)) {
                    v.1 += 1;
                }
                if k != 0 {
                    h.entry(k).or_insert((i as f32, 0)).1 += 1;
                }
            }
            let m = b.freeze();
            for k in 0..2000u64 {
                prop_assert_eq!(m.get(k), h.get(&k).copied());
                prop_assert_eq!(b.contains_key(k), h.contains_key(&k));
            }
            let mut bytes = Vec::new();
            m.write(&mut bytes);
            let mut r = Reader::new(&bytes);
            prop_assert!(IntMap::read(&mut r) == Some(m));
            prop_assert!(r.is_done());
            let mut r = Reader::new(&bytes[..bytes.len() - 1]);
            prop_assert!(IntMap::<u64, (f32, u32)>::read(&mut r).is_none());
        }

        /// A damaged byte form never makes a lookup panic or loop forever.
        #[test]
        fn damaged_tables_never_panic(
            slots in prop::collection::vec(any::<u8>(), 0..200),
            probe in any::<u32>(),
        ) {
            let mut bytes = Vec::new();
            16u64.put(&mut bytes);
            3u64.put(&mut bytes);
            bytes.extend_from_slice(&slots);
            if let Some(m) = IntMap::<u32, f32>::read(&mut Reader::new(&bytes)) {
                let _ = m.get(probe);
            }
        }
    }
}
