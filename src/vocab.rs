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
    /// Alphabetic word terms by length in chars, for typo tolerance.
    words_by_len: Vec<Vec<TermId>>,
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

    pub fn reserve(&mut self, terms: usize) {
        self.entries.reserve(terms);
        self.singles.reserve(terms);
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

    /// Alphabetic word terms of `chars` characters.
    pub fn words_of_len(&self, chars: usize) -> &[TermId] {
        self.words_by_len.get(chars).map_or(&[], Vec::as_slice)
    }

    /// The id of the single term `text`, added if new.
    pub fn intern_single(&mut self, text: &str, kind: TermKind) -> TermId {
        match self.singles.get_cached(text) {
            Some(id) => id,
            None => self.push_single(text, kind),
        }
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
            self.words_by_len[len].push(id);
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
    fn alphabetic_words_are_listed_by_length_for_typo_tolerance() {
        let mut v = Vocabulary::default();
        let wing = v.intern_single("wing", TermKind::Word);
        v.intern_single("h100", TermKind::Code);
        v.intern_single("合金", TermKind::Cjk);
        assert_eq!(v.words_of_len(4), &[wing]);
        assert!(v.words_of_len(2).is_empty() && v.words_of_len(99).is_empty());
    }
}
