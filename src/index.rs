//! The built corpus: vocabulary, postings and per-work lengths.
//!
//! Each work (paper, patent, project) is a document of its own, since the
//! scorer ranks works first and aggregates them per profile. A profile's
//! own keywords, summary, name and discipline form one more document, its
//! "profile card". Postings are kept sorted by work number, which lets the
//! explainer and the reverse view look up one work with a binary search.

use crate::model::Profile;
use crate::params::Params;
use crate::text::{Analysis, Analyzer, TermKind};
use rustc_hash::FxHashMap;

pub type TermId = u32;
pub type WorkId = u32;

/// One occurrence list entry: a work and the weighted count of the term in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posting {
    pub work: WorkId,
    pub tf: f32,
}

/// What a term is, for display and typo tolerance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Single {
        text: Box<str>,
        kind: TermKind,
    },
    /// Two adjacent words.
    Pair(TermId, TermId),
}

/// Which text of a profile a work document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `profile.works[i]`.
    Work(u32),
    /// The profile card: keywords, summary, name, discipline.
    Card,
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
    pub(crate) terms: Vec<Term>,
    pub(crate) postings: Vec<Vec<Posting>>,
    singles: FxHashMap<Box<str>, TermId>,
    pairs: FxHashMap<u64, TermId>,
    /// Alphabetic word terms by length in chars, for typo tolerance.
    pub(crate) words_by_len: Vec<Vec<TermId>>,
    total_len: f64,
    /// Field weights the works were indexed with.
    weights: FieldWeights,
    /// Scratch: term counts of the document being added, dense by term id
    /// (an array access per token instead of a hash look-up), with the
    /// terms touched so only those are read and reset.
    counts: Vec<f32>,
    touched: Vec<TermId>,
    analyzer: Analyzer,
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
            analyzer: {
                let mut a = Analyzer::with_cjk_chars(params.cjk_char_weight > 0.0);
                a.set_offsets(false);
                a
            },
            ..Index::default()
        }
    }

    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Rebuilds an index from its stored parts (see `store.rs`): the
    /// profiles, each work's weighted length, the terms in id order and
    /// their postings. Work ranges, profile lengths, the term maps and the
    /// typo-tolerance lists are derived exactly as [`Index::add`] builds
    /// them. The caller has checked ids and posting order; this checks the
    /// counts agree and that no term is listed twice.
    pub(crate) fn from_parts(
        params: &Params,
        profiles: Vec<Profile>,
        work_lens: Vec<f32>,
        terms: Vec<Term>,
        postings: Vec<Vec<Posting>>,
    ) -> crate::Result<Index> {
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
                    .ok_or_else(|| crate::Error::invalid("fewer work lengths than works"))?;
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
            return Err(crate::Error::invalid("more work lengths than works"));
        }
        if terms.len() != postings.len() {
            return Err(crate::Error::invalid("terms and postings differ in number"));
        }
        idx.profiles = profiles;
        idx.singles.reserve(terms.len());
        for term in terms {
            let id = idx.terms.len() as TermId;
            let fresh = match &term {
                Term::Single { text, kind } => {
                    if *kind == TermKind::Word && text.chars().all(char::is_alphabetic) {
                        let len = text.chars().count();
                        if idx.words_by_len.len() <= len {
                            idx.words_by_len.resize(len + 1, Vec::new());
                        }
                        idx.words_by_len[len].push(id);
                    }
                    idx.singles.insert(text.clone(), id).is_none()
                }
                Term::Pair(a, b) => idx.pairs.insert(pair_key(*a, *b), id).is_none(),
            };
            if !fresh {
                return Err(crate::Error::invalid(format!(
                    "term {id} repeats an earlier term"
                )));
            }
            idx.terms.push(term);
        }
        idx.postings = postings;
        Ok(idx)
    }

    pub fn work_count(&self) -> usize {
        self.works.len()
    }

    pub fn avg_len(&self) -> f32 {
        if self.works.is_empty() {
            1.0
        } else {
            ((self.total_len / self.works.len() as f64) as f32).max(1e-3)
        }
    }

    /// Average merged length of a profile (all its works as one document).
    pub fn avg_profile_len(&self) -> f32 {
        if self.profiles.is_empty() {
            1.0
        } else {
            ((self.total_len / self.profiles.len() as f64) as f32).max(1e-3)
        }
    }

    pub fn single(&self, text: &str) -> Option<TermId> {
        self.singles.get(text).copied()
    }

    pub fn pair(&self, a: TermId, b: TermId) -> Option<TermId> {
        self.pairs.get(&pair_key(a, b)).copied()
    }

    pub fn df(&self, term: TermId) -> usize {
        self.postings.get(term as usize).map_or(0, Vec::len)
    }

    /// The weighted count of `term` in `work`, by binary search.
    pub fn tf(&self, term: TermId, work: WorkId) -> f32 {
        let Some(list) = self.postings.get(term as usize) else {
            return 0.0;
        };
        match list.binary_search_by_key(&work, |p| p.work) {
            Ok(i) => list[i].tf,
            Err(_) => 0.0,
        }
    }

    /// The text of a single (non-pair) term; empty for pairs.
    pub fn single_text(&self, term: TermId) -> &str {
        match self.terms.get(term as usize) {
            Some(Term::Single { text, .. }) => text,
            _ => "",
        }
    }

    /// The text shown for a term: a word stem, a bigram, or two stems.
    pub fn term_text(&self, term: TermId) -> String {
        match self.terms.get(term as usize) {
            Some(Term::Single { text, .. }) => text.to_string(),
            Some(Term::Pair(a, b)) => format!("{} {}", self.term_text(*a), self.term_text(*b)),
            None => String::new(),
        }
    }

    /// Adds a profile; its works get the next work numbers, so postings
    /// stay sorted. The caller has checked the id is new.
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
            self.counts.resize(self.terms.len().max(t + 1), 0.0);
        }
        if self.counts[t] == 0.0 {
            self.touched.push(term);
        }
        self.counts[t] += weight;
    }

    fn end_doc(&mut self, profile: u32, source: Source, len: f32) {
        let work = self.works.len() as WorkId;
        // Sorted so that posting order, and so float sums, never depend on
        // hash order.
        // Each touched term gets one posting for this work: the order
        // across terms does not matter, so no sort.
        for &term in &self.touched {
            let tf = std::mem::take(&mut self.counts[term as usize]);
            self.postings[term as usize].push(Posting { work, tf });
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
        let analysis = analyzer.analyze(text);
        let len = self.add_analysis(analysis, weight);
        self.analyzer = analyzer;
        len
    }

    fn add_analysis(&mut self, analysis: &Analysis, weight: f32) -> f32 {
        let tokens = analysis.tokens();
        let mut ids = Vec::with_capacity(tokens.len());
        let mut len = 0.0;
        for t in tokens {
            let id = self.intern_single(analysis.term(t), t.kind);
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
                let id = self.intern_pair(ids[i], ids[j]);
                self.count(id, weight);
            }
        }
        len
    }

    fn new_term(&mut self, term: Term) -> TermId {
        let id = self.terms.len() as TermId;
        self.terms.push(term);
        self.postings.push(Vec::new());
        id
    }

    fn intern_single(&mut self, text: &str, kind: TermKind) -> TermId {
        if let Some(&id) = self.singles.get(text) {
            return id;
        }
        let id = self.new_term(Term::Single {
            text: text.into(),
            kind,
        });
        self.singles.insert(text.into(), id);
        if kind == TermKind::Word && text.chars().all(char::is_alphabetic) {
            let len = text.chars().count();
            if self.words_by_len.len() <= len {
                self.words_by_len.resize(len + 1, Vec::new());
            }
            self.words_by_len[len].push(id);
        }
        id
    }

    fn intern_pair(&mut self, a: TermId, b: TermId) -> TermId {
        let key = pair_key(a, b);
        if let Some(&id) = self.pairs.get(&key) {
            return id;
        }
        let id = self.new_term(Term::Pair(a, b));
        self.pairs.insert(key, id);
        id
    }
}

fn pair_key(a: TermId, b: TermId) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
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
        assert_eq!(idx.tf(idx.single("钛").unwrap(), 0), 0.5);
        assert_eq!(idx.works[0].len, 2.0);
        let mut off = Index::new(&Params {
            cjk_char_weight: 0.0,
            ..Params::default()
        });
        off.add(profile("a", &[("", "钛合金")]));
        assert!(off.single("钛").is_none());
    }

    #[test]
    fn profile_length_is_its_works_merged() {
        let mut idx = Index::new(&Params::default());
        idx.add(profile("a", &[("", "wing flutter"), ("", "heat")]));
        idx.add(profile("b", &[("", "boundary layer flow")]));
        assert_eq!(idx.profile_len, vec![3.0, 3.0]);
        assert_eq!(idx.avg_profile_len(), 3.0);
    }

    #[test]
    fn profile_card_is_a_document_when_there_are_keywords() {
        let mut idx = Index::new(&Params::default());
        let mut p = profile("a", &[("t", "x y")]);
        p.keywords = vec!["增材制造".into()];
        idx.add(p);
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
        }
        let heat = idx.single("heat").unwrap();
        let works: Vec<_> = idx.postings[heat as usize].iter().map(|p| p.work).collect();
        assert_eq!(works, (0..10).collect::<Vec<_>>());
    }
}
