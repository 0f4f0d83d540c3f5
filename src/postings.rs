//! Posting lists: for each term, the works it occurs in, by work number.
//!
//! Stored flat ("compressed sparse rows"): one array of postings ordered by
//! term and then work, and one offset per term, instead of a vector per
//! term. That is one allocation instead of one per term (and no unused
//! capacity in each), and a prebuilt index loads into it directly.
//!
//! Indexing appends postings to a log; [`Postings::seal`] sorts the log
//! by term (a counting sort, stable, so works stay in order) into a new
//! segment. Profiles arrive in batches (the page loads a file in chunks of
//! 2,000 lines), so several segments can exist, each covering a later
//! range of works; a term's postings are its lists in each segment, in
//! order. A batch's segment lists only the terms it has (a bitmap of the
//! vocabulary, see [`RankedSet`]), so it costs little beyond its
//! postings. Segments are not merged while loading (merging needs the old
//! and the new arrays at once, and WebAssembly memory, once grown, stays
//! grown), except that past [`MAX_SEGMENTS`] they are merged into one,
//! which bounds the look-ups a query makes. A prebuilt index loads as one
//! segment.

use crate::vocab::TermId;

pub type WorkId = u32;

/// One occurrence list entry: a work and the weighted count of the term in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posting {
    pub work: WorkId,
    pub tf: f32,
}

const EMPTY: Posting = Posting { work: 0, tf: 0.0 };

/// Postings per block of the log (12 bytes each).
const LOG_BLOCK: usize = 1 << 15;

/// Segments kept before they are merged into one: a query looks each of
/// its terms up once per segment.
pub const MAX_SEGMENTS: usize = 16;

/// A set of term ids as a bitmap with a running count per 64-bit word, so
/// the position of a term among the set's members (its rank) is two reads
/// and a popcount: 1 bit per vocabulary term plus 4 bytes per 64, where a
/// sorted list of ids cost 4 bytes per member and a binary search.
#[derive(Debug, Default)]
struct RankedSet {
    words: Vec<u64>,
    /// `before[i]`: members in `words[..i]`.
    before: Vec<u32>,
}

impl RankedSet {
    /// From increasing ids.
    fn from_sorted(ids: impl IntoIterator<Item = TermId>, universe: usize) -> RankedSet {
        let mut words = vec![0u64; universe.div_ceil(64)];
        for id in ids {
            if let Some(w) = words.get_mut(id as usize / 64) {
                *w |= 1 << (id % 64);
            }
        }
        let mut before = Vec::with_capacity(words.len());
        let mut count = 0u32;
        for w in &words {
            before.push(count);
            count += w.count_ones();
        }
        RankedSet { words, before }
    }

    fn rank(&self, id: TermId) -> Option<usize> {
        let i = id as usize / 64;
        let word = *self.words.get(i)?;
        let bit = 1u64 << (id % 64);
        (word & bit != 0)
            .then(|| self.before[i] as usize + (word & (bit - 1)).count_ones() as usize)
    }

    /// The members, increasing.
    fn iter(&self) -> impl Iterator<Item = TermId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    (i * 64) as TermId + bit
                })
            })
        })
    }
}

#[derive(Debug, Default)]
struct Segment {
    /// The smallest work number in this segment.
    first_work: WorkId,
    /// The terms with postings here; `None` when every term below
    /// `starts.len() - 1` is listed (a merged or prebuilt segment), so a
    /// term's position is its id.
    terms: Option<RankedSet>,
    /// The `i`-th listed term's postings are `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    entries: Vec<Posting>,
}

impl Segment {
    fn position(&self, term: TermId) -> Option<usize> {
        match &self.terms {
            Some(terms) => terms.rank(term),
            None => ((term as usize) + 1 < self.starts.len()).then_some(term as usize),
        }
    }

    fn list(&self, term: TermId) -> &[Posting] {
        let Some(i) = self.position(term) else {
            return &[];
        };
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&s), Some(&e)) => self.entries.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Each listed term with its postings, in term order.
    fn lists(&self) -> impl Iterator<Item = (TermId, &[Posting])> + '_ {
        let ids: Box<dyn Iterator<Item = TermId> + '_> = match &self.terms {
            Some(terms) => Box::new(terms.iter()),
            None => Box::new(0..self.starts.len().saturating_sub(1) as TermId),
        };
        ids.zip(self.starts.windows(2))
            .map(|(term, w)| (term, &self.entries[w[0] as usize..w[1] as usize]))
    }
}

#[derive(Debug, Default)]
pub struct Postings {
    /// In work order: each segment's works come after the previous one's.
    segments: Vec<Segment>,
    /// Postings added since the last [`Postings::seal`], in work order,
    /// in blocks of [`LOG_BLOCK`]: one growing vector would, at each
    /// doubling, hold its old and new arrays at once, and WebAssembly
    /// memory keeps that peak for good.
    log: Vec<Vec<(TermId, Posting)>>,
    /// Scratch for sealing: postings per term, dense by term id.
    counts: Vec<u32>,
    /// For each term, how many profiles have it in at least one work (the
    /// document frequency that `profile_idf` scoring uses), counted as
    /// segments are sealed: a batch holds whole profiles, so the counts of
    /// segments add up.
    profile_df: Vec<u32>,
}

/// The posting lists of a prebuilt index, given term by term in id order
/// as the file is read, so the reader needs no knowledge of the layout.
#[derive(Debug)]
pub struct PrebuiltLists {
    /// The `i`-th term's postings are `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    entries: Vec<Posting>,
}

impl Default for PrebuiltLists {
    fn default() -> Self {
        PrebuiltLists {
            starts: vec![0],
            entries: Vec::new(),
        }
    }
}

impl PrebuiltLists {
    /// Room for `terms` lists of `postings` in all, taken at once (a file
    /// states both before its lists), or an error when memory is short:
    /// a count is only trusted once the file's checksum is checked.
    pub fn try_reserve(
        &mut self,
        terms: usize,
        postings: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        self.starts.try_reserve_exact(terms)?;
        self.entries.try_reserve_exact(postings)
    }

    /// Adds a posting to the list of the current term.
    #[inline]
    pub fn push(&mut self, work: WorkId, tf: f32) {
        self.entries.push(Posting { work, tf });
    }

    /// Ends the current term's list; false when the postings no longer fit
    /// the 32-bit offsets.
    pub fn end_list(&mut self) -> bool {
        match u32::try_from(self.entries.len()) {
            Ok(end) => {
                self.starts.push(end);
                true
            }
            Err(_) => false,
        }
    }

    /// Lists ended so far.
    pub fn lists(&self) -> usize {
        self.starts.len() - 1
    }

    /// Postings added so far.
    pub fn postings(&self) -> usize {
        self.entries.len()
    }
}

impl Postings {
    /// The one segment of a prebuilt index, from its lists.
    pub fn from_lists(
        lists: PrebuiltLists,
        profile_of: Option<&dyn Fn(WorkId) -> u32>,
    ) -> Postings {
        let PrebuiltLists { starts, entries } = lists;
        // Each list is sorted: its first work is its smallest.
        let first_work = starts
            .iter()
            .filter_map(|&s| entries.get(s as usize))
            .map(|p| p.work)
            .min()
            .unwrap_or(0);
        let segment = Segment {
            first_work,
            terms: None,
            starts,
            entries,
        };
        let mut profile_df = Vec::new();
        count_profiles(&segment, profile_of, &mut profile_df);
        Postings {
            segments: vec![segment],
            profile_df,
            ..Postings::default()
        }
    }

    pub fn push(&mut self, term: TermId, posting: Posting) {
        match self.log.last_mut() {
            Some(block) if block.len() < LOG_BLOCK => block.push((term, posting)),
            _ => {
                let mut block = Vec::with_capacity(LOG_BLOCK);
                block.push((term, posting));
                self.log.push(block);
            }
        }
    }

    /// Sorts the postings added since the last call into a segment of
    /// their own (see the module docs). `terms` is the vocabulary's size;
    /// `profile_of` gives a work's profile (`None`: one work per profile).
    pub fn seal(&mut self, terms: usize, profile_of: Option<&dyn Fn(WorkId) -> u32>) {
        let Some(&(_, first)) = self.log.first().and_then(|b| b.first()) else {
            return;
        };
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(terms, 0);
        for &(t, _) in self.log.iter().flatten() {
            counts[t as usize] += 1;
        }
        // Listed terms, and each one's start; `counts` becomes the
        // position of each term's next posting.
        let mut listed = Vec::new();
        let mut starts = vec![0u32];
        let mut at = 0u32;
        for (t, count) in counts.iter_mut().enumerate() {
            if *count > 0 {
                listed.push(t as TermId);
                let n = *count;
                *count = at;
                at += n;
                starts.push(at);
            }
        }
        let mut entries = vec![EMPTY; at as usize];
        for &(t, p) in self.log.iter().flatten() {
            let slot = &mut counts[t as usize];
            entries[*slot as usize] = p;
            *slot += 1;
        }
        self.log = Vec::new();
        let segment = Segment {
            first_work: first.work,
            terms: Some(RankedSet::from_sorted(listed, terms)),
            starts,
            entries,
        };
        count_profiles(&segment, profile_of, &mut self.profile_df);
        self.segments.push(segment);
        if self.segments.len() > MAX_SEGMENTS {
            self.merge_all(terms);
        }
    }

    /// Merges every segment into one listing all `terms`.
    fn merge_all(&mut self, terms: usize) {
        let total = self.len();
        let mut entries = Vec::with_capacity(total);
        let mut starts = Vec::with_capacity(terms + 1);
        starts.push(0u32);
        let mut cursors: Vec<_> = self.segments.iter().map(|s| s.lists().peekable()).collect();
        for t in 0..terms as TermId {
            for lists in &mut cursors {
                if let Some((_, list)) = lists.next_if(|&(term, _)| term == t) {
                    entries.extend_from_slice(list);
                }
            }
            starts.push(entries.len() as u32);
        }
        drop(cursors);
        let first_work = self.segments.first().map_or(0, |s| s.first_work);
        self.segments = vec![Segment {
            first_work,
            terms: None,
            starts,
            entries,
        }];
    }

    /// A term's postings, as one slice per segment, in work order.
    pub fn lists(&self, term: TermId) -> impl Iterator<Item = &[Posting]> + '_ {
        self.segments.iter().map(move |s| s.list(term))
    }

    /// Number of profiles whose works have the term.
    pub fn profile_df(&self, term: TermId) -> usize {
        self.profile_df
            .get(term as usize)
            .map_or(0, |&n| n as usize)
    }

    /// Number of works the term occurs in.
    pub fn df(&self, term: TermId) -> usize {
        self.lists(term).map(<[Posting]>::len).sum()
    }

    /// The weighted count of `term` in `work`, by binary search.
    pub fn tf(&self, term: TermId, work: WorkId) -> f32 {
        let i = self.segments.partition_point(|s| s.first_work <= work);
        let Some(segment) = i.checked_sub(1).and_then(|i| self.segments.get(i)) else {
            return 0.0;
        };
        let list = segment.list(term);
        match list.binary_search_by_key(&work, |p| p.work) {
            Ok(i) => list[i].tf,
            Err(_) => 0.0,
        }
    }

    /// Total number of postings (sealed).
    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.entries.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Adds to `counts[t]` the number of distinct profiles in the segment's
/// list of each term `t`: the runs of one profile, since a profile's works
/// are numbered consecutively and lists are sorted by work.
///
/// `profile_of` is `None` when every profile has exactly one document:
/// then each posting is a profile of its own, and the lists are not read.
fn count_profiles(
    segment: &Segment,
    profile_of: Option<&dyn Fn(WorkId) -> u32>,
    counts: &mut Vec<u32>,
) {
    for (term, list) in segment.lists() {
        let t = term as usize;
        if counts.len() <= t {
            counts.resize(t + 1, 0);
        }
        let Some(profile_of) = profile_of else {
            counts[t] += list.len() as u32;
            continue;
        };
        let mut last = None;
        for p in list {
            let profile = profile_of(p.work);
            if last != Some(profile) {
                counts[t] += 1;
                last = Some(profile);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(work: WorkId, tf: f32) -> Posting {
        Posting { work, tf }
    }

    fn list(postings: &Postings, term: TermId) -> Vec<(WorkId, f32)> {
        postings
            .lists(term)
            .flatten()
            .map(|p| (p.work, p.tf))
            .collect()
    }

    #[test]
    fn sealing_groups_by_term_and_keeps_work_order() {
        let mut ps = Postings::default();
        ps.push(1, p(0, 1.0));
        ps.push(0, p(0, 2.0));
        ps.push(1, p(1, 3.0));
        ps.push(2, p(2, 4.0));
        ps.seal(3, Some(&|w| w));
        assert_eq!(list(&ps, 0), vec![(0, 2.0)]);
        assert_eq!(list(&ps, 1), vec![(0, 1.0), (1, 3.0)]);
        assert_eq!(list(&ps, 2), vec![(2, 4.0)]);
        assert_eq!(list(&ps, 7), vec![]);
        assert_eq!(ps.df(1), 2);
        assert_eq!(ps.profile_df(1), 2);
        assert_eq!(ps.tf(1, 1), 3.0);
        assert_eq!(ps.tf(1, 2), 0.0);
    }

    /// Many batches, terms appearing in later batches only, and merges of
    /// every shape: the result must equal one big batch.
    #[test]
    fn batches_and_merges_give_the_same_lists_as_one_batch() {
        let mut batched = Postings::default();
        let mut whole = Postings::default();
        let mut terms = 0usize;
        let mut work = 0;
        for batch in 0..40u32 {
            // Batch sizes vary so that some merges happen and some don't.
            for _ in 0..(1 + batch * 7 % 13) {
                terms = terms.max((work as usize / 3) + 1);
                for t in 0..terms as u32 {
                    if (work + t) % 3 == 0 || t == terms as u32 - 1 {
                        let posting = p(work, (work * 10 + t) as f32);
                        batched.push(t, posting);
                        whole.push(t, posting);
                    }
                }
                work += 1;
            }
            batched.seal(terms, None);
            assert!(batched.segments.len() <= MAX_SEGMENTS);
        }
        whole.seal(terms, Some(&|w| w));
        assert_eq!(whole.segments.len(), 1);
        assert!(batched.segments.len() > 1, "the test should leave segments");
        assert!(
            batched.segments[0].terms.is_none(),
            "and should have merged"
        );
        for t in 0..terms as u32 {
            assert_eq!(list(&batched, t), list(&whole, t), "term {t}");
            assert_eq!(batched.profile_df(t), whole.profile_df(t), "term {t}");
            for w in 0..work {
                assert_eq!(batched.tf(t, w), whole.tf(t, w), "term {t} work {w}");
            }
        }
        assert_eq!(batched.len(), whole.len());
    }

    #[test]
    fn ranked_set_ranks_and_lists_its_members() {
        let ids = [0, 1, 63, 64, 65, 127, 128, 1000];
        let set = RankedSet::from_sorted(ids, 1001);
        for (i, &id) in ids.iter().enumerate() {
            assert_eq!(set.rank(id), Some(i), "{id}");
        }
        for id in [2, 62, 66, 129, 999, 1001, 5000] {
            assert_eq!(set.rank(id), None, "{id}");
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), ids);
        assert_eq!(RankedSet::from_sorted([], 0).iter().count(), 0);
    }

    #[test]
    fn prebuilt_lists_read_back() {
        let mut lists = PrebuiltLists::default();
        lists.try_reserve(3, 3).unwrap();
        for list in [&[(0, 1.0), (4, 2.0)][..], &[], &[(2, 5.0)]] {
            for &(work, tf) in list {
                lists.push(work, tf);
            }
            assert!(lists.end_list());
        }
        assert_eq!((lists.lists(), lists.postings()), (3, 3));
        let ps = Postings::from_lists(lists, Some(&|w| w / 4));
        assert_eq!(list(&ps, 0), vec![(0, 1.0), (4, 2.0)]);
        assert_eq!(list(&ps, 1), vec![]);
        assert_eq!(ps.tf(2, 2), 5.0);
        assert_eq!(ps.len(), 3);
        // Works 0 and 4 belong to profiles 0 and 1.
        assert_eq!(
            (ps.profile_df(0), ps.profile_df(1), ps.profile_df(2)),
            (2, 0, 1)
        );
    }
}
