//! The built corpus: vocabulary, postings and per-work lengths.
//!
//! Each work (paper, patent, project) is a document of its own, since the
//! scorer ranks works first and aggregates them per profile. A profile's
//! own keywords, summary, name and discipline form one more document, its
//! "profile card". Postings are kept sorted by work number, which lets the
//! explainer and the reverse view look up one work with a binary search.

use crate::error::{Error, Result};
use crate::model::Profile;
pub use crate::model::Source;
use crate::params::Params;
pub use crate::postings::{List, Posting, Postings, PrebuiltLists, WorkId};
use crate::text::{Analysis, Analyzer, Mode, TermKind};
pub use crate::vocab::{Term, TermId, Vocabulary};

/// A work's profile and BM25 length factor, side by side: scoring reads
/// both for every posting, and 8 bytes per work keep more of them in cache
/// than the 16-byte [`WorkEntry`] plus a multiply-add per posting.
#[derive(Debug, Clone, Copy)]
pub struct WorkScoring {
    pub profile: u32,
    pub length_factor: f32,
}

#[derive(Debug, Clone, Copy)]
pub struct WorkEntry {
    pub profile: u32,
    pub source: Source,
    /// Weighted number of word occurrences (phrases not counted).
    pub len: f32,
}

/// The inverted index over all works of all profiles.
#[derive(Default)]
pub struct Index {
    pub(crate) profiles: Vec<Profile>,
    /// Works of profile `p` are `profile_works[p].0 .. profile_works[p].1`.
    pub(crate) profile_works: Vec<(WorkId, WorkId)>,
    /// Weighted length of each profile's works merged into one document.
    pub(crate) profile_len: Vec<f32>,
    pub(crate) works: Vec<WorkEntry>,
    pub(crate) vocab: Vocabulary,
    pub(crate) postings: Postings,
    total_len: f64,
    /// Field weights the works were indexed with.
    weights: FieldWeights,
    /// Scratch: term counts of the document being added, dense by term id
    /// (an array access per token instead of a hash look-up), with the
    /// terms touched so only those are read and reset.
    counts: Vec<f32>,
    touched: Vec<TermId>,
    /// Scratch: the term ids of the field being added, for its pairs.
    ids: Vec<TermId>,
    /// Per work, what scoring reads at every posting (see [`WorkScoring`]),
    /// rebuilt when works are sealed; with the `k1` and `b` it was made with.
    scoring: Vec<WorkScoring>,
    scoring_params: (f32, f32),
    analyzer: Analyzer,
    /// How fields are analysed: single CJK characters when they carry
    /// weight; no offsets (indexing needs only terms).
    analysis_mode: Mode,
    /// The whole corpus's statistics when this index holds only part of it
    /// (see [`CorpusStats`]).
    corpus: Option<Box<CorpusStats>>,
}

/// The statistics of a whole corpus, for an index that holds only the part
/// of it one challenge reaches (a sharded index, `crate::shard`): idf and
/// length normalisation read these instead of the part's own counts, so
/// the part scores its profiles exactly as the whole would.
#[derive(Debug, Clone, Default)]
pub(crate) struct CorpusStats {
    pub profiles: usize,
    pub works: usize,
    pub total_len: f64,
    /// Per term id of the part's vocabulary: (works, profiles) with the term.
    pub df: Vec<(u32, u32)>,
}

/// Length normalisation of BM25, `k1·(1 − b + b·len/avg)`, as
/// `base + slope·len` so that the per-posting cost is one multiply-add
/// (the division by the average is done once per query). It lives with
/// the index, which keeps each work's factor for scoring.
#[derive(Debug, Clone, Copy)]
pub struct LengthNorm {
    base: f32,
    slope: f32,
}

impl LengthNorm {
    /// The normalisation for documents whose average length is `avg_len`.
    pub fn new(params: &Params, avg_len: f32) -> LengthNorm {
        LengthNorm::with(params.k1, params.b, avg_len)
    }

    /// The same with `k1` and `b` given directly.
    pub fn with(k1: f32, b: f32, avg_len: f32) -> LengthNorm {
        LengthNorm {
            base: k1 * (1.0 - b),
            slope: k1 * b / avg_len,
        }
    }

    /// The factor for a document of length `len`.
    #[inline]
    pub fn factor(self, len: f32) -> f32 {
        self.base + self.slope * len
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct FieldWeights {
    title: f32,
    abstract_text: f32,
    keyword: f32,
    summary: f32,
    phrase: bool,
    /// Weight of a CJK run's single characters relative to its bigrams.
    cjk_char: f32,
}

impl Index {
    /// An empty index for `params`. Kept out of line: inlined into each of
    /// the matcher's constructors it made the WebAssembly module larger.
    #[inline(never)]
    pub fn new(params: &Params) -> Index {
        Index {
            weights: FieldWeights {
                title: params.title_weight,
                abstract_text: params.abstract_weight,
                keyword: params.keyword_weight,
                summary: params.summary_weight,
                phrase: params.phrase_weight > 0.0,
                cjk_char: params.cjk_char_weight,
            },
            analysis_mode: Mode {
                cjk_chars: params.cjk_char_weight > 0.0,
                offsets: false,
            },
            scoring_params: (params.k1, params.b),
            ..Index::default()
        }
    }

    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Profile number `profile`.
    pub fn profile(&self, profile: u32) -> Option<&Profile> {
        self.profiles.get(profile as usize)
    }

    /// Number of profiles.
    pub fn profile_count(&self) -> usize {
        self.profile_works.len()
    }

    /// The work numbers of a profile's documents, `first..end`.
    pub fn profile_works(&self, profile: u32) -> Option<(WorkId, WorkId)> {
        self.profile_works.get(profile as usize).copied()
    }

    /// Every profile's work numbers, `first..end`, by profile number.
    pub fn all_profile_works(&self) -> &[(WorkId, WorkId)] {
        &self.profile_works
    }

    /// Each profile's weighted length, its works merged, by profile number.
    pub fn profile_lens(&self) -> &[f32] {
        &self.profile_len
    }

    /// Work number `work`: its profile, source and length.
    pub fn work(&self, work: WorkId) -> Option<&WorkEntry> {
        self.works.get(work as usize)
    }

    /// Which text of its profile work number `work` is. Only for numbers
    /// this index gave out (from [`Index::profile_works`]).
    pub fn source(&self, work: WorkId) -> Source {
        self.works[work as usize].source
    }

    /// The vocabulary: every term the works use.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    /// The posting lists of `term`, one per sealed segment.
    pub fn lists(&self, term: TermId) -> impl Iterator<Item = List<'_>> + '_ {
        self.postings.lists(term)
    }

    /// Rebuilds an index from its stored parts (see `store.rs`): the
    /// profiles, each work's weighted length, the vocabulary and the
    /// postings (where each term's list starts, and the lists). Work
    /// ranges and profile lengths are derived exactly as [`Index::add`]
    /// builds them. The caller has checked term ids and posting order;
    /// this checks the counts agree.
    pub(crate) fn from_parts(
        params: &Params,
        profiles: Vec<Profile>,
        work_lens: Vec<f32>,
        vocab: Vocabulary,
        lists: PrebuiltLists,
    ) -> Result<Index> {
        let mut idx = Index::new(params);
        let mut lens = work_lens.into_iter();
        for (p, profile) in profiles.iter().enumerate() {
            let first = idx.works.len() as WorkId;
            let sources = (0..profile.works.len() as u32)
                .map(Source::Work)
                .chain(has_card(profile).then_some(Source::Card));
            for source in sources {
                let len = lens
                    .next()
                    .ok_or_else(|| Error::invalid("fewer work lengths than works"))?;
                idx.works.push(WorkEntry {
                    profile: p as u32,
                    source,
                    len,
                });
                idx.total_len += f64::from(len);
            }
            let len = idx.works[first as usize..].iter().map(|w| w.len).sum();
            idx.profile_len.push(len);
            idx.profile_works.push((first, idx.works.len() as WorkId));
        }
        if lens.next().is_some() {
            return Err(Error::invalid("more work lengths than works"));
        }
        idx.profiles = profiles;
        idx.vocab = vocab;
        let works = &idx.works;
        let profile_of = |w: WorkId| works.get(w as usize).map_or(u32::MAX, |e| e.profile);
        let one_each = works.len() == idx.profile_works.len();
        idx.postings = Postings::from_lists(
            lists,
            (!one_each).then_some(&profile_of as &dyn Fn(WorkId) -> u32),
        );
        idx.refresh_scoring();
        Ok(idx)
    }

    fn refresh_scoring(&mut self) {
        let (k1, b) = self.scoring_params;
        let norm = LengthNorm::with(k1, b, self.avg_len());
        // The old table goes first, so the two are never held at once.
        self.scoring = Vec::new();
        self.scoring = self
            .works
            .iter()
            .map(|w| WorkScoring {
                profile: w.profile,
                length_factor: norm.factor(w.len),
            })
            .collect();
    }

    /// Each work's profile and length factor for scoring with `params`:
    /// the sealed table when it was made with the same `k1` and `b` (it
    /// always is for a matcher's own parameters), else computed now.
    pub fn work_scoring(&self, params: &Params) -> std::borrow::Cow<'_, [WorkScoring]> {
        if self.scoring_params == (params.k1, params.b) && self.scoring.len() == self.works.len() {
            return std::borrow::Cow::Borrowed(&self.scoring);
        }
        let norm = LengthNorm::with(params.k1, params.b, self.avg_len());
        self.works
            .iter()
            .map(|w| WorkScoring {
                profile: w.profile,
                length_factor: norm.factor(w.len),
            })
            .collect()
    }

    pub fn work_count(&self) -> usize {
        self.works.len()
    }

    /// Works and profiles of the whole corpus (more than this index holds
    /// when it is part of a sharded one), as idf counts them.
    pub fn corpus_works(&self) -> usize {
        self.corpus.as_ref().map_or(self.works.len(), |c| c.works)
    }

    pub fn corpus_profiles(&self) -> usize {
        self.corpus
            .as_ref()
            .map_or(self.profile_works.len(), |c| c.profiles)
    }

    /// The summed weighted length of every work of the whole corpus.
    pub(crate) fn total_len(&self) -> f64 {
        self.corpus.as_ref().map_or(self.total_len, |c| c.total_len)
    }

    /// Makes this index a part of a larger corpus with these statistics.
    pub(crate) fn set_corpus(&mut self, stats: CorpusStats) {
        self.corpus = Some(Box::new(stats));
        self.refresh_scoring();
    }

    pub fn avg_len(&self) -> f32 {
        let works = self.corpus_works();
        if works == 0 {
            1.0
        } else {
            ((self.total_len() / works as f64) as f32).max(1e-3)
        }
    }

    /// Average merged length of a profile (all its works as one document).
    pub fn avg_profile_len(&self) -> f32 {
        let profiles = self.corpus_profiles();
        if profiles == 0 {
            1.0
        } else {
            ((self.total_len() / profiles as f64) as f32).max(1e-3)
        }
    }

    pub fn single(&self, text: &str) -> Option<TermId> {
        self.vocab.single(text)
    }

    pub fn pair(&self, a: TermId, b: TermId) -> Option<TermId> {
        self.vocab.pair(a, b)
    }

    pub fn df(&self, term: TermId) -> usize {
        match self.corpus.as_ref().and_then(|c| c.df.get(term as usize)) {
            Some(&(works, _)) => works as usize,
            None => self.postings.df(term),
        }
    }

    /// Number of profiles whose works (or card) have the term.
    pub fn profile_df(&self, term: TermId) -> usize {
        match self.corpus.as_ref().and_then(|c| c.df.get(term as usize)) {
            Some(&(_, profiles)) => profiles as usize,
            None => self.postings.profile_df(term),
        }
    }

    /// The weighted count of `term` in `work`.
    pub fn tf(&self, term: TermId, work: WorkId) -> f32 {
        self.postings.tf(term, work)
    }

    /// The text of a single (non-pair) term; empty for pairs.
    pub fn single_text(&self, term: TermId) -> &str {
        self.vocab.single_text(term)
    }

    /// The text shown for a term: a word stem, a bigram, or two stems.
    pub fn term_text(&self, term: TermId) -> String {
        match self.vocab.get(term) {
            Some(Term::Single { text, .. }) => text.to_string(),
            Some(Term::Pair(a, b)) => format!("{} {}", self.term_text(a), self.term_text(b)),
            None => String::new(),
        }
    }

    /// Makes everything added so far visible to the readers above (see
    /// [`Postings::seal`]); call after adding a batch of profiles.
    pub fn seal(&mut self) {
        let works = &self.works;
        let profile_of = |w: WorkId| works.get(w as usize).map_or(u32::MAX, |e| e.profile);
        // With one document per profile (so far), a posting is a profile.
        let one_each = works.len() == self.profile_works.len();
        self.postings.seal(
            self.vocab.len(),
            (!one_each).then_some(&profile_of as &dyn Fn(WorkId) -> u32),
        );
        self.refresh_scoring();
    }

    /// Makes room for `profiles` to be [`Index::add`]ed, exactly: grown by
    /// doubling, the profile array (some 290 bytes a profile) would hold
    /// its old and new copies at once and keep up to half of it unused,
    /// and WebAssembly memory keeps such peaks for good.
    pub(crate) fn reserve_for(&mut self, profiles: &[Profile]) {
        let works: usize = profiles
            .iter()
            .map(|p| p.works.len() + usize::from(has_card(p)))
            .sum();
        self.profiles.reserve_exact(profiles.len());
        self.profile_works.reserve_exact(profiles.len());
        self.profile_len.reserve_exact(profiles.len());
        self.works.reserve_exact(works);
    }

    /// Adds a profile; its works get the next work numbers, so postings
    /// stay sorted. The caller has checked the id is new, and calls
    /// [`Index::seal`] after the batch.
    pub fn add(&mut self, profile: Profile) {
        let p = self.profiles.len() as u32;
        let first = self.works.len() as WorkId;
        for (i, work) in profile.works.iter().enumerate() {
            let w = self.weights;
            self.begin_doc();
            let mut len = self.add_field(&work.title, w.title);
            len += self.add_field(&work.abstract_text, w.abstract_text);
            self.end_doc(p, Source::Work(i as u32), len);
        }
        if has_card(&profile) {
            let w = self.weights;
            self.begin_doc();
            let mut len = self.add_field(&profile.name, 1.0);
            len += self.add_field(&profile.discipline, 1.0);
            for k in &profile.keywords {
                len += self.add_field(k, w.keyword);
            }
            len += self.add_field(&profile.summary, w.summary);
            self.end_doc(p, Source::Card, len);
        }
        let len = self.works[first as usize..].iter().map(|w| w.len).sum();
        self.profile_len.push(len);
        self.profile_works.push((first, self.works.len() as WorkId));
        self.profiles.push(profile);
    }

    fn begin_doc(&mut self) {
        self.touched.clear();
    }

    fn count(&mut self, term: TermId, weight: f32) {
        if weight <= 0.0 {
            return;
        }
        let t = term as usize;
        if self.counts.len() <= t {
            self.counts.resize(self.vocab.len().max(t + 1), 0.0);
        }
        if self.counts[t] == 0.0 {
            self.touched.push(term);
        }
        self.counts[t] += weight;
    }

    fn end_doc(&mut self, profile: u32, source: Source, len: f32) {
        let work = self.works.len() as WorkId;
        // Each touched term gets one posting for this work: the order
        // across terms does not matter (sealing groups them by term).
        for &term in &self.touched {
            let tf = std::mem::take(&mut self.counts[term as usize]);
            self.postings.push(term, Posting { work, tf });
        }
        self.works.push(WorkEntry {
            profile,
            source,
            len,
        });
        self.total_len += f64::from(len);
    }

    /// Analyses one field into the current document; returns its weighted length.
    fn add_field(&mut self, text: &str, weight: f32) -> f32 {
        if text.is_empty() || weight <= 0.0 {
            return 0.0;
        }
        let mut analyzer = std::mem::take(&mut self.analyzer);
        let analysis = analyzer.analyze(text, self.analysis_mode);
        let len = self.add_analysis(analysis, weight);
        self.analyzer = analyzer;
        len
    }

    fn add_analysis(&mut self, analysis: &Analysis, weight: f32) -> f32 {
        let tokens = analysis.tokens();
        let mut ids = std::mem::take(&mut self.ids);
        ids.clear();
        let mut len = 0.0;
        for t in tokens {
            let id = self.vocab.intern_single(analysis.term(t), t.kind);
            ids.push(id);
            // Characters repeat what the bigrams say: they add weight, not length.
            let w = if t.kind == TermKind::CjkChar {
                weight * self.weights.cjk_char
            } else {
                len += weight;
                weight
            };
            self.count(id, w);
        }
        if self.weights.phrase {
            for (i, j) in analysis.pairs() {
                let id = self.vocab.intern_pair(ids[i], ids[j]);
                self.count(id, weight);
            }
        }
        self.ids = ids;
        len
    }
}

impl crate::fuzzy::DocFrequency for Index {
    fn df(&self, term: TermId) -> usize {
        Index::df(self, term)
    }
}

/// A profile gets a card document when it has words of its own to match,
/// or when it has no works (so it can still be found by name).
pub fn has_card(p: &Profile) -> bool {
    !p.keywords.is_empty() || !p.summary.is_empty() || p.works.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Work;

    fn profile(id: &str, works: &[(&str, &str)]) -> Profile {
        Profile {
            id: id.into(),
            works: works
                .iter()
                .map(|(t, a)| Work {
                    title: t.to_string(),
                    abstract_text: a.to_string(),
                    year: None,
                })
                .collect(),
            ..Profile::default()
        }
    }

    #[test]
    fn each_work_is_a_document_with_weighted_counts() {
        let mut idx = Index::new(&Params::default());
        idx.add(profile(
            "a",
            &[("wing flutter", "flutter of a wing"), ("钛合金", "")],
        ));
        idx.seal();
        assert_eq!(idx.work_count(), 2);
        let flutter = idx.single("flutter").unwrap();
        // Title weight 2 + abstract weight 1.
        assert_eq!(idx.tf(flutter, 0), 3.0);
        assert_eq!(idx.tf(flutter, 1), 0.0);
        assert_eq!(idx.df(idx.single("合金").unwrap()), 1);
        let wing = idx.single("wing").unwrap();
        assert!(idx.pair(wing, flutter).is_some());
        assert_eq!(
            idx.term_text(idx.pair(wing, flutter).unwrap()),
            "wing flutter"
        );
    }

    #[test]
    fn cjk_characters_add_weight_but_not_length() {
        let params = Params {
            cjk_char_weight: 0.5,
            ..Params::default()
        };
        let mut idx = Index::new(&params);
        idx.add(profile("a", &[("", "钛合金")]));
        idx.seal();
        assert_eq!(idx.tf(idx.single("钛").unwrap(), 0), 0.5);
        assert_eq!(idx.works[0].len, 2.0);
        let mut off = Index::new(&Params {
            cjk_char_weight: 0.0,
            ..Params::default()
        });
        off.add(profile("a", &[("", "钛合金")]));
        off.seal();
        assert!(off.single("钛").is_none());
    }

    #[test]
    fn profile_length_is_its_works_merged() {
        let mut idx = Index::new(&Params::default());
        idx.add(profile("a", &[("", "wing flutter"), ("", "heat")]));
        idx.seal();
        idx.add(profile("b", &[("", "boundary layer flow")]));
        idx.seal();
        assert_eq!(idx.profile_len, vec![3.0, 3.0]);
        assert_eq!(idx.avg_profile_len(), 3.0);
    }

    #[test]
    fn profile_card_is_a_document_when_there_are_keywords() {
        let mut idx = Index::new(&Params::default());
        let mut p = profile("a", &[("t", "x y")]);
        p.keywords = vec!["增材制造".into()];
        idx.add(p);
        idx.seal();
        assert_eq!(idx.work_count(), 2);
        assert_eq!(idx.works[1].source, Source::Card);
        assert_eq!(idx.profile_works, vec![(0, 2)]);
    }

    #[test]
    fn postings_stay_sorted_by_work() {
        let mut idx = Index::new(&Params::default());
        for i in 0..5 {
            idx.add(profile(
                &format!("p{i}"),
                &[("heat transfer", ""), ("heat", "")],
            ));
            idx.seal();
        }
        let heat = idx.single("heat").unwrap();
        let works: Vec<_> = idx.postings.lists(heat).flatten().map(|p| p.work).collect();
        assert_eq!(works, (0..10).collect::<Vec<_>>());
    }
}
