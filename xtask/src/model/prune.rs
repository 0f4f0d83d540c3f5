//! Pruning the 250,002-piece XLM-R vocabulary to the pieces Chinese and
//! English text uses, by use rather than by score (pruning by score alone
//! changed the tokenisation of most demo profiles). A piece is kept when
//!
//! 1. it is a special token (`<s>`, `<pad>`, `</s>`, `<unk>`);
//! 2. it contains a Han character;
//! 3. it is one character, with or without the leading `▁`;
//! 4. it has no letter at all (digits, punctuation, symbols: `%。`, `20°`);
//! 5. it is ASCII with at most three letters (units, acronyms, formulas:
//!    `▁kWh`, `MHz`, `▁pH`, `▁CNC`);
//! 6. the full vocabulary cuts a word of the English word list into it:
//!    each word in lower case, capitalised and upper case, alone (after a
//!    space) and right after a Han character (Chinese text writes English
//!    words without a space).
//!
//! Text made only of Han characters, characters that are pieces of their
//! own, and words of the list then tokenizes exactly as with the full
//! vocabulary; the model build reports how many demo texts differ.

use coopmatch_semantic::file::ModelParts;
use coopmatch_semantic::tokenizer::{Tokenizer, METASPACE};
use coopmatch_semantic::Vocabulary;

pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// The ids of the pieces to keep, ascending.
pub fn keep(full: &Tokenizer, words: &[String]) -> Vec<usize> {
    let v = full.vocabulary();
    let mut keep = vec![false; v.pieces.len()];
    for id in [v.bos, v.eos, v.pad, v.unk] {
        keep[id as usize] = true;
    }
    for (id, piece) in v.pieces.iter().enumerate() {
        let body = piece.strip_prefix(METASPACE).unwrap_or(piece);
        let letters = piece.chars().filter(|c| c.is_alphabetic()).count();
        keep[id] |= piece.chars().any(is_han)
            || body.chars().count() <= 1
            || letters == 0
            || (piece.chars().all(|c| c.is_ascii() || c == METASPACE) && letters <= 3);
    }
    let mut forms = Vec::with_capacity(6);
    for word in words {
        let mut capitalised = String::with_capacity(word.len());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            capitalised.extend(first.to_uppercase());
            capitalised.push_str(chars.as_str());
        }
        forms.clear();
        for w in [word.clone(), capitalised, word.to_uppercase()] {
            forms.push(format!("中{w}"));
            forms.push(w);
        }
        for form in &forms {
            for id in full.tokenize(form) {
                keep[id as usize] = true;
            }
        }
    }
    keep.iter()
        .enumerate()
        .filter_map(|(id, &k)| k.then_some(id))
        .collect()
}

/// `parts` with only the pieces `keep` (ascending ids) and their embedding
/// rows; the special tokens' ids follow their pieces.
pub fn apply(parts: &ModelParts, keep: &[usize]) -> Result<ModelParts, String> {
    let v = &parts.vocabulary;
    let new_id = |old: u32| -> Result<u32, String> {
        keep.binary_search(&(old as usize))
            .map(|i| i as u32)
            .map_err(|_| format!("special token {old} was pruned"))
    };
    let vocabulary = Vocabulary {
        pieces: keep.iter().map(|&i| v.pieces[i].clone()).collect(),
        scores: keep.iter().map(|&i| v.scores[i]).collect(),
        bos: new_id(v.bos)?,
        eos: new_id(v.eos)?,
        pad: new_id(v.pad)?,
        unk: new_id(v.unk)?,
        // Kept from the full vocabulary: see `Vocabulary::unk_score`.
        unk_score: v.unk_score,
    };
    let mut weights = parts.weights.clone();
    weights.word = parts.weights.word.select_rows(keep);
    Ok(ModelParts {
        about: parts.about.clone(),
        config: parts.config,
        vocabulary,
        normaliser: parts.normaliser.clone(),
        weights,
    })
}
