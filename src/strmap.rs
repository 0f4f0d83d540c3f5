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

#[derive(Debug, Clone)]
pub struct StrMap<V> {
    short: FxHashMap<Short, V>,
    long: FxHashMap<Box<str>, V>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        }
    }
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

impl<V: Copy> StrMap<V> {
    pub fn get(&self, key: &str) -> Option<V> {
        match inline_key(key) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(key).copied(),
        }
    }

    /// Inserts or replaces; returns the value the key had before.
    pub fn insert(&mut self, key: &str, value: V) -> Option<V> {
        match inline_key(key) {
            Some(k) => self.short.insert(k, value),
            None => self.long.insert(key.into(), value),
        }
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    pub fn reserve(&mut self, additional: usize) {
        self.short.reserve(additional);
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
        assert_eq!(m.get("exactly15bytes?"), None);
        assert_eq!(m.insert("a", 9), Some(1));
        assert_eq!(m.get("a"), Some(9));
        m.clear();
        assert!(m.is_empty() && m.get("钛合").is_none());
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
}
