//! Stage 3a: English stopwords and stemming.
//!
//! Stopwords are the Snowball English list plus the question words that
//! fill challenge text ("what", "how", "can") and carry no topic. Stemming
//! is Snowball English (Porter 2) from `rust-stemmers`, with a cache since
//! the same surface forms recur across a corpus and stemming dominates the
//! cost of indexing English.

use crate::strmap::StrMap;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashSet;
use std::sync::OnceLock;

/// Sorted, for binary search.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren't",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "down",
    "during",
    "e.g",
    "each",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "how's",
    "however",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "i.e",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "let's",
    "may",
    "me",
    "might",
    "more",
    "most",
    "mustn't",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "shan't",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "so",
    "some",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "wasn't",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "when's",
    "where",
    "where's",
    "whether",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "why",
    "why's",
    "will",
    "with",
    "within",
    "without",
    "won't",
    "would",
    "wouldn't",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Longest stopword, in bytes: longer words skip the lookup.
const MAX_STOPWORD_LEN: usize = 10;

/// True for a folded English word that carries no topic.
pub fn is_stopword(word: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    word.len() <= MAX_STOPWORD_LEN
        && SET
            .get_or_init(|| STOPWORDS.iter().copied().collect())
            .contains(word)
}

/// Entries kept in the stem cache before it is cleared: bounds memory on
/// corpora with huge vocabularies while keeping the common words cached.
const STEM_CACHE_LIMIT: usize = 200_000;

/// Snowball English with a cache of surface form → stem.
pub struct EnglishStemmer {
    stemmer: Stemmer,
    /// Surface form → where its stem is in `stems` (or [`STOPWORD`]): a
    /// copied range ends the borrow of the map, so a hit costs one look-up.
    cache: StrMap<(u32, u32)>,
    /// All cached stems, one after another.
    stems: String,
}

impl Default for EnglishStemmer {
    fn default() -> Self {
        EnglishStemmer {
            stemmer: Stemmer::create(Algorithm::English),
            cache: StrMap::default(),
            stems: String::new(),
        }
    }
}

impl EnglishStemmer {
    /// The index term of a folded word: `None` for a stopword, else its
    /// stem. Words with digits (`h100`, `5g`) and words of up to 3 letters
    /// are kept as they are: stemming would only damage them. The cache
    /// remembers stopwords too, so a common word costs one look-up.
    pub fn term<'a>(&'a mut self, word: &'a str) -> Option<&'a str> {
        // No stopword has a digit (a test checks).
        if word.bytes().any(|b| b.is_ascii_digit()) {
            return Some(word);
        }
        // Short words go through the cache too, unstemmed: a hit in its
        // front cache costs less than the stopword set's string hashing.
        if let Some((start, end)) = self.cache.get_cached(word) {
            return (start != STOPWORD).then(|| self.stems.get(start as usize..end as usize))?;
        }
        if self.cache.len() >= STEM_CACHE_LIMIT {
            self.cache.clear();
            self.stems.clear();
        }
        if is_stopword(word) {
            self.cache.insert(word, (STOPWORD, STOPWORD));
            return None;
        }
        // Possessive apostrophes: Snowball handles `'s` itself.
        let start = self.stems.len();
        if word.len() <= 3 {
            self.stems.push_str(word);
        } else {
            self.stems.push_str(&self.stemmer.stem(word));
        }
        let end = self.stems.len();
        self.cache.insert(word, (start as u32, end as u32));
        self.stems.get(start..end)
    }

    /// The stem of a folded word, stopword or not.
    #[cfg(test)]
    pub fn stem<'a>(&'a mut self, word: &'a str) -> std::borrow::Cow<'a, str> {
        if word.len() <= 3 || word.bytes().any(|b| b.is_ascii_digit()) {
            return word.into();
        }
        self.stemmer.stem(word)
    }
}

/// Cache entry for a stopword.
const STOPWORD: u32 = u32::MAX;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopword_list_is_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn no_stopword_is_longer_than_the_length_cut() {
        assert!(STOPWORDS.iter().all(|w| w.len() <= MAX_STOPWORD_LEN));
    }

    #[test]
    fn no_stopword_has_a_digit() {
        assert!(STOPWORDS
            .iter()
            .all(|w| !w.bytes().any(|b| b.is_ascii_digit())));
    }

    #[test]
    fn short_words_are_kept_whole_unless_stopwords() {
        let mut s = EnglishStemmer::default();
        for _ in 0..2 {
            assert_eq!(s.term("gas"), Some("gas"));
            assert_eq!(s.term("ies"), Some("ies"));
            assert_eq!(s.term("the"), None);
            assert_eq!(s.term("of"), None);
            assert_eq!(s.term("5g"), Some("5g"));
        }
        assert_eq!(s.term("gases"), Some("gase"));
    }

    #[test]
    fn question_words_are_stopwords() {
        for w in ["what", "how", "can", "the", "of"] {
            assert!(is_stopword(w), "{w}");
        }
        assert!(!is_stopword("wing"));
    }

    #[test]
    fn inflections_share_a_stem() {
        let mut s = EnglishStemmer::default();
        let a = s.term("learning").map(str::to_string);
        assert_eq!(a.as_deref(), s.term("learned"));
        let b = s.term("vibrations").map(str::to_string);
        assert_eq!(b.as_deref(), s.term("vibration"));
        assert_eq!(s.stem("vibrations"), "vibrat");
    }

    #[test]
    fn model_numbers_are_not_stemmed() {
        let mut s = EnglishStemmer::default();
        assert_eq!(s.term("h100s"), Some("h100s"));
        assert_eq!(s.term("gas"), Some("gas"));
    }

    #[test]
    fn stopwords_have_no_term_even_when_cached() {
        let mut s = EnglishStemmer::default();
        for _ in 0..2 {
            assert_eq!(s.term("however"), None);
            assert_eq!(s.term("the"), None);
        }
    }
}
