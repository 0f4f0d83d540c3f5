//! Stage 1: width and case folding.
//!
//! Chinese text is full of full-width Latin letters, digits and punctuation
//! (`ＡＩ`, `５Ｇ`, `（）`); they are folded to their ASCII forms so `５Ｇ`
//! and `5G` are one term. Letters are lower-cased. Zero-width characters
//! bidirectional controls and the byte-order mark are dropped so they
//! cannot split or hide words.
//! Every output character remembers the byte offset of the input character
//! it came from, so later stages can point back into the original text.

/// Folds one character, pushing its replacement(s) to `out`.
#[inline]
/// False for the big blocks of uncased scripts (kana, CJK ideographs,
/// Hangul syllables), so Chinese text skips the Unicode case tables
/// (a table search per character, the larger part of folding CJK text).
fn may_be_cased(c: char) -> bool {
    !matches!(c, '\u{3040}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

fn fold(c: char, mut out: impl FnMut(char)) {
    let c = match c {
        // Full-width ASCII block.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        // Invisible characters that would otherwise glue or split words.
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => return,
        // Bidirectional controls (marks, embeddings, overrides, isolates):
        // invisible too, and pasted text carries them around words.
        '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => return,
        _ => c,
    };
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
    } else if may_be_cased(c) && c.is_uppercase() {
        c.to_lowercase().for_each(out);
    } else {
        out(c);
    }
}

/// The folded text alone (for tests, keys and facets).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold(c, |f| out.push(f));
    }
    out
}

/// Folded text with, for each output byte, the byte offset in the input of
/// the character it came from (plus one final entry for the end). Buffers
/// are reused between calls to avoid allocation when indexing.
#[derive(Default)]
pub struct Normalized {
    pub text: String,
    origin: Vec<u32>,
    /// Whether the input was all ASCII (folded offsets are input offsets).
    ascii: bool,
    /// Without offsets, for non-ASCII input: the folded byte offsets where
    /// an upper-case input character starts (see [`Self::starts_uppercase`]).
    upper: Vec<u32>,
}

impl Normalized {
    pub fn fill(&mut self, input: &str) {
        self.fill_with(input, true);
    }

    /// Like [`fill`](Self::fill); without `offsets` the origin map is not
    /// built (indexing needs terms, not where they are) and
    /// [`origin`](Self::origin) answers 0.
    pub fn fill_with(&mut self, input: &str, offsets: bool) {
        self.text.clear();
        self.origin.clear();
        self.upper.clear();
        self.ascii = input.is_ascii();
        // Plain ASCII (most English) folds byte by byte, in place.
        if self.ascii {
            self.text.push_str(input);
            self.text.make_ascii_lowercase();
            if offsets {
                self.origin.extend(0..=input.len() as u32);
            }
            return;
        }
        if !offsets {
            for c in input.chars() {
                if may_be_cased(c) && c.is_uppercase() {
                    self.upper.push(self.text.len() as u32);
                }
                fold(c, |f| self.text.push(f));
            }
            return;
        }
        for (at, c) in input.char_indices() {
            let text = &mut self.text;
            let origin = &mut self.origin;
            fold(c, |f| {
                let before = text.len();
                text.push(f);
                origin.extend(std::iter::repeat_n(at as u32, text.len() - before));
            });
        }
        self.origin.push(input.len() as u32);
    }

    /// Byte offset in the input for a byte offset in the folded text.
    #[inline]
    pub fn origin(&self, at: usize) -> usize {
        self.origin.get(at).copied().unwrap_or(0) as usize
    }

    /// Whether the input character that folded to the text at `at` is
    /// upper case. Works with and without the offset map, so indexing
    /// (offsets off) and queries (offsets on) make the same terms.
    pub fn starts_uppercase(&self, at: usize, input: &str) -> bool {
        if !self.origin.is_empty() {
            input
                .get(self.origin(at)..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_uppercase)
        } else if self.ascii {
            input.as_bytes().get(at).is_some_and(u8::is_ascii_uppercase)
        } else {
            self.upper.binary_search(&(at as u32)).is_ok()
        }
    }

    /// Input byte offset just past the folded character ending at `end`.
    /// Looks at the input character containing the last folded byte, so a
    /// character folded into several (`İ` → `i̇`) maps back whole.
    pub fn origin_end(&self, end: usize, input: &str) -> usize {
        if end == 0 {
            return 0;
        }
        let start = self.origin(end - 1);
        input
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map_or(input.len(), |c| start + c.len_utf8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uncased_blocks_have_no_case() {
        for c in ('\u{3040}'..='\u{9FFF}').chain('\u{AC00}'..='\u{D7AF}') {
            assert!(!c.is_uppercase() && !c.is_lowercase(), "{c:?}");
            assert!(!may_be_cased(c));
        }
        assert!(may_be_cased('Ａ') && may_be_cased('Ä') && may_be_cased('Ω'));
    }

    #[test]
    fn full_width_letters_digits_and_brackets_fold() {
        assert_eq!(normalize("ＡＩ与５Ｇ（试点）"), "ai与5g(试点)");
    }

    #[test]
    fn ideographic_space_becomes_space() {
        assert_eq!(normalize("钛合金\u{3000}增材"), "钛合金 增材");
    }

    #[test]
    fn zero_width_characters_are_dropped() {
        assert_eq!(normalize("mach\u{200B}ine\u{FEFF}"), "machine");
    }

    #[test]
    fn case_folds_beyond_ascii() {
        assert_eq!(normalize("ÉCOLE Ti-6Al-4V"), "école ti-6al-4v");
    }

    #[test]
    fn offsets_point_back_into_the_input() {
        let input = "Ａ钛b";
        let mut n = Normalized::default();
        n.fill(input);
        assert_eq!(n.text, "a钛b");
        assert_eq!(n.origin(0), 0); // 'a' came from 'Ａ' (3 bytes)
        assert_eq!(n.origin(1), 3); // '钛'
        assert_eq!(n.origin(4), 6); // 'b'
        assert_eq!(n.origin_end(1, input), 3);
        assert_eq!(n.origin_end(4, input), 6);
    }

    #[test]
    fn ascii_fast_path_maps_offsets_one_to_one() {
        let mut n = Normalized::default();
        n.fill("Heat FLUX");
        assert_eq!(n.text, "heat flux");
        assert_eq!((n.origin(0), n.origin(5), n.origin(9)), (0, 5, 9));
        n.fill_with("ＡＩ Heat", false);
        assert_eq!(n.text, "ai heat");
        assert_eq!(n.origin(3), 0);
    }

    #[test]
    fn expanding_lowercase_maps_back_whole() {
        let input = "İx";
        let mut n = Normalized::default();
        n.fill(input);
        assert_eq!(n.text, "i\u{307}x");
        assert_eq!(n.origin_end(3, input), 2);
    }
}
