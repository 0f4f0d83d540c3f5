//! Why a profile matched: the words that carried its score (their parts
//! add up to the score), the works that are the evidence, and highlight
//! spans in the challenge and in those works.
//!
//! Spans are byte offsets into the original field text; the WASM layer
//! turns them into UTF-16 offsets with [`utf16_offsets`] so the page can
//! use them on JS strings directly.

use crate::index::{Index, TermId, WorkId};
use crate::model::{Challenge, ChallengeField, Profile, ProfileField, Source};
use crate::params::Params;
use crate::score::{score_merged, score_work, works_averaged, Query};
use crate::sort;
use crate::text::{Analyzer, Mode};
use rustc_hash::{FxHashMap, FxHashSet};

/// A half-open byte range in one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span<F> {
    /// The field the span is in.
    pub field: F,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

/// One word (or merged run of CJK bigrams) of the challenge and its part
/// of the score.
#[derive(Debug, Clone, PartialEq)]
pub struct TermPart {
    /// As written in the challenge (or the evidence, for feedback words).
    pub text: String,
    /// Part of the profile score; the parts of all terms add up to it.
    pub score: f32,
    /// `score` as a share of the profile score, in [0, 1].
    pub share: f32,
}

/// A work that is evidence for the match.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkEvidence {
    /// Which text of the profile: a work, or the profile card.
    pub source: Source,
    /// The work's own calibrated score, as if it were the whole profile.
    pub score: f32,
    /// Matched words in this work's title and abstract (for a work), or in
    /// the profile's summary, keywords, name and discipline (for the card).
    pub spans: Vec<Span<ProfileField>>,
}

#[derive(Debug, Clone, PartialEq)]
/// Why a profile matched a challenge.
pub struct Explanation {
    /// The words that carried the score, largest part first.
    pub terms: Vec<TermPart>,
    /// The works (or the profile card) that are the evidence, best first.
    pub works: Vec<WorkEvidence>,
    /// Where the matched words are in the challenge.
    pub challenge_spans: Vec<Span<ChallengeField>>,
}

/// A work, its score, and each term's part of it.
type ScoredWork = (WorkId, f32, Vec<(TermId, f32)>);

/// How many evidence works an explanation lists at most.
pub const MAX_EVIDENCE_WORKS: usize = 3;

/// Explains `profile`'s score for the query. `score` is the profile score
/// the ranking gave; the term parts add up to it.
pub fn explain(
    index: &Index,
    params: &Params,
    query: &Query,
    challenge: &Challenge,
    profile: u32,
    analyzer: &mut Analyzer,
) -> Explanation {
    let (Some((first, end)), Some(profile_rec)) =
        (index.profile_works(profile), index.profile(profile))
    else {
        return Explanation {
            terms: vec![],
            works: vec![],
            challenge_spans: vec![],
        };
    };
    // Score each work term by term; keep the best ones as the aggregation does.
    let mut works: Vec<ScoredWork> = (first..end)
        .map(|w| {
            let (s, parts) = score_work(index, params, query, w);
            (w, s, parts)
        })
        .collect();
    sort::sort_by(&mut works, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let k = works_averaged(params, works.len()).max(1);
    // The profile score blends the mean of the best works with the merged
    // document; each term's part does the same, so the parts still add up.
    let m = params.merged_weight;
    let mut term_score: FxHashMap<TermId, f32> = FxHashMap::default();
    for (_, _, parts) in works.iter().take(k) {
        for &(t, c) in parts {
            *term_score.entry(t).or_insert(0.0) += (1.0 - m) * c / k as f32;
        }
    }
    if m > 0.0 {
        for (t, c) in score_merged(index, params, query, profile).1 {
            *term_score.entry(t).or_insert(0.0) += m * c;
        }
    }
    // The parts add up to the match ratio; scaled so that they add up to
    // the calibrated score shown. Summed in value order, not the map's
    // (which follows term numbers, and a sharded index numbers terms apart
    // from the whole), so every part is the same float either way.
    let mut values: Vec<f32> = term_score.values().copied().collect();
    crate::sort::sort_by(&mut values, |a, b| a.total_cmp(b));
    let ratio: f32 = values.iter().sum();
    if ratio > 0.0 {
        let scale = crate::score::calibrate(ratio) / ratio;
        term_score.values_mut().for_each(|c| *c *= scale);
    }
    let total: f32 = term_score.values().sum();

    // Challenge spans: each matched word's tokens, merged; a merged span's
    // part is the sum of its terms' parts (each term counted once).
    let matched: FxHashSet<TermId> = term_score.keys().copied().collect();
    let mut raw: Vec<(Span<ChallengeField>, TermId)> = query
        .tokens
        .iter()
        .filter(|t| matched.contains(&t.term))
        .map(|t| {
            (
                Span {
                    field: t.field,
                    start: t.start as usize,
                    end: t.end as usize,
                },
                t.term,
            )
        })
        .collect();
    sort::sort_by_key(&mut raw, |(s, t)| (*s, *t));
    let mut groups: Vec<(Span<ChallengeField>, Vec<TermId>)> = Vec::new();
    for (span, term) in raw {
        match groups.last_mut() {
            // Overlapping only: bigrams of one word overlap, while two
            // words that merely touch stay two terms.
            Some((g, terms)) if g.field == span.field && span.start < g.end => {
                g.end = g.end.max(span.end);
                terms.push(term);
            }
            _ => groups.push((span, vec![term])),
        }
    }
    let challenge_spans: Vec<_> = groups.iter().map(|(s, _)| *s).collect();

    let mut counted: FxHashSet<TermId> = FxHashSet::default();
    let mut by_text: FxHashMap<String, f32> = FxHashMap::default();
    for (span, terms) in &groups {
        let part: f32 = terms
            .iter()
            .filter(|t| counted.insert(**t))
            .map(|t| term_score.get(t).copied().unwrap_or(0.0))
            .sum();
        if part > 0.0 {
            let text = challenge
                .field_text(span.field)
                .get(span.start..span.end)
                .unwrap_or("")
                .to_lowercase();
            *by_text.entry(text).or_insert(0.0) += part;
        }
    }
    let mode = Mode {
        cjk_chars: params.cjk_char_weight > 0.0,
        offsets: true,
    };
    let mut surfaces: FxHashMap<TermId, String> = FxHashMap::default();
    let evidence = works
        .iter()
        .take(MAX_EVIDENCE_WORKS.min(k))
        .filter(|(_, s, _)| *s > 0.0)
        .map(|(w, s, parts)| {
            let terms: FxHashSet<TermId> = parts.iter().map(|p| p.0).collect();
            let source = index.source(*w);
            WorkEvidence {
                source,
                score: crate::score::calibrate(*s),
                spans: work_spans(
                    index,
                    analyzer,
                    mode,
                    profile_rec,
                    source,
                    &terms,
                    &mut surfaces,
                ),
            }
        })
        .collect();

    // Words not written in the challenge (typo corrections, feedback) are
    // shown as the evidence writes them, not as stems.
    for (&t, &part) in &term_score {
        if !counted.contains(&t) && part > 0.0 {
            let text = surfaces
                .get(&t)
                .cloned()
                .unwrap_or_else(|| index.term_text(t));
            *by_text.entry(text).or_insert(0.0) += part;
        }
    }
    let mut terms: Vec<TermPart> = by_text
        .into_iter()
        .map(|(text, score)| TermPart {
            text,
            score,
            share: if total > 0.0 {
                (score / total).clamp(0.0, 1.0)
            } else {
                0.0
            },
        })
        .collect();
    sort::sort_by(&mut terms, |a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.text.cmp(&b.text))
    });

    Explanation {
        terms,
        works: evidence,
        challenge_spans,
    }
}

/// Spans of matched words in one evidence text of a profile, merged; also
/// records how each matched term is written there (lower-cased).
fn work_spans(
    index: &Index,
    analyzer: &mut Analyzer,
    mode: Mode,
    profile: &Profile,
    source: Source,
    terms: &FxHashSet<TermId>,
    surfaces: &mut FxHashMap<TermId, String>,
) -> Vec<Span<ProfileField>> {
    let fields: Vec<ProfileField> = match source {
        Source::Work(_) => vec![ProfileField::Title, ProfileField::Abstract],
        Source::Card => {
            let mut f = vec![
                ProfileField::Name,
                ProfileField::Discipline,
                ProfileField::Summary,
            ];
            f.extend((0..profile.keywords.len() as u32).map(ProfileField::Keyword));
            f
        }
    };
    let mut spans = Vec::new();
    for field in fields {
        let text = profile.field_text(source, field);
        let analysis = analyzer.analyze(text, mode);
        let tokens = analysis.tokens();
        let ids: Vec<Option<TermId>> = tokens
            .iter()
            .map(|t| index.single(analysis.term(t)))
            .collect();
        let mut field_spans: Vec<Span<ProfileField>> = Vec::new();
        for (t, id) in tokens.iter().zip(&ids) {
            if let Some(id) = id.filter(|id| terms.contains(id)) {
                let (start, end) = (t.start as usize, t.end as usize);
                surfaces
                    .entry(id)
                    .or_insert_with(|| text.get(start..end).unwrap_or("").to_lowercase());
                field_spans.push(Span { field, start, end });
            }
        }
        // A matched phrase whose words were not matched alone still shows.
        for (i, j) in analysis.pairs() {
            if let (Some(a), Some(b)) = (ids[i], ids[j]) {
                if index.pair(a, b).is_some_and(|p| terms.contains(&p)) {
                    field_spans.push(Span {
                        field,
                        start: tokens[i].start as usize,
                        end: tokens[i].end as usize,
                    });
                    field_spans.push(Span {
                        field,
                        start: tokens[j].start as usize,
                        end: tokens[j].end as usize,
                    });
                }
            }
        }
        spans.extend(merge_spans(field_spans));
    }
    spans
}

/// Sorts spans and merges those that overlap or touch.
pub fn merge_spans<F: Copy + Ord>(mut spans: Vec<Span<F>>) -> Vec<Span<F>> {
    sort::sort(&mut spans);
    let mut out: Vec<Span<F>> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if last.field == s.field && s.start <= last.end => {
                last.end = last.end.max(s.end)
            }
            _ => out.push(s),
        }
    }
    out
}

/// Converts sorted-or-not byte offsets into `text` to UTF-16 code unit
/// offsets (what JS strings index by). Offsets inside a character or past
/// the end are clamped to the character start or the end.
pub fn utf16_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    byte_offsets
        .iter()
        .map(|&b| {
            let mut b = b.min(text.len());
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            text[..b].encode_utf16().count()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_joins_overlapping_and_touching_spans() {
        let s = |start, end| Span {
            field: 0u8,
            start,
            end,
        };
        assert_eq!(
            merge_spans(vec![s(3, 9), s(0, 6), s(9, 12), s(20, 22)]),
            vec![s(0, 12), s(20, 22)]
        );
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let text = "a钛😀b";
        // bytes: a=0, 钛=1..4, 😀=4..8, b=8
        assert_eq!(
            utf16_offsets(text, &[0, 1, 4, 8, 9, 100]),
            vec![0, 1, 2, 4, 5, 5]
        );
        // Inside a character: clamped back to its start.
        assert_eq!(utf16_offsets(text, &[2]), vec![1]);
    }
}
