//! Scoring: each work against the challenge, then each profile from its
//! best works.
//!
//! Per work, a BM25-style sum: every challenge term contributes
//! `weight × idf × tf / (tf + k1·(1 − b + b·len/avglen))`, which saturates
//! repeated words and discounts long works (what ranks best on
//! single-document collections such as Cranfield). The idf counts
//! profiles, the units ranked, rather than works ([`idf`]). A profile's
//! raw match is the mean of its `top_works` best works (fewer when it has
//! fewer, more when it has many: [`works_averaged`]), as the literature on
//! expert finding recommends, blended (`merged_weight`) with the same sum
//! for all its works merged into one document, which rewards works that
//! together cover the challenge.
//!
//! **What a score means** (the calibration, [`Query::norm`]): the raw
//! match is divided by the challenge's match with itself, i.e. what the
//! challenge's own text would score as a work of this corpus, counting
//! every term the challenge has, also those no profile uses (they are
//! part of what the challenge asks, and nobody matches them). The ratio
//! `r` is 1 for a profile that matches the challenge as well as the
//! challenge matches itself, whatever its length or language mix, and the
//! score shown is `r / (1 + r)` ([`calibrate`]): 0.5 means "as good as
//! the challenge's own text", in [0, 1) and comparable across challenges.
//! A challenge half of whose weight is in words nobody uses has half the
//! ratio it would have without them. Within one challenge the division
//! and the curve change no order.
//!
//! Short challenges get pseudo-relevance feedback (words of the best
//! first-pass works, fading as the challenge grows, [`length_curve`]).

use std::collections::BTreeMap;

use crate::fuzzy;
use crate::index::{Index, LengthNorm, Posting, TermId, WorkId, WorkScoring};
use crate::model::{Challenge, ChallengeField, Source};
use crate::params::Params;
use crate::postings::PostingSink;
use crate::sort;
use crate::text::{Analyzer, Mode, TermKind};
use rustc_hash::FxHashMap;

/// A challenge term with its weight (query weight × idf).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueryTerm {
    pub term: TermId,
    pub weight: f32,
    /// True when the term came from typo correction or feedback rather
    /// than the challenge's own words.
    pub added: bool,
}

/// Where a challenge word is and which term it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTerm {
    pub field: ChallengeField,
    pub start: u32,
    pub end: u32,
    pub term: TermId,
}

/// An analysed challenge, ready to score.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Sorted by term id, one entry per term.
    pub terms: Vec<QueryTerm>,
    /// What raw matches are divided by: the challenge's match with itself,
    /// every term (known to the corpus or not) saturated at the count the
    /// challenge gives it, as a work of the challenge's length would be
    /// (length normalised by `challenge_b`). A ratio of 1 is a profile
    /// as close to the challenge as its own text.
    pub norm: f32,
    /// Sum of the weights of every term of the challenge, known to the
    /// corpus or not (and of the feedback words once added): what
    /// feedback's budget is measured against.
    pub total_weight: f32,
    /// Sum of the weights of the challenge's own terms that the corpus
    /// knows.
    pub known_weight: f32,
    /// Challenge words and phrases that the corpus knows, for highlighting.
    pub tokens: Vec<TokenTerm>,
    /// Number of the challenge's own terms (before feedback).
    pub own_terms: usize,
}

/// How "long" a challenge of `terms` distinct known terms is, as a smooth
/// curve `n² / (n² + half²)`: 0 for no terms, ½ at `half`, towards 1 for an
/// abstract. A few keywords name only the topic; a long text also carries
/// generic words and already says what feedback would add. Smooth, so no
/// challenge length is a cliff.
pub fn length_curve(terms: usize, half: f32) -> f32 {
    let n = terms as f32;
    n * n / (n * n + half * half)
}

/// BM25 inverse document frequency, `ln(1 + (N − df + ½) / (df + ½))`:
/// never negative. With `profile_idf` (the default) `N` and `df` count
/// profiles: the number of profiles, and how many of them have a work (or
/// card) with the term. Profiles are what is ranked, so a word that one
/// lab writes in many of its works is specific, and one that every lab
/// uses is not; a corpus of one work per profile gets the same values
/// either way. Without it they count works.
pub fn idf(index: &Index, params: &Params, term: TermId) -> f32 {
    let df = if params.profile_idf {
        profile_df(index, term)
    } else {
        index.df(term)
    };
    idf_of(idf_units(index, params), df)
}

/// `N` of [`idf`]: profiles with `profile_idf`, else works.
fn idf_units(index: &Index, params: &Params) -> usize {
    if params.profile_idf {
        index.corpus_profiles()
    } else {
        index.corpus_works()
    }
}

fn idf_of(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    ln(1.0 + (n - df + 0.5) / (df + 0.5))
}

/// The calibrated score of a match ratio `r ≥ 0` (a raw match divided by
/// the challenge's match with itself, see [`Query::norm`]): `r / (1 + r)`,
/// in [0, 1), 0.5 when the profile matches the challenge as well as the
/// challenge's own text does. Increasing, so it changes no order; bounded
/// without a clamp, so no two strong matches tie at 1.
pub fn calibrate(r: f32) -> f32 {
    if r > 0.0 {
        r / (1.0 + r)
    } else {
        0.0
    }
}

/// How many profiles have `term` in at least one of their works (counted
/// when the postings are sealed, see [`crate::postings`]).
pub fn profile_df(index: &Index, term: TermId) -> usize {
    index.profile_df(term)
}

/// `ln` and `powf` through `f64`: the `f32` versions come from different
/// math libraries natively and in WebAssembly and differ in the last bit
/// now and then, which changed the odd score in the 6th decimal between
/// the command-line tool and the page. The `f64` results differ far below
/// `f32` precision, so rounded to `f32` they agree (unless one lands
/// within about 1e-16 of an `f32` rounding boundary: in theory once in
/// some 2^29 values; `tests/browser/hostile.test.mjs` compares the two).
fn ln(x: f32) -> f32 {
    f64::from(x).ln() as f32
}

fn powf(x: f32, y: f32) -> f32 {
    f64::from(x).powf(f64::from(y)) as f32
}

/// Sublinear weight of a term repeated in the challenge: long challenges
/// repeat their topic words, which should count, but not linearly.
fn query_tf(count: f32) -> f32 {
    if count > 1.0 {
        1.0 + ln(count)
    } else {
        count
    }
}

impl Query {
    /// Analyses the challenge's title, description and keywords.
    pub fn new(
        index: &Index,
        params: &Params,
        challenge: &Challenge,
        analyzer: &mut Analyzer,
    ) -> Query {
        let mode = Mode {
            cjk_chars: params.cjk_char_weight > 0.0,
            offsets: true,
        };
        let mut counts: FxHashMap<TermId, (f32, bool)> = FxHashMap::default();
        // Terms of the challenge that the corpus does not have (words and
        // pairs), by their text, with their weighted counts: they count in
        // the calibration. A sorted map, read in text order, so that the
        // sum is the same float on every platform (a hash's order is not:
        // it depends on the pointer width).
        let mut unknown: BTreeMap<String, f32> = BTreeMap::new();
        // Weighted number of words, as a work's length is counted.
        let mut length = 0.0f32;
        let mut tokens = Vec::new();
        let mut fields: Vec<(ChallengeField, &str, f32)> = vec![
            (ChallengeField::Title, &challenge.title, params.title_weight),
            (
                ChallengeField::Description,
                &challenge.description,
                params.abstract_weight,
            ),
        ];
        for (i, k) in challenge.keywords.iter().enumerate() {
            fields.push((ChallengeField::Keyword(i as u32), k, params.keyword_weight));
        }
        for (field, text, weight) in fields {
            if text.is_empty() || weight <= 0.0 {
                continue;
            }
            let analysis = analyzer.analyze(text, mode);
            let mut ids: Vec<Option<TermId>> = Vec::with_capacity(analysis.tokens().len());
            for t in analysis.tokens() {
                let stem = analysis.term(t);
                let weight = if t.kind == TermKind::CjkChar {
                    weight * params.cjk_char_weight
                } else {
                    length += weight;
                    weight
                };
                let mut id = index.single(stem).map(|id| (id, weight, false));
                if id.is_none() && params.fuzzy && t.kind == TermKind::Word {
                    let letters = text
                        .get(t.start as usize..t.end as usize)
                        .map_or(0, |s| s.chars().count());
                    id = fuzzy::correct(index.vocabulary(), index, stem, letters)
                        .map(|(term, _)| (term, weight * params.fuzzy_weight, true));
                }
                ids.push(id.map(|(term, ..)| term));
                if id.is_none() && weight > 0.0 {
                    *unknown.entry(stem.to_string()).or_insert(0.0) += weight;
                }
                if let Some((term, w, fuzzy)) = id {
                    let entry = counts.entry(term).or_insert((0.0, fuzzy));
                    entry.0 += w;
                    entry.1 &= fuzzy;
                    tokens.push(TokenTerm {
                        field,
                        start: t.start,
                        end: t.end,
                        term,
                    });
                }
            }
            if params.phrase_weight > 0.0 {
                for (i, j) in analysis.pairs() {
                    let pair = match (ids[i], ids[j]) {
                        (Some(a), Some(b)) => index.pair(a, b),
                        _ => None,
                    };
                    let Some(term) = pair else {
                        let words = &analysis.tokens()[i..=j];
                        // A separator no term contains.
                        let key = format!(
                            "{}\u{1}{}",
                            analysis.term(&words[0]),
                            analysis.term(&words[1])
                        );
                        *unknown.entry(key).or_insert(0.0) += weight * params.phrase_weight;
                        continue;
                    };
                    {
                        counts.entry(term).or_insert((0.0, false)).0 +=
                            weight * params.phrase_weight;
                        let (t, u) = (analysis.tokens()[i], analysis.tokens()[j]);
                        tokens.push(TokenTerm {
                            field,
                            start: t.start,
                            end: u.end,
                            term,
                        });
                    }
                }
            }
        }
        let own_terms = counts.len();
        let idf_power =
            1.0 + params.long_query_idf * length_curve(own_terms, params.long_query_terms);
        // The challenge's match with itself: each term saturated at its own
        // count, with the length factor of a work as long as the challenge.
        let own_length =
            LengthNorm::with(params.k1, params.challenge_b, index.avg_len()).factor(length);
        let own_match = |count: f32| contribution(1.0, count, own_length);
        // Summed in term order, as the scores are: a sharded index's part
        // numbers its terms in the whole's order, so it gets the same float.
        let mut counts: Vec<(TermId, (f32, bool))> = counts.into_iter().collect();
        sort::sort_by_key(&mut counts, |c| c.0);
        let mut terms: Vec<QueryTerm> = Vec::with_capacity(counts.len());
        let mut norm = 0.0f32;
        for (term, (count, added)) in counts {
            let weight = query_tf(count) * powf(idf(index, params, term), idf_power);
            if weight > 0.0 {
                norm += weight * own_match(count);
                terms.push(QueryTerm {
                    term,
                    weight,
                    added,
                });
            }
        }
        let known_weight: f32 = terms.iter().map(|t| t.weight).sum();
        // Terms no profile has weigh as much as the rarest known ones, and
        // count in the self-match as a plain word said once: the field and
        // phrase weights say what a match on a term is worth, which does
        // not apply to a term nothing matches. (Saturated at their own
        // weighted count instead, expert-dev's pairwise loss was 0.192
        // against 0.183, nips-mimno's 0.376 against 0.367.)
        let unknown_idf = powf(idf_of(idf_units(index, params), 0), idf_power);
        let mut unknown_weight = 0.0f32;
        for count in unknown.into_values() {
            let weight = query_tf(count) * unknown_idf;
            unknown_weight += weight;
            norm += weight * own_match(1.0);
        }
        Query {
            terms,
            norm,
            total_weight: known_weight + unknown_weight,
            known_weight,
            tokens,
            own_terms,
        }
    }
}

/// The contribution of one term occurrence count to a work's raw score.
#[inline]
pub fn contribution(weight: f32, tf: f32, length_factor: f32) -> f32 {
    weight * tf / (tf + length_factor)
}

/// Per-query match ratios (raw match ÷ [`Query::norm`], ≥ 0; see
/// [`calibrate`]): every work's, and every profile's as one merged
/// document (all its works together).
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    /// `works[w]`: work `w`'s ratio.
    pub works: Vec<f32>,
    /// `merged[p]`: profile `p`'s works as one document; left at 0 when
    /// `merged_weight` is 0.
    pub merged: Vec<f32>,
}

impl Accumulator {
    fn scale(&mut self, factor: f32) {
        self.works.iter_mut().for_each(|s| *s *= factor);
        self.merged.iter_mut().for_each(|s| *s *= factor);
    }
}

/// Scores every work (and merged profile) for the query.
pub fn score_works(index: &Index, params: &Params, query: &Query, acc: &mut Accumulator) {
    acc.works.clear();
    acc.works.resize(index.work_count(), 0.0);
    acc.merged.clear();
    acc.merged.resize(index.profile_count(), 0.0);
    add_terms(index, params, &query.terms, acc);
    if query.norm > 0.0 {
        acc.scale(1.0 / query.norm);
    }
}

/// Adds the raw (unnormalised) contributions of `terms` to `acc`.
///
/// The merged-profile score comes from the same pass: a profile's works are
/// numbered consecutively, so each posting list holds one profile's works
/// in one run, whose term counts sum to the merged document's count. That
/// costs one comparison per posting instead of a second index.
fn add_terms(index: &Index, params: &Params, terms: &[QueryTerm], acc: &mut Accumulator) {
    let works = index.work_scoring(params);
    let mut sink = AddPostings {
        weight: 0.0,
        works: &works,
        scores: &mut acc.works,
        merged: (params.merged_weight > 0.0).then(|| MergedScores {
            scores: &mut acc.merged,
            lens: index.profile_lens(),
            norm: LengthNorm::new(params, index.avg_profile_len()),
        }),
        run: None,
    };
    for qt in terms {
        sink.weight = qt.weight;
        // A list per segment: a plain loop over each keeps the hot loop
        // tight (see `List::feed`).
        for list in index.lists(qt.term) {
            list.feed(&mut sink);
        }
        sink.end_run();
    }
}

/// The inner loop of [`add_terms`], for one query term at a time. The
/// score arrays are slices of their own (not reached through the
/// accumulator) so that their place and length stay in registers through
/// the loop.
struct AddPostings<'a> {
    weight: f32,
    works: &'a [WorkScoring],
    /// The works' scores.
    scores: &'a mut [f32],
    /// The merged-profile scores, unless `merged_weight` is 0.
    merged: Option<MergedScores<'a>>,
    /// The profile whose works' tfs are being summed for its merged score.
    run: Option<(u32, f32)>,
}

struct MergedScores<'a> {
    scores: &'a mut [f32],
    /// Each profile's length, for its length normalisation.
    lens: &'a [f32],
    norm: LengthNorm,
}

impl AddPostings<'_> {
    /// Adds the finished run's merged-document contribution.
    #[inline]
    fn end_run(&mut self) {
        if let (Some((profile, tf)), Some(merged)) = (self.run.take(), self.merged.as_mut()) {
            if let (Some(slot), Some(&len)) = (
                merged.scores.get_mut(profile as usize),
                merged.lens.get(profile as usize),
            ) {
                *slot += contribution(self.weight, tf, merged.norm.factor(len));
            }
        }
    }
}

impl PostingSink for AddPostings<'_> {
    #[inline(always)]
    fn take(&mut self, postings: impl Iterator<Item = Posting>) {
        for p in postings {
            let (Some(work), Some(slot)) = (
                self.works.get(p.work as usize),
                self.scores.get_mut(p.work as usize),
            ) else {
                continue;
            };
            *slot += contribution(self.weight, p.tf, work.length_factor);
            if self.merged.is_some() {
                match &mut self.run {
                    Some((profile, tf)) if *profile == work.profile => *tf += p.tf,
                    _ => {
                        self.end_run();
                        self.run = Some((work.profile, p.tf));
                    }
                }
            }
        }
    }
}

/// Score of one profile's works merged into one document, term by term in
/// the same order as [`score_works`] (so the same float), with each term's
/// part. Unweighted: the caller applies `merged_weight`.
pub fn score_merged(
    index: &Index,
    params: &Params,
    query: &Query,
    profile: u32,
) -> (f32, Vec<(TermId, f32)>) {
    let (Some((first, end)), Some(&len)) = (
        index.profile_works(profile),
        index.profile_lens().get(profile as usize),
    ) else {
        return (0.0, Vec::new());
    };
    let lf = LengthNorm::new(params, index.avg_profile_len()).factor(len);
    scored_parts(query, lf, |term| {
        (first..end).map(|w| index.tf(term, w)).sum()
    })
}

/// A document's normalised score and each term's part, term by term in
/// query order (the order the accumulating passes add in, so the same
/// float), given the document's length factor and how to read a term's tf.
fn scored_parts(
    query: &Query,
    lf: f32,
    tf_of: impl Fn(TermId) -> f32,
) -> (f32, Vec<(TermId, f32)>) {
    let mut parts = Vec::new();
    let mut raw = 0.0f32;
    for qt in &query.terms {
        let tf = tf_of(qt.term);
        if tf > 0.0 {
            let c = contribution(qt.weight, tf, lf);
            raw += c;
            parts.push((qt.term, c));
        }
    }
    if query.norm > 0.0 {
        let inv = 1.0 / query.norm;
        raw *= inv;
        parts.iter_mut().for_each(|(_, c)| *c *= inv);
    }
    (raw, parts)
}

/// Score of one work, computed term by term in the same order as
/// [`score_works`] (so the same float), with each term's part.
pub fn score_work(
    index: &Index,
    params: &Params,
    query: &Query,
    work: WorkId,
) -> (f32, Vec<(TermId, f32)>) {
    let Some(entry) = index.work(work) else {
        return (0.0, Vec::new());
    };
    let lf = LengthNorm::new(params, index.avg_len()).factor(entry.len);
    scored_parts(query, lf, |term| index.tf(term, work))
}

/// Pseudo-relevance feedback: adds the most telling words of the best
/// first-pass works to the query, and their scores to `acc`.
///
/// A candidate word scores `Σ over feedback works (tf / len) × idf`; the
/// best `feedback_terms` not already in the query are added with weights
/// proportional to that score and summing to `feedback_weight` × the
/// challenge's own total weight.
pub fn feedback(
    index: &Index,
    params: &Params,
    query: &mut Query,
    acc: &mut Accumulator,
    analyzer: &mut Analyzer,
) {
    if !params.feedback || query.terms.is_empty() {
        return;
    }
    let matched = acc
        .works
        .iter()
        .enumerate()
        .filter(|(_, &s)| s > 0.0)
        .map(|(w, &s)| (s, w as WorkId));
    let by_score = |a: &(f32, WorkId), b: &(f32, WorkId)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let best = sort::smallest_k_of(matched, params.feedback_works, by_score);
    if best.is_empty() {
        return;
    }

    let mut candidates: FxHashMap<TermId, f32> = FxHashMap::default();
    // Plain analysis (no CJK single characters): the words worth adding
    // are stems, codes and bigrams.
    // Feedback adds words and bigrams only, and needs no offsets.
    let mode = Mode {
        cjk_chars: false,
        offsets: false,
    };
    // A work's words count by its first-pass score relative to the best.
    let top = best.first().map_or(1.0, |b| b.0).max(f32::MIN_POSITIVE);
    // One work's term counts, cleared and reused for each work.
    let mut counts: FxHashMap<TermId, f32> = FxHashMap::default();
    for &(score, work) in &best {
        let doc_weight = powf(score / top, params.feedback_doc_power);
        let Some(entry) = index.work(work) else {
            continue;
        };
        let Some(profile) = index.profile(entry.profile) else {
            continue;
        };
        let texts: Vec<&str> = match entry.source {
            Source::Work(i) => profile
                .works
                .get(i as usize)
                .map(|w| vec![w.title.as_str(), w.abstract_text.as_str()])
                .unwrap_or_default(),
            Source::Card => {
                let mut t = vec![profile.summary.as_str()];
                t.extend(profile.keywords.iter().map(String::as_str));
                t
            }
        };
        counts.clear();
        let mut len = 0.0f32;
        for text in texts {
            let analysis = analyzer.analyze(text, mode);
            for t in analysis.tokens() {
                if let Some(id) = index.single(analysis.term(t)) {
                    *counts.entry(id).or_insert(0.0) += 1.0;
                    len += 1.0;
                }
            }
        }
        // Each term gets one addition per work, in work order, so the
        // order this map is read in does not change any sum.
        for (&term, &tf) in &counts {
            *candidates.entry(term).or_insert(0.0) +=
                doc_weight * tf / len.max(1.0) * idf(index, params, term);
        }
    }
    let in_query = |t: TermId| query.terms.binary_search_by_key(&t, |q| q.term).is_ok();
    let mut chosen: Vec<(TermId, f32)> = candidates
        .into_iter()
        // Words found in a single work say nothing about the topic.
        .filter(|&(t, s)| s > 0.0 && !in_query(t) && index.df(t) > 1)
        .collect();
    sort::sort_by(&mut chosen, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    chosen.truncate(params.feedback_terms);
    let total: f32 = chosen.iter().map(|c| c.1).sum();
    if total <= 0.0 {
        return;
    }
    let fade = 1.0 - length_curve(query.own_terms, params.feedback_fade_terms);
    let budget = params.feedback_weight * fade * query.known_weight;
    let added: Vec<QueryTerm> = chosen
        .iter()
        .map(|&(term, s)| QueryTerm {
            term,
            weight: budget * s / total,
            added: true,
        })
        .collect();
    // Undo the first pass's normalisation, add, and normalise again: the
    // added words are not the challenge's own, so the norm grows by their
    // share of the total weight.
    acc.scale(query.norm);
    add_terms(index, params, &added, acc);
    let added_weight: f32 = added.iter().map(|t| t.weight).sum();
    query.terms.extend(added);
    sort::sort_by_key(&mut query.terms, |t| t.term);
    query.norm *= (query.total_weight + added_weight) / query.total_weight;
    query.total_weight += added_weight;
    acc.scale(1.0 / query.norm);
}

/// How many of a profile's `works` best scores its score averages:
/// `top_works`, fewer when it has fewer works, and with `grow_top_works`
/// `round(√works)` when that is more (at most 50), so that a profile of
/// hundreds of works is not judged by the extreme few of them, while one
/// of up to `top_works²` works is judged as before.
pub fn works_averaged(params: &Params, works: usize) -> usize {
    // round(√n) exceeds top_works only from n > top_works² (+ top_works):
    // most profiles skip the square root, which runs for every profile of
    // every query.
    if works <= params.top_works * params.top_works {
        return params.top_works.min(works);
    }
    let grown = if params.grow_top_works {
        ((works as f64).sqrt().round() as usize).min(50)
    } else {
        0
    };
    params.top_works.max(grown).min(works)
}

/// Mean of the best `top_works` scores among `scores` (fewer when there are
/// fewer works).
pub fn aggregate(scores: &[f32], top_works: usize) -> f32 {
    let k = top_works.min(scores.len());
    if k == 0 {
        return 0.0;
    }
    // The common one-work profile, without the sorted array.
    if let [only] = scores {
        return *only;
    }
    let mut best = [0.0f32; 50];
    let best = &mut best[..k.min(50)];
    for &s in scores {
        // Insert into the sorted (descending) small array.
        if s > best[best.len() - 1] {
            let mut i = best.len() - 1;
            while i > 0 && best[i - 1] < s {
                best[i] = best[i - 1];
                i -= 1;
            }
            best[i] = s;
        }
    }
    best.iter().sum::<f32>() / k as f32
}

/// Each profile's score: the mean of its best works ([`works_averaged`]),
/// blended with its merged-document ratio by `merged_weight`, calibrated
/// into [0, 1) ([`calibrate`]).
pub fn profile_scores(index: &Index, params: &Params, acc: &Accumulator) -> Vec<f32> {
    let m = params.merged_weight;
    index
        .all_profile_works()
        .iter()
        .enumerate()
        .map(|(p, &(a, b))| {
            let best = acc
                .works
                .get(a as usize..b as usize)
                .map_or(0.0, |s| aggregate(s, works_averaged(params, s.len())));
            let merged = acc.merged.get(p).copied().unwrap_or(0.0);
            calibrate((1.0 - m) * best + m * merged)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_is_mean_of_best() {
        assert_eq!(aggregate(&[0.1, 0.9, 0.5, 0.7], 3), (0.9 + 0.7 + 0.5) / 3.0);
        assert_eq!(aggregate(&[0.4], 3), 0.4);
        assert_eq!(aggregate(&[], 3), 0.0);
        assert_eq!(aggregate(&[0.2, 0.0], 1), 0.2);
    }

    #[test]
    fn query_tf_is_sublinear_above_one() {
        assert_eq!(query_tf(1.0), 1.0);
        assert_eq!(query_tf(0.5), 0.5);
        assert!(query_tf(4.0) < 4.0 && query_tf(4.0) > 2.0);
    }

    #[test]
    fn length_curve_rises_smoothly_through_one_half() {
        assert_eq!(length_curve(0, 20.0), 0.0);
        assert_eq!(length_curve(20, 20.0), 0.5);
        assert!(length_curve(5, 20.0) < 0.1);
        assert!(length_curve(200, 20.0) > 0.98 && length_curve(200, 20.0) < 1.0);
        assert!(length_curve(21, 20.0) > length_curve(20, 20.0));
    }

    fn index_of(profiles: &[&[&str]], params: &Params) -> Index {
        let mut index = Index::new(params);
        for (i, works) in profiles.iter().enumerate() {
            index.add(crate::model::Profile {
                id: format!("p{i}"),
                works: works
                    .iter()
                    .map(|t| crate::model::Work {
                        title: t.to_string(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            });
        }
        index.seal();
        index
    }

    #[test]
    fn merged_pass_equals_merged_score_and_stays_in_unit_range() {
        let params = Params {
            merged_weight: 0.5,
            feedback: false,
            ..Params::default()
        };
        let index = index_of(
            &[
                &["wing flutter", "heat transfer wing"],
                &["boundary layer"],
                &["flutter", "flutter", "heated wing"],
            ],
            &params,
        );
        let challenge = crate::model::Challenge {
            id: "c".into(),
            title: "flutter of a heated wing".into(),
            ..Default::default()
        };
        let query = Query::new(&index, &params, &challenge, &mut Analyzer::new());
        let mut acc = Accumulator::default();
        score_works(&index, &params, &query, &mut acc);
        for p in 0..3u32 {
            let (s, parts) = score_merged(&index, &params, &query, p);
            assert_eq!(acc.merged[p as usize], s);
            assert!((parts.iter().map(|x| x.1).sum::<f32>() - s).abs() < 1e-6);
            assert!((0.0..1.0).contains(&s));
        }
        // The profile whose works together cover the challenge leads.
        assert!(acc.merged[2] > acc.merged[0] && acc.merged[0] > acc.merged[1]);
        let scores = profile_scores(&index, &params, &acc);
        assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
    }

    #[test]
    fn long_challenges_sharpen_idf_and_fade_feedback() {
        let params = Params::default();
        let index = index_of(
            &[&["wing flutter study"], &["study of heat"], &["study"]],
            &params,
        );
        let short = Query::new(
            &index,
            &params,
            &crate::model::Challenge {
                title: "wing study".into(),
                ..Default::default()
            },
            &mut Analyzer::new(),
        );
        let sharp = Params {
            long_query_terms: 1.0,
            long_query_idf: 2.0,
            ..params
        };
        let long = Query::new(
            &index,
            &sharp,
            &crate::model::Challenge {
                title: "wing study".into(),
                ..Default::default()
            },
            &mut Analyzer::new(),
        );
        let ratio = |q: &Query| {
            let w = |t: &str| {
                q.terms
                    .iter()
                    .find(|x| x.term == index.single(t).unwrap())
                    .unwrap()
                    .weight
            };
            w("wing") / w("studi")
        };
        // Same words; the sharper idf widens the gap between rare and common.
        assert!(ratio(&long) > ratio(&short));
        // `wing` and `studi`; the pair is not in the index.
        assert_eq!(short.own_terms, 2);
    }

    #[test]
    fn profile_idf_counts_profiles_not_works() {
        let params = Params::default();
        // `flutter` and `wing` are both in three works; `flutter` only in
        // one profile's.
        let index = index_of(
            &[
                &["flutter wing", "flutter heat", "flutter drag"],
                &["wing"],
                &["wing drag"],
                &["heat"],
            ],
            &params,
        );
        let t = |w: &str| index.single(w).unwrap();
        assert_eq!(index.df(t("flutter")), index.df(t("wing")));
        assert_eq!(
            (
                profile_df(&index, t("flutter")),
                profile_df(&index, t("wing"))
            ),
            (1, 3)
        );
        assert!(idf(&index, &params, t("flutter")) > idf(&index, &params, t("wing")));
        let by_works = Params {
            profile_idf: false,
            ..params
        };
        assert_eq!(
            idf(&index, &by_works, t("flutter")),
            idf(&index, &by_works, t("wing"))
        );
        // One work per profile: the same idf either way.
        let single = index_of(&[&["flutter wing"], &["wing"], &["heat"]], &params);
        for w in ["flutter", "wing", "heat"] {
            let term = single.single(w).unwrap();
            assert_eq!(profile_df(&single, term), single.df(term));
            assert_eq!(idf(&single, &params, term), idf(&single, &by_works, term));
        }
    }

    #[test]
    fn works_averaged_grows_as_the_root_of_many_works() {
        let params = Params::default();
        let k = |n| works_averaged(&params, n);
        assert_eq!([k(0), k(1), k(2), k(3), k(9), k(12)], [0, 1, 2, 3, 3, 3]);
        assert_eq!(
            [k(13), k(16), k(100), k(500), k(100_000)],
            [4, 4, 10, 22, 50]
        );
        let fixed = Params {
            grow_top_works: false,
            ..params
        };
        assert_eq!(works_averaged(&fixed, 500), 3);
        let wide = Params {
            top_works: 20,
            ..params
        };
        assert_eq!(
            [works_averaged(&wide, 100), works_averaged(&wide, 900)],
            [20, 30]
        );
    }

    #[test]
    fn a_profile_of_many_works_averages_more_of_them() {
        let params = Params {
            merged_weight: 0.0,
            feedback: false,
            ..Params::default()
        };
        // Sixteen works, four about the challenge: averages its best 4.
        let mut big: Vec<&str> = vec!["wing flutter"; 4];
        big.extend(["boundary layer"; 12]);
        let index = index_of(&[&big], &params);
        let challenge = crate::model::Challenge {
            title: "wing flutter".into(),
            ..Default::default()
        };
        let query = Query::new(&index, &params, &challenge, &mut Analyzer::new());
        let mut acc = Accumulator::default();
        score_works(&index, &params, &query, &mut acc);
        let best = acc.works[0];
        assert!(best > 0.0 && acc.works[4] == 0.0);
        assert_eq!(
            profile_scores(&index, &params, &acc),
            vec![calibrate(aggregate(&acc.works, 4))]
        );
        // Three of the four matching is a lower score than the top 3 mean.
        big[3] = "boundary layer";
        let index = index_of(&[&big], &params);
        let mut acc = Accumulator::default();
        let query = Query::new(&index, &params, &challenge, &mut Analyzer::new());
        score_works(&index, &params, &query, &mut acc);
        let s = profile_scores(&index, &params, &acc)[0];
        assert!((s - calibrate(acc.works[0] * 0.75)).abs() < 1e-6, "{s}");
    }

    #[test]
    fn contribution_saturates_below_weight() {
        let c = contribution(2.0, 100.0, 1.2);
        assert!(c < 2.0 && c > 1.9);
        assert_eq!(contribution(2.0, 0.0, 1.2), 0.0);
    }
}
