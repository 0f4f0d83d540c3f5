//! Plain serialisable views of results, shared by the command-line tool's
//! JSON output and the WASM layer (which hands them to JS as plain objects).
//! Offsets are converted here: UTF-16 code units for JS, bytes for Rust
//! and files.

use crate::explain::{utf16_offsets, Explanation, Span};
use crate::matcher::{ChallengeMatch, Facets, Match};
use crate::model::{Challenge, ChallengeField, Profile, ProfileField, Source};
use serde::Serialize;

/// What offsets count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetUnit {
    /// UTF-8 bytes (Rust strings, files).
    Bytes,
    /// UTF-16 code units (JS strings).
    Utf16,
}

/// Scores rounded to 6 decimals so output is short and byte-identical
/// across platforms.
pub fn round_score(s: f32) -> f64 {
    (f64::from(s) * 1e6).round() / 1e6
}

#[derive(Debug, Clone, Serialize, PartialEq)]
/// A matched word and its part of the score.
pub struct TermView {
    /// The word as the challenge (or the evidence) writes it.
    pub term: String,
    /// Part of the score carried by this term; the parts add up to the score.
    pub score: f64,
    /// `score` as a share of the profile's score.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
/// An evidence work with its highlight spans.
pub struct WorkView {
    /// Index into the profile's `works`; -1 for the profile's own card
    /// (keywords, summary), whose spans are in `profileSpans`.
    pub index: i64,
    /// The work's own score.
    pub score: f64,
    /// Matched words in the work's title, `[start, end]`.
    pub title_spans: Vec<[usize; 2]>,
    /// Matched words in the work's abstract, `[start, end]`.
    pub abstract_spans: Vec<[usize; 2]>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
/// A highlight span in a named field of a record.
pub struct SpanView {
    /// The field's name in data files (`title`, `keywords`, ...).
    pub field: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Which item, for a list field (`keywords`).
    pub index: Option<u32>,
    /// Where the span starts, in the caller's offset unit.
    pub start: usize,
    /// Where the span ends, in the caller's offset unit.
    pub end: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
/// An explanation as the page and the JSON output show it.
pub struct ExplanationView {
    /// The words that carried the score, largest part first.
    pub terms: Vec<TermView>,
    /// The evidence works, best first.
    pub works: Vec<WorkView>,
    /// Matched words in the challenge.
    pub challenge_spans: Vec<SpanView>,
    /// Matched words in the profile's own fields (name, summary, keywords...).
    pub profile_spans: Vec<SpanView>,
}

fn convert(text: &str, start: usize, end: usize, unit: OffsetUnit) -> (usize, usize) {
    match unit {
        OffsetUnit::Bytes => (start, end),
        OffsetUnit::Utf16 => {
            let o = utf16_offsets(text, &[start, end]);
            (o[0], o[1])
        }
    }
}

impl ExplanationView {
    /// The view of `e`, the explanation of `profile` for `challenge`, with offsets in `unit`.
    pub fn new(
        e: &Explanation,
        challenge: &Challenge,
        profile: &Profile,
        unit: OffsetUnit,
    ) -> Self {
        let challenge_spans = e
            .challenge_spans
            .iter()
            .map(|s| {
                let (start, end) = convert(challenge.field_text(s.field), s.start, s.end, unit);
                let (field, index) = match s.field {
                    ChallengeField::Title => ("title", None),
                    ChallengeField::Description => ("description", None),
                    ChallengeField::Keyword(i) => ("keywords", Some(i)),
                };
                SpanView {
                    field,
                    index,
                    start,
                    end,
                }
            })
            .collect();
        let mut profile_spans = Vec::new();
        let works = e
            .works
            .iter()
            .map(|w| {
                let mut view = WorkView {
                    index: match w.source {
                        Source::Work(i) => i64::from(i),
                        Source::Card => -1,
                    },
                    score: round_score(w.score),
                    title_spans: vec![],
                    abstract_spans: vec![],
                };
                for s in &w.spans {
                    let Span { field, start, end } = *s;
                    let (start, end) =
                        convert(profile.field_text(w.source, field), start, end, unit);
                    match field {
                        ProfileField::Title => view.title_spans.push([start, end]),
                        ProfileField::Abstract => view.abstract_spans.push([start, end]),
                        ProfileField::Summary => profile_spans.push(SpanView {
                            field: "summary",
                            index: None,
                            start,
                            end,
                        }),
                        ProfileField::Keyword(i) => profile_spans.push(SpanView {
                            field: "keywords",
                            index: Some(i),
                            start,
                            end,
                        }),
                        ProfileField::Name => profile_spans.push(SpanView {
                            field: "name",
                            index: None,
                            start,
                            end,
                        }),
                        ProfileField::Discipline => profile_spans.push(SpanView {
                            field: "discipline",
                            index: None,
                            start,
                            end,
                        }),
                    }
                }
                view
            })
            .collect();
        ExplanationView {
            terms: e
                .terms
                .iter()
                .map(|t| TermView {
                    term: t.text.clone(),
                    score: round_score(t.score),
                    share: round_score(t.share),
                })
                .collect(),
            works,
            challenge_spans,
            profile_spans,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
/// The filter values present, as the page lists them.
pub struct FacetsView {
    /// Kinds present, by name.
    pub kinds: Vec<&'static str>,
    /// Disciplines present.
    pub disciplines: Vec<String>,
    /// Regions present.
    pub regions: Vec<String>,
    /// Institutions present.
    pub institutions: Vec<String>,
}

impl From<&Facets> for FacetsView {
    fn from(f: &Facets) -> Self {
        FacetsView {
            kinds: f.kinds.iter().map(|k| k.as_str()).collect(),
            disciplines: f.disciplines.clone(),
            regions: f.regions.clone(),
            institutions: f.institutions.clone(),
        }
    }
}

/// A ranked profile as the page and JSON output show it.
#[derive(Debug, Clone, Serialize)]
pub struct MatchView<'a> {
    /// The profile's id.
    pub id: &'a str,
    /// Left out when the caller asked for ids only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'a Profile>,
    /// The score, rounded to 6 decimals.
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why it matched, when asked for.
    pub explanation: Option<ExplanationView>,
}

impl<'a> MatchView<'a> {
    /// The view of a ranked profile for `challenge`.
    pub fn new(m: &Match<'a>, challenge: &Challenge, unit: OffsetUnit, with_profile: bool) -> Self {
        MatchView {
            id: &m.profile.id,
            profile: with_profile.then_some(m.profile),
            score: round_score(m.score),
            explanation: m
                .explanation
                .as_ref()
                .map(|e| ExplanationView::new(e, challenge, m.profile, unit)),
        }
    }
}

/// A ranked challenge (reverse view).
#[derive(Debug, Clone, Serialize)]
pub struct ChallengeMatchView<'a> {
    /// The ranked challenge.
    pub challenge: &'a Challenge,
    /// The score, rounded to 6 decimals.
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why it matched, when asked for.
    pub explanation: Option<ExplanationView>,
}

impl<'a> ChallengeMatchView<'a> {
    /// The view of a ranked challenge for `profile`.
    pub fn new(m: &ChallengeMatch<'a>, profile: &Profile, unit: OffsetUnit) -> Self {
        ChallengeMatchView {
            challenge: m.challenge,
            score: round_score(m.score),
            explanation: m
                .explanation
                .as_ref()
                .map(|e| ExplanationView::new(e, m.challenge, profile, unit)),
        }
    }
}
