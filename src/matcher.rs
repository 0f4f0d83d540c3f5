//! The easy top-level API: load profiles, rank them for a challenge, rank
//! challenges for a profile.

use crate::error::{Error, Result};
use crate::explain::{explain, Explanation};
use crate::import::{Imported, RowError};
use crate::index::Index;
use crate::model::{Challenge, Kind, Profile};
use crate::params::Params;
use crate::score::{feedback, profile_scores, score_works, Accumulator, Query};
use crate::sort;
use crate::text::Analyzer;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::cell::RefCell;
use std::cmp::Ordering;

/// Which profiles a ranking may return. Empty lists allow everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Profile kinds allowed; empty for all.
    pub kinds: Vec<Kind>,
    /// Disciplines allowed; empty for all.
    pub disciplines: Vec<String>,
    /// Regions allowed; empty for all.
    pub regions: Vec<String>,
    /// Institutions allowed; empty for all.
    pub institutions: Vec<String>,
}

impl Filter {
    /// Whether the filter allows every profile.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
            && self.disciplines.is_empty()
            && self.regions.is_empty()
            && self.institutions.is_empty()
    }

    /// Whether the filter lets `p` through.
    pub fn allows(&self, p: &Profile) -> bool {
        let in_list = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x == v);
        (self.kinds.is_empty() || self.kinds.contains(&p.kind))
            && in_list(&self.disciplines, &p.discipline)
            && in_list(&self.regions, &p.region)
            && in_list(&self.institutions, &p.institution)
    }
}

/// Options of one ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchOptions {
    /// How many results at most; `None` for all.
    pub top: Option<usize>,
    /// Which profiles may be ranked.
    pub filter: Filter,
    /// Results scoring below this are left out. Range 0–1; default 0.
    pub min_score: f32,
    /// Whether to explain each result (costs a little per result).
    pub explain: bool,
    /// Whether profiles that match nothing (score 0) are listed too, as the
    /// batch format's `--top all` needs for every pair.
    pub keep_unmatched: bool,
    /// Whether results carry the whole profile (the page's cards) or only
    /// its id (callers that keep profile data themselves: converting 100
    /// profiles' text for JS costs more than ranking them).
    pub with_profile: bool,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            top: Some(10),
            filter: Filter::default(),
            min_score: 0.0,
            explain: false,
            keep_unmatched: false,
            with_profile: true,
        }
    }
}

impl MatchOptions {
    /// Options from a JSON object as the page sends them: `top` (0 = all;
    /// default 10), `kinds`, `disciplines`, `regions`, `institutions`
    /// (lists of strings), `minScore` (0–1), `explain` (default true),
    /// `profile` (default true; false gives ids only).
    pub fn from_json(v: &serde_json::Value) -> Result<MatchOptions> {
        use serde_json::Value;
        let mut o = MatchOptions {
            explain: true,
            ..MatchOptions::default()
        };
        let obj = match v {
            Value::Null => return Ok(o),
            Value::Object(obj) => obj,
            _ => return Err(Error::parameter("options must be an object")),
        };
        let strings = |name: &str| -> Result<Vec<String>> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_string).ok_or_else(|| {
                            Error::parameter(format!("option `{name}` must be a list of strings"))
                        })
                    })
                    .collect(),
                Some(_) => Err(Error::parameter(format!(
                    "option `{name}` must be a list of strings"
                ))),
            }
        };
        for (name, value) in obj {
            match name.as_str() {
                "top" => {
                    let n = value
                        .as_f64()
                        .filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0)
                        .ok_or_else(|| {
                            Error::parameter("option `top` must be a whole number, 0 for all")
                        })?;
                    o.top = (n > 0.0).then_some(n as usize);
                }
                "minScore" | "min_score" => {
                    o.min_score = value
                        .as_f64()
                        .ok_or_else(|| Error::parameter("option `minScore` must be a number"))?
                        as f32;
                }
                "explain" => {
                    o.explain = value.as_bool().ok_or_else(|| {
                        Error::parameter("option `explain` must be true or false")
                    })?;
                }
                "kinds" => {
                    o.filter.kinds = strings("kinds")?
                        .iter()
                        .map(|k| {
                            Kind::parse(k)
                                .ok_or_else(|| Error::parameter(format!("unknown kind `{k}`")))
                        })
                        .collect::<Result<_>>()?;
                }
                "profile" => {
                    o.with_profile = value.as_bool().ok_or_else(|| {
                        Error::parameter("option `profile` must be true or false")
                    })?;
                }
                "disciplines" => o.filter.disciplines = strings(name)?,
                "regions" => o.filter.regions = strings(name)?,
                "institutions" => o.filter.institutions = strings(name)?,
                other => return Err(Error::parameter(format!("unknown option `{other}`"))),
            }
        }
        o.validate()?;
        Ok(o)
    }

    /// Checks the options are in their documented ranges.
    pub fn validate(&self) -> Result<()> {
        if !(self.min_score.is_finite() && (0.0..=1.0).contains(&self.min_score)) {
            return Err(Error::parameter(format!(
                "option `min_score` must be between 0 and 1, got {}",
                crate::decimal::shortest(self.min_score)
            )));
        }
        Ok(())
    }
}

/// One ranked profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    /// The ranked profile.
    pub profile: &'a Profile,
    /// In [0, 1]: the share of the challenge's information matched by the
    /// profile's best works.
    pub score: f32,
    /// Why it matched, when asked for.
    pub explanation: Option<Explanation>,
}

/// One ranked challenge, for the reverse view.
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeMatch<'a> {
    /// The ranked challenge.
    pub challenge: &'a Challenge,
    /// The same number the forward ranking gives this pair.
    pub score: f32,
    /// Why it matched, when asked for.
    pub explanation: Option<Explanation>,
}

/// What loading profiles did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddReport {
    /// Profiles whose id was new.
    pub added: usize,
    /// Ids that were already loaded (or repeated in the batch): the later
    /// record replaces the earlier one.
    pub replaced: Vec<String>,
}

/// What a load of profiles did; `rows == added + replaced + rejected`
/// where `replaced` counts rows whose id was already present.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LoadReport {
    /// Profiles new to the matcher.
    pub added: usize,
    /// Rows whose id was already loaded (or repeated): they replaced it.
    pub replaced: usize,
    /// Profiles loaded after this load.
    pub total: usize,
    /// Rows read.
    pub rows: usize,
    /// Every row rejected or replacing, with its line.
    pub errors: Vec<RowError>,
}

/// Refuses a challenge with more text than
/// [`limits::MAX_CHALLENGE_BYTES`](crate::model::limits::MAX_CHALLENGE_BYTES):
/// text pasted into the page reaches the matcher without an importer's
/// field limits.
fn check_challenge_size(challenge: &Challenge) -> Result<()> {
    use crate::model::limits::MAX_CHALLENGE_BYTES;
    let bytes = challenge.title.len()
        + challenge.description.len()
        + challenge.keywords.iter().map(String::len).sum::<usize>();
    if bytes > MAX_CHALLENGE_BYTES {
        return Err(Error::limit(format!(
            "challenge `{}` has {bytes} bytes of text, over the limit of {MAX_CHALLENGE_BYTES} bytes \
             (MAX_CHALLENGE_BYTES); shorten it to the technical problem",
            crate::model::truncate(&challenge.id, 60)
        )));
    }
    Ok(())
}

/// Ranks research profiles for challenges and the reverse.
pub struct Matcher {
    params: Params,
    index: Index,
    /// One analyser for all queries, so its stem cache stays warm; a
    /// `RefCell` because ranking takes `&self` (and runs one at a time).
    analyzer: RefCell<Analyzer>,
    by_id: FxHashMap<String, u32>,
}

impl Matcher {
    /// An empty matcher that will rank with `params` (checked here).
    pub fn new(params: Params) -> Result<Matcher> {
        params.validate()?;
        Ok(Matcher {
            index: Index::new(&params),
            params,
            by_id: FxHashMap::default(),
            analyzer: RefCell::new(Analyzer::new()),
        })
    }

    /// A matcher from a prebuilt index file (`.cmx`, see [`crate::store`]),
    /// with the parameters the index was built with; no text is analysed.
    pub fn from_index(bytes: &[u8]) -> Result<Matcher> {
        Matcher::from_parts(crate::store::read(bytes)?)
    }

    /// A matcher from a prebuilt index file given in pieces as it arrived
    /// (see [`crate::store::Loader`]).
    pub fn from_loader(loader: crate::store::Loader) -> Result<Matcher> {
        Matcher::from_parts(loader.finish()?)
    }

    fn from_parts((params, index): (Params, Index)) -> Result<Matcher> {
        params.validate()?;
        let mut by_id = FxHashMap::default();
        by_id.reserve(index.profiles().len());
        for (i, p) in index.profiles().iter().enumerate() {
            if by_id.insert(p.id.clone(), i as u32).is_some() {
                return Err(Error::parse(format!(
                    "the index file is damaged: profile id `{}` appears twice",
                    p.id
                ))
                .with_store_kind(crate::error::StoreErrorKind::Damaged));
            }
        }
        Ok(Matcher {
            index,
            params,
            by_id,
            analyzer: RefCell::new(Analyzer::new()),
        })
    }

    /// A matcher over the part of a corpus one challenge reaches (a
    /// sharded index's, see `crate::shard`).
    pub(crate) fn from_index_part(params: Params, index: Index) -> Result<Matcher> {
        Matcher::from_parts((params, index))
    }

    /// Puts a profile's whole record in place of the part's stand-in for
    /// it (same id, works and card).
    pub(crate) fn replace_record(&mut self, i: usize, record: Profile) {
        if let Some(slot) = self.index.profiles.get_mut(i) {
            *slot = record;
        }
    }

    /// The index the matcher ranks with (the sharded writer reads it).
    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    /// The loaded profiles' index as a `.cmx` file for [`Matcher::from_index`].
    pub fn write_index(&self) -> Vec<u8> {
        crate::store::write(&self.params, &self.index)
    }

    /// The parameters it ranks with.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The loaded profiles, in load order.
    pub fn profiles(&self) -> &[Profile] {
        self.index.profiles()
    }

    /// The loaded profile with this id.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.by_id
            .get(id)
            .and_then(|&i| self.index.profiles().get(i as usize))
    }

    /// Number of loaded profiles.
    pub fn len(&self) -> usize {
        self.index.profiles().len()
    }

    /// Whether no profile is loaded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Unloads every profile; the parameters stay.
    pub fn clear(&mut self) {
        self.index = Index::new(&self.params);
        self.by_id.clear();
    }

    /// Adds profiles. A profile whose id is already loaded replaces the old
    /// one in place (the index is then rebuilt, since postings are append-only).
    pub fn add_profiles(&mut self, profiles: Vec<Profile>) -> AddReport {
        let mut report = AddReport::default();
        let loaded = self.index.profiles().len();
        // Sized at once (replacements leave it a little short of full):
        // grown by doubling, it left a trail of freed blocks in WASM memory.
        let mut new: Vec<Profile> = Vec::with_capacity(profiles.len());
        let mut replacements: Vec<(usize, Profile)> = Vec::new();
        for p in profiles {
            match self.by_id.get(&p.id) {
                Some(&i) => {
                    report.replaced.push(p.id.clone());
                    match (i as usize).checked_sub(loaded) {
                        // Repeated within this batch: the later one wins.
                        Some(j) => new[j] = p,
                        None => replacements.push((i as usize, p)),
                    }
                }
                None => {
                    self.by_id.insert(p.id.clone(), (loaded + new.len()) as u32);
                    new.push(p);
                    report.added += 1;
                }
            }
        }
        if replacements.is_empty() {
            self.index.reserve_for(&new);
            for p in new {
                self.index.add(p);
            }
            self.index.seal();
        } else {
            // The old index's profiles are moved, not copied, and the
            // rest of it is freed before the new one is built.
            let Index {
                profiles: mut all, ..
            } = std::mem::replace(&mut self.index, Index::new(&self.params));
            for (i, p) in replacements {
                if let Some(slot) = all.get_mut(i) {
                    *slot = p;
                }
            }
            all.reserve_exact(new.len());
            all.extend(new);
            self.index.reserve_for(&all);
            for p in all {
                self.index.add(p);
            }
            self.index.seal();
        }
        report
    }

    /// Loads imported profiles and reports every row: added, replacing an
    /// earlier id, or rejected by the importer.
    pub fn load(&mut self, imported: Imported<Profile>) -> LoadReport {
        let Imported {
            records,
            lines,
            mut errors,
            rows,
        } = imported;
        let line_of: FxHashMap<String, usize> =
            records.iter().map(|p| p.id.clone()).zip(lines).collect();
        let report = self.add_profiles(records);
        for id in &report.replaced {
            errors.push(RowError {
                line: line_of.get(id).copied().unwrap_or(0),
                id: Some(id.clone()),
                field: Some("id".into()),
                message: format!("profile `{id}` was already loaded: the new record replaces it"),
                loaded: true,
            });
        }
        LoadReport {
            added: report.added,
            replaced: report.replaced.len(),
            total: self.len(),
            rows,
            errors,
        }
    }

    /// Every profile's score for the challenge, by profile number (load order).
    fn scores(&self, challenge: &Challenge) -> (Query, Vec<f32>) {
        let mut analyzer = self.analyzer.borrow_mut();
        let mut query = Query::new(&self.index, &self.params, challenge, &mut analyzer);
        let mut acc = Accumulator::default();
        score_works(&self.index, &self.params, &query, &mut acc);
        feedback(
            &self.index,
            &self.params,
            &mut query,
            &mut acc,
            &mut analyzer,
        );
        (query, profile_scores(&self.index, &self.params, &acc))
    }

    /// Ranks loaded profiles for a challenge: best first, ties by id.
    pub fn match_challenge(
        &self,
        challenge: &Challenge,
        options: &MatchOptions,
    ) -> Result<Vec<Match<'_>>> {
        options.validate()?;
        check_challenge_size(challenge)?;
        let (query, scores) = self.scores(challenge);
        let profiles = self.index.profiles();
        // Most rankings have no filter: then no profile needs to be read.
        let unfiltered = options.filter.is_empty();
        let candidates = scores
            .iter()
            .enumerate()
            .filter(|&(i, &s)| {
                (s > 0.0 || options.keep_unmatched)
                    && s >= options.min_score
                    && (unfiltered || options.filter.allows(&profiles[i]))
            })
            .map(|(i, &s)| (i as u32, s));
        let order = |a: &(u32, f32), b: &(u32, f32)| -> Ordering {
            b.1.total_cmp(&a.1)
                .then_with(|| profiles[a.0 as usize].id.cmp(&profiles[b.0 as usize].id))
        };
        let top = options.top.unwrap_or(usize::MAX);
        let ranked = sort::smallest_k_of(candidates, top, order);
        if ranked.is_empty() {
            return Ok(Vec::new());
        }
        Ok(ranked
            .into_iter()
            .map(|(i, score)| Match {
                profile: &profiles[i as usize],
                score,
                explanation: options.explain.then(|| {
                    explain(
                        &self.index,
                        &self.params,
                        &query,
                        challenge,
                        i,
                        &mut self.analyzer.borrow_mut(),
                    )
                }),
            })
            .collect())
    }

    /// Ranks challenges for one loaded profile (what a tech-transfer office
    /// needs). Each score is the same number the forward ranking gives the
    /// pair. The options' filter does not apply; `top` and `min_score` do.
    pub fn match_profile<'c>(
        &self,
        profile_id: &str,
        challenges: &'c [Challenge],
        options: &MatchOptions,
    ) -> Result<Vec<ChallengeMatch<'c>>> {
        options.validate()?;
        challenges.iter().try_for_each(check_challenge_size)?;
        let &p = self.by_id.get(profile_id).ok_or_else(|| {
            Error::not_found(format!("no profile with id `{profile_id}` is loaded"))
        })?;
        let mut ranked: Vec<(usize, f32, Query)> = challenges
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (query, scores) = self.scores(c);
                (i, scores.get(p as usize).copied().unwrap_or(0.0), query)
            })
            .filter(|(_, s, _)| (*s > 0.0 || options.keep_unmatched) && *s >= options.min_score)
            .collect();
        sort::sort_by(&mut ranked, |a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| challenges[a.0].id.cmp(&challenges[b.0].id))
        });
        ranked.truncate(options.top.unwrap_or(usize::MAX));
        Ok(ranked
            .into_iter()
            .map(|(i, score, query)| ChallengeMatch {
                challenge: &challenges[i],
                score,
                explanation: options.explain.then(|| {
                    explain(
                        &self.index,
                        &self.params,
                        &query,
                        &challenges[i],
                        p,
                        &mut self.analyzer.borrow_mut(),
                    )
                }),
            })
            .collect())
    }

    /// Every loaded profile's score for each challenge, by profile number
    /// (load order): the matrix an event schedule is planned from.
    pub fn score_matrix(&self, challenges: &[Challenge]) -> Vec<Vec<f32>> {
        challenges.iter().map(|c| self.scores(c).1).collect()
    }

    /// Explains one pair, as the forward ranking would.
    pub fn explain_pair(&self, challenge: &Challenge, profile_id: &str) -> Result<Explanation> {
        let mut all = self.explain_pairs(challenge, &[profile_id])?;
        all.pop().ok_or_else(|| Error::not_found("no explanation"))
    }

    /// Explains several profiles for one challenge, analysing and scoring
    /// the challenge once (an event's agendas explain every meeting).
    pub fn explain_pairs(
        &self,
        challenge: &Challenge,
        profile_ids: &[&str],
    ) -> Result<Vec<Explanation>> {
        check_challenge_size(challenge)?;
        let profiles = profile_ids
            .iter()
            .map(|id| {
                self.by_id
                    .get(*id)
                    .copied()
                    .ok_or_else(|| Error::not_found(format!("no profile with id `{id}` is loaded")))
            })
            .collect::<Result<Vec<u32>>>()?;
        let (query, _) = self.scores(challenge);
        let mut analyzer = self.analyzer.borrow_mut();
        Ok(profiles
            .into_iter()
            .map(|p| {
                explain(
                    &self.index,
                    &self.params,
                    &query,
                    challenge,
                    p,
                    &mut analyzer,
                )
            })
            .collect())
    }

    /// Distinct kinds, disciplines, regions and institutions, sorted.
    pub fn facets(&self) -> Facets {
        let mut f = Facets::default();
        for p in self.profiles() {
            f.kinds.push(p.kind);
            for (list, v) in [
                (&mut f.disciplines, &p.discipline),
                (&mut f.regions, &p.region),
                (&mut f.institutions, &p.institution),
            ] {
                if !v.is_empty() {
                    list.push(v.clone());
                }
            }
        }
        sort::sort(&mut f.kinds);
        f.kinds.dedup();
        for list in [&mut f.disciplines, &mut f.regions, &mut f.institutions] {
            sort::sort(list);
            list.dedup();
        }
        f
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
/// The values the loaded profiles have, for the page's filter lists.
pub struct Facets {
    /// Kinds present, in [`Kind`] order.
    pub kinds: Vec<Kind>,
    /// Disciplines present, sorted.
    pub disciplines: Vec<String>,
    /// Regions present, sorted.
    pub regions: Vec<String>,
    /// Institutions present, sorted.
    pub institutions: Vec<String>,
}
