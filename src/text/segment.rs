//! Stage 2: splitting folded text into pieces.
//!
//! Latin-script words follow Unicode word boundaries (UAX #29), which keep
//! `can't`, `3.14` and `h100` whole. Han characters, kana and hangul are
//! gathered into runs, since Chinese has no spaces; the CJK stage turns a
//! run into bigrams. Punctuation that ends a clause is kept as a break so
//! that word pairs (phrases) never straddle two sentences.

use unicode_segmentation::UnicodeSegmentation;

/// What a piece of folded text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// Letters and/or digits (a Latin-script word, a number, `5g`).
    Word,
    /// A run of Han characters, kana or hangul.
    Cjk,
    /// `-`, `/`, `.` or `_` directly between two words: may join a model
    /// number (`ti-6al-4v`, `gb/t`).
    Joiner,
    /// White space: separates words within a clause; a single space may
    /// join a standard's letters to its number (`GB/T 19001`).
    Space,
    /// Anything that ends a clause or separates words otherwise.
    Break,
}

/// A piece with byte offsets into the folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub kind: PieceKind,
    pub start: usize,
    pub end: usize,
}

/// True for characters written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'     // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{20000}'..='\u{3134F}' // extensions B–G
        | '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{31F0}'..='\u{31FF}'   // katakana extensions
        | '\u{AC00}'..='\u{D7AF}'   // hangul syllables
        | '\u{1100}'..='\u{11FF}'   // hangul jamo
        | '\u{3130}'..='\u{318F}'   // hangul compatibility jamo
    ) && c != '\u{30FB}' // katakana middle dot is punctuation
}

/// Splits folded text into pieces, calling `emit` for each in order.
/// Adjacent CJK segments are merged into one run.
pub fn segment(text: &str, mut emit: impl FnMut(Piece)) {
    let mut cjk_run: Option<(usize, usize)> = None;
    for (start, seg) in text.split_word_bound_indices() {
        let end = start + seg.len();
        let Some(first) = seg.chars().next() else {
            continue;
        };
        if is_cjk(first) {
            cjk_run = match cjk_run {
                Some((s, e)) if e == start => Some((s, end)),
                Some((s, e)) => {
                    emit(Piece {
                        kind: PieceKind::Cjk,
                        start: s,
                        end: e,
                    });
                    Some((start, end))
                }
                None => Some((start, end)),
            };
            continue;
        }
        if let Some((s, e)) = cjk_run.take() {
            emit(Piece {
                kind: PieceKind::Cjk,
                start: s,
                end: e,
            });
        }
        let kind = if seg.chars().any(char::is_alphanumeric) {
            PieceKind::Word
        } else if matches!(seg, "-" | "/" | "." | "_") {
            PieceKind::Joiner
        } else if seg.chars().all(char::is_whitespace) {
            PieceKind::Space
        } else {
            PieceKind::Break
        };
        emit(Piece { kind, start, end });
    }
    if let Some((s, e)) = cjk_run {
        emit(Piece {
            kind: PieceKind::Cjk,
            start: s,
            end: e,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<(PieceKind, &str)> {
        let mut out = Vec::new();
        segment(text, |p| out.push((p.kind, &text[p.start..p.end])));
        out
    }

    #[test]
    fn latin_words_follow_word_boundaries() {
        use PieceKind::*;
        assert_eq!(
            pieces("can't stop h100, 3.14"),
            vec![
                (Word, "can't"),
                (Space, " "),
                (Word, "stop"),
                (Space, " "),
                (Word, "h100"),
                (Break, ","),
                (Space, " "),
                (Word, "3.14")
            ]
        );
    }

    #[test]
    fn han_characters_form_one_run() {
        use PieceKind::*;
        assert_eq!(
            pieces("5g基站散热,ai"),
            vec![(Word, "5g"), (Cjk, "基站散热"), (Break, ","), (Word, "ai")]
        );
    }

    #[test]
    fn kana_and_hangul_are_cjk() {
        assert!(is_cjk('カ') && is_cjk('ひ') && is_cjk('한') && is_cjk('钛'));
        assert!(!is_cjk('a') && !is_cjk('・') && !is_cjk('。'));
    }

    #[test]
    fn model_number_parts_are_joined_by_joiners() {
        use PieceKind::*;
        assert_eq!(
            pieces("ti-6al-4v"),
            vec![
                (Word, "ti"),
                (Joiner, "-"),
                (Word, "6al"),
                (Joiner, "-"),
                (Word, "4v")
            ]
        );
    }
}
