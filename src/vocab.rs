//! The vocabulary: every term of the corpus, numbered in order of first
//! appearance.
//!
//! A term is a single term (stem, code, CJK bigram or character) or a pair
//! of two adjacent words. Single terms' texts live in one arena string, so
//! a new term costs no allocation of its own, and are found through a
//! [`StrMap`]; pairs are found by their two ids.

use crate::strmap::StrMap;
use crate::text::TermKind;
use rustc_hash::FxHashMap;

pub type TermId = u32;

/// What a term is, for display, storage and typo tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'a> {
    Single {
        text: &'a str,
        kind: TermKind,
    },
    /// Two adjacent words.
    Pair(TermId, TermId),
}

#[derive(Debug, Clone, Copy)]
enum Entry {
    /// Byte range in the arena.
    Single {
        start: u32,
        end: u32,
        kind: TermKind,
    },
    Pair(TermId, TermId),
}

#[derive(Default)]
pub struct Vocabulary {
    entries: Vec<Entry>,
    arena: String,
    singles: StrMap<TermId>,
    pairs: FxHashMap<u64, TermId>,
    /// Alphabetic word terms by length in chars, for typo tolerance, each
    /// with its letter mask ([`letter_mask`]), computed once
    /// here: typo correction tests it for every word of a length, for
    /// every unknown challenge word, and recomputing it was most of that cost.
    words_by_len: Vec<Vec<(TermId, u32)>>,
    /// Ids of single CJK ideographs, by code point from [`CJK_FIRST`]
    /// ([`NO_ID`] until seen): a CJK text gives a term per character
    /// besides its bigrams, over a third of all terms indexed, and an
    /// array read costs far less than hashing. A cache in front of
    /// `singles`, filled by [`Vocabulary::intern_single`].
    cjk_ids: Vec<TermId>,
}

/// Letters present, as a bit set: a cheap filter for typo correction,
/// since one edit changes at most two bits of it.
pub fn letter_mask(s: &str) -> u32 {
    s.bytes()
        .filter(u8::is_ascii_lowercase)
        .fold(0, |m, b| m | 1 << (b - b'a'))
}

/// The block of CJK unified ideographs: nearly every Chinese character.
const CJK_FIRST: u32 = 0x4E00;
const CJK_LAST: u32 = 0x9FFF;
/// Marks an ideograph without an id yet in `cjk_ids`.
const NO_ID: TermId = TermId::MAX;

/// Where a term of one CJK unified ideograph has its id in `cjk_ids`.
fn cjk_slot(text: &str) -> Option<usize> {
    let &[a, b, c] = text.as_bytes() else {
        return None;
    };
    // Three bytes of valid UTF-8 that start a three-byte sequence are one
    // character; decode it.
    if a & 0xF0 != 0xE0 {
        return None;
    }
    let cp = u32::from(a & 0x0F) << 12 | u32::from(b & 0x3F) << 6 | u32::from(c & 0x3F);
    (CJK_FIRST..=CJK_LAST)
        .contains(&cp)
        .then(|| (cp - CJK_FIRST) as usize)
}

fn pair_key(a: TermId, b: TermId) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl Vocabulary {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Room for `terms` more terms, or an error when memory is short.
    pub fn try_reserve(&mut self, terms: usize) -> Result<(), std::collections::TryReserveError> {
        self.entries.try_reserve(terms)?;
        self.singles.try_reserve(terms)
    }

    pub fn single(&self, text: &str) -> Option<TermId> {
        self.singles.get(text)
    }

    pub fn pair(&self, a: TermId, b: TermId) -> Option<TermId> {
        self.pairs.get(&pair_key(a, b)).copied()
    }

    pub fn get(&self, id: TermId) -> Option<Term<'_>> {
        Some(match *self.entries.get(id as usize)? {
            Entry::Single { start, end, kind } => Term::Single {
                text: self.arena.get(start as usize..end as usize).unwrap_or(""),
                kind,
            },
            Entry::Pair(a, b) => Term::Pair(a, b),
        })
    }

    /// The text of a single term; empty for pairs and unknown ids.
    pub fn single_text(&self, id: TermId) -> &str {
        match self.get(id) {
            Some(Term::Single { text, .. }) => text,
            _ => "",
        }
    }

    /// Alphabetic word terms of `chars` characters, with their letter masks.
    pub fn words_of_len(&self, chars: usize) -> &[(TermId, u32)] {
        self.words_by_len.get(chars).map_or(&[], Vec::as_slice)
    }

    /// The id of the single term `text`, added if new.
    pub fn intern_single(&mut self, text: &str, kind: TermKind) -> TermId {
        let Some(slot) = cjk_slot(text) else {
            return match self.singles.get_cached(text) {
                Some(id) => id,
                None => self.push_single(text, kind),
            };
        };
        if let Some(&id) = self.cjk_ids.get(slot) {
            if id != NO_ID {
                return id;
            }
        }
        let id = match self.singles.get(text) {
            Some(id) => id,
            None => self.push_single(text, kind),
        };
        if self.cjk_ids.is_empty() {
            self.cjk_ids = vec![NO_ID; (CJK_LAST - CJK_FIRST + 1) as usize];
        }
        if let Some(entry) = self.cjk_ids.get_mut(slot) {
            *entry = id;
        }
        id
    }

    /// The id of the pair `a b`, added if new.
    pub fn intern_pair(&mut self, a: TermId, b: TermId) -> TermId {
        let next = self.entries.len() as TermId;
        let id = *self.pairs.entry(pair_key(a, b)).or_insert(next);
        if id == next {
            self.entries.push(Entry::Pair(a, b));
        }
        id
    }

    /// Adds a single term the caller knows is new (or checks with
    /// [`Vocabulary::single`] first); returns its id.
    pub fn push_single(&mut self, text: &str, kind: TermKind) -> TermId {
        let id = self.entries.len() as TermId;
        let start = self.arena.len() as u32;
        self.arena.push_str(text);
        self.entries.push(Entry::Single {
            start,
            end: self.arena.len() as u32,
            kind,
        });
        self.singles.insert(text, id);
        if kind == TermKind::Word && text.chars().all(char::is_alphabetic) {
            let len = text.chars().count();
            if self.words_by_len.len() <= len {
                self.words_by_len.resize(len + 1, Vec::new());
            }
            self.words_by_len[len].push((id, letter_mask(text)));
        }
        id
    }

    /// Adds a pair the caller knows is new; returns its id.
    pub fn push_pair(&mut self, a: TermId, b: TermId) -> TermId {
        let id = self.entries.len() as TermId;
        self.pairs.insert(pair_key(a, b), id);
        self.entries.push(Entry::Pair(a, b));
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_numbered_in_order_and_found_again() {
        let mut v = Vocabulary::default();
        let wing = v.intern_single("wing", TermKind::Word);
        let ti = v.intern_single("钛合", TermKind::Cjk);
        let pair = v.intern_pair(wing, ti);
        assert_eq!((wing, ti, pair), (0, 1, 2));
        assert_eq!(v.intern_single("wing", TermKind::Word), wing);
        assert_eq!(v.intern_pair(wing, ti), pair);
        assert_eq!(v.intern_pair(ti, wing), 3, "pairs are ordered");
        assert_eq!(v.len(), 4);
        assert_eq!(v.single("钛合"), Some(ti));
        assert_eq!(v.pair(wing, ti), Some(pair));
        assert_eq!(
            v.get(ti),
            Some(Term::Single {
                text: "钛合",
                kind: TermKind::Cjk
            })
        );
        assert_eq!(v.get(pair), Some(Term::Pair(wing, ti)));
        assert_eq!(v.single_text(pair), "");
        assert_eq!(v.get(9), None);
    }

    #[test]
    fn cjk_characters_are_interned_once_and_found_by_text() {
        let mut v = Vocabulary::default();
        let ti = v.intern_single("钛", TermKind::CjkChar);
        let he = v.intern_single("合", TermKind::CjkChar);
        let bigram = v.intern_single("钛合", TermKind::Cjk);
        // The ends of the block, a character outside it and a non-CJK
        // three-byte term take their own paths and are kept apart.
        let first = v.intern_single("\u{4E00}", TermKind::CjkChar);
        let last = v.intern_single("\u{9FFF}", TermKind::CjkChar);
        let kana = v.intern_single("カ", TermKind::CjkChar);
        let word = v.intern_single("abc", TermKind::Word);
        assert_eq!(
            (ti, he, bigram, first, last, kana, word),
            (0, 1, 2, 3, 4, 5, 6)
        );
        for _ in 0..2 {
            assert_eq!(v.intern_single("钛", TermKind::CjkChar), ti);
            assert_eq!(v.intern_single("合", TermKind::Cjk), he);
            assert_eq!(v.intern_single("\u{4E00}", TermKind::CjkChar), first);
            assert_eq!(v.intern_single("\u{9FFF}", TermKind::CjkChar), last);
            assert_eq!(v.intern_single("カ", TermKind::CjkChar), kana);
        }
        assert_eq!(v.len(), 7);
        assert_eq!((v.single("钛"), v.single("钛合")), (Some(ti), Some(bigram)));
        assert_eq!(cjk_slot("钛"), Some('钛' as usize - CJK_FIRST as usize));
        assert_eq!(
            (cjk_slot("カ"), cjk_slot("abc"), cjk_slot("é")),
            (None, None, None)
        );
    }

    #[test]
    fn alphabetic_words_are_listed_by_length_for_typo_tolerance() {
        let mut v = Vocabulary::default();
        let wing = v.intern_single("wing", TermKind::Word);
        v.intern_single("h100", TermKind::Code);
        v.intern_single("合金", TermKind::Cjk);
        assert_eq!(v.words_of_len(4), &[(wing, letter_mask("wing"))]);
        assert!(v.words_of_len(2).is_empty() && v.words_of_len(99).is_empty());
    }
}
