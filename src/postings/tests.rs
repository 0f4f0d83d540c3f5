//! Tests of the posting lists: building, sealing, reading back.

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

/// A list with its tfs as bits, so that 0.0 and -0.0 (or two NaNs)
/// differ and "equal" means lossless.
fn list_bits(postings: &Postings, term: TermId) -> Vec<(WorkId, u32)> {
    postings
        .lists(term)
        .flatten()
        .map(|p| (p.work, p.tf.to_bits()))
        .collect()
}

/// What [`List::feed`] gives, as a list.
struct Collect(Vec<Posting>);

impl PostingSink for Collect {
    fn take(&mut self, postings: impl Iterator<Item = Posting>) {
        self.0.extend(postings);
    }
}

fn fed_bits(postings: &Postings, term: TermId) -> Vec<(WorkId, u32)> {
    let mut fed = Collect(Vec::new());
    for list in postings.lists(term) {
        list.feed(&mut fed);
    }
    fed.0.iter().map(|p| (p.work, p.tf.to_bits())).collect()
}

/// Values a tf code cannot hold, so they take the escape path.
const ODD: [f32; 9] = [
    63.75,
    64.0,
    0.1,
    1.0 / 3.0,
    -0.0,
    -0.25,
    f32::MAX,
    f32::INFINITY,
    1e-45,
];

#[test]
fn every_code_is_exact_and_anything_else_escapes() {
    for k in 0..ESCAPE {
        let tf = f32::from(k) / 4.0;
        assert_eq!(encode(tf), k, "{tf}");
        assert_eq!(decode(k).to_bits(), tf.to_bits(), "{k}");
    }
    // The boundaries: the last code, the first value past it, and
    // values between codes.
    assert_eq!(encode(63.5), 254);
    assert_eq!(encode(0.25), 1);
    assert_eq!(encode(0.0), 0);
    for tf in ODD.into_iter().chain([f32::NAN, 2.125, 0.5 + f32::EPSILON]) {
        assert_eq!(encode(tf), ESCAPE, "{tf}");
    }
}

/// Escaped and coded postings mixed in lists, over batches, merges and
/// one segment: every tf comes back bit for bit, by iteration and by
/// binary search.
#[test]
fn escaped_tfs_come_back_exactly() {
    let tf_of = |work: u32, t: u32| match (work + t) % 4 {
        0 => ODD[((work * 7 + t) % ODD.len() as u32) as usize],
        1 => f32::NAN,
        _ => ((work + 3 * t) % 300) as f32 / 4.0,
    };
    let terms = 5u32;
    let mut expected = vec![Vec::new(); terms as usize];
    let mut whole = Postings::default();
    let mut batched = Postings::default();
    for work in 0..200u32 {
        for t in 0..terms {
            if (work + t) % 5 != 0 {
                let posting = p(work, tf_of(work, t));
                whole.push(t, posting);
                batched.push(t, posting);
                expected[t as usize].push((work, posting.tf.to_bits()));
            }
        }
        if work % 9 == 8 {
            batched.seal(terms as usize, None);
        }
    }
    batched.seal(terms as usize, None);
    whole.seal(terms as usize, None);
    assert!(batched.segments[0].terms.is_none(), "should have merged");
    assert!(batched.segments.len() > 1);
    for ps in [&whole, &batched] {
        for t in 0..terms {
            assert_eq!(list_bits(ps, t), expected[t as usize], "term {t}");
            assert_eq!(fed_bits(ps, t), expected[t as usize], "term {t}");
            for &(work, bits) in &expected[t as usize] {
                assert_eq!(ps.tf(t, work).to_bits(), bits, "term {t} work {work}");
            }
            // A work missing from the list, between escaped ones.
            assert_eq!(ps.tf(t, (5 - t) % 5).to_bits(), 0.0f32.to_bits());
        }
    }
    assert!(whole.segments[0].escapes.len() > 100);
}

/// A batch whose works span at most 2^16 numbers stores them as 2-byte
/// offsets, one that spans more as they are; both read back the same,
/// and a work outside a narrow segment's span is not found in it.
#[test]
fn narrow_and_wide_batches_read_back_the_same() {
    let mut ps = Postings::default();
    let narrow = [100_000, 100_001, 100_000 + u32::from(u16::MAX)];
    let wide = [200_000, 200_000 + u32::from(u16::MAX) + 1];
    for batch in [&narrow[..], &wide[..]] {
        for &work in batch {
            ps.push(0, p(work, 2.5));
            ps.push(1, p(work, 0.1));
        }
        ps.seal(2, None);
    }
    assert!(matches!(
        ps.segments[0].works,
        SegmentWorks::Narrow { base: 100_000, .. }
    ));
    assert!(matches!(ps.segments[1].works, SegmentWorks::Wide(_)));
    let all: Vec<_> = narrow.iter().chain(&wide).copied().collect();
    for (t, tf) in [(0, 2.5), (1, 0.1)] {
        let expected: Vec<_> = all.iter().map(|&w| (w, tf)).collect();
        assert_eq!(list(&ps, t), expected);
        for &w in &all {
            assert_eq!(ps.tf(t, w), tf, "{w}");
        }
        for w in [
            0,
            99_999,
            100_002,
            100_000 + u32::from(u16::MAX) + 1,
            200_001,
        ] {
            assert_eq!(ps.tf(t, w), 0.0, "{w}");
        }
        for list in ps.lists(t) {
            assert_eq!(list.iter().len(), list.len());
        }
    }
}

#[test]
fn feeding_equals_iteration() {
    let mut ps = Postings::default();
    for work in 0..100 {
        ps.push(work % 3, p(work, (work % 255) as f32 / 4.0));
    }
    ps.seal(3, None);
    for t in 0..3 {
        for list in ps.lists(t) {
            assert!(list.escapes.is_empty());
            let mut fed = Collect(Vec::new());
            list.feed(&mut fed);
            assert_eq!(fed.0, list.iter().collect::<Vec<_>>());
            assert_eq!(fed.0.len(), 33 + usize::from(t == 0));
        }
    }
}

#[test]
fn a_batch_segment_holds_no_unused_capacity() {
    let mut ps = Postings::default();
    for work in 0..1000 {
        ps.push(work % 7 * 1000, p(work, 1.0));
        ps.push(5, p(work, 0.1));
    }
    ps.seal(7000, None);
    let s = &ps.segments[0];
    // 8 listed terms: 9 starts, not one per vocabulary term.
    assert_eq!((s.starts.len(), s.starts.capacity()), (9, 9));
    match &s.works {
        SegmentWorks::Narrow { base: 0, offsets } => assert_eq!(offsets.capacity(), 2000),
        other => panic!("should be narrow: {other:?}"),
    }
    assert_eq!(s.codes.capacity(), 2000);
    assert_eq!(s.escapes.len(), 1000);
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
    lists.try_reserve(3, 5).unwrap();
    for list in [
        &[(0, 1.0), (4, 2.0)][..],
        &[],
        &[(1, 0.1), (2, 5.0), (3, 99.0)],
    ] {
        for &(work, tf) in list {
            lists.push(work, tf);
        }
        assert!(lists.end_list());
    }
    assert_eq!((lists.lists(), lists.postings()), (3, 5));
    let ps = Postings::from_lists(lists, Some(&|w| w / 4));
    assert_eq!(list(&ps, 0), vec![(0, 1.0), (4, 2.0)]);
    assert_eq!(list(&ps, 1), vec![]);
    assert_eq!(list(&ps, 2), vec![(1, 0.1), (2, 5.0), (3, 99.0)]);
    assert_eq!((ps.tf(2, 1), ps.tf(2, 2), ps.tf(2, 3)), (0.1, 5.0, 99.0));
    assert_eq!(ps.len(), 5);
    // Works 0 and 4 belong to profiles 0 and 1.
    assert_eq!(
        (ps.profile_df(0), ps.profile_df(1), ps.profile_df(2)),
        (2, 0, 1)
    );
}

#[test]
fn quarters_are_pushed_as_their_tf() {
    let (mut by_code, mut by_tf) = (PrebuiltLists::default(), PrebuiltLists::default());
    for k in 1..64u8 {
        by_code.push_quarters(u32::from(k), k);
        by_tf.push(u32::from(k), f32::from(k) / 4.0);
    }
    assert!(by_code.end_list() && by_tf.end_list());
    let (a, b) = (
        Postings::from_lists(by_code, None),
        Postings::from_lists(by_tf, None),
    );
    assert_eq!(list(&a, 0), list(&b, 0));
    assert_eq!(a.tf(0, 63).to_bits(), 15.75f32.to_bits());
}
