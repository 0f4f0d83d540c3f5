//! A string-keyed hash map for the vocabulary and the stem cache.
//!
//! Almost every key is short: English stems, CJK bigrams (6 bytes) and
//! characters (3 bytes), model numbers. Those of up to 15 bytes are kept
//! inside the table as one `u128`, so a look-up hashes two words and
//! compares two words, with no pointer to follow; with `Box<str>` keys
//! every hit read a key from elsewhere in memory, and those cache misses
//! were the largest single cost of indexing. Longer keys go to a second,
//! ordinary map.

use rustc_hash::FxHashMap;

/// Longest key kept inline; one byte of the `u128` holds the length.
const INLINE: usize = 15;

#[derive(Debug, Clone)]
pub struct StrMap<V> {
    short: FxHashMap<u128, V>,
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

/// The inline form of a short key: its bytes, then its length in the last
/// byte (so `"a"` and `"a\0"` differ).
fn inline_key(key: &str) -> Option<u128> {
    let b = key.as_bytes();
    let len = b.len();
    let tag = (len as u128) << (8 * INLINE);
    // Two word loads, the second overlapping the first and shifted so it
    // holds only the bytes after them: no loop and no `memcpy` call (this
    // runs for every term indexed).
    // Assembled from bytes (the compiler makes each one load): a slice
    // copy into an array became a `memcpy` call in WebAssembly, where
    // these look-ups were then the largest cost of indexing.
    let word = |at: usize| -> u64 {
        b[at..at + 8]
            .iter()
            .rev()
            .fold(0u64, |w, &byte| (w << 8) | u64::from(byte))
    };
    let half = |at: usize| -> u32 {
        b[at..at + 4]
            .iter()
            .rev()
            .fold(0u32, |w, &byte| (w << 8) | u32::from(byte))
    };
    Some(match len {
        0..=3 => b
            .iter()
            .enumerate()
            .fold(tag, |k, (i, &byte)| k | u128::from(byte) << (8 * i)),
        4..=7 => {
            let rest = half(len - 4).checked_shr(8 * (8 - len) as u32).unwrap_or(0);
            tag | u128::from(half(0)) | u128::from(rest) << 32
        }
        8..=INLINE => {
            let rest = word(len - 8)
                .checked_shr(8 * (16 - len) as u32)
                .unwrap_or(0);
            tag | u128::from(word(0)) | u128::from(rest) << 64
        }
        _ => return None,
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
            let bytes: Vec<u8> = (0..s.len()).map(|i| (k >> (8 * i)) as u8).collect();
            assert_eq!(bytes, s.as_bytes(), "{s:?}");
            assert_eq!((k >> (8 * INLINE)) as usize, s.len());
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
