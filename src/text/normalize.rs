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
    #[cfg(test)]
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
            let bytes = input.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                // A run of characters of U+4000..U+9FFF (lead bytes E4–E9:
                // CJK ideographs, uncased, folded to themselves) is copied
                // at once rather than decoded and pushed one by one.
                let run = i;
                while bytes.get(i).is_some_and(|b| (0xE4..=0xE9).contains(b)) {
                    i += 3;
                }
                if i > run {
                    self.text.push_str(input.get(run..i).unwrap_or(""));
                }
                let Some(c) = input.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                if may_be_cased(c) && c.is_uppercase() {
                    self.upper.push(self.text.len() as u32);
                }
                fold(c, |f| self.text.push(f));
                i += c.len_utf8();
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

    /// Without offsets, CJK runs are copied whole: the text and the
    /// upper-case marks are those of folding character by character.
    #[test]
    fn folding_without_offsets_matches_char_by_char() {
        for input in [
            "钛合金ＡＩ与５Ｇ（试点）",
            "ÉCOLE 钛\u{200B}合 Ti-6Al-4V 鿿一㐀\u{3000}ぁカ한",
            "\u{4000}\u{9FFF}ＡＢ",
            "",
        ] {
            check_fast_fold(input);
            let mut fast = Normalized::default();
            fast.fill_with(input, false);
            assert_eq!(fast.text, normalize(input));
        }
    }

    fn check_fast_fold(input: &str) {
        let mut fast = Normalized::default();
        fast.fill_with(input, false);
        let mut text = String::new();
        let mut upper = Vec::new();
        for c in input.chars() {
            if may_be_cased(c) && c.is_uppercase() {
                upper.push(text.len() as u32);
            }
            fold(c, |f| text.push(f));
        }
        assert_eq!(fast.text, text, "{input}");
        // All-ASCII input reads upper case from the input instead.
        if !input.is_ascii() {
            assert_eq!(fast.upper, upper, "{input}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn folding_without_offsets_matches_char_by_char_on_any_text(input in "\\PC{0,20}|[a-zA-Z钛鿿䀀㿿ＡＩ\u{3000}É ]{0,20}") {
            check_fast_fold(&input);
        }
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
