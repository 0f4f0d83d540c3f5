//! Typo-tolerant term matching: a challenge word that no profile uses may
//! match a close vocabulary word (`lerning` → `learn`).
//!
//! Distances are optimal-string-alignment edit distances (`strsim::osa_distance`:
//! insertions, deletions, substitutions and swaps of neighbours) between
//! *stems*, so `lerning` (stem `lern`) finds `learn`. Only words whose
//! surface form has at least [`MIN_LETTERS`] letters are corrected; short
//! words are too often real different words (`heat`/`heal`). The allowed
//! distance is 1 up to 7 letters and 2 from 8 letters on. Among candidates
//! the closest wins, then the most common (higher document frequency), then
//! the alphabetically first, so the result is deterministic.

use crate::vocab::{letter_mask, TermId, Vocabulary};

/// Fewest letters in the challenge word for it to be corrected.
pub const MIN_LETTERS: usize = 5;
/// Surface length from which two edits are allowed.
pub const TWO_EDITS_FROM: usize = 8;

/// How many documents have a term: ties between corrections go to the
/// more common word. The index implements it (a trait rather than a
/// closure, so that every caller shares one copy of [`correct`]).
pub trait DocFrequency {
    /// The number of documents with `term`.
    fn df(&self, term: TermId) -> usize;
}

/// The best word of `vocab` for `stem` (a stem not in it) whose surface
/// form had `letters` letters, with its edit distance.
pub fn correct(
    vocab: &Vocabulary,
    df: &impl DocFrequency,
    stem: &str,
    letters: usize,
) -> Option<(TermId, usize)> {
    if letters < MIN_LETTERS || !stem.chars().all(char::is_alphabetic) {
        return None;
    }
    let max_edits = if letters >= TWO_EDITS_FROM { 2 } else { 1 };
    let len = stem.chars().count();
    let mask = letter_mask(stem);
    let mut best: Option<(usize, std::cmp::Reverse<usize>, &str, TermId)> = None;
    for l in len.saturating_sub(max_edits)..=len + max_edits {
        // A substitution changes at most two bits of the letter mask and
        // no length, an insertion or deletion one bit and one letter, a
        // swap neither: d edits change bits + length difference by at
        // most 2d. So only words within that bound can be close enough.
        let budget = (2 * max_edits).saturating_sub(l.abs_diff(len)) as u32;
        for &(term, word_mask) in vocab.words_of_len(l) {
            if (word_mask ^ mask).count_ones() > budget {
                continue;
            }
            let text = vocab.single_text(term);
            let d = strsim::osa_distance(stem, text);
            if d == 0 || d > max_edits {
                continue;
            }
            let key = (d, std::cmp::Reverse(df.df(term)), text, term);
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
        }
    }
    best.map(|(d, _, _, term)| (term, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;
    use crate::model::{Profile, Work};
    use crate::params::Params;

    fn correct(idx: &Index, stem: &str, letters: usize) -> Option<(TermId, usize)> {
        super::correct(idx.vocabulary(), idx, stem, letters)
    }

    fn index(titles: &[&str]) -> Index {
        let mut idx = Index::new(&Params::default());
        for (i, t) in titles.iter().enumerate() {
            idx.add(Profile {
                id: i.to_string(),
                works: vec![Work {
                    title: t.to_string(),
                    ..Work::default()
                }],
                ..Profile::default()
            });
        }
        idx.seal();
        idx
    }

    #[test]
    fn misspelt_word_finds_its_stem() {
        let idx = index(&["machine learning", "heat transfer"]);
        let (term, d) = correct(&idx, "lern", "lerning".len()).unwrap();
        assert_eq!(idx.term_text(term), "learn");
        assert_eq!(d, 1);
    }

    #[test]
    fn short_words_are_not_corrected() {
        let idx = index(&["heat transfer"]);
        assert!(correct(&idx, "heal", 4).is_none());
    }

    #[test]
    fn two_edits_only_for_long_words() {
        let idx = index(&["aluminium"]);
        // Two edits away: allowed for a 9-letter word, not a 7-letter one.
        assert!(correct(&idx, "alumniim", 9).is_some());
        assert!(correct(&idx, "alumniim", 7).is_none());
        let idx = index(&["vortex"]);
        assert!(correct(&idx, "vartez", 6).is_none());
    }

    #[test]
    fn correction_equals_a_search_of_every_word() {
        let idx = index(&[
            "machine learning",
            "heat transfer table cable",
            "aluminium alloys vortex",
            "turbulent boundary layers",
            "stable tables",
        ]);
        let words: Vec<TermId> = (0..idx.vocabulary().len() as TermId)
            .filter(|&t| {
                let text = idx.single_text(t);
                !text.is_empty() && text.chars().all(char::is_alphabetic)
            })
            .collect();
        for stem in [
            "lern",
            "tabl",
            "sabl",
            "cabel",
            "alumnium",
            "vortx",
            "turbulnt",
            "boundri",
            "layr",
            "heet",
            "transfr",
            "stabel",
            "machin",
            "alloi",
            "xyzzy",
            "tbl",
            "aluminiumm",
        ] {
            for letters in [4, 5, 8] {
                let max = if letters >= TWO_EDITS_FROM { 2 } else { 1 };
                let expected = words
                    .iter()
                    .filter(|_| letters >= MIN_LETTERS)
                    .filter_map(|&t| {
                        let text = idx.single_text(t);
                        let d = strsim::osa_distance(stem, text);
                        (d > 0 && d <= max).then_some((d, std::cmp::Reverse(idx.df(t)), text, t))
                    })
                    .min()
                    .map(|(d, _, _, t)| (t, d));
                assert_eq!(correct(&idx, stem, letters), expected, "{stem} {letters}");
            }
        }
    }

    #[test]
    fn ties_prefer_the_more_common_word() {
        let idx = index(&["cable", "table", "table top", "table"]);
        let (term, _) = correct(&idx, "sabl", 5).unwrap();
        assert_eq!(idx.term_text(term), "tabl");
    }
}
