//! Selection: which pairs meet. One min-cost flow optimises the whole
//! lexicographic objective (forced pairs, then minimums, then fairness,
//! then total score; see the crate documentation); fairness first finds
//! its threshold by binary search, one flow per step.

use crate::flow::{solve_network, Arc};
use crate::problem::{Problem, Status};

/// The chosen pairs and what fairness achieved.
pub(crate) struct Selection {
    /// Indices into `Problem::pairs`, increasing.
    pub(crate) chosen: Vec<usize>,
    /// Present when fairness is on and some enterprise has partners.
    pub(crate) fairness: Option<FairnessLevel>,
}

/// What the fairness search found.
#[derive(Clone, Copy)]
pub(crate) struct FairnessLevel {
    /// Enterprises that can each have a meeting (K in the crate doc).
    pub(crate) served: usize,
    /// Enterprises with at least one admissible pair.
    pub(crate) with_partners: usize,
}

/// Chooses the meetings (see the crate documentation for the objective).
pub(crate) fn select(problem: &Problem) -> Selection {
    let admissible: Vec<usize> = problem
        .pairs
        .iter()
        .enumerate()
        .filter(|(_, x)| {
            x.status == Status::Admissible
                && problem.enterprise_capacity[x.enterprise] > 0
                && problem.participant_capacity[x.participant] > 0
        })
        .map(|(k, _)| k)
        .collect();
    if !problem.event.fairness {
        let r = run_flow(problem, &admissible, None, true);
        return Selection {
            chosen: r.chosen,
            fairness: None,
        };
    }
    let mut scores: Vec<i64> = admissible.iter().map(|&k| problem.pairs[k].score).collect();
    scores.sort_unstable();
    scores.dedup();
    let Some(&lowest) = scores.first() else {
        return Selection {
            chosen: Vec::new(),
            fairness: None,
        };
    };
    let mut with_partners: Vec<usize> = admissible
        .iter()
        .map(|&k| problem.pairs[k].enterprise)
        .collect();
    with_partners.sort_unstable();
    with_partners.dedup();
    // K0: how many enterprises can be served at all (under the levels
    // above fairness). The threshold is the largest score T such that as
    // many enterprises can still each get a meeting scoring ≥ T. Serving
    // counts only fall as T rises, so binary search over the distinct
    // scores finds it.
    let served = run_flow(problem, &admissible, Some(lowest), false).covered;
    let (mut lo, mut hi) = (0usize, scores.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if run_flow(problem, &admissible, Some(scores[mid]), false).covered == served {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let r = run_flow(problem, &admissible, Some(scores[lo]), true);
    Selection {
        chosen: r.chosen,
        fairness: Some(FairnessLevel {
            served,
            with_partners: with_partners.len(),
        }),
    }
}

/// A network under construction.
struct Arcs(Vec<Arc>);

impl Arcs {
    /// Adds an arc `u → v`; returns its number.
    fn add(&mut self, u: usize, v: usize, capacity: i64, cost: i128) -> usize {
        self.0.push((u, v, capacity, cost));
        self.0.len() - 1
    }
}

/// Result of one flow: chosen pairs, and enterprises with a meeting at or
/// above the fairness threshold.
struct FlowResult {
    chosen: Vec<usize>,
    covered: usize,
}

/// Which enterprises and participants a set of admissible pairs touches.
struct Touched {
    /// Enterprises with an admissible pair.
    enterprise: Vec<bool>,
    /// Enterprises with a pair scoring ≥ the threshold ("high").
    high: Vec<bool>,
    /// Enterprises with a pair scoring < the threshold ("low").
    low: Vec<bool>,
    participant: Vec<bool>,
}

impl Touched {
    fn new(problem: &Problem, admissible: &[usize], threshold: Option<i64>) -> Touched {
        let ne = problem.enterprises.len();
        let mut touched = Touched {
            enterprise: vec![false; ne],
            high: vec![false; ne],
            low: vec![false; ne],
            participant: vec![false; problem.participants.len()],
        };
        for &k in admissible {
            let x = &problem.pairs[k];
            touched.enterprise[x.enterprise] = true;
            touched.participant[x.participant] = true;
            match threshold {
                Some(t) if x.score >= t => touched.high[x.enterprise] = true,
                Some(_) => touched.low[x.enterprise] = true,
                None => {}
            }
        }
        touched
    }
}

/// The weight of each level of the objective: each exceeds the most that
/// all levels below it can add up to, so the flow optimises them in order.
struct Weights {
    forced: i128,
    minimum: i128,
    fairness: i128,
}

impl Weights {
    fn new(problem: &Problem, admissible: &[usize], touched: &Touched, with_scores: bool) -> Self {
        let n_high = touched.high.iter().filter(|&&b| b).count() as i128;
        let sum_min: i128 = (0..problem.enterprises.len())
            .filter(|&e| touched.enterprise[e])
            .map(|e| i128::from(problem.enterprise_min[e].min(problem.enterprise_capacity[e])))
            .sum();
        let most_meetings = i128::from(problem.places).min(admissible.len() as i128);
        let score_max = if with_scores {
            most_meetings * 1_000_000
        } else {
            0
        };
        let fairness = score_max + 1;
        let minimum = n_high * fairness + score_max + 1;
        let forced = sum_min * minimum + n_high * fairness + score_max + 1;
        Weights {
            forced,
            minimum,
            fairness,
        }
    }
}

/// Node numbers of the network: source, hub, then one block per layer.
struct Layout {
    source: usize,
    hub: usize,
    /// First enterprise node; enterprise `e` is `enterprise + e`.
    enterprise: usize,
    /// First "high" and "low" node (fairness only).
    high: usize,
    low: usize,
    participant: usize,
    sink: usize,
}

impl Layout {
    fn new(ne: usize, np: usize, fair: bool) -> Layout {
        let enterprise = 2;
        let (high, low, participant) = if fair {
            (enterprise + ne, enterprise + 2 * ne, enterprise + 3 * ne)
        } else {
            (0, 0, enterprise + ne)
        };
        Layout {
            source: 0,
            hub: 1,
            enterprise,
            high,
            low,
            participant,
            sink: participant + np,
        }
    }
}

/// Solves the lexicographic objective for the admissible pairs with one
/// min-cost flow.
///
/// `threshold`: `Some(T)` adds the fairness level "enterprises with at least
/// one meeting scoring ≥ T" (scaled score, `0..=1_000_000`); `with_scores`:
/// whether the score level is in the objective (off for the fairness
/// feasibility checks, which only need the levels above it).
///
/// Network: source → hub (cap: slots × tables) → enterprise (two parallel
/// arcs: the first `min` units carry the minimum bonus, the rest nothing;
/// cap min(max, available slots)) → participant (one arc per pair; cap
/// min(max, available slots)) → sink. With fairness, each enterprise's
/// pairs scoring ≥ T leave from a "high" node whose first unit carries the
/// fairness bonus, the others from a "low" node.
fn run_flow(
    problem: &Problem,
    admissible: &[usize],
    threshold: Option<i64>,
    with_scores: bool,
) -> FlowResult {
    let ne = problem.enterprises.len();
    let np = problem.participants.len();
    let touched = Touched::new(problem, admissible, threshold);
    let weights = Weights::new(problem, admissible, &touched, with_scores);
    let fair = threshold.is_some();
    let node = Layout::new(ne, np, fair);
    let mut arcs = Arcs(Vec::new());
    arcs.add(node.source, node.hub, i64::from(problem.places), 0);
    let mut fairness_arcs = Vec::new();
    for e in (0..ne).filter(|&e| touched.enterprise[e]) {
        let capacity = problem.enterprise_capacity[e];
        let min = problem.enterprise_min[e].min(capacity);
        let enterprise = node.enterprise + e;
        if min > 0 {
            arcs.add(node.hub, enterprise, i64::from(min), -weights.minimum);
        }
        if capacity > min {
            arcs.add(node.hub, enterprise, i64::from(capacity - min), 0);
        }
        if fair {
            // Pairs scoring ≥ T hang off a "high" node, the others off a
            // "low" node, so each pair has one arc; the first unit into
            // the high node carries the fairness bonus.
            if touched.high[e] {
                fairness_arcs.push(arcs.add(enterprise, node.high + e, 1, -weights.fairness));
                if capacity > 1 {
                    arcs.add(enterprise, node.high + e, i64::from(capacity - 1), 0);
                }
            }
            if touched.low[e] {
                arcs.add(enterprise, node.low + e, i64::from(capacity), 0);
            }
        }
    }
    let mut pair_arcs = Vec::with_capacity(admissible.len());
    for &k in admissible {
        let x = &problem.pairs[k];
        let score = if with_scores { i128::from(x.score) } else { 0 };
        let gain = score + if x.forced { weights.forced } else { 0 };
        let from = match threshold {
            Some(t) if x.score >= t => node.high + x.enterprise,
            Some(_) => node.low + x.enterprise,
            None => node.enterprise + x.enterprise,
        };
        let arc = arcs.add(from, node.participant + x.participant, 1, -gain);
        pair_arcs.push((arc, k));
    }
    for p in (0..np).filter(|&p| touched.participant[p]) {
        arcs.add(
            node.participant + p,
            node.sink,
            i64::from(problem.participant_capacity[p]),
            0,
        );
    }
    // Real scores are mostly distinct: one path per Dijkstra is cheaper
    // than a blocking flow that rarely finds a second path.
    let flow = solve_network(node.sink + 1, &arcs.0, node.source, node.sink, !with_scores);
    let mut chosen: Vec<usize> = pair_arcs
        .iter()
        .filter(|&&(arc, _)| flow[arc] > 0)
        .map(|&(_, k)| k)
        .collect();
    chosen.sort_unstable();
    let covered = fairness_arcs.iter().filter(|&&arc| flow[arc] > 0).count();
    FlowResult { chosen, covered }
}
