//! A string-keyed hash map for the vocabulary and the stem cache.
//!
//! Almost every key is short: English stems, CJK bigrams (6 bytes) and
//! characters (3 bytes), model numbers. Those of up to 15 bytes are kept
//! inside the table as two `u64` words, so a look-up hashes two words and
//! compares two words, with no pointer to follow; with `Box<str>` keys
//! every hit read a key from elsewhere in memory, and those cache misses
//! were the largest single cost of indexing. Longer keys go to a second,
//! ordinary map.

use rustc_hash::FxHashMap;

/// Longest key kept inline; one byte of the key holds the length.
const INLINE: usize = 15;

/// A short key: bytes 0–7 in `lo`, bytes 8–14 and the length (top byte)
/// in `hi`, little-endian. Two `u64`s rather than one `u128`: in
/// WebAssembly a `u128` is two 64-bit values anyway, its variable shifts
/// are calls to `__ashlti3`, and its 16-byte alignment padded each table
/// entry with a `u32` value to 32 bytes (24 now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Short {
    lo: u64,
    hi: u64,
}

/// A key no string has (its length byte is over [`INLINE`]): marks an
/// empty slot of the front cache.
const NO_KEY: Short = Short {
    lo: 0,
    hi: u64::MAX,
};

/// Slots in the front cache, a power of two: enough for the common words
/// and bigrams of a corpus, small enough (24 or 32 bytes a slot) to stay in
/// the processor's cache.
const FRONT_SLOTS: usize = 1 << 12;

#[derive(Debug, Clone)]
pub struct StrMap<V> {
    short: FxHashMap<Short, V>,
    long: FxHashMap<Box<str>, V>,
    /// A direct-mapped cache in front of `short` for [`StrMap::get_cached`]:
    /// a slot per hash, holding the last key found there. Term frequencies
    /// are skewed, so most look-ups while indexing are of a few thousand
    /// keys; a hit costs one multiply and one compare, where the hash
    /// table (large, and probed a byte group at a time, without SIMD in
    /// WebAssembly) was the largest single cost of indexing. Empty until
    /// first used, so maps only read (by queries) don't pay for it.
    front: Vec<(Short, V)>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            front: Vec::new(),
        }
    }
}

/// The front-cache slot of a key: the top bits of a multiplicative hash.
#[inline]
fn front_slot(k: Short) -> usize {
    let h = (k.lo ^ k.hi.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - FRONT_SLOTS.trailing_zeros())) as usize
}

/// Bytes `at..at + N` of `b` as a little-endian number (0 if out of
/// range, which the callers' length checks rule out). A fixed-size load:
/// no loop and no `memcpy` call (this runs for every term indexed).
#[inline]
fn load<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    b.get(at..at + N)
        .and_then(|s| s.try_into().ok())
        .unwrap_or([0; N])
}

/// The inline form of a short key: its bytes, then its length in the last
/// byte (so `"a"` and `"a\0"` differ).
fn inline_key(key: &str) -> Option<Short> {
    let b = key.as_bytes();
    let len = b.len();
    // Overlapping loads, each ORed in at its own position: where two
    // overlap they hold the same bytes, so no masking is needed.
    let (lo, hi) = match len {
        0 => (0, 0),
        1..=3 => {
            let byte = |i: usize| u64::from(b.get(i).copied().unwrap_or(0)) << (8 * i);
            (byte(0) | byte(len / 2) | byte(len - 1), 0)
        }
        4..=7 => {
            let half = |at: usize| u64::from(u32::from_le_bytes(load(b, at))) << (8 * at);
            (half(0) | half(len - 4), 0)
        }
        8..=INLINE => {
            let rest = u64::from_le_bytes(load(b, len - 8))
                .checked_shr(8 * (16 - len) as u32)
                .unwrap_or(0);
            (u64::from_le_bytes(load(b, 0)), rest)
        }
        _ => return None,
    };
    Some(Short {
        lo,
        hi: hi | (len as u64) << 56,
    })
}

impl<V: Copy + Default> StrMap<V> {
    /// As [`StrMap::get`], through the front cache: for the many look-ups
    /// of indexing, most of them of frequent keys.
    pub fn get_cached(&mut self, key: &str) -> Option<V> {
        let Some(k) = inline_key(key) else {
            return self.long.get(key).copied();
        };
        if self.front.is_empty() {
            self.front = vec![(NO_KEY, V::default()); FRONT_SLOTS];
        }
        let slot = front_slot(k);
        if let Some(&(cached, v)) = self.front.get(slot) {
            if cached == k {
                return Some(v);
            }
        }
        let v = self.short.get(&k).copied()?;
        if let Some(entry) = self.front.get_mut(slot) {
            *entry = (k, v);
        }
        Some(v)
    }

    pub fn get(&self, key: &str) -> Option<V> {
        match inline_key(key) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(key).copied(),
        }
    }

    /// Inserts or replaces; returns the value the key had before.
    pub fn insert(&mut self, key: &str, value: V) -> Option<V> {
        match inline_key(key) {
            Some(k) => {
                // A replaced value must not be found in the front cache.
                if let Some(entry) = self.front.get_mut(front_slot(k)) {
                    if entry.0 == k {
                        entry.1 = value;
                    }
                }
                self.short.insert(k, value)
            }
            None => self.long.insert(key.into(), value),
        }
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
        self.front.clear();
    }

    /// Room for `additional` more short keys, or an error when memory is
    /// short (a prebuilt index's term count is only trusted after its
    /// checksum).
    pub fn try_reserve(
        &mut self,
        additional: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        self.short.try_reserve(additional)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_keys_are_found() {
        let mut m = StrMap::default();
        let keys = [
            "",
            "a",
            "a\0",
            "钛合",
            "exactly15bytes!",
            "sixteen-bytes-ok",
            "a much longer key than fits",
        ];
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.insert(k, i), None, "{k}");
        }
        assert_eq!(m.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get(k), Some(i), "{k}");
        }
        assert_eq!(m.get("b"), None);
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get_cached(k), Some(i), "{k}");
            assert_eq!(m.get_cached(k), Some(i), "{k}, cached");
        }
        assert_eq!(m.get_cached("b"), None);
        assert_eq!(m.get("exactly15bytes?"), None);
        assert_eq!(m.insert("a", 9), Some(1));
        assert_eq!(m.get("a"), Some(9));
        assert_eq!(m.get_cached("a"), Some(9), "a replaced value is not cached");
        m.clear();
        assert!(m.is_empty() && m.get("钛合").is_none());
        assert!(m.get_cached("钛合").is_none(), "clearing empties the cache");
    }

    /// Every length up to the inline limit, and strings that are periodic
    /// (where overlapping loads could hide the length), map to distinct keys.
    #[test]
    fn inline_keys_are_distinct_for_every_length() {
        let mut strings = std::collections::BTreeSet::new();
        for len in 0..=INLINE {
            for fill in ["a", "ab", "\0", "钛"] {
                let s: String = fill.repeat(len).chars().take(len).collect();
                if s.len() <= INLINE {
                    strings.insert(s);
                }
            }
        }
        let mut keys = std::collections::HashSet::new();
        for s in &strings {
            let k = inline_key(s).unwrap();
            assert!(keys.insert(k), "{s:?}");
            let whole = u128::from(k.lo) | u128::from(k.hi) << 64;
            let bytes: Vec<u8> = (0..s.len()).map(|i| (whole >> (8 * i)) as u8).collect();
            assert_eq!(bytes, s.as_bytes(), "{s:?}");
            assert_eq!((whole >> (8 * INLINE)) as usize, s.len());
            // Nothing but zeros between the bytes and the length.
            let bytes_part = whole & ((1u128 << (8 * INLINE)) - 1);
            assert_eq!(bytes_part >> (8 * s.len()), 0, "{s:?}");
        }
        assert_eq!(inline_key(&"x".repeat(16)), None);
    }

    #[test]
    fn keys_differing_only_in_trailing_zero_bytes_differ() {
        let mut m = StrMap::default();
        m.insert("ab", 1);
        assert_eq!(m.get("ab\0"), None);
        assert_eq!(m.get("ab"), Some(1));
    }

    /// Keys that share a front-cache slot evict each other and are still
    /// found with their own values.
    #[test]
    fn keys_sharing_a_front_slot_are_told_apart() {
        let mut m = StrMap::default();
        let keys: Vec<String> = (0..20_000).map(|i| format!("k{i}")).collect();
        for (i, k) in keys.iter().enumerate() {
            m.insert(k, i);
        }
        let first = front_slot(inline_key(&keys[0]).unwrap());
        let same: Vec<usize> = (0..keys.len())
            .filter(|&i| front_slot(inline_key(&keys[i]).unwrap()) == first)
            .collect();
        assert!(
            same.len() > 1,
            "20,000 keys over {FRONT_SLOTS} slots collide"
        );
        for _ in 0..2 {
            for &i in &same {
                assert_eq!(m.get_cached(&keys[i]), Some(i));
            }
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get_cached(k), Some(i));
        }
    }
}
