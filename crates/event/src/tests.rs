//! Tests of the internals that the public API cannot reach directly.

use crate::flow::{solve_arcs, solve_network, Arc};

/// xorshift64*: a tiny deterministic generator (as in the API tests).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Total cost of a flow on `arcs`.
fn flow_cost(arcs: &[Arc], flow: &[i64]) -> i128 {
    arcs.iter()
        .zip(flow)
        .map(|(a, &f)| a.3 * i128::from(f))
        .sum()
}

#[test]
fn i64_and_i128_costs_give_the_same_flow() {
    for seed in 0..200u64 {
        let mut rng = Rng::new(seed);
        let (ne, np) = (rng.range(2, 6), rng.range(2, 6));
        let t = 2 + ne + np;
        let mut arcs = vec![(0, 1, rng.range(1, 8) as i64, 0i128)];
        for e in 0..ne {
            let bonus = if rng.chance(30) { -1000 } else { 0 };
            arcs.push((1, 2 + e, rng.range(1, 2) as i64, bonus));
            arcs.push((1, 2 + e, rng.range(0, 2) as i64, 0));
            for p in 0..np {
                if rng.chance(60) {
                    arcs.push((2 + e, 2 + ne + p, 1, -(rng.below(50) as i128)));
                }
            }
        }
        for p in 0..np {
            arcs.push((2 + ne + p, t, rng.range(1, 3) as i64, 0));
        }
        let a = solve_arcs::<i64>(t + 1, &arcs, 0, t, false);
        let b = solve_arcs::<i128>(t + 1, &arcs, 0, t, false);
        assert_eq!(a, b, "seed {seed}");
        // Costs far beyond i64 take the i128 path and the same decisions.
        let wide: Vec<_> = arcs
            .iter()
            .map(|&(u, v, c, w)| (u, v, c, w * 10i128.pow(20)))
            .collect();
        assert_eq!(solve_network(t + 1, &wide, 0, t, false), a, "seed {seed}");
        // Blocking flow per round reaches the same optimum.
        let d = solve_arcs::<i64>(t + 1, &arcs, 0, t, true);
        assert_eq!(flow_cost(&arcs, &d), flow_cost(&arcs, &a), "seed {seed}");
    }
}
