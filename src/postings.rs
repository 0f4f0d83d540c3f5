//! Posting lists: for each term, the works it occurs in, by work number.
//!
//! Stored flat ("compressed sparse rows"): one array of postings ordered by
//! term and then work, and one offset per term, instead of a vector per
//! term. That is one allocation instead of one per term (and no unused
//! capacity in each), and a prebuilt index loads into it directly.
//!
//! Indexing appends postings to a log; [`Postings::seal`] sorts the log
//! by term (a counting sort, stable, so works stay in order) into a new
//! segment. Profiles arrive in batches (the page loads a file in chunks),
//! so several segments can exist, each covering a later range of works; a
//! term's postings are its lists in each segment, in order. Segments are
//! merged as a binary counter merges carries: a new segment at least half
//! the size of the one before it is merged into it, in place. So a corpus
//! loaded in `n` batches keeps at most about log₂ n segments and every
//! posting is moved about log₂ n times, where merging every batch into one
//! array would move the whole index once per batch.

use crate::vocab::TermId;

pub type WorkId = u32;

/// One occurrence list entry: a work and the weighted count of the term in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Posting {
    pub work: WorkId,
    pub tf: f32,
}

const EMPTY: Posting = Posting { work: 0, tf: 0.0 };

#[derive(Debug, Default)]
struct Segment {
    /// The smallest work number in this segment.
    first_work: WorkId,
    /// Term `t`'s postings are `entries[offsets[t]..offsets[t + 1]]`;
    /// terms at or past `offsets.len() - 1` have none in this segment.
    offsets: Vec<u32>,
    entries: Vec<Posting>,
}

impl Segment {
    fn start(&self, term: usize) -> usize {
        let last = self.offsets.len().saturating_sub(1);
        self.offsets.get(term.min(last)).map_or(0, |&o| o as usize)
    }

    fn list(&self, term: TermId) -> &[Posting] {
        let t = term as usize;
        self.entries
            .get(self.start(t)..self.start(t + 1))
            .unwrap_or(&[])
    }

    /// Appends `later` (whose works all come after this segment's) to this
    /// segment in place: each term's list becomes its list here followed
    /// by its list in `later`. Terms are moved from the last to the first,
    /// each to a position at or after its old one, so no list is
    /// overwritten before it has moved.
    fn append(&mut self, later: Segment, terms: usize) {
        let (mine, theirs) = (self.entries.len(), later.entries.len());
        self.entries.resize(mine + theirs, EMPTY);
        let mut offsets = vec![0u32; terms + 1];
        offsets[terms] = (mine + theirs) as u32;
        for t in (0..terms).rev() {
            let (a, a_end) = (self.start(t), self.start(t + 1));
            let (b, b_end) = (later.start(t), later.start(t + 1));
            let to = a + b;
            offsets[t] = to as u32;
            self.entries.copy_within(a..a_end, to);
            let after = to + (a_end - a);
            self.entries[after..after + (b_end - b)].copy_from_slice(&later.entries[b..b_end]);
        }
        self.offsets = offsets;
    }
}

#[derive(Debug, Default)]
pub struct Postings {
    /// In work order: each segment's works come after the previous one's.
    segments: Vec<Segment>,
    /// Postings added since the last [`Postings::seal`], in work order.
    log: Vec<(TermId, Posting)>,
}

impl Postings {
    /// One segment from a prebuilt index: its offsets (where each term's
    /// list starts, then the end) and entries, each term's works
    /// increasing (the caller checked).
    pub fn from_parts(offsets: Vec<u32>, entries: Vec<Posting>) -> Postings {
        let first_work = entries.iter().map(|p| p.work).min().unwrap_or(0);
        Postings {
            segments: vec![Segment {
                first_work,
                offsets,
                entries,
            }],
            log: Vec::new(),
        }
    }

    pub fn push(&mut self, term: TermId, posting: Posting) {
        self.log.push((term, posting));
    }

    /// Whether every added posting has been sealed into a segment (the
    /// readers below see only sealed postings).
    pub fn is_sealed(&self) -> bool {
        self.log.is_empty()
    }

    /// Sorts the postings added since the last call into a segment of
    /// their own and merges segments as described in the module docs.
    /// `terms` is the vocabulary's size.
    pub fn seal(&mut self, terms: usize) {
        let Some(&(_, first)) = self.log.first() else {
            return;
        };
        let mut offsets = vec![0u32; terms + 1];
        for &(t, _) in &self.log {
            offsets[t as usize + 1] += 1;
        }
        for t in 0..terms {
            offsets[t + 1] += offsets[t];
        }
        let mut next = offsets.clone();
        let mut entries = vec![EMPTY; self.log.len()];
        for &(t, p) in &self.log {
            let slot = &mut next[t as usize];
            entries[*slot as usize] = p;
            *slot += 1;
        }
        self.log.clear();
        self.segments.push(Segment {
            first_work: first.work,
            offsets,
            entries,
        });
        while let [.., before, last] = &self.segments[..] {
            if last.entries.len() * 2 < before.entries.len() {
                break;
            }
            if let Some(last) = self.segments.pop() {
                if let Some(before) = self.segments.last_mut() {
                    before.append(last, terms);
                }
            }
        }
    }

    /// Releases the log's spare capacity (once loading is done).
    pub fn shrink_to_fit(&mut self) {
        self.log = Vec::new();
    }

    /// A term's postings, as one slice per segment, in work order.
    pub fn lists(&self, term: TermId) -> impl Iterator<Item = &[Posting]> + '_ {
        self.segments.iter().map(move |s| s.list(term))
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
        ps.seal(3);
        assert_eq!(list(&ps, 0), vec![(0, 2.0)]);
        assert_eq!(list(&ps, 1), vec![(0, 1.0), (1, 3.0)]);
        assert_eq!(list(&ps, 2), vec![(2, 4.0)]);
        assert_eq!(list(&ps, 7), vec![]);
        assert_eq!(ps.df(1), 2);
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
            batched.seal(terms);
            assert!(batched.segments.len() <= 8, "{}", batched.segments.len());
        }
        whole.seal(terms);
        assert_eq!(whole.segments.len(), 1);
        assert!(batched.segments.len() > 1, "the test should leave segments");
        for t in 0..terms as u32 {
            assert_eq!(list(&batched, t), list(&whole, t), "term {t}");
            for w in 0..work {
                assert_eq!(batched.tf(t, w), whole.tf(t, w), "term {t} work {w}");
            }
        }
        assert_eq!(batched.len(), whole.len());
    }

    #[test]
    fn prebuilt_lists_read_back() {
        let ps = Postings::from_parts(vec![0, 2, 2, 3], vec![p(0, 1.0), p(4, 2.0), p(2, 5.0)]);
        assert_eq!(list(&ps, 0), vec![(0, 1.0), (4, 2.0)]);
        assert_eq!(list(&ps, 1), vec![]);
        assert_eq!(ps.tf(2, 2), 5.0);
        assert_eq!(ps.len(), 3);
    }
}
