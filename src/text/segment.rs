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

/// Byte classes for the ASCII scans: one table read instead of a chain
/// of comparisons per byte (these loops see every byte of English text).
const SPACE: u8 = 1;
const ALNUM: u8 = 2;
const UNDERSCORE: u8 = 4;
const ALPHA: u8 = 8;
const DIGIT: u8 = 16;
const WORD: u8 = ALNUM | UNDERSCORE;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_whitespace() {
            SPACE
        } else if c.is_ascii_alphabetic() {
            ALNUM | ALPHA
        } else if c.is_ascii_digit() {
            ALNUM | DIGIT
        } else if c == b'_' {
            UNDERSCORE
        } else {
            0
        };
        b += 1;
    }
    t
};

#[inline]
fn class(b: u8) -> u8 {
    CLASS[b as usize]
}

/// Splits folded text into pieces, calling `emit` for each in order.
/// Adjacent CJK segments are merged into one run.
///
/// White space always separates words, so the text is cut at it first;
/// a chunk of pure ASCII (most English) takes a fast path that applies the
/// UAX #29 rules for ASCII directly, since the general segmenter's table
/// look-ups dominated indexing time. Other chunks go through
/// `unicode-segmentation`. A test checks both paths agree on ASCII.
pub fn segment(text: &str, mut emit: impl FnMut(Piece)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if class(bytes[i]) & SPACE != 0 {
            while i < bytes.len() && class(bytes[i]) & SPACE != 0 {
                i += 1;
            }
            emit(Piece {
                kind: PieceKind::Space,
                start,
                end: i,
            });
            continue;
        }
        let mut ascii = true;
        while i < bytes.len() && class(bytes[i]) & SPACE == 0 {
            ascii &= bytes[i].is_ascii();
            i += 1;
        }
        if ascii {
            segment_ascii(text, start, i, &mut emit);
        } else {
            segment_unicode(text, start, i, &mut emit);
        }
    }
}

/// UAX #29 for a chunk of ASCII without white space: letters, digits and
/// `_` join (WB5, WB8–WB10, WB13a/b); `:` `.` `'` join letters (WB6/7);
/// `,` `;` `.` `'` join digits (WB11/12); anything else stands alone.
fn segment_ascii(text: &str, from: usize, to: usize, emit: &mut impl FnMut(Piece)) {
    ascii_pieces(text, from, to, false, emit);
}

/// The pieces of [`segment_ascii`]; with `unicode_kinds`, each piece gets
/// the kind [`emit_run`] gives a segment of the general path (they differ
/// only for a run of several `_`), so a run of ASCII cut out of a
/// non-ASCII chunk is segmented here exactly as there. Inlined so that
/// each caller gets a copy with `unicode_kinds` fixed and `emit` inlined:
/// as a function of its own it cost more than the table look-ups it saves.
#[inline(always)]
fn ascii_pieces(
    text: &str,
    from: usize,
    to: usize,
    unicode_kinds: bool,
    emit: &mut impl FnMut(Piece),
) {
    let b = text.as_bytes();
    let is_word = |c: u8| class(c) & WORD != 0;
    let mut i = from;
    while i < to {
        let start = i;
        if !is_word(b[i]) {
            i += 1;
            let kind = if unicode_kinds {
                segment_kind(&text[start..i])
            } else if matches!(b[start], b'-' | b'/' | b'.' | b'_') {
                PieceKind::Joiner
            } else {
                PieceKind::Break
            };
            emit(Piece {
                kind,
                start,
                end: i,
            });
            continue;
        }
        let mut alnum = class(b[i]) & ALNUM != 0;
        i += 1;
        while i < to {
            let c = b[i];
            if is_word(c) {
                alnum |= class(c) & ALNUM != 0;
                i += 1;
                continue;
            }
            let (prev, next) = (b[i - 1], b.get(i + 1).copied().filter(|_| i + 1 < to));
            let Some(next) = next else { break };
            let both = class(prev) & class(next);
            let letters = both & ALPHA != 0 && matches!(c, b':' | b'.' | b'\'');
            let digits = both & DIGIT != 0 && matches!(c, b',' | b';' | b'.' | b'\'');
            if letters || digits {
                // Both sides are letters or digits.
                alnum = true;
                i += 2;
            } else {
                break;
            }
        }
        let kind = if unicode_kinds {
            segment_kind(&text[start..i])
        } else if alnum {
            PieceKind::Word
        } else {
            // A lone `_` or a run of them.
            PieceKind::Joiner
        };
        emit(Piece {
            kind,
            start,
            end: i,
        });
    }
}

/// A chunk with non-ASCII text: runs of CJK characters are cut out
/// directly (no rule of UAX #29 joins two ideographs into a word, and the
/// CJK stage wants whole runs anyway); the rest goes through the general
/// Unicode word boundaries.
fn segment_unicode(text: &str, from: usize, to: usize, emit: &mut impl FnMut(Piece)) {
    let chunk = &text[from..to];
    let mut run_start = 0;
    let mut run_cjk = None;
    for (at, c) in chunk.char_indices() {
        let cjk = is_cjk(c);
        match run_cjk {
            Some(was) if was != cjk => {
                emit_run(text, from + run_start, from + at, was, emit);
                run_start = at;
            }
            _ => {}
        }
        run_cjk = Some(cjk);
    }
    if let Some(was) = run_cjk {
        emit_run(text, from + run_start, to, was, emit);
    }
}

fn emit_run(text: &str, start: usize, end: usize, cjk: bool, emit: &mut impl FnMut(Piece)) {
    if cjk {
        emit(Piece {
            kind: PieceKind::Cjk,
            start,
            end,
        });
        return;
    }
    let run = &text[start..end];
    // Most runs between CJK characters are one punctuation mark (`，`
    // folds to `,`, `。` stays) or an ASCII word (`5g`), which need no
    // table look-ups: a lone character is one segment, and an ASCII run
    // follows the ASCII rules (a test checks they agree).
    let mut chars = run.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        emit(Piece {
            kind: char_kind(c),
            start,
            end,
        });
    } else if run.is_ascii() {
        ascii_pieces(text, start, end, true, emit);
    } else {
        emit_run_unicode(text, start, end, emit);
    }
}

/// The general path: Unicode word boundaries (UAX #29).
fn emit_run_unicode(text: &str, start: usize, end: usize, emit: &mut impl FnMut(Piece)) {
    for (offset, seg) in text[start..end].split_word_bound_indices() {
        let from = start + offset;
        emit(Piece {
            kind: segment_kind(seg),
            start: from,
            end: from + seg.len(),
        });
    }
}

/// The kind of a segment of the general path.
fn segment_kind(seg: &str) -> PieceKind {
    if seg.chars().any(char::is_alphanumeric) {
        PieceKind::Word
    } else if matches!(seg, "-" | "/" | "." | "_") {
        PieceKind::Joiner
    } else if seg.chars().all(char::is_whitespace) {
        PieceKind::Space
    } else {
        PieceKind::Break
    }
}

/// [`segment_kind`] of a one-character segment, without building a string.
fn char_kind(c: char) -> PieceKind {
    if c.is_alphanumeric() {
        PieceKind::Word
    } else if matches!(c, '-' | '/' | '.' | '_') {
        PieceKind::Joiner
    } else if c.is_whitespace() {
        PieceKind::Space
    } else {
        PieceKind::Break
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

    /// Word pieces of the general path alone, for comparison.
    fn unicode_words(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        segment_unicode(text, 0, text.len(), &mut |p| {
            if p.kind == PieceKind::Word {
                out.push((p.start, p.end))
            }
        });
        out
    }

    fn words(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        segment(text, |p| {
            if p.kind == PieceKind::Word {
                out.push((p.start, p.end))
            }
        });
        out
    }

    #[test]
    fn ascii_fast_path_agrees_with_uax29() {
        for text in [
            "can't stop e.g. the u.s. 3.14 1,000;2 a:b x_y __ _a a_ 5g h100 .5 a. 'a' a''b",
            "ti-6al-4v gb/t 19001 (see fig.3) -- 1.2.3 a1.b2 a'1 1'a ,,, ;;",
            "what's the wing's lift? mach 2.5, re=1e6; c_l/c_d ~ 12%",
        ] {
            assert_eq!(words(text), unicode_words(text), "{text}");
        }
    }

    /// Every piece of a non-CJK run, kinds included, by the fast paths
    /// of `emit_run` and by the general one.
    fn run_pieces(text: &str, general: bool) -> Vec<Piece> {
        let mut out = Vec::new();
        if general {
            emit_run_unicode(text, 0, text.len(), &mut |p| out.push(p));
        } else {
            emit_run(text, 0, text.len(), false, &mut |p| out.push(p));
        }
        out
    }

    #[test]
    fn byte_classes_are_the_ascii_predicates() {
        for b in 0..=255u8 {
            assert_eq!(class(b) & SPACE != 0, b.is_ascii_whitespace(), "{b}");
            assert_eq!(class(b) & ALNUM != 0, b.is_ascii_alphanumeric(), "{b}");
            assert_eq!(class(b) & ALPHA != 0, b.is_ascii_alphabetic(), "{b}");
            assert_eq!(class(b) & DIGIT != 0, b.is_ascii_digit(), "{b}");
            assert_eq!(class(b) & WORD != 0, b.is_ascii_alphanumeric() || b == b'_');
        }
    }

    #[test]
    fn run_fast_paths_agree_with_uax29() {
        for text in [
            "5g",
            ",",
            "。",
            "、",
            "(",
            "__",
            "_",
            "a__b",
            "ti-6al-4v",
            "3.14",
            "x",
            "é",
            "٣",
            "can't",
            "e.g.",
            "(gan)",
            "a_",
            "...",
            "\u{a0}",
        ] {
            assert_eq!(run_pieces(text, false), run_pieces(text, true), "{text:?}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn ascii_fast_path_agrees_on_any_ascii(text in "[a-c0-2 _:.,;'/()-]{0,40}") {
            proptest::prop_assert_eq!(words(&text), unicode_words(&text));
        }

        #[test]
        fn run_fast_paths_agree_on_any_run(text in "([a-c0-2_:.,;'/()-]{0,12}|[a-c0-2_:.,é。、()-]{0,3})") {
            proptest::prop_assert_eq!(run_pieces(&text, false), run_pieces(&text, true));
        }
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
