//! Ranking against a sharded index whose fragments arrive on request.
//!
//! The engine scores an [`Index`]; here that index is the part of the
//! corpus one challenge reaches: the challenge's terms with their
//! complete posting lists, every profile those lists touch (ids as ranks,
//! kinds, work lengths; the records themselves only where needed), and the
//! whole corpus's statistics ([`CorpusStats`]). Every profile the whole
//! index would score above 0 is in the part with the same works, lengths,
//! term counts, idf and averages, so the engine gives it the same score,
//! float for float, and the same rank (term and profile numbers keep the
//! whole index's order, which the engine's tie-breaks and summation order
//! follow). Nothing of scoring is repeated here, only which data it reads.
//!
//! Fragments are asked for in rounds, each a set fetched in parallel:
//! dictionary buckets of the challenge's words (then typo-tolerance word
//! lists and word pairs of corrected words), their postings and the
//! profile tables they touch, then for pseudo-relevance feedback the best
//! first-pass works' records and their words' buckets and, once feedback
//! has chosen its words, their postings; last the records of the results.
//! [`ShardedIndex::match_challenge`] runs from the start with the
//! fragments at hand and returns the next round's names, or the results;
//! the caller fetches and calls again (no async in the core).

use super::decode::{decode_bucket, decode_list, decode_table, name, Entry, Loc, Manifest, Row};
use super::format::{bucket_of, check, pair_key, In, Kind};
use crate::error::{Error, Result};
use crate::explain::Explanation;
use crate::index::{CorpusStats, Index, PrebuiltLists, WorkId};
use crate::matcher::{MatchOptions, Matcher};
use crate::model::{Challenge, Profile, Work};
use crate::params::Params;
use crate::score::{score_works, Accumulator, Query};
use crate::text::{Analyzer, Mode, TermKind};
use crate::vocab::Vocabulary;
use rustc_hash::{FxHashMap, FxHashSet};

/// What the caller must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<T> {
    /// Fetch these fragments (names relative to the manifest), hand them
    /// to [`ShardedIndex::add_fragment`], and call again.
    Need(Vec<String>),
    /// Finished, with the result.
    Done(T),
}

/// One ranked profile of a sharded index.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardMatch {
    /// The ranked profile's whole record.
    pub profile: Profile,
    /// Its score, as the whole index gives it.
    pub score: f32,
    /// Why it matched, when asked for.
    pub explanation: Option<Explanation>,
}

impl ShardMatch {
    /// The same result as the whole index's [`crate::Match`], for its views.
    pub fn as_match(&self) -> crate::Match<'_> {
        crate::Match {
            profile: &self.profile,
            score: self.score,
            explanation: self.explanation.clone(),
        }
    }
}

/// A profile table's rows with their global profile numbers.
type Rows = std::rc::Rc<Vec<(u32, Row)>>;

/// A challenge field's tokens (stem, and letters for a word worth
/// correcting) and its adjacent-word pairs.
type Field = (Vec<(String, Option<usize>)>, Vec<(usize, usize)>);

/// A sharded index: the manifest and the fragments fetched so far.
pub struct ShardedIndex {
    manifest: Manifest,
    /// Checked payloads by fragment name, with the round they were last used in.
    cache: FxHashMap<String, (Vec<u8>, u64)>,
    cache_bytes: usize,
    /// The cache is trimmed to this many bytes between challenges (never
    /// during one: what a challenge needs stays until it is answered).
    pub cache_limit: usize,
    clock: u64,
    analyzer: Analyzer,
}

/// Default bound of the fragment cache.
pub const CACHE_LIMIT: usize = 64 << 20;

/// Everything one pass over the fragments at hand found, and what it missed.
#[derive(Default)]
struct Pass {
    need: Vec<String>,
    entries: FxHashMap<u32, Entry>,
    by_key: FxHashMap<Vec<u8>, u32>,
    /// Keys looked up and absent from the corpus.
    absent: FxHashSet<Vec<u8>>,
    lists: FxHashMap<u32, Vec<(WorkId, f32)>>,
    rows: FxHashMap<u32, Row>,
    records: FxHashMap<u32, Profile>,
    /// Profile by global work, for the works the lists touch.
    tables: FxHashMap<usize, Rows>,
}

impl Pass {
    /// Whether the key's dictionary entry (with its postings' place) is here.
    fn located(&self, key: &[u8]) -> bool {
        self.by_key
            .get(key)
            .and_then(|id| self.entries.get(id))
            .is_some_and(|e| e.loc.is_some())
    }

    fn want(&mut self, name: String) {
        if !self.need.contains(&name) {
            self.need.push(name);
        }
    }
}

impl ShardedIndex {
    /// Opens a sharded index from its manifest's text.
    pub fn open(manifest: &str) -> Result<ShardedIndex> {
        Ok(ShardedIndex {
            manifest: Manifest::parse(manifest)?,
            cache: FxHashMap::default(),
            cache_bytes: 0,
            cache_limit: CACHE_LIMIT,
            clock: 0,
            analyzer: Analyzer::new(),
        })
    }

    /// The parameters the index was written with.
    pub fn params(&self) -> &Params {
        &self.manifest.params
    }

    /// Number of profiles in the index.
    pub fn len(&self) -> usize {
        self.manifest.profiles as usize
    }

    /// Whether the index has no profile.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of fragment payload held in memory.
    pub fn cached_bytes(&self) -> usize {
        self.cache_bytes
    }

    /// Checks a fetched fragment against its name and keeps it.
    pub fn add_fragment(&mut self, name: &str, file: &[u8]) -> Result<()> {
        let kind = match name.split_once('-').map(|(k, _)| k) {
            Some("terms") => Kind::Terms,
            Some("postings") => Kind::Postings,
            Some("profiles") => Kind::Table,
            Some("records") => Kind::Records,
            Some("words") => Kind::Words,
            _ => {
                return Err(Error::invalid(format!(
                    "`{name}` is not an index fragment name"
                )))
            }
        };
        let payload = check(name, kind, file)?.to_vec();
        self.cache_bytes += payload.len();
        if let Some((old, _)) = self.cache.insert(name.to_string(), (payload, self.clock)) {
            self.cache_bytes -= old.len();
        }
        Ok(())
    }

    /// Drops the least recently used fragments down to the cache limit.
    fn trim(&mut self) {
        if self.cache_bytes <= self.cache_limit {
            return;
        }
        let mut by_age: Vec<(u64, String, usize)> = self
            .cache
            .iter()
            .map(|(k, (v, t))| (*t, k.clone(), v.len()))
            .collect();
        crate::sort::sort_by(&mut by_age, |a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        for (_, k, len) in by_age {
            if self.cache_bytes <= self.cache_limit {
                break;
            }
            self.cache.remove(&k);
            self.cache_bytes -= len;
        }
    }

    /// A cached payload, marked as used; `None` (and asked for) if absent.
    fn get(&mut self, pass: &mut Pass, kind: Kind, hash: u64) -> Option<Vec<u8>> {
        let n = name(kind, hash);
        match self.cache.get_mut(&n) {
            Some((payload, used)) => {
                *used = self.clock;
                Some(payload.clone())
            }
            None => {
                pass.want(n);
                None
            }
        }
    }

    /// Looks up dictionary keys; the entries found go into the pass.
    /// False when a bucket is missing (and asked for).
    fn look_up(&mut self, pass: &mut Pass, keys: &[Vec<u8>]) -> Result<bool> {
        let buckets = self.manifest.buckets.len();
        let mut want: Vec<(usize, &Vec<u8>)> = keys
            .iter()
            .filter(|k| !pass.located(k) && !pass.absent.contains(*k))
            .map(|k| (bucket_of(k, buckets), k))
            .collect();
        crate::sort::sort_by(&mut want, |a, b| a.0.cmp(&b.0));
        let mut complete = true;
        for group in want.chunk_by(|a, b| a.0 == b.0) {
            let b = group[0].0;
            let keys: Vec<&Vec<u8>> = group.iter().map(|g| g.1).collect();
            let hash = self.manifest.buckets[b];
            let Some(payload) = self.get(pass, Kind::Terms, hash) else {
                complete = false;
                continue;
            };
            let n = name(Kind::Terms, hash);
            let found = decode_bucket(&n, &payload, &keys)?;
            for k in keys {
                match found.iter().find(|(key, ..)| *key == k) {
                    Some((_, id, e)) => {
                        pass.by_key.insert(k.clone(), *id);
                        pass.entries.insert(*id, e.clone());
                    }
                    None => {
                        pass.absent.insert(k.clone());
                    }
                }
            }
        }
        Ok(complete)
    }

    /// Adds the words of the typo-tolerance lists of these lengths.
    fn look_up_words(&mut self, pass: &mut Pass, lens: &FxHashSet<usize>) -> Result<bool> {
        let mut complete = true;
        let mut lens: Vec<usize> = lens.iter().copied().collect();
        crate::sort::sort(&mut lens);
        for len in lens {
            let Some(&hash) = self.manifest.words.get(&len) else {
                continue;
            };
            let Some(payload) = self.get(pass, Kind::Words, hash) else {
                complete = false;
                continue;
            };
            let n = name(Kind::Words, hash);
            let mut r = In::new(&n, &payload);
            for _ in 0..r.count(4)? {
                let text = r.str()?.to_string();
                let id = r.u32()?;
                let df = r.u32()?;
                let profile_df = r.u32()?;
                pass.by_key.insert(text.as_bytes().to_vec(), id);
                pass.entries.entry(id).or_insert(Entry {
                    text,
                    second: None,
                    kind: TermKind::Word,
                    df,
                    profile_df,
                    loc: None,
                });
            }
            r.end()?;
        }
        Ok(complete)
    }

    /// Loads the postings of these terms (global ids) and the table rows
    /// of every profile they touch. False when something is missing.
    fn load_postings(&mut self, pass: &mut Pass, terms: &[u32]) -> Result<bool> {
        // Terms known from a typo list have their postings' place in
        // their dictionary bucket.
        let unplaced: Vec<Vec<u8>> = terms
            .iter()
            .filter_map(|t| pass.entries.get(t))
            .filter(|e| e.loc.is_none())
            .map(|e| e.text.as_bytes().to_vec())
            .collect();
        if !self.look_up(pass, &unplaced)? {
            return Ok(false);
        }
        let mut complete = true;
        for &t in terms {
            if pass.lists.contains_key(&t) {
                continue;
            }
            let Some(loc) = pass.entries.get(&t).and_then(|e| e.loc.clone()) else {
                return Err(Error::parse(
                    "the sharded index is damaged: a typo-list word missing from the dictionary",
                ));
            };
            let (bytes, what) = match loc {
                Loc::Inline(bytes) => (bytes, "a term's postings".to_string()),
                Loc::Chunk { hash, offset, len } => {
                    let Some(payload) = self.get(pass, Kind::Postings, hash) else {
                        complete = false;
                        continue;
                    };
                    let n = name(Kind::Postings, hash);
                    let bytes = offset
                        .checked_add(len)
                        .and_then(|end| payload.get(offset..end))
                        .ok_or_else(|| In::new(&n, &payload).fail("a list outside the fragment"))?
                        .to_vec();
                    (bytes, n)
                }
            };
            let list = decode_list(&what, &bytes, self.manifest.works)?;
            if list.len() as u64 != u64::from(pass.entries[&t].df) {
                return Err(In::new(&what, &bytes).fail("a list whose length is not its df"));
            }
            pass.lists.insert(t, list);
        }
        if !complete {
            return Ok(false);
        }
        // The profiles of every work in the lists.
        let mut works: Vec<WorkId> = pass
            .lists
            .values()
            .flat_map(|l| l.iter().map(|p| p.0))
            .collect();
        crate::sort::sort(&mut works);
        works.dedup();
        let mut i = 0;
        while i < works.len() {
            let w = works[i];
            let t = self
                .manifest
                .tables
                .partition_point(|r| r.first_work <= w)
                .saturating_sub(1);
            let next_first = self.manifest.tables.get(t + 1).map(|r| r.first_work);
            let end = next_first.map_or(works.len(), |f| works.partition_point(|&x| x < f));
            let Some(rows) = self.table(pass, t)? else {
                complete = false;
                i = end.max(i + 1);
                continue;
            };
            let first_work = self.manifest.tables[t].first_work;
            let mut starts = Vec::with_capacity(rows.len());
            let mut at = first_work;
            for (_, row) in rows.iter() {
                starts.push(at);
                at += row.lens.len() as u32;
            }
            for &w in &works[i..end] {
                let r = starts.partition_point(|&s| s <= w).saturating_sub(1);
                match rows.get(r) {
                    Some((p, row)) if w < starts[r] + row.lens.len() as u32 => {
                        pass.rows.entry(*p).or_insert_with(|| row.clone());
                    }
                    _ => {
                        return Err(Error::parse(format!(
                            "the sharded index is damaged: work {w} is in no profile of its table"
                        )))
                    }
                }
            }
            i = end.max(i + 1);
        }
        Ok(complete)
    }

    /// The rows of profile table `t`, with their global profile numbers.
    fn table(&mut self, pass: &mut Pass, t: usize) -> Result<Option<Rows>> {
        if let Some(rows) = pass.tables.get(&t) {
            return Ok(Some(rows.clone()));
        }
        let r = &self.manifest.tables[t];
        let (first, hash, table_first_work) = (r.first_profile, r.hash, r.first_work);
        let end_profile = self
            .manifest
            .tables
            .get(t + 1)
            .map_or(self.manifest.profiles, |n| n.first_profile);
        let end_work = self
            .manifest
            .tables
            .get(t + 1)
            .map_or(self.manifest.works, |n| n.first_work);
        let Some(payload) = self.get(pass, Kind::Table, hash) else {
            return Ok(None);
        };
        let n = name(Kind::Table, hash);
        let rows = decode_table(
            &n,
            &payload,
            first,
            end_profile,
            table_first_work,
            end_work,
            self.manifest.profiles,
        )?;
        let rows = std::rc::Rc::new(rows);
        pass.tables.insert(t, rows.clone());
        Ok(Some(rows))
    }

    /// Loads the records of these profiles (global numbers; their rows
    /// are loaded). False when a fragment is missing.
    fn load_records(&mut self, pass: &mut Pass, profiles: &[u32]) -> Result<bool> {
        let mut complete = true;
        let mut groups: Vec<(u64, u32)> = Vec::new();
        for &p in profiles {
            if pass.records.contains_key(&p) {
                continue;
            }
            let Some(row) = pass.rows.get(&p) else {
                return Err(Error::parse(
                    "the sharded index is damaged: a profile without its row",
                ));
            };
            groups.push((row.records, p));
        }
        crate::sort::sort_by(&mut groups, |a, b| a.cmp(b));
        for group in groups.chunk_by(|a, b| a.0 == b.0) {
            let hash = group[0].0;
            let wanted: Vec<u32> = group.iter().map(|g| g.1).collect();
            let Some(payload) = self.get(pass, Kind::Records, hash) else {
                complete = false;
                continue;
            };
            let n = name(Kind::Records, hash);
            // A record fragment holds consecutive profiles starting at a
            // multiple of its size within the table.
            let first = wanted[0]
                - (wanted[0] - self.table_start(wanted[0])) % super::write::RECORD_PROFILES as u32;
            let mut r = In::new(&n, &payload);
            let count = r.count(8)?;
            let mut pos = r.pos;
            for i in 0..count {
                let p = crate::store::decode_profile(&payload, &mut pos)
                    .map_err(|e| In::new(&n, &payload).fail(e.message()))?;
                let g = first + i as u32;
                if wanted.contains(&g) {
                    let row = &pass.rows[&g];
                    if p.works.len() + usize::from(row.card) != row.lens.len()
                        || crate::index::has_card(&p) != row.card
                        || p.kind != row.kind
                    {
                        return Err(In::new(&n, &payload).fail(format_args!(
                            "profile `{}` does not match its table row",
                            p.id
                        )));
                    }
                    pass.records.insert(g, p);
                }
            }
            if pos != payload.len() {
                return Err(In::new(&n, &payload).fail("bytes left over"));
            }
            if wanted.iter().any(|g| !pass.records.contains_key(g)) {
                return Err(In::new(&n, &payload).fail("a profile missing from its records"));
            }
        }
        Ok(complete)
    }

    fn table_start(&self, p: u32) -> u32 {
        let t = self
            .manifest
            .tables
            .partition_point(|r| r.first_profile <= p)
            .saturating_sub(1);
        self.manifest.tables.get(t).map_or(0, |r| r.first_profile)
    }

    /// The part of the corpus the pass holds, as an index the engine scores.
    /// Returns it with the global profile number of each local one.
    fn part(&self, pass: &Pass) -> Result<(Index, Vec<u32>)> {
        let params = &self.manifest.params;
        let mut vocab = Vocabulary::default();
        let mut local: FxHashMap<u32, u32> = FxHashMap::default();
        let mut df = Vec::with_capacity(pass.entries.len());
        // Term and profile numbers in the whole index's order.
        let terms = sorted_keys(&pass.entries);
        for &id in &terms {
            let e = &pass.entries[&id];
            let l = match &e.second {
                None => vocab.push_single(&e.text, e.kind),
                Some(b) => match (vocab.single(&e.text), vocab.single(b)) {
                    (Some(x), Some(y)) => vocab.push_pair(x, y),
                    _ => {
                        return Err(Error::parse(
                            "the sharded index is damaged: a word pair of unknown words",
                        ))
                    }
                },
            };
            local.insert(id, l);
            df.push((e.df, e.profile_df));
        }
        let mut profiles = Vec::with_capacity(pass.rows.len());
        let mut globals = Vec::with_capacity(pass.rows.len());
        let mut lens = Vec::new();
        let mut work_map: Vec<(WorkId, WorkId, u32)> = Vec::with_capacity(pass.rows.len());
        let mut next_local = 0u32;
        for g in sorted_keys(&pass.rows) {
            let row = &pass.rows[&g];
            let mut p = match pass.records.get(&g) {
                Some(p) => p.clone(),
                None => {
                    let works = row.lens.len() - usize::from(row.card);
                    Profile {
                        kind: row.kind,
                        works: vec![Work::default(); works],
                        summary: if row.card && works > 0 {
                            "-".into()
                        } else {
                            String::new()
                        },
                        ..Profile::default()
                    }
                }
            };
            // Ties are broken by id: the id's rank orders them the same.
            p.id = format!("{:010}", row.rank);
            work_map.push((row.first_work, next_local, row.lens.len() as u32));
            next_local += row.lens.len() as u32;
            lens.extend_from_slice(&row.lens);
            profiles.push(p);
            globals.push(g);
        }
        let mut lists = PrebuiltLists::default();
        for id in terms {
            if let Some(list) = pass.lists.get(&id) {
                for &(w, tf) in list {
                    let i = work_map.partition_point(|m| m.0 <= w).saturating_sub(1);
                    let local_work = match work_map.get(i) {
                        Some(&(first, base, n)) if w >= first && w < first + n => {
                            base + (w - first)
                        }
                        _ => {
                            return Err(Error::parse(
                                "the sharded index is damaged: a posting outside its profiles",
                            ))
                        }
                    };
                    lists.push(local_work, tf);
                }
            }
            if !lists.end_list() {
                return Err(Error::limit("too many postings for one challenge"));
            }
        }
        let mut index = Index::from_parts(params, profiles, lens, vocab, lists)?;
        index.set_corpus(CorpusStats {
            profiles: self.manifest.profiles as usize,
            works: self.manifest.works as usize,
            total_len: self.manifest.total_len,
            df,
        });
        Ok((index, globals))
    }

    /// Ranks the index's profiles for a challenge, as
    /// [`Matcher::match_challenge`] would with the whole index; or the
    /// fragments to fetch first. Filters by discipline, region or
    /// institution and `keep_unmatched` need every record and are refused.
    pub fn match_challenge(
        &mut self,
        challenge: &Challenge,
        options: &MatchOptions,
    ) -> Result<Step<Vec<ShardMatch>>> {
        options.validate()?;
        let f = &options.filter;
        if !f.disciplines.is_empty() || !f.regions.is_empty() || !f.institutions.is_empty() {
            return Err(Error::parameter(
                "a sharded index filters by kind only (not by discipline, region or institution)",
            ));
        }
        if options.keep_unmatched {
            return Err(Error::parameter(
                "a sharded index lists matched profiles only",
            ));
        }
        self.clock += 1;
        let mut pass = Pass::default();
        let params = self.manifest.params;

        // 1. The challenge's words, typo corrections and word pairs.
        let mut analyzer = std::mem::take(&mut self.analyzer);
        let step = self.challenge_terms(&mut pass, challenge, &mut analyzer);
        self.analyzer = analyzer;
        if !step? {
            return Ok(Step::Need(pass.need));
        }
        let (part, _) = self.part(&pass)?;
        let query = Query::new(&part, &params, challenge, &mut self.analyzer);
        let terms = global_terms(&pass, &part, &query);

        // 2. Their postings and profiles.
        if !self.load_postings(&mut pass, &terms)? {
            return Ok(Step::Need(pass.need));
        }

        // 3. Feedback: the best first-pass works' words, then the postings
        // of the words it adds.
        if params.feedback && !query.terms.is_empty() {
            let (part, globals) = self.part(&pass)?;
            let query = Query::new(&part, &params, challenge, &mut self.analyzer);
            let mut acc = Accumulator::default();
            score_works(&part, &params, &query, &mut acc);
            let matched = acc
                .works
                .iter()
                .enumerate()
                .filter(|(_, &s)| s > 0.0)
                .map(|(w, &s)| (s, w as WorkId));
            let best = crate::sort::smallest_k_of(matched, params.feedback_works, |a, b| {
                b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
            });
            let mut owners: Vec<u32> = best
                .iter()
                .filter_map(|&(_, w)| part.works.get(w as usize))
                .filter_map(|e| globals.get(e.profile as usize).copied())
                .collect();
            owners.dedup();
            if !self.load_records(&mut pass, &owners)? {
                return Ok(Step::Need(pass.need));
            }
            let keys = self.feedback_keys(&pass, &owners);
            if !self.look_up(&mut pass, &keys)? {
                return Ok(Step::Need(pass.need));
            }
            let (part, _) = self.part(&pass)?;
            let mut query = Query::new(&part, &params, challenge, &mut self.analyzer);
            let mut acc = Accumulator::default();
            score_works(&part, &params, &query, &mut acc);
            crate::score::feedback(&part, &params, &mut query, &mut acc, &mut self.analyzer);
            let all = global_terms(&pass, &part, &query);
            if !self.load_postings(&mut pass, &all)? {
                return Ok(Step::Need(pass.need));
            }
        }

        // 4. Rank with the engine, then the records of the results.
        let (part, globals) = self.part(&pass)?;
        let mut matcher = Matcher::from_index_part(params, part)?;
        let rank_options = MatchOptions {
            explain: false,
            with_profile: false,
            ..options.clone()
        };
        let ranked: Vec<(String, f32)> = matcher
            .match_challenge(challenge, &rank_options)?
            .into_iter()
            .map(|m| (m.profile.id.clone(), m.score))
            .collect();
        // Placeholder ids are id ranks; the part's profiles are in global order.
        let by_rank: FxHashMap<u32, usize> = globals
            .iter()
            .enumerate()
            .map(|(l, g)| (pass.rows[g].rank, l))
            .collect();
        let local_of = |id: &str| {
            id.parse::<u32>()
                .ok()
                .and_then(|r| by_rank.get(&r).copied())
        };
        let shown: Vec<(usize, u32, f32)> = ranked
            .iter()
            .filter_map(|(id, s)| local_of(id).map(|l| (l, globals[l], *s)))
            .collect();
        let wanted: Vec<u32> = shown.iter().map(|s| s.1).collect();
        if !self.load_records(&mut pass, &wanted)? {
            return Ok(Step::Need(pass.need));
        }
        self.trim();
        for &(l, g, _) in &shown {
            let id = matcher.profiles()[l].id.clone();
            let mut record = pass.records[&g].clone();
            record.id = id;
            matcher.replace_record(l, record);
        }
        let explanations = if options.explain && !ranked.is_empty() {
            let ids: Vec<&str> = ranked.iter().map(|(id, _)| id.as_str()).collect();
            Some(matcher.explain_pairs(challenge, &ids)?)
        } else {
            None
        };
        let mut explanations = explanations.map(Vec::into_iter);
        Ok(Step::Done(
            shown
                .into_iter()
                .map(|(_, g, score)| ShardMatch {
                    profile: pass.records[&g].clone(),
                    score,
                    explanation: explanations.as_mut().and_then(Iterator::next),
                })
                .collect(),
        ))
    }

    /// Step 1: dictionary entries of the challenge's words, the typo
    /// lists for unknown words and the pairs of corrected words.
    fn challenge_terms(
        &mut self,
        pass: &mut Pass,
        challenge: &Challenge,
        analyzer: &mut Analyzer,
    ) -> Result<bool> {
        let params = self.manifest.params;
        let mode = Mode {
            cjk_chars: params.cjk_char_weight > 0.0,
            offsets: true,
        };
        let mut fields: Vec<(&str, f32)> = vec![
            (&challenge.title, params.title_weight),
            (&challenge.description, params.abstract_weight),
        ];
        for k in &challenge.keywords {
            fields.push((k, params.keyword_weight));
        }
        // Each field's tokens: (key, word worth correcting with its letters).
        let mut analysed: Vec<Field> = Vec::new();
        let mut keys = Vec::new();
        for (text, weight) in fields {
            if text.is_empty() || weight <= 0.0 {
                continue;
            }
            let a = analyzer.analyze(text, mode);
            let tokens: Vec<(String, Option<usize>)> = a
                .tokens()
                .iter()
                .map(|t| {
                    let letters = (t.kind == TermKind::Word).then(|| {
                        text.get(t.start as usize..t.end as usize)
                            .map_or(0, |s| s.chars().count())
                    });
                    (a.term(t).to_string(), letters)
                })
                .collect();
            let pairs = if params.phrase_weight > 0.0 {
                a.pairs().collect()
            } else {
                Vec::new()
            };
            keys.extend(tokens.iter().map(|t| t.0.as_bytes().to_vec()));
            analysed.push((tokens, pairs));
        }
        if !self.look_up(pass, &keys)? {
            return Ok(false);
        }
        // Unknown words: the word lists of the lengths a correction may have.
        let mut lens = FxHashSet::default();
        let mut unknown = Vec::new();
        if params.fuzzy {
            for (tokens, _) in &analysed {
                for (stem, letters) in tokens {
                    let Some(letters) = *letters else { continue };
                    if pass.by_key.contains_key(stem.as_bytes())
                        || letters < crate::fuzzy::MIN_LETTERS
                        || !stem.chars().all(char::is_alphabetic)
                    {
                        continue;
                    }
                    let edits = if letters >= crate::fuzzy::TWO_EDITS_FROM {
                        2
                    } else {
                        1
                    };
                    let n = stem.chars().count();
                    lens.extend(n.saturating_sub(edits)..=n + edits);
                    unknown.push((stem.clone(), letters));
                }
            }
        }
        if !lens.is_empty() && !self.look_up_words(pass, &lens)? {
            return Ok(false);
        }
        let mut corrected: FxHashMap<String, String> = FxHashMap::default();
        if !unknown.is_empty() {
            let (part, _) = self.part(pass)?;
            for (stem, letters) in unknown {
                if let Some((t, _)) =
                    crate::fuzzy::correct(part.vocabulary(), &part, &stem, letters)
                {
                    corrected.insert(stem, part.single_text(t).to_string());
                }
            }
        }
        let resolve = |s: &String| -> Option<String> {
            if pass.by_key.contains_key(s.as_bytes()) {
                Some(s.clone())
            } else {
                corrected.get(s).cloned()
            }
        };
        let mut pair_keys = Vec::new();
        for (tokens, pairs) in &analysed {
            for &(i, j) in pairs {
                if let (Some(a), Some(b)) = (resolve(&tokens[i].0), resolve(&tokens[j].0)) {
                    pair_keys.push(pair_key(&a, &b));
                }
            }
        }
        self.look_up(pass, &pair_keys)
    }

    /// The dictionary keys of the feedback works' words (feedback reads
    /// the texts of these profiles' best works; all their works are
    /// analysed here, a superset).
    fn feedback_keys(&mut self, pass: &Pass, owners: &[u32]) -> Vec<Vec<u8>> {
        let mode = Mode {
            cjk_chars: false,
            offsets: false,
        };
        let mut keys = Vec::new();
        for p in owners {
            let Some(p) = pass.records.get(p) else {
                continue;
            };
            let mut texts: Vec<&str> = vec![p.summary.as_str()];
            texts.extend(p.keywords.iter().map(String::as_str));
            for w in &p.works {
                texts.push(&w.title);
                texts.push(&w.abstract_text);
            }
            for t in texts {
                let a = self.analyzer.analyze(t, mode);
                keys.extend(a.tokens().iter().map(|tok| a.term(tok).as_bytes().to_vec()));
            }
        }
        keys
    }

    /// Ranks with fragments from `fetch` (a file system, or anything that
    /// answers by name), round after round until done.
    pub fn match_with(
        &mut self,
        challenge: &Challenge,
        options: &MatchOptions,
        fetch: &mut dyn FnMut(&str) -> Result<Vec<u8>>,
    ) -> Result<Vec<ShardMatch>> {
        // Each round adds at least one fragment; the stages are few.
        for _ in 0..32 {
            match self.match_challenge(challenge, options)? {
                Step::Done(results) => return Ok(results),
                Step::Need(names) => {
                    for n in names {
                        let bytes = fetch(&n)?;
                        self.add_fragment(&n, &bytes)?;
                    }
                }
            }
        }
        Err(Error::invalid(
            "the sharded index asked for fragments again and again (an internal error)",
        ))
    }
}

fn sorted_keys<V>(map: &FxHashMap<u32, V>) -> Vec<u32> {
    let mut keys: Vec<u32> = map.keys().copied().collect();
    crate::sort::sort(&mut keys);
    keys
}

/// The global ids of the query's terms.
fn global_terms(pass: &Pass, part: &Index, query: &Query) -> Vec<u32> {
    // Local ids are the entries' order.
    let globals = sorted_keys(&pass.entries);
    let _ = part;
    query
        .terms
        .iter()
        .filter_map(|t| globals.get(t.term as usize).copied())
        .collect()
}
