//! Timetable: gives each chosen meeting a slot and a table.
//!
//! Without availability limits this is a bipartite edge colouring (Kőnig:
//! as many slots as the busiest party has meetings suffice) balanced so no
//! slot needs more than `tables` tables (de Werra), which is provably the
//! fewest slots. With availability limits the problem is hard in general,
//! so the scheduler searches: alternating-path recolouring, ejection of
//! blockers, and a bounded branch-and-bound that is exhaustive on small
//! events. A meeting that cannot be placed is listed with the reason,
//! never dropped. The search moves live in [`search`]; this module decides
//! which attempts to make and turns the best into slots, tables and
//! reasons.

mod search;

use crate::problem::Problem;
use crate::slots::SlotSet;
use search::{MeetingSpec, Prefer, Search, NONE};
use std::cmp::Reverse;

/// Work allowance for the timetable search, in elementary steps (a slot
/// tried, a path edge walked). A count, not a clock: the same input gets
/// the same timetable. Generous enough that realistic events never reach
/// it; it only stops pathological inputs from freezing the page.
const TIMETABLE_BUDGET: u64 = 60_000_000;
/// The exhaustive branch-and-bound only runs on events of at most this many
/// meetings, when the faster methods leave a meeting unplaced or cannot
/// prove the slot count minimal.
const EXACT_MAX_MEETINGS: usize = 256;

/// The timetable of the chosen meetings.
pub(crate) struct Timetable {
    /// Per chosen meeting (same order): (slot, table) or `None`.
    pub(crate) place: Vec<Option<(usize, u32)>>,
    /// Per chosen meeting: the reason it is unplaced (empty when placed).
    pub(crate) reason: Vec<String>,
}

/// Assigns slots and tables to the chosen pairs (indices into
/// `problem.pairs`).
pub(crate) fn timetable(problem: &Problem, chosen: &[usize]) -> Timetable {
    let graph = MeetingGraph::new(problem, chosen);
    let mut search = best_attempt(problem, &graph);
    let all = SlotSet::first(problem.n_slots);
    let meetings = graph.order.len();
    // Exhaustive search on small events when not provably optimal.
    if meetings > 0
        && meetings <= EXACT_MAX_MEETINGS
        && (search.placed() < meetings || search.used().count() > graph.lower_bound)
    {
        improve_exactly(&mut search, &graph.order);
    }
    // Never more meetings than tables in a slot, even if the search budget
    // ran out mid-balancing: the least important meetings go to unplaced.
    for s in 0..problem.n_slots {
        while search.load[s] > search.tables {
            let victim = search
                .in_slot(s)
                .into_iter()
                .max_by_key(|&q| search.removal_rank(q));
            match victim {
                Some(q) => {
                    search.set_raw(q, NONE);
                }
                None => break,
            }
        }
    }
    // Last sweep: anything with a free slot and table now takes it.
    search.budget = search.budget.max(1_000_000);
    for &m in &graph.order {
        if search.slot(m) == NONE {
            search.log.clear();
            search.place(m, all, true, Prefer::Pack);
        }
    }
    let place = assign_tables(&search, graph.n_enterprises, problem.n_slots);
    let mut reason = vec![String::new(); meetings];
    for (m, text) in reason.iter_mut().enumerate() {
        if search.slot(m as u32) == NONE {
            *text = unplaced_reason(problem, &search, chosen, m as u32);
        }
    }
    Timetable { place, reason }
}

/// The chosen meetings as a bipartite graph on the parties that have one,
/// numbered locally (in order of first appearance), so the search's tables
/// are parties-with-meetings × slots rather than all parties × slots.
struct MeetingGraph {
    /// One per chosen meeting, in the same order.
    meetings: Vec<MeetingSpec>,
    n_enterprises: usize,
    n_participants: usize,
    /// Meetings by placement priority.
    order: Vec<u32>,
    /// No timetable needs fewer slots: the busiest party's meetings, and
    /// meetings ÷ tables.
    lower_bound: usize,
}

impl MeetingGraph {
    fn new(problem: &Problem, chosen: &[usize]) -> MeetingGraph {
        let mut local_enterprise = vec![NONE; problem.enterprises.len()];
        let mut local_participant = vec![NONE; problem.participants.len()];
        let mut enterprise_degree: Vec<u32> = Vec::new();
        let mut participant_degree: Vec<u32> = Vec::new();
        let mut ends = Vec::with_capacity(chosen.len());
        for &k in chosen {
            let pair = &problem.pairs[k];
            let le = local_number(
                &mut local_enterprise[pair.enterprise],
                &mut enterprise_degree,
            );
            let lp = local_number(
                &mut local_participant[pair.participant],
                &mut participant_degree,
            );
            enterprise_degree[le as usize] += 1;
            participant_degree[lp as usize] += 1;
            ends.push((le, lp));
        }
        let mut meetings = Vec::with_capacity(chosen.len());
        for (i, (&k, (le, lp))) in chosen.iter().zip(ends).enumerate() {
            let pair = &problem.pairs[k];
            let degree = enterprise_degree[le as usize] + participant_degree[lp as usize];
            meetings.push(MeetingSpec {
                parties: (le, lp),
                allowed: pair.common_slots,
                priority: (
                    !pair.forced,
                    pair.common_slots.count(),
                    Reverse(degree),
                    Reverse(pair.score),
                    i,
                ),
            });
        }
        let mut order: Vec<u32> = (0..meetings.len() as u32).collect();
        order.sort_by_key(|&m| meetings[m as usize].priority);
        let max_degree = enterprise_degree
            .iter()
            .chain(participant_degree.iter())
            .copied()
            .max()
            .unwrap_or(0) as usize;
        let lower_bound = max_degree.max(meetings.len().div_ceil(problem.tables as usize));
        MeetingGraph {
            meetings,
            n_enterprises: enterprise_degree.len(),
            n_participants: participant_degree.len(),
            order,
            lower_bound,
        }
    }
}

/// The local number in `slot`, giving the party the next one (and a degree
/// counter) on first sight.
fn local_number(slot: &mut u32, degrees: &mut Vec<u32>) -> u32 {
    if *slot == NONE {
        *slot = degrees.len() as u32;
        degrees.push(0);
    }
    *slot
}

/// Runs the heuristic attempts and keeps the best timetable (most placed,
/// then fewest slots).
fn best_attempt(problem: &Problem, graph: &MeetingGraph) -> Search {
    let n_slots = problem.n_slots;
    let fresh = Search::new(
        n_slots,
        problem.tables,
        (graph.n_enterprises, graph.n_participants),
        graph.meetings.clone(),
        TIMETABLE_BUDGET,
    );
    let meetings = graph.order.len();
    let lower_bound = graph.lower_bound;
    let mut best: Option<Search> = None;
    let better = |a: &Search, b: &Option<Search>| match b {
        None => true,
        Some(b) => {
            (a.placed(), Reverse(a.used().count())) > (b.placed(), Reverse(b.used().count()))
        }
    };
    // Attempts 1 and 2: colour with exactly k slots, ignoring tables, then
    // balance; provably succeeds with k = lower bound when nobody has
    // availability limits (Kőnig + de Werra).
    let popular = slots_by_popularity(graph, n_slots);
    let mut budget = TIMETABLE_BUDGET;
    for k in [lower_bound, lower_bound + 1] {
        if k == 0 || k > n_slots || best.as_ref().is_some_and(|b| b.placed() == meetings) {
            continue;
        }
        let mut slots = SlotSet::default();
        for &s in popular.iter().take(k) {
            slots.insert(s);
        }
        let mut search = fresh.clone();
        search.budget = budget;
        colour_then_balance(&mut search, &graph.order, slots);
        budget = search.budget;
        if better(&search, &best) {
            best = Some(search);
        }
    }
    // Attempt 3: all slots, packing early, then emptying slots.
    if meetings > 0
        && !best
            .as_ref()
            .is_some_and(|b| b.placed() == meetings && b.used().count() <= lower_bound)
    {
        let mut search = fresh.clone();
        search.budget = budget.max(TIMETABLE_BUDGET / 4);
        pack_then_compact(
            &mut search,
            &graph.order,
            SlotSet::first(n_slots),
            lower_bound,
        );
        if better(&search, &best) {
            best = Some(search);
        }
    }
    best.unwrap_or(fresh)
}

/// Slots ranked by how many meetings can use them, most first (ties: the
/// earlier slot): without availability limits simply the first slots.
fn slots_by_popularity(graph: &MeetingGraph, n_slots: usize) -> Vec<usize> {
    let mut popular: Vec<(Reverse<usize>, usize)> = (0..n_slots)
        .map(|s| {
            let users = graph
                .meetings
                .iter()
                .filter(|m| m.allowed.contains(s))
                .count();
            (Reverse(users), s)
        })
        .collect();
    popular.sort();
    popular.into_iter().map(|(_, s)| s).collect()
}

/// Colours the meetings with `slots` ignoring tables, then balances the
/// slots down to the tables and re-places what balancing took out.
fn colour_then_balance(search: &mut Search, order: &[u32], slots: SlotSet) {
    let mut pending = Vec::new();
    for &m in order {
        search.log.clear();
        if !(search.try_direct(m, slots, false, Prefer::Spread)
            || search.try_kempe(m, slots, false))
        {
            pending.push(m);
        }
    }
    search.log.clear();
    pending.extend(search.balance(slots));
    pending.sort_by_key(|&m| search.priority_of(m));
    for &m in &pending {
        search.log.clear();
        search.place(m, slots, true, Prefer::Spread);
    }
    search.log.clear();
}

/// Places the meetings in the earliest slots with room, then empties
/// whole slots while the others can absorb them.
fn pack_then_compact(search: &mut Search, order: &[u32], slots: SlotSet, lower_bound: usize) {
    let mut pending = Vec::new();
    for &m in order {
        search.log.clear();
        if !(search.try_direct(m, slots, true, Prefer::Pack) || search.try_kempe(m, slots, true)) {
            pending.push(m);
        }
    }
    for &m in &pending {
        search.log.clear();
        search.place(m, slots, true, Prefer::Pack);
    }
    search.log.clear();
    search.compact(lower_bound);
}

/// Replaces the timetable by the branch-and-bound's when that finds a
/// better one.
fn improve_exactly(search: &mut Search, order: &[u32]) {
    let mut incumbent = (
        search.placed(),
        search.used().count(),
        search.slot_of.clone(),
    );
    let mut exhaustive = search.clone();
    exhaustive.exact(order, &mut incumbent);
    if incumbent.2 != search.slot_of {
        for m in 0..search.meetings() as u32 {
            search.set_raw(m, NONE);
        }
        for (m, &s) in incumbent.2.iter().enumerate() {
            search.set_raw(m as u32, s);
        }
    }
}

/// Tables: the enterprises with the most meetings keep one table all
/// event (participants move, enterprises stay, as is usual at such
/// events); the others take the free tables of each slot. Returns each
/// meeting's (slot, table), `None` when unplaced.
fn assign_tables(
    search: &Search,
    n_enterprises: usize,
    n_slots: usize,
) -> Vec<Option<(usize, u32)>> {
    let meetings = search.meetings() as u32;
    let tables = search.tables as usize;
    let mut placed_per_enterprise = vec![0u32; n_enterprises];
    for m in (0..meetings).filter(|&m| search.slot(m) != NONE) {
        placed_per_enterprise[search.parties_of(m).0 as usize] += 1;
    }
    let mut rank: Vec<usize> = (0..n_enterprises)
        .filter(|&e| placed_per_enterprise[e] > 0)
        .collect();
    rank.sort_by_key(|&e| (Reverse(placed_per_enterprise[e]), e));
    let mut home = vec![0u32; n_enterprises];
    for (i, &e) in rank.iter().take(tables).enumerate() {
        home[e] = i as u32 + 1;
    }
    let mut place: Vec<Option<(usize, u32)>> = vec![None; meetings as usize];
    for s in 0..n_slots {
        let in_slot: Vec<u32> = (0..meetings)
            .filter(|&m| search.slot(m) as usize == s)
            .collect();
        // Table numbers 1..=tables; a slot holds at most `tables` meetings
        // (trimmed above) and an enterprise meets once per slot, so home
        // tables are distinct and a free table is always left for the rest.
        debug_assert!(in_slot.len() <= tables);
        let mut taken = vec![false; tables + 1];
        let mut guests = Vec::new();
        for &m in &in_slot {
            match home[search.parties_of(m).0 as usize] {
                0 => guests.push(m),
                table => {
                    taken[table as usize] = true;
                    place[m as usize] = Some((s, table));
                }
            }
        }
        let mut next = 1usize;
        for m in guests {
            while taken[next] {
                next += 1;
            }
            taken[next] = true;
            place[m as usize] = Some((s, next as u32));
        }
    }
    place
}

/// Says, slot by slot, why meeting `m` fits nowhere.
fn unplaced_reason(problem: &Problem, search: &Search, chosen: &[usize], m: u32) -> String {
    let pair = &problem.pairs[chosen[m as usize]];
    let (le, lp) = search.parties_of(m);
    let enterprise = &problem.enterprise(pair.enterprise).id;
    let participant = &problem.participant(pair.participant).id;
    // The other party of meeting `q`, on the wanted side.
    let other = |q: u32, want_enterprise: bool| -> String {
        let y = &problem.pairs[chosen[q as usize]];
        if want_enterprise {
            problem.enterprise(y.enterprise).id.clone()
        } else {
            problem.participant(y.participant).id.clone()
        }
    };
    let enterprise_slots = problem.enterprise_slots[pair.enterprise];
    let participant_slots = problem.participant_slots[pair.participant];
    let mut notes = Vec::new();
    for s in 0..problem.n_slots {
        let label = problem.slot_label(s);
        let note = match (enterprise_slots.contains(s), participant_slots.contains(s)) {
            (false, false) => format!("{label} both unavailable"),
            (false, true) => format!("{label} `{enterprise}` unavailable"),
            (true, false) => format!("{label} `{participant}` unavailable"),
            (true, true) => {
                let qe = search.meeting_of_enterprise(le, s);
                let qp = search.meeting_of_participant(lp, s);
                if qe != NONE {
                    format!("{label} `{enterprise}` meets `{}`", other(qe, false))
                } else if qp != NONE {
                    format!("{label} `{participant}` meets `{}`", other(qp, true))
                } else if search.load[s] >= search.tables {
                    format!("{label} all {} tables taken", search.tables)
                } else {
                    format!("{label} free but the search budget ran out")
                }
            }
        };
        notes.push(note);
    }
    let shown = 8usize;
    let more = notes.len().saturating_sub(shown);
    let mut text = format!(
        "no slot has both `{enterprise}` and `{participant}` free with a table left (moving other meetings did not help): {}",
        notes.iter().take(shown).cloned().collect::<Vec<_>>().join("; ")
    );
    if more > 0 {
        text.push_str(&format!("; … ({more} more slots)"));
    }
    text
}
