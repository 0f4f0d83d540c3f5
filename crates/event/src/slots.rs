//! Sets of slot indices, the currency of availability and of the timetable
//! search.

use crate::limits::MAX_SLOTS;

/// Words of 64 bits in a [`SlotSet`].
const WORDS: usize = MAX_SLOTS / 64;

/// A set of slot indices below [`MAX_SLOTS`], as a fixed bitmask: copying
/// and intersecting it is a few instructions, which matters in the
/// timetable search that tests slots millions of times.
///
/// Indices at or above [`MAX_SLOTS`] are never members: `insert` and
/// `remove` ignore them and `contains` says no. Every index the scheduler
/// uses is below the event's slot count, which the input check bounds by
/// [`MAX_SLOTS`], so this only keeps a bug from becoming a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct SlotSet([u64; WORDS]);

impl SlotSet {
    /// The slots `0..n` (capped at [`MAX_SLOTS`]).
    pub(crate) fn first(n: usize) -> SlotSet {
        let mut set = SlotSet::default();
        for i in 0..n.min(MAX_SLOTS) {
            set.insert(i);
        }
        set
    }

    pub(crate) fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }

    pub(crate) fn insert(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }

    pub(crate) fn remove(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w &= !(1u64 << (i % 64));
        }
    }

    /// The slots in both sets.
    pub(crate) fn and(self, other: SlotSet) -> SlotSet {
        let mut both = self;
        for (a, b) in both.0.iter_mut().zip(other.0.iter()) {
            *a &= *b;
        }
        both
    }

    pub(crate) fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// The members in increasing order.
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> {
        (0..WORDS).flat_map(move |k| {
            let mut w = self.0.get(k).copied().unwrap_or(0);
            std::iter::from_fn(move || {
                if w == 0 {
                    None
                } else {
                    let bit = w.trailing_zeros() as usize;
                    w &= w - 1;
                    Some(k * 64 + bit)
                }
            })
        })
    }
}
