//! The analysis pipeline: text in, terms with offsets out.
//!
//! Stages, one file each: [`normalize`] (width and case folding),
//! [`segment`] (Unicode word boundaries; CJK runs), [`english`] (stopwords,
//! Snowball stemming) and [`chinese`] (bigrams, function words). This file
//! composes them and adds model numbers (`Ti-6Al-4V` → `ti6al4v`,
//! `GB/T 19001` → `gbt19001`) as terms of their own. Every token keeps the
//! byte offsets of its source in the *original* text, which is what makes
//! highlighting possible.

mod chinese;
mod english;
mod normalize;
mod segment;

use segment::{Piece, PieceKind};

pub use normalize::normalize;

/// What kind of term a token is; phrases and typo tolerance treat them
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// A stemmed English (Latin-script) word.
    Word,
    /// A model number, alloy or standard: letters and digits together.
    Code,
    /// A CJK bigram, or a lone CJK character.
    Cjk,
    /// One character of a longer CJK run, in addition to its bigrams.
    CjkChar,
}

/// One term occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range of the term's text in [`Analysis::term`]'s arena.
    term_start: u32,
    term_end: u32,
    /// What kind of term it is.
    pub kind: TermKind,
    /// Byte offsets of the source in the original text.
    pub start: u32,
    /// Byte offset just past the source in the original text.
    pub end: u32,
    /// Clause number: phrases are only formed inside one clause.
    pub clause: u32,
}

/// The tokens of one text, with their term strings in one arena (the
/// folded text, then the terms that are not slices of it).
#[derive(Default, Debug)]
pub struct Analysis {
    arena: String,
    tokens: Vec<Token>,
}

impl Analysis {
    /// The tokens, in text order.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The term a token stands for.
    pub fn term(&self, token: &Token) -> &str {
        self.arena
            .get(token.term_start as usize..token.term_end as usize)
            .unwrap_or("")
    }

    /// Indices of adjacent word pairs (phrases): consecutive Latin-script
    /// tokens in one clause, stopwords between them skipped. CJK text gets
    /// no pairs: its bigrams already carry word order.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.tokens.windows(2).enumerate().filter_map(|(i, w)| {
            let latin = |t: &Token| matches!(t.kind, TermKind::Word | TermKind::Code);
            (latin(&w[0]) && latin(&w[1]) && w[0].clause == w[1].clause).then_some((i, i + 1))
        })
    }

    fn push(&mut self, term: &str, kind: TermKind, start: usize, end: usize, clause: u32) {
        let term_start = self.arena.len();
        self.arena.push_str(term);
        self.push_range(term_start, self.arena.len(), kind, start, end, clause);
    }

    /// A token whose term is already in the arena at `term_start..term_end`
    /// (a CJK term, in the folded text the arena starts with).
    fn push_range(
        &mut self,
        term_start: usize,
        term_end: usize,
        kind: TermKind,
        start: usize,
        end: usize,
        clause: u32,
    ) {
        self.tokens.push(Token {
            term_start: term_start as u32,
            term_end: term_end as u32,
            kind,
            start: start as u32,
            end: end as u32,
            clause,
        });
    }
}

/// Longest standard prefix (`GB/T`, `ISO`, `IEC`) joined to its number.
const MAX_STANDARD_PREFIX: usize = 5;
/// Fewest digits in a standard's number: keeps `ISO 9001`, skips `Mach 2`.
const MIN_STANDARD_DIGITS: usize = 3;

/// What an analysis gives besides the terms. Each caller says what it
/// needs on every call, so one analyser can serve indexing, queries and
/// highlighting without a setting left over from the previous caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// Whether CJK runs also give their single characters, as
    /// [`TermKind::CjkChar`] tokens after each run's bigrams.
    pub cjk_chars: bool,
    /// Whether tokens get their byte offsets in the original text; when
    /// only terms are needed (indexing) they are 0, which saves the
    /// offset bookkeeping.
    pub offsets: bool,
}

impl Default for Mode {
    /// Offsets on, single CJK characters off.
    fn default() -> Self {
        Mode {
            cjk_chars: false,
            offsets: true,
        }
    }
}

/// Runs the pipeline; reuses its buffers between texts, so keep one per
/// thread of work rather than making one per text.
#[derive(Default)]
pub struct Analyzer {
    norm: normalize::Normalized,
    stemmer: english::EnglishStemmer,
    pieces: Vec<Piece>,
    joined: String,
    out: Analysis,
}

impl Analyzer {
    /// An analyser with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Analyses `text` as `mode` says. The result borrows the analyser
    /// until the next call.
    pub fn analyze(&mut self, text: &str, mode: Mode) -> &Analysis {
        self.out.arena.clear();
        self.out.tokens.clear();
        self.norm.fill_with(text, mode.offsets);
        // The arena starts with the folded text, so a CJK term (a slice of
        // it) is a range, not a copy: one copy of the text rather than one
        // per bigram and character.
        self.out.arena.push_str(&self.norm.text);
        self.pieces.clear();
        let pieces = &mut self.pieces;
        segment::segment(&self.norm.text, |p| pieces.push(p));

        let mut clause = 0u32;
        let mut i = 0;
        while i < self.pieces.len() {
            let piece = self.pieces[i];
            match piece.kind {
                PieceKind::Word => {
                    self.word(piece, clause, text, mode.offsets);
                    // Only a word followed by a joiner (`ti-6al`) or, when
                    // short, by a space (`ISO 9001`) can start a model
                    // number: most words skip the call.
                    let may_start = self.pieces.get(i + 1).is_some_and(|next| match next.kind {
                        PieceKind::Joiner => next.start == piece.end,
                        PieceKind::Space => piece.end - piece.start <= MAX_STANDARD_PREFIX,
                        _ => false,
                    });
                    if may_start {
                        self.model_number(i, clause, text);
                    }
                }
                PieceKind::Cjk => {
                    clause += 1;
                    let run = &self.norm.text[piece.start..piece.end];
                    let (norm, out) = (&self.norm, &mut self.out);
                    let offsets = mode.offsets;
                    chinese::run_terms_with_chars(run, mode.cjk_chars, |s, e, char| {
                        let (s, e) = (piece.start + s, piece.start + e);
                        let (start, end) = if offsets {
                            (norm.origin(s), norm.origin_end(e, text))
                        } else {
                            (0, 0)
                        };
                        let kind = if char {
                            TermKind::CjkChar
                        } else {
                            TermKind::Cjk
                        };
                        out.push_range(s, e, kind, start, end, clause);
                    });
                    clause += 1;
                }
                PieceKind::Space => {}
                // `.` or `-` ends a clause unless it sits inside a word
                // chain (`wing-body`, `3.5`), which keeps the words paired.
                PieceKind::Joiner => {
                    let touching = |p: Option<&Piece>| {
                        p.is_some_and(|p| {
                            p.kind == PieceKind::Word
                                && (p.end == piece.start || p.start == piece.end)
                        })
                    };
                    let inner = i > 0
                        && touching(self.pieces.get(i - 1))
                        && touching(self.pieces.get(i + 1));
                    if !inner {
                        clause += 1;
                    }
                }
                PieceKind::Break => clause += 1,
            }
            i += 1;
        }
        &self.out
    }

    /// A Latin-script word: stopwords dropped, stemmed unless it holds digits.
    fn word(&mut self, piece: Piece, clause: u32, text: &str, offsets: bool) {
        let surface = &self.norm.text[piece.start..piece.end];
        let has_digit = surface.bytes().any(|b| b.is_ascii_digit());
        // Single letters are initials and list markers, not topics.
        if !has_digit && surface.chars().nth(1).is_none() {
            return;
        }
        let kind = if has_digit && surface.chars().any(char::is_alphabetic) {
            TermKind::Code
        } else {
            TermKind::Word
        };
        let Some(term) = self.stemmer.term(surface) else {
            return;
        };
        let (start, end) = if offsets {
            (
                self.norm.origin(piece.start),
                self.norm.origin_end(piece.end, text),
            )
        } else {
            (0, 0)
        };
        self.out.push(term, kind, start, end, clause);
    }

    /// At the first word of `word (joiner word)+`, or of `LETTERS number`,
    /// adds the joined model number or standard as one more term.
    fn model_number(&mut self, first: usize, clause: u32, text: &str) {
        let pieces = &self.pieces;
        // Only the first word of a chain starts one.
        let continues_chain = first >= 2 && {
            let (word, joiner) = (pieces[first - 2], pieces[first - 1]);
            word.kind == PieceKind::Word
                && joiner.kind == PieceKind::Joiner
                && word.end == joiner.start
                && joiner.end == pieces[first].start
        };
        if continues_chain {
            return;
        }
        // Collect `word (joiner word)*` with no gaps.
        let mut last = first;
        while let (Some(j), Some(w)) = (pieces.get(last + 1), pieces.get(last + 2)) {
            let touching = pieces[last].end == j.start && j.end == w.start;
            if j.kind == PieceKind::Joiner && w.kind == PieceKind::Word && touching {
                last += 2;
            } else {
                break;
            }
        }
        let norm = &self.norm.text;
        // A lone word can only start a standard (`ISO 9001`): letters, at
        // most five, written with a capital, followed by a space. Most
        // words are neither, and leave here without being copied.
        if last == first {
            let p = pieces[first];
            let followed_by_space = pieces
                .get(first + 1)
                .is_some_and(|s| s.kind == PieceKind::Space);
            if p.end - p.start > MAX_STANDARD_PREFIX
                || !followed_by_space
                || !norm.as_bytes()[p.start..p.end]
                    .iter()
                    .all(u8::is_ascii_alphabetic)
                || !self.norm.starts_uppercase(p.start, text)
            {
                return;
            }
        }
        self.joined.clear();
        for p in pieces[first..=last].iter().step_by(2) {
            self.joined.push_str(&norm[p.start..p.end]);
        }
        let has_digit = self.joined.bytes().any(|b| b.is_ascii_digit());
        let has_letter = self.joined.chars().any(char::is_alphabetic);
        let mut end_piece = last;
        if has_digit && has_letter && last > first {
            // `ti-6al-4v`
        } else if !has_digit
            && self.joined.len() <= MAX_STANDARD_PREFIX
            && self.joined.bytes().all(|b| b.is_ascii_alphabetic())
            && self.norm.starts_uppercase(pieces[first].start, text)
        {
            // `GB/T 19001`, `ISO 9001`: letters, one space, a number.
            let (Some(space), Some(number)) = (pieces.get(last + 1), pieces.get(last + 2)) else {
                return;
            };
            let digits = &norm[number.start..number.end];
            if space.kind != PieceKind::Space
                || space.end - space.start != 1
                || number.kind != PieceKind::Word
                || digits.bytes().filter(u8::is_ascii_digit).count() < MIN_STANDARD_DIGITS
                || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            {
                return;
            }
            self.joined.push_str(digits);
            end_piece = last + 2;
        } else {
            return;
        }
        let joined: String = self
            .joined
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        let start = self.norm.origin(pieces[first].start);
        let end = self.norm.origin_end(pieces[end_piece].end, text);
        self.out.push(&joined, TermKind::Code, start, end, clause);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut a = Analyzer::new();
        let analysis = a.analyze(text, Mode::default());
        analysis
            .tokens()
            .iter()
            .map(|t| analysis.term(t).to_string())
            .collect()
    }

    fn spans(text: &str) -> Vec<&str> {
        let mut a = Analyzer::new();
        let analysis = a.analyze(text, Mode::default());
        let ranges: Vec<_> = analysis
            .tokens()
            .iter()
            .map(|t| (t.start as usize, t.end as usize))
            .collect();
        ranges.into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn english_is_stemmed_without_stopwords() {
        assert_eq!(
            terms("What are the vibrations of heated wings?"),
            vec!["vibrat", "heat", "wing"]
        );
    }

    #[test]
    fn chinese_becomes_bigrams() {
        assert_eq!(terms("钛合金的疲劳"), vec!["钛合", "合金", "疲劳"]);
    }

    #[test]
    fn mixed_text_keeps_both_scripts() {
        assert_eq!(
            terms("５Ｇ基站功放散热（GaN）"),
            vec!["5g", "基站", "站功", "功放", "放散", "散热", "gan"]
        );
    }

    #[test]
    fn alloy_is_kept_whole_and_in_parts() {
        let t = terms("Ti-6Al-4V powder");
        assert!(t.contains(&"ti6al4v".to_string()), "{t:?}");
        assert!(t.contains(&"6al".to_string()) && t.contains(&"powder".to_string()));
    }

    #[test]
    fn standards_join_letters_and_number() {
        assert!(terms("符合GB/T 19001要求").contains(&"gbt19001".to_string()));
        assert!(terms("ISO 9001 audit").contains(&"iso9001".to_string()));
        // Lower-case prose is not a standard.
        assert!(!terms("from 1990 on").iter().any(|t| t == "from1990"));
    }

    #[test]
    fn model_numbers_are_terms() {
        assert_eq!(terms("H100 and 5G"), vec!["h100", "5g"]);
    }

    #[test]
    fn offsets_point_at_original_text() {
        assert_eq!(spans("ＡＩ钛合金"), vec!["ＡＩ", "钛合", "合金"]);
        assert_eq!(spans("Heated WINGS"), vec!["Heated", "WINGS"]);
    }

    #[test]
    fn pairs_stay_inside_a_clause() {
        let mut a = Analyzer::new();
        let analysis = a.analyze("wing in a slipstream. boundary layer", Mode::default());
        let pairs: Vec<_> = analysis
            .pairs()
            .map(|(i, j)| {
                let t = analysis.tokens();
                format!("{} {}", analysis.term(&t[i]), analysis.term(&t[j]))
            })
            .collect();
        assert_eq!(pairs, vec!["wing slipstream", "boundari layer"]);
    }

    #[test]
    fn empty_and_symbol_only_text_gives_nothing() {
        assert!(terms("").is_empty());
        assert!(terms("… —— !!! 的").is_empty());
    }
}
