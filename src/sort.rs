//! One small sort for the matcher module. The standard library's sorts are
//! fast but large, and every call site with its own comparison makes its
//! own copy: they were the biggest part of the WASM (about 90 KB before
//! gzip). A heapsort is a few hundred bytes per copy, runs in
//! O(n log n) without allocating, and is deterministic; every comparison
//! used in the crate is a total order (ties broken by id), so stability
//! is never needed.

use std::cmp::Ordering;

/// Sorts `v` in place, smallest first by `cmp`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let n = v.len();
    for start in (0..n / 2).rev() {
        sift_down(v, start, n, &mut cmp);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &mut cmp);
    }
}

/// Sorts by a key, smallest first.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `Ord` values, smallest first.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The `k` smallest of `items` by `cmp`, sorted: O(n log k), so ranking
/// 100,000 profiles for the top 10 touches each score once, and without
/// a vector of every item first (ranking keeps 100 of 10,000 profiles,
/// and the vector of all of them, grown by doubling, cost more than the
/// heap). The comparisons used are total orders, so the result is unique.
pub fn smallest_k_of<T>(
    items: impl Iterator<Item = T>,
    k: usize,
    mut cmp: impl FnMut(&T, &T) -> Ordering,
) -> Vec<T> {
    // Room for k, or for every item when fewer are known to come; the
    // lower bound when the count is unknown (`k` may be `usize::MAX`).
    let (at_least, at_most) = items.size_hint();
    let mut v = Vec::with_capacity(k.min(at_most.unwrap_or(at_least)));
    if k == 0 {
        return v;
    }
    for item in items {
        if v.len() < k {
            v.push(item);
            if v.len() == k {
                // A max-heap (by `cmp`) of the k smallest seen so far.
                for start in (0..k / 2).rev() {
                    sift_down(&mut v, start, k, &mut cmp);
                }
            }
        } else if cmp(&item, &v[0]) == Ordering::Less {
            v[0] = item;
            sift_down(&mut v, 0, k, &mut cmp);
        }
    }
    sort_by(&mut v, cmp);
    v
}

/// Restores the heap property below `root` in `v[..end]`, where the heap
/// keeps the largest item (by `cmp`) at the top.
fn sift_down<T>(
    v: &mut [T],
    mut root: usize,
    end: usize,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && cmp(&v[child], &v[child + 1]) == Ordering::Less {
            child += 1;
        }
        if cmp(&v[root], &v[child]) != Ordering::Less {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn sorts_like_the_standard_library() {
        let mut seed = 7;
        for n in [0, 1, 2, 3, 10, 100, 1000] {
            let mut v: Vec<u64> = (0..n).map(|_| xorshift(&mut seed) % 50).collect();
            let mut expected = v.clone();
            expected.sort();
            sort(&mut v);
            assert_eq!(v, expected);
        }
    }

    #[test]
    fn smallest_k_keeps_the_best_in_order() {
        let mut seed = 11;
        for (n, k) in [(0, 3), (5, 10), (100, 10), (1000, 1), (1000, 0), (64, 64)] {
            let v: Vec<u64> = (0..n).map(|_| xorshift(&mut seed) % 1000).collect();
            let mut expected = v.clone();
            expected.sort();
            expected.truncate(k);
            assert_eq!(
                smallest_k_of(v.into_iter(), k, u64::cmp),
                expected,
                "n {n} k {k}"
            );
        }
    }

    #[test]
    fn smallest_k_of_a_filtered_iterator_is_the_sorted_prefix() {
        let mut seed = 13;
        for (n, k) in [
            (0, 3),
            (5, 10),
            (100, 10),
            (1000, 1),
            (1000, 0),
            (64, 64),
            (65, 64),
        ] {
            // Distinct values, as the total orders of the crate give.
            let v: Vec<(u64, usize)> = (0..n).map(|i| (xorshift(&mut seed) % 100, i)).collect();
            let sorted_prefix = |mut v: Vec<(u64, usize)>| {
                v.sort();
                v.truncate(k);
                v
            };
            let expected = sorted_prefix(v.clone());
            let even = |x: &&(u64, usize)| x.0 % 2 == 0;
            let expected_even = sorted_prefix(v.iter().filter(even).copied().collect());
            let only_even = v.iter().filter(even).copied();
            assert_eq!(smallest_k_of(only_even, k, Ord::cmp), expected_even);
            assert_eq!(
                smallest_k_of(v.into_iter(), k, Ord::cmp),
                expected,
                "n {n} k {k}"
            );
        }
        assert!(smallest_k_of(0..10, usize::MAX, Ord::cmp).len() == 10);
        // No upper bound known and no limit asked: no room reserved for
        // usize::MAX items.
        let unbounded = (0..10u32).chain(std::iter::from_fn(|| None));
        assert_eq!(unbounded.size_hint().1, None);
        assert_eq!(
            smallest_k_of(unbounded, usize::MAX, Ord::cmp),
            (0..10).collect::<Vec<_>>()
        );
    }

    #[test]
    fn sort_by_key_descending_with_ties_broken() {
        let mut v = vec![(1, "b"), (3, "a"), (1, "a"), (2, "z")];
        sort_by(&mut v, |a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        assert_eq!(v, vec![(3, "a"), (2, "z"), (1, "a"), (1, "b")]);
        sort_by_key(&mut v, |x| x.1);
        assert_eq!(v[0].1, "a");
    }
}
