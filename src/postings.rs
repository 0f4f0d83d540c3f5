//! Posting lists: for each term, the works it occurs in, by work number.
//!
//! Stored flat ("compressed sparse rows"): the postings ordered by term
//! and then work, and one offset per term, instead of a vector per term.
//! That is one allocation instead of one per term (and no unused capacity
//! in each), and a prebuilt index loads into it directly. A posting is 3
//! to 5 bytes, in two parallel arrays: its work (2 bytes as an offset in a
//! batch's segment, see [`Works`], else 4) and its tf as a one-byte code,
//! `k` for exactly `k / 4` (see [`encode`]); the rare tf that is no such
//! value is kept exactly beside them, so scores are the same bit for bit
//! as with plain `f32`s (8 bytes a posting).
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

/// The code of a tf that is not `k / 4` for a `k` in `0..=254`: its exact
/// value is kept in a list of escapes beside the codes.
const ESCAPE: u8 = u8::MAX;

/// A tf as one byte: `k` when it is exactly `k / 4` (bit for bit) for `k`
/// below [`ESCAPE`], else [`ESCAPE`]. Field weights are multiples of 0.25
/// by default (title 2, abstract 1, keywords 2, summary 1, CJK characters
/// half of that), so their sums are too, and are exact in `f32`: nearly
/// every tf fits in a byte, which makes a posting 5 bytes instead of 8.
#[inline]
fn encode(tf: f32) -> u8 {
    // `as` saturates (and takes NaN to 0); the check below rejects
    // anything the cast rounded, clamped or changed the sign of.
    let k = (tf * 4.0) as u8;
    if k != ESCAPE && decode(k).to_bits() == tf.to_bits() {
        k
    } else {
        ESCAPE
    }
}

/// The tf of a code below [`ESCAPE`]: exact, since `k · 0.25` for `k < 2^24`
/// is a float.
#[inline]
fn decode(code: u8) -> f32 {
    TF_OF_CODE[usize::from(code)]
}

/// `k · 0.25` for each code `k` ([`ESCAPE`]'s entry is unused): scoring
/// decodes every posting, and a load from a 1 KB table is cheaper there
/// than an integer-to-float conversion and a multiply.
static TF_OF_CODE: [f32; 256] = {
    let mut table = [0.0; 256];
    let mut k = 0;
    while k < 256 {
        table[k] = k as f32 * 0.25;
        k += 1;
    }
    table
};

/// An escaped posting's position in its segment (or log) and its tf.
type Escape = (u32, f32);

/// Log entries per block: a term id and a tf code each (5 bytes).
const LOG_BLOCK: usize = 1 << 15;

/// Segments kept before they are merged into one: a query looks each of
/// its terms up once per segment.
pub const MAX_SEGMENTS: usize = 16;

/// The works of a list: as offsets from a base in a segment whose works
/// span at most 2^16 numbers (a batch of a few thousand profiles: 2 bytes
/// a posting instead of 4), else as they are.
#[derive(Debug, Clone, Copy)]
enum Works<'a> {
    Narrow { base: WorkId, offsets: &'a [u16] },
    Wide(&'a [WorkId]),
}

impl Default for Works<'_> {
    fn default() -> Self {
        Works::Wide(&[])
    }
}

/// One term's postings in one segment, ordered by work: the works, their
/// tf codes, and the exact tf of the escaped ones, in the same order.
#[derive(Debug, Clone, Copy, Default)]
pub struct List<'a> {
    /// Position of the list's first posting in its segment (what the
    /// escapes' positions count from).
    start: u32,
    works: Works<'a>,
    codes: &'a [u8],
    escapes: &'a [Escape],
}

/// Takes the postings of one list at a time ([`List::feed`]): the scoring
/// loop, compiled once for each way a list is stored.
pub trait PostingSink {
    fn take(&mut self, postings: impl Iterator<Item = Posting>);
}

impl<'a> List<'a> {
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The `i`-th work.
    #[inline]
    fn work(&self, i: usize) -> Option<WorkId> {
        match self.works {
            Works::Narrow { base, offsets } => offsets.get(i).map(|&o| base + u32::from(o)),
            Works::Wide(works) => works.get(i).copied(),
        }
    }

    /// The works, increasing.
    pub fn works(&self) -> impl Iterator<Item = WorkId> + 'a {
        let list = *self;
        (0..self.len()).map_while(move |i| list.work(i))
    }

    pub fn iter(&self) -> ListIter<'a> {
        ListIter {
            list: *self,
            next: 0,
            escapes: self.escapes.iter(),
        }
    }

    /// Gives `sink` the postings through an iterator made for the way this
    /// list is stored: without escapes (nearly always), one with no test
    /// for them; narrow or wide works. Scoring reads every posting this way.
    #[inline(always)]
    pub fn feed(&self, sink: &mut impl PostingSink) {
        let codes = self.codes;
        match self.works {
            _ if !self.escapes.is_empty() => sink.take(self.iter()),
            Works::Narrow { base, offsets } => {
                sink.take(offsets.iter().zip(codes).map(move |(&o, &code)| Posting {
                    work: base + u32::from(o),
                    tf: decode(code),
                }))
            }
            Works::Wide(works) => {
                sink.take(works.iter().zip(codes).map(|(&work, &code)| Posting {
                    work,
                    tf: decode(code),
                }))
            }
        }
    }

    /// The tf of the `i`-th posting (0.0 past the end).
    fn tf_at(&self, i: usize) -> f32 {
        match self.codes.get(i) {
            Some(&code) if code != ESCAPE => decode(code),
            Some(_) => {
                let at = self.start as usize + i;
                self.escapes
                    .binary_search_by_key(&at, |&(pos, _)| pos as usize)
                    .map_or(0.0, |j| self.escapes[j].1)
            }
            None => 0.0,
        }
    }

    /// The tf of `work`, by binary search; 0.0 when the list lacks it.
    pub fn tf(&self, work: WorkId) -> f32 {
        let found = match self.works {
            Works::Narrow { base, offsets } => work
                .checked_sub(base)
                .and_then(|o| u16::try_from(o).ok())
                .and_then(|o| offsets.binary_search(&o).ok()),
            Works::Wide(works) => works.binary_search(&work).ok(),
        };
        found.map_or(0.0, |i| self.tf_at(i))
    }
}

impl<'a> IntoIterator for List<'a> {
    type Item = Posting;
    type IntoIter = ListIter<'a>;

    fn into_iter(self) -> ListIter<'a> {
        self.iter()
    }
}

/// The postings of a [`List`], decoded. The escapes are met in the order
/// of the list, so each is the next one: no search.
#[derive(Debug, Clone)]
pub struct ListIter<'a> {
    list: List<'a>,
    next: usize,
    escapes: std::slice::Iter<'a, Escape>,
}

impl Iterator for ListIter<'_> {
    type Item = Posting;

    #[inline]
    fn next(&mut self) -> Option<Posting> {
        let i = self.next;
        let work = self.list.work(i)?;
        let code = *self.list.codes.get(i)?;
        self.next += 1;
        let tf = if code != ESCAPE {
            decode(code)
        } else {
            self.escapes.next().map_or(0.0, |&(_, tf)| tf)
        };
        Some(Posting { work, tf })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.list.len().saturating_sub(self.next);
        (n, Some(n))
    }
}

impl ExactSizeIterator for ListIter<'_> {}

/// A segment's works (see [`Works`]).
#[derive(Debug)]
enum SegmentWorks {
    Narrow { base: WorkId, offsets: Vec<u16> },
    Wide(Vec<WorkId>),
}

impl Default for SegmentWorks {
    fn default() -> Self {
        SegmentWorks::Wide(Vec::new())
    }
}

impl SegmentWorks {
    fn len(&self) -> usize {
        match self {
            SegmentWorks::Narrow { offsets, .. } => offsets.len(),
            SegmentWorks::Wide(works) => works.len(),
        }
    }

    fn get(&self, range: std::ops::Range<usize>) -> Option<Works<'_>> {
        Some(match self {
            SegmentWorks::Narrow { base, offsets } => Works::Narrow {
                base: *base,
                offsets: offsets.get(range)?,
            },
            SegmentWorks::Wide(works) => Works::Wide(works.get(range)?),
        })
    }
}

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

    /// Number of members.
    fn len(&self) -> usize {
        self.before.last().map_or(0, |&n| n as usize)
            + self.words.last().map_or(0, |w| w.count_ones() as usize)
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
    /// The `i`-th listed term's postings are `works[starts[i]..starts[i + 1]]`
    /// (and the same range of `codes`).
    starts: Vec<u32>,
    works: SegmentWorks,
    /// Each posting's tf, [`encode`]d.
    codes: Vec<u8>,
    /// The postings coded [`ESCAPE`], by position: few or none.
    escapes: Vec<Escape>,
}

impl Segment {
    /// A segment listing every term below `starts.len() - 1` (a merged or
    /// prebuilt one), with 4-byte works.
    fn whole(
        first_work: WorkId,
        starts: Vec<u32>,
        works: Vec<WorkId>,
        codes: Vec<u8>,
        escapes: Vec<Escape>,
    ) -> Segment {
        Segment {
            first_work,
            terms: None,
            starts,
            works: SegmentWorks::Wide(works),
            codes,
            escapes,
        }
    }

    fn position(&self, term: TermId) -> Option<usize> {
        match &self.terms {
            Some(terms) => terms.rank(term),
            None => ((term as usize) + 1 < self.starts.len()).then_some(term as usize),
        }
    }

    fn list(&self, term: TermId) -> List<'_> {
        match self.position(term) {
            Some(i) => self.list_at(i),
            None => List::default(),
        }
    }

    /// The `i`-th listed term's postings.
    fn list_at(&self, i: usize) -> List<'_> {
        let (Some(&s), Some(&e)) = (self.starts.get(i), self.starts.get(i + 1)) else {
            return List::default();
        };
        let range = s as usize..e as usize;
        let (Some(works), Some(codes)) = (self.works.get(range.clone()), self.codes.get(range))
        else {
            return List::default();
        };
        let escapes = if self.escapes.is_empty() {
            &[][..]
        } else {
            let from = self.escapes.partition_point(|&(pos, _)| pos < s);
            let to = self.escapes.partition_point(|&(pos, _)| pos < e);
            &self.escapes[from..to]
        };
        List {
            start: s,
            works,
            codes,
            escapes,
        }
    }

    /// The listed terms, increasing.
    fn terms(&self) -> Box<dyn Iterator<Item = TermId> + '_> {
        match &self.terms {
            Some(terms) => Box::new(terms.iter()),
            None => Box::new(0..self.starts.len().saturating_sub(1) as TermId),
        }
    }

    /// Each listed term with its postings, in term order.
    fn lists(&self) -> impl Iterator<Item = (TermId, List<'_>)> + '_ {
        self.terms()
            .enumerate()
            .map(|(i, term)| (term, self.list_at(i)))
    }
}

/// Postings added since the last seal, in the order added (work order):
/// each entry's term and tf code, in blocks of [`LOG_BLOCK`] (one growing
/// vector would, at each doubling, hold its old and new arrays at once,
/// and WebAssembly memory keeps that peak for good), with the works as
/// runs rather than one per entry, since a work's postings come together.
#[derive(Debug, Default)]
struct Log {
    /// Full blocks of [`LOG_BLOCK`] entries.
    full: Vec<(Vec<TermId>, Vec<u8>)>,
    /// The block being filled: both have capacity [`LOG_BLOCK`] once
    /// anything is added.
    terms: Vec<TermId>,
    codes: Vec<u8>,
    /// `(work, n)`: the next `n` entries are `work`'s.
    runs: Vec<(WorkId, u32)>,
    /// The exact tf of each entry coded [`ESCAPE`], in order.
    escapes: Vec<f32>,
}

impl Log {
    #[inline]
    fn push(&mut self, term: TermId, posting: Posting) {
        let code = encode(posting.tf);
        // The same test as `Vec::push`'s, so the pushes below never grow.
        if self.terms.len() == self.terms.capacity() {
            self.next_block();
        }
        self.terms.push(term);
        self.codes.push(code);
        if code == ESCAPE {
            self.escapes.push(posting.tf);
        }
        match self.runs.last_mut() {
            Some((work, n)) if *work == posting.work => *n += 1,
            _ => self.runs.push((posting.work, 1)),
        }
    }

    #[cold]
    fn next_block(&mut self) {
        let terms = std::mem::replace(&mut self.terms, Vec::with_capacity(LOG_BLOCK));
        let codes = std::mem::replace(&mut self.codes, Vec::with_capacity(LOG_BLOCK));
        if !terms.is_empty() {
            self.full.push((terms, codes));
        }
    }

    /// The blocks, as `(terms, codes)` slices, in order.
    fn blocks(&self) -> impl Iterator<Item = (&[TermId], &[u8])> + '_ {
        self.full
            .iter()
            .map(|(t, c)| (&t[..], &c[..]))
            .chain(std::iter::once((&self.terms[..], &self.codes[..])))
    }
}

#[derive(Debug, Default)]
pub struct Postings {
    /// In work order: each segment's works come after the previous one's.
    segments: Vec<Segment>,
    log: Log,
    /// Scratch for sealing: postings per term, dense by term id. Freed
    /// after each seal: kept, it grew with the vocabulary by reallocation,
    /// leaving its old block as a hole in WebAssembly memory each time.
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
    /// The `i`-th term's postings are `works[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    works: Vec<WorkId>,
    codes: Vec<u8>,
    escapes: Vec<Escape>,
    /// False once a position no longer fits in 32 bits.
    fits: bool,
}

impl Default for PrebuiltLists {
    fn default() -> Self {
        PrebuiltLists {
            starts: vec![0],
            works: Vec::new(),
            codes: Vec::new(),
            escapes: Vec::new(),
            fits: true,
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
        self.works.try_reserve_exact(postings)?;
        self.codes.try_reserve_exact(postings)
    }

    /// Adds a posting to the list of the current term.
    #[inline]
    pub fn push(&mut self, work: WorkId, tf: f32) {
        let code = encode(tf);
        if code == ESCAPE {
            match u32::try_from(self.works.len()) {
                Ok(pos) => self.escapes.push((pos, tf)),
                Err(_) => self.fits = false,
            }
        }
        self.works.push(work);
        self.codes.push(code);
    }

    /// Adds a posting whose tf is exactly `quarters / 4`, `quarters` in
    /// `1..=63`: what a one-byte weight in a `.cmx` file says, stored as
    /// its code without going through a float (the loader's hot path).
    #[inline]
    pub fn push_quarters(&mut self, work: WorkId, quarters: u8) {
        self.works.push(work);
        self.codes.push(quarters.min(ESCAPE - 1));
    }

    /// Ends the current term's list; false when the postings no longer fit
    /// the 32-bit offsets.
    pub fn end_list(&mut self) -> bool {
        match u32::try_from(self.works.len()) {
            Ok(end) if self.fits => {
                self.starts.push(end);
                true
            }
            _ => false,
        }
    }

    /// Lists ended so far.
    #[cfg(test)]
    pub fn lists(&self) -> usize {
        self.starts.len() - 1
    }

    /// Postings added so far.
    pub fn postings(&self) -> usize {
        self.works.len()
    }
}

impl Postings {
    /// The one segment of a prebuilt index, from its lists.
    pub fn from_lists(
        lists: PrebuiltLists,
        profile_of: Option<&dyn Fn(WorkId) -> u32>,
    ) -> Postings {
        let PrebuiltLists {
            starts,
            works,
            codes,
            escapes,
            fits: _,
        } = lists;
        // Each list is sorted: its first work is its smallest.
        let first_work = starts
            .iter()
            .filter_map(|&s| works.get(s as usize))
            .copied()
            .min()
            .unwrap_or(0);
        let segment = Segment::whole(first_work, starts, works, codes, escapes);
        let mut profile_df = Vec::new();
        count_profiles(&segment, profile_of, &mut profile_df);
        Postings {
            segments: vec![segment],
            profile_df,
            ..Postings::default()
        }
    }

    pub fn push(&mut self, term: TermId, posting: Posting) {
        self.log.push(term, posting);
    }

    /// Sorts the postings added since the last call into a segment of
    /// their own (see the module docs). `terms` is the vocabulary's size;
    /// `profile_of` gives a work's profile (`None`: one work per profile).
    pub fn seal(&mut self, terms: usize, profile_of: Option<&dyn Fn(WorkId) -> u32>) {
        let Some(&(first_work, _)) = self.log.runs.first() else {
            return;
        };
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(terms, 0);
        for (block, _) in self.log.blocks() {
            for &t in block {
                counts[t as usize] += 1;
            }
        }
        let listed = RankedSet::from_sorted(
            (0..)
                .zip(counts.iter())
                .filter(|&(_, &n)| n > 0)
                .map(|(t, _)| t),
            terms,
        );
        // Each listed term's start, in an array of the exact size (the
        // segment keeps it); `counts` becomes the position of each term's
        // next posting.
        let mut starts = Vec::with_capacity(listed.len() + 1);
        starts.push(0u32);
        let mut at = 0u32;
        for count in counts.iter_mut() {
            if *count > 0 {
                let n = *count;
                *count = at;
                at += n;
                starts.push(at);
            }
        }
        // A batch spans few works: offsets from its first fit 2 bytes.
        let (low, high) = self
            .log
            .runs
            .iter()
            .fold((first_work, first_work), |(l, h), r| {
                (l.min(r.0), h.max(r.0))
            });
        let mut works = if high - low <= WorkId::from(u16::MAX) {
            SegmentWorks::Narrow {
                base: low,
                offsets: vec![0; at as usize],
            }
        } else {
            SegmentWorks::Wide(vec![0; at as usize])
        };
        let mut codes = vec![0; at as usize];
        let mut escapes = Vec::with_capacity(self.log.escapes.len());
        match &mut works {
            SegmentWorks::Narrow { base, offsets } => {
                let base = *base;
                scatter(&self.log, counts, &mut codes, &mut escapes, |at, work| {
                    if let Some(o) = offsets.get_mut(at) {
                        *o = (work - base) as u16;
                    }
                });
            }
            SegmentWorks::Wide(works) => {
                scatter(&self.log, counts, &mut codes, &mut escapes, |at, work| {
                    if let Some(w) = works.get_mut(at) {
                        *w = work;
                    }
                });
            }
        }
        // Escapes were met in work order; look-ups need position order.
        escapes.sort_unstable_by_key(|&(pos, _)| pos);
        self.log = Log::default();
        self.counts = Vec::new();
        let segment = Segment {
            first_work,
            terms: Some(listed),
            starts,
            works,
            codes,
            escapes,
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
        let mut works = Vec::with_capacity(total);
        let mut codes = Vec::with_capacity(total);
        let mut escapes = Vec::new();
        let mut starts = Vec::with_capacity(terms + 1);
        starts.push(0u32);
        let mut cursors: Vec<_> = self.segments.iter().map(|s| s.lists().peekable()).collect();
        for t in 0..terms as TermId {
            for lists in &mut cursors {
                if let Some((_, list)) = lists.next_if(|&(term, _)| term == t) {
                    // The list's escapes move with it.
                    let to = works.len() as u32;
                    escapes.extend(
                        list.escapes
                            .iter()
                            .map(|&(pos, tf)| (pos - list.start + to, tf)),
                    );
                    works.extend(list.works());
                    codes.extend_from_slice(list.codes);
                }
            }
            starts.push(works.len() as u32);
        }
        drop(cursors);
        let first_work = self.segments.first().map_or(0, |s| s.first_work);
        self.segments = vec![Segment::whole(first_work, starts, works, codes, escapes)];
    }

    /// A term's postings, as one list per segment, in work order.
    pub fn lists(&self, term: TermId) -> impl Iterator<Item = List<'_>> + '_ {
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
        self.lists(term).map(|list| list.len()).sum()
    }

    /// The weighted count of `term` in `work`, by binary search.
    pub fn tf(&self, term: TermId, work: WorkId) -> f32 {
        let i = self.segments.partition_point(|s| s.first_work <= work);
        let Some(segment) = i.checked_sub(1).and_then(|i| self.segments.get(i)) else {
            return 0.0;
        };
        segment.list(term).tf(work)
    }

    /// Total number of postings (sealed).
    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.works.len()).sum()
    }
}

/// The scatter of [`Postings::seal`]'s counting sort: each log entry goes
/// to position `next[term]` (which then moves on), its work written by
/// `put` (a batch's works are narrow or wide) and its code to `codes`;
/// escaped entries are listed, in log order, in `escapes`.
fn scatter(
    log: &Log,
    next: &mut [u32],
    codes: &mut [u8],
    escapes: &mut Vec<Escape>,
    mut put: impl FnMut(usize, WorkId),
) {
    let mut exact = log.escapes.iter();
    let mut runs = log.runs.iter();
    let (mut work, mut left) = (0, 0u32);
    for (terms, block_codes) in log.blocks() {
        for (&t, &code) in terms.iter().zip(block_codes) {
            while left == 0 {
                let Some(&(w, n)) = runs.next() else {
                    return;
                };
                (work, left) = (w, n);
            }
            left -= 1;
            let Some(slot) = next.get_mut(t as usize) else {
                continue;
            };
            let at = *slot as usize;
            *slot += 1;
            put(at, work);
            if let Some(c) = codes.get_mut(at) {
                *c = code;
            }
            if code == ESCAPE {
                escapes.push((at as u32, exact.next().copied().unwrap_or(0.0)));
            }
        }
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
    let Some(profile_of) = profile_of else {
        // A list's length is the difference of two starts: no list is
        // looked up (this runs at every seal).
        for (term, w) in segment.terms().zip(segment.starts.windows(2)) {
            let t = term as usize;
            if counts.len() <= t {
                counts.resize(t + 1, 0);
            }
            counts[t] += w[1] - w[0];
        }
        return;
    };
    for (term, list) in segment.lists() {
        let t = term as usize;
        if counts.len() <= t {
            counts.resize(t + 1, 0);
        }
        let mut last = None;
        for work in list.works() {
            let profile = profile_of(work);
            if last != Some(profile) {
                counts[t] += 1;
                last = Some(profile);
            }
        }
    }
}

#[cfg(test)]
mod tests;
