//! Min-cost flow: successive shortest paths with Dijkstra on reduced
//! costs, optionally pushing a blocking flow through the zero-reduced-cost
//! arcs each round. The selection builds its network as a list of arcs and
//! reads back the flow on each; nothing here knows about events.
//!
//! Node and arc numbers are the caller's (a network is built from them and
//! checked once in [`solve_network`]); inside, every index is a node below
//! the node count or an arc below the arc count, by construction.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An arc `(from, to, capacity, cost)` of a network to solve.
pub(crate) type Arc = (usize, usize, i64, i128);

/// The integer type of flow costs. The lexicographic objective stacks
/// weights (forced ≫ minimums ≫ fairness ≫ score) whose product can exceed
/// `i64` on large events, so `i128` is the fallback; `i64` is used when the
/// bound allows, being about twice as fast (in WASM `i128` is emulated).
pub(crate) trait CostNum:
    Copy
    + Ord
    + Default
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::AddAssign
    + std::ops::Neg<Output = Self>
{
    /// "No distance yet"; far from overflow when costs are added to it.
    const INF: Self;
    const ZERO: Self;
    /// Converts a cost already checked to fit.
    fn from_i128(x: i128) -> Self;
}

impl CostNum for i64 {
    const INF: i64 = i64::MAX / 4;
    const ZERO: i64 = 0;
    fn from_i128(x: i128) -> i64 {
        i64::try_from(x).unwrap_or(0)
    }
}

impl CostNum for i128 {
    const INF: i128 = i128::MAX / 4;
    const ZERO: i128 = 0;
    fn from_i128(x: i128) -> i128 {
        x
    }
}

/// A node not reached by the breadth-first search of a blocking flow.
const NO_LEVEL: u32 = u32::MAX;

/// A min-cost flow network with residual arcs.
///
/// Every arc must go from a lower to a higher node number: the network is
/// then a DAG and the first potentials come from one pass in node order
/// (negative costs need no Bellman–Ford).
struct Network<C: CostNum> {
    nodes: usize,
    /// Per arc (arc `2k` is the k-th added, `2k + 1` its residual twin).
    from: Vec<u32>,
    to: Vec<u32>,
    /// Residual capacity.
    capacity: Vec<i64>,
    cost: Vec<C>,
    /// Arcs leaving node `u`: `out_arcs[first_out[u]..first_out[u + 1]]`.
    first_out: Vec<u32>,
    out_arcs: Vec<u32>,
}

/// Buffers of one [`Network::run`], kept across rounds.
struct Scratch<C> {
    /// Node potentials: reduced cost of `u → v` is `cost + pi[u] − pi[v]`.
    potential: Vec<C>,
    dist: Vec<C>,
    done: Vec<bool>,
    heap: BinaryHeap<Reverse<(C, u32)>>,
    /// Arc by which Dijkstra reached each node.
    prev_arc: Vec<u32>,
    level: Vec<u32>,
    /// Next arc to try per node in the blocking flow's search.
    next_arc: Vec<u32>,
    queue: Vec<u32>,
    path: Vec<usize>,
}

impl<C: CostNum> Network<C> {
    fn new(nodes: usize) -> Network<C> {
        Network {
            nodes,
            from: Vec::new(),
            to: Vec::new(),
            capacity: Vec::new(),
            cost: Vec::new(),
            first_out: Vec::new(),
            out_arcs: Vec::new(),
        }
    }

    /// Adds arc `u → v` and its residual twin; returns the arc's number
    /// (its twin is `number ^ 1`). `u`, `v` below the node count.
    fn add(&mut self, u: usize, v: usize, capacity: i64, cost: C) -> usize {
        let id = self.to.len();
        self.from.push(u as u32);
        self.to.push(v as u32);
        self.capacity.push(capacity);
        self.cost.push(cost);
        self.from.push(v as u32);
        self.to.push(u as u32);
        self.capacity.push(0);
        self.cost.push(-cost);
        id
    }

    /// Flow on arc `e`: what its twin can send back.
    fn flow(&self, e: usize) -> i64 {
        self.capacity[e ^ 1]
    }

    /// The arcs leaving `u`, by number.
    fn out(&self, u: usize) -> std::ops::Range<usize> {
        self.first_out[u] as usize..self.first_out[u + 1] as usize
    }

    fn reduced_cost(&self, e: usize, potential: &[C]) -> C {
        self.cost[e] + potential[self.from[e] as usize] - potential[self.to[e] as usize]
    }

    /// Builds the adjacency lists (compressed rows, arcs by number).
    fn index_arcs(&mut self) {
        let mut first_out = vec![0u32; self.nodes + 1];
        for &u in &self.from {
            first_out[u as usize + 1] += 1;
        }
        for i in 1..first_out.len() {
            first_out[i] += first_out[i - 1];
        }
        let mut fill = first_out.clone();
        let mut out_arcs = vec![0u32; self.from.len()];
        for (e, &u) in self.from.iter().enumerate() {
            let k = &mut fill[u as usize];
            out_arcs[*k as usize] = e as u32;
            *k += 1;
        }
        self.first_out = first_out;
        self.out_arcs = out_arcs;
    }

    /// Sends flow from `s` to `t` along ever cheaper paths while a path of
    /// negative cost exists, so the result has the least total cost over
    /// all flow values (successive shortest paths are optimal at each flow
    /// value, and path costs only increase).
    ///
    /// Each round runs Dijkstra on reduced costs (stopping at `t`, with the
    /// potential update capped at `t`'s distance, which keeps reduced costs
    /// non-negative), then pushes a blocking flow through the arcs of zero
    /// reduced cost: every such path is a shortest one, and pushing them
    /// all at once saves a Dijkstra per path when many paths tie (the
    /// fairness checks, whose costs take few values).
    ///
    /// `blocking`: push a blocking flow per round (best when many paths tie)
    /// or just the one path Dijkstra found (best when costs are mostly
    /// distinct, as with real scores, where a round rarely has two paths).
    fn run(&mut self, s: usize, t: usize, blocking: bool) {
        self.index_arcs();
        let n = self.nodes;
        let mut scratch = Scratch {
            potential: self.initial_potentials(s),
            dist: vec![C::INF; n],
            done: vec![false; n],
            heap: BinaryHeap::new(),
            prev_arc: vec![u32::MAX; n],
            level: vec![NO_LEVEL; n],
            next_arc: vec![0u32; n],
            queue: Vec::with_capacity(n),
            path: Vec::new(),
        };
        loop {
            let dt = self.dijkstra(s, t, &mut scratch);
            if dt >= C::INF {
                break;
            }
            for (p, d) in scratch.potential.iter_mut().zip(scratch.dist.iter()) {
                *p += (*d).min(dt);
            }
            // Real cost of the shortest path; stop once it no longer pays.
            if scratch.potential[t] - scratch.potential[s] >= C::ZERO {
                break;
            }
            let pushed = if blocking {
                self.blocking_flow(s, t, &mut scratch)
            } else {
                self.augment_shortest_path(s, t, &mut scratch)
            };
            if !pushed {
                break; // cannot happen (a shortest path exists); never spin
            }
        }
    }

    /// Shortest distances from `s` in the initial DAG (arcs in node order),
    /// zero for nodes out of reach: those stay out of reach (only arcs on
    /// used paths gain residual twins), so their potential never matters.
    fn initial_potentials(&self, s: usize) -> Vec<C> {
        let mut potential = vec![C::INF; self.nodes];
        potential[s] = C::ZERO;
        for u in 0..self.nodes {
            let du = potential[u];
            if du >= C::INF {
                continue;
            }
            for k in self.out(u) {
                let e = self.out_arcs[k] as usize;
                if e % 2 == 1 || self.capacity[e] <= 0 {
                    continue;
                }
                let v = self.to[e] as usize;
                let nd = du + self.cost[e];
                if nd < potential[v] {
                    potential[v] = nd;
                }
            }
        }
        for p in potential.iter_mut() {
            if *p >= C::INF {
                *p = C::ZERO;
            }
        }
        potential
    }

    /// Dijkstra on reduced costs from `s`, stopping when `t` is settled;
    /// returns `t`'s distance (`INF` when out of reach).
    fn dijkstra(&self, s: usize, t: usize, scratch: &mut Scratch<C>) -> C {
        let Scratch {
            potential,
            dist,
            done,
            heap,
            prev_arc,
            ..
        } = scratch;
        dist.iter_mut().for_each(|d| *d = C::INF);
        done.iter_mut().for_each(|d| *d = false);
        heap.clear();
        dist[s] = C::ZERO;
        heap.push(Reverse((C::ZERO, s as u32)));
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if done[u] || d > dist[u] {
                continue;
            }
            done[u] = true;
            if u == t {
                break;
            }
            for k in self.out(u) {
                let e = self.out_arcs[k] as usize;
                if self.capacity[e] <= 0 {
                    continue;
                }
                let v = self.to[e] as usize;
                let nd = d + self.reduced_cost(e, potential);
                if nd < dist[v] {
                    dist[v] = nd;
                    prev_arc[v] = e as u32;
                    heap.push(Reverse((nd, v as u32)));
                }
            }
        }
        dist[t]
    }

    /// Pushes the bottleneck along `path` and returns it (0: nothing went).
    fn push_along(&mut self, path: &[usize]) -> i64 {
        let amount = path.iter().map(|&e| self.capacity[e]).min().unwrap_or(0);
        if amount > 0 {
            for &e in path {
                self.capacity[e] -= amount;
                self.capacity[e ^ 1] += amount;
            }
        }
        amount
    }

    /// Augments along the path Dijkstra found to `t` (which it reached).
    fn augment_shortest_path(&mut self, s: usize, t: usize, scratch: &mut Scratch<C>) -> bool {
        let path = &mut scratch.path;
        path.clear();
        let mut v = t;
        // Every node on the way was reached, so has an arc it came by.
        while v != s && path.len() <= self.nodes {
            let e = scratch.prev_arc[v] as usize;
            path.push(e);
            v = self.from[e] as usize;
        }
        if v != s {
            return false; // cannot happen; stop rather than loop
        }
        let path = std::mem::take(&mut scratch.path);
        let pushed = self.push_along(&path) > 0;
        scratch.path = path;
        pushed
    }

    /// Pushes a blocking flow through the arcs of zero reduced cost
    /// (Dinic's phases restricted to them); true if anything was pushed.
    fn blocking_flow(&mut self, s: usize, t: usize, scratch: &mut Scratch<C>) -> bool {
        let mut pushed_round = 0i64;
        loop {
            if !self.level_graph(s, t, scratch) {
                break;
            }
            for u in 0..self.nodes {
                scratch.next_arc[u] = self.first_out[u];
            }
            let (pushed, stuck) = self.blocking_phase(s, t, scratch);
            pushed_round += pushed;
            if stuck {
                break;
            }
        }
        pushed_round > 0
    }

    /// Breadth-first levels over the zero-reduced-cost residual arcs;
    /// whether `t` is reached.
    fn level_graph(&self, s: usize, t: usize, scratch: &mut Scratch<C>) -> bool {
        let Scratch {
            potential,
            level,
            queue,
            ..
        } = scratch;
        level.iter_mut().for_each(|l| *l = NO_LEVEL);
        level[s] = 0;
        queue.clear();
        queue.push(s as u32);
        let mut head = 0;
        while let Some(&u) = queue.get(head) {
            head += 1;
            let u = u as usize;
            for k in self.out(u) {
                let e = self.out_arcs[k] as usize;
                let v = self.to[e] as usize;
                if self.capacity[e] > 0
                    && level[v] == NO_LEVEL
                    && self.reduced_cost(e, potential) == C::ZERO
                {
                    level[v] = level[u] + 1;
                    queue.push(v as u32);
                }
            }
        }
        level[t] != NO_LEVEL
    }

    /// One phase: depth-first searches along increasing levels, pushing
    /// each path found, until `s` has no way left. Returns the amount
    /// pushed and whether a found path carried nothing (cannot happen; the
    /// caller then stops rather than loop).
    fn blocking_phase(&mut self, s: usize, t: usize, scratch: &mut Scratch<C>) -> (i64, bool) {
        let mut pushed = 0i64;
        let mut path = std::mem::take(&mut scratch.path);
        path.clear();
        let mut u = s;
        let stuck = loop {
            if u == t {
                let amount = self.push_along(&path);
                if amount <= 0 {
                    break true;
                }
                pushed += amount;
                path.clear();
                u = s;
                continue;
            }
            match self.next_level_arc(u, scratch) {
                Some((e, v)) => {
                    path.push(e);
                    u = v;
                }
                None => {
                    // Dead end: never enter `u` again this phase.
                    scratch.level[u] = NO_LEVEL;
                    match path.pop() {
                        None => break false,
                        Some(e) => {
                            u = self.from[e] as usize;
                            scratch.next_arc[u] += 1;
                        }
                    }
                }
            }
        };
        scratch.path = path;
        (pushed, stuck)
    }

    /// The next usable arc out of `u` in the level graph, advancing `u`'s
    /// arc pointer past unusable ones.
    fn next_level_arc(&self, u: usize, scratch: &mut Scratch<C>) -> Option<(usize, usize)> {
        let end = self.first_out[u + 1];
        let lu = scratch.level[u];
        while scratch.next_arc[u] < end {
            let e = self.out_arcs[scratch.next_arc[u] as usize] as usize;
            let v = self.to[e] as usize;
            if self.capacity[e] > 0
                && lu != NO_LEVEL
                && scratch.level[v] == lu + 1
                && self.reduced_cost(e, &scratch.potential) == C::ZERO
            {
                return Some((e, v));
            }
            scratch.next_arc[u] += 1;
        }
        None
    }
}

/// Solves the network given as `arcs` with cost type `C`; returns the flow
/// on each arc, in order.
pub(crate) fn solve_arcs<C: CostNum>(
    nodes: usize,
    arcs: &[Arc],
    s: usize,
    t: usize,
    blocking: bool,
) -> Vec<i64> {
    let mut network: Network<C> = Network::new(nodes);
    let ids: Vec<usize> = arcs
        .iter()
        .map(|&(u, v, capacity, cost)| network.add(u, v, capacity, C::from_i128(cost)))
        .collect();
    network.run(s, t, blocking);
    ids.iter().map(|&e| network.flow(e)).collect()
}

/// Solves with `i64` costs when every distance provably fits (potentials
/// stay within a few times (nodes × largest arc cost)), else with `i128`.
///
/// `s`, `t` and every arc's ends are below `nodes`, and every arc goes from
/// a lower to a higher node (the selection's networks are layered).
pub(crate) fn solve_network(
    nodes: usize,
    arcs: &[Arc],
    s: usize,
    t: usize,
    blocking: bool,
) -> Vec<i64> {
    debug_assert!(s < nodes && t < nodes);
    debug_assert!(arcs.iter().all(|&(u, v, _, _)| u < v && v < nodes));
    let max_cost = arcs.iter().map(|a| a.3.abs()).max().unwrap_or(0);
    let bound = max_cost.saturating_mul(nodes as i128 + 2).saturating_mul(8);
    if bound < i128::from(i64::MAX / 16) {
        solve_arcs::<i64>(nodes, arcs, s, t, blocking)
    } else {
        solve_arcs::<i128>(nodes, arcs, s, t, blocking)
    }
}
