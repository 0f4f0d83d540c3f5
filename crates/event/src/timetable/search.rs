//! The timetable search state and its moves: meetings are the edges of a
//! bipartite graph (enterprises × participants), slots are colours, and a
//! timetable is a proper colouring that respects each meeting's allowed
//! slots and, when asked, the tables per slot. The moves (direct placement,
//! Kőnig's alternating paths, ejection, de Werra's balancing, compaction,
//! a bounded branch-and-bound) only ever keep the colouring proper; the
//! caller in [`super`] decides which to try in which order.
//!
//! Indices: a meeting is `0..meetings`, a local party `0..` its side's
//! count, a slot `0..n_slots`; every set of slots passed in is a subset of
//! those. All are built together in [`Search::new`], so they are in range
//! by construction.

use crate::slots::SlotSet;
use std::cmp::Reverse;

/// "No meeting" in a busy table, "no slot" for an unplaced meeting.
pub(super) const NONE: u32 = u32::MAX;

/// Nodes for the exhaustive branch-and-bound.
const EXACT_NODES: u64 = 300_000;

/// How a direct placement chooses among free slots.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Prefer {
    /// The least loaded slot: keeps slots even, for the balancing step.
    Spread,
    /// The earliest slot: keeps later slots empty, for compaction.
    Pack,
}

/// Placement priority of a meeting, smaller first: (not forced, number of
/// possible slots, −(degree of both parties), −score, index). Forced
/// meetings first, then the most constrained, as in graph colouring.
pub(super) type Priority = (bool, usize, Reverse<u32>, Reverse<i64>, usize);

/// A meeting as the search sees it.
#[derive(Clone)]
pub(super) struct MeetingSpec {
    /// Local enterprise and local participant numbers.
    pub(super) parties: (u32, u32),
    /// Slots where both parties are available.
    pub(super) allowed: SlotSet,
    pub(super) priority: Priority,
}

/// Timetable search state.
#[derive(Clone)]
pub(super) struct Search {
    n_slots: usize,
    pub(super) tables: u32,
    /// (local enterprise, local participant) per meeting.
    parties: Vec<(u32, u32)>,
    /// Slots where both parties of a meeting are available.
    allowed: Vec<SlotSet>,
    /// Placement priority key (lower first).
    priority: Vec<Priority>,
    /// Slot of each meeting (`NONE` when unplaced).
    pub(super) slot_of: Vec<u32>,
    /// Meeting of each local enterprise in each slot (`NONE` when free),
    /// row-major: `enterprise_busy[le * n_slots + s]`.
    enterprise_busy: Vec<u32>,
    /// Meeting of each local participant in each slot.
    participant_busy: Vec<u32>,
    /// Meetings per slot.
    pub(super) load: Vec<u32>,
    /// Undo log of (meeting, previous slot).
    pub(super) log: Vec<(u32, u32)>,
    /// Work left, in elementary steps (a slot tried, a path edge walked).
    pub(super) budget: u64,
}

impl Search {
    /// An empty timetable of `meetings` over `n_slots` slots, with
    /// `n_enterprises` and `n_participants` local parties (every meeting's
    /// parties below those counts, every allowed slot below `n_slots`).
    pub(super) fn new(
        n_slots: usize,
        tables: u32,
        (n_enterprises, n_participants): (usize, usize),
        meetings: Vec<MeetingSpec>,
        budget: u64,
    ) -> Search {
        debug_assert!(meetings.iter().all(|m| {
            (m.parties.0 as usize) < n_enterprises
                && (m.parties.1 as usize) < n_participants
                && m.allowed.iter().all(|s| s < n_slots)
        }));
        let n = meetings.len();
        let mut search = Search {
            n_slots,
            tables,
            parties: Vec::with_capacity(n),
            allowed: Vec::with_capacity(n),
            priority: Vec::with_capacity(n),
            slot_of: vec![NONE; n],
            enterprise_busy: vec![NONE; n_enterprises * n_slots],
            participant_busy: vec![NONE; n_participants * n_slots],
            load: vec![0; n_slots],
            log: Vec::new(),
            budget,
        };
        for m in meetings {
            search.parties.push(m.parties);
            search.allowed.push(m.allowed);
            search.priority.push(m.priority);
        }
        search
    }

    /// Number of meetings (placed or not).
    pub(super) fn meetings(&self) -> usize {
        self.parties.len()
    }

    /// The meeting local enterprise `le` has in slot `s`, or `NONE`.
    pub(super) fn meeting_of_enterprise(&self, le: u32, s: usize) -> u32 {
        self.enterprise_busy[le as usize * self.n_slots + s]
    }

    /// The meeting local participant `lp` has in slot `s`, or `NONE`.
    pub(super) fn meeting_of_participant(&self, lp: u32, s: usize) -> u32 {
        self.participant_busy[lp as usize * self.n_slots + s]
    }

    /// Meeting `m`'s (local enterprise, local participant).
    pub(super) fn parties_of(&self, m: u32) -> (u32, u32) {
        self.parties[m as usize]
    }

    /// Slots meeting `m` may take.
    pub(super) fn allowed_of(&self, m: u32) -> SlotSet {
        self.allowed[m as usize]
    }

    /// Meeting `m`'s placement priority.
    pub(super) fn priority_of(&self, m: u32) -> Priority {
        self.priority[m as usize]
    }

    /// Meeting `m`'s slot, or `NONE`.
    pub(super) fn slot(&self, m: u32) -> u32 {
        self.slot_of[m as usize]
    }

    /// Takes `n` steps from the budget; false (and the budget emptied) when
    /// there are not that many left.
    fn spend(&mut self, n: u64) -> bool {
        if self.budget < n {
            self.budget = 0;
            false
        } else {
            self.budget -= n;
            true
        }
    }

    /// Meetings with a slot.
    pub(super) fn placed(&self) -> usize {
        self.slot_of.iter().filter(|&&s| s != NONE).count()
    }

    /// Slots with at least one meeting.
    pub(super) fn used(&self) -> SlotSet {
        let mut used = SlotSet::default();
        for (s, &load) in self.load.iter().enumerate() {
            if load > 0 {
                used.insert(s);
            }
        }
        used
    }

    fn free_both(&self, m: u32, s: usize) -> bool {
        let (le, lp) = self.parties_of(m);
        self.meeting_of_enterprise(le, s) == NONE && self.meeting_of_participant(lp, s) == NONE
    }

    /// Which meeting of a full slot goes first when one must: the largest
    /// key (not forced, then the least constrained, then the lowest score).
    pub(super) fn removal_rank(&self, m: u32) -> (bool, usize, Reverse<i64>, u32) {
        let p = &self.priority[m as usize];
        (p.0, p.1, p.3, m)
    }

    /// Moves meeting `m` to slot `new` (`NONE`: unplaced) without logging.
    /// Refuses (returns false) if a party is already busy there.
    pub(super) fn set_raw(&mut self, m: u32, new: u32) -> bool {
        let (le, lp) = self.parties_of(m);
        let n_slots = self.n_slots;
        if new != NONE && !self.free_both(m, new as usize) {
            return false;
        }
        let old = self.slot(m);
        if old != NONE {
            self.enterprise_busy[le as usize * n_slots + old as usize] = NONE;
            self.participant_busy[lp as usize * n_slots + old as usize] = NONE;
            // A placed meeting counts in its slot's load.
            self.load[old as usize] -= 1;
        }
        if new != NONE {
            self.enterprise_busy[le as usize * n_slots + new as usize] = m;
            self.participant_busy[lp as usize * n_slots + new as usize] = m;
            self.load[new as usize] += 1;
        }
        self.slot_of[m as usize] = new;
        true
    }

    /// Moves `m` to `new`, logging the move for [`Search::rollback`].
    pub(super) fn set(&mut self, m: u32, new: u32) -> bool {
        let old = self.slot(m);
        if old == new {
            return true;
        }
        if self.set_raw(m, new) {
            self.log.push((m, old));
            true
        } else {
            false
        }
    }

    /// Undoes the logged moves back to log length `mark`.
    pub(super) fn rollback(&mut self, mark: usize) {
        while self.log.len() > mark {
            let Some((m, old)) = self.log.pop() else {
                break;
            };
            // Undo in reverse order restores every intermediate state, so
            // the old slot is free again.
            self.set_raw(m, NONE);
            if old != NONE {
                self.set_raw(m, old);
            }
        }
    }

    fn room(&self, s: usize, tables_on: bool) -> bool {
        !tables_on || self.load[s] < self.tables
    }

    /// Places `m` in a slot where both parties are free.
    pub(super) fn try_direct(
        &mut self,
        m: u32,
        allowed: SlotSet,
        tables_on: bool,
        prefer: Prefer,
    ) -> bool {
        let options = self.allowed_of(m).and(allowed);
        if !self.spend(options.count() as u64 + 1) {
            return false;
        }
        let mut best: Option<(u32, usize)> = None;
        for s in options.iter() {
            if !self.free_both(m, s) || !self.room(s, tables_on) {
                continue;
            }
            let key = match prefer {
                Prefer::Spread => self.load[s],
                Prefer::Pack => 0,
            };
            let better = match best {
                None => true,
                Some((k, _)) => k > key,
            };
            if better {
                best = Some((key, s));
            }
        }
        match best {
            Some((_, s)) => self.set(m, s as u32),
            None => false,
        }
    }

    /// The alternating path that starts at a vertex with its `c1` meeting
    /// and continues with `c2`, `c1`, …, stopping before meeting `stop`
    /// (which closes a cycle). Returns the path and whether `stop` was
    /// reached; `None` only when the work budget runs out.
    fn walk(
        &mut self,
        from_ent: bool,
        v: u32,
        c1: usize,
        c2: usize,
        stop: u32,
    ) -> Option<(Vec<u32>, bool)> {
        let mut path = Vec::new();
        let (mut side_ent, mut v, mut c) = (from_ent, v, c1);
        loop {
            let m = if side_ent {
                self.meeting_of_enterprise(v, c)
            } else {
                self.meeting_of_participant(v, c)
            };
            if m == NONE {
                return Some((path, false));
            }
            if m == stop {
                return Some((path, true));
            }
            // Each party has at most one meeting per colour, so a walk that
            // does not close a cycle is a simple path; the length guard only
            // protects against a bookkeeping bug.
            if path.len() > self.parties.len() || !self.spend(1) {
                return None;
            }
            path.push(m);
            let (le, lp) = self.parties_of(m);
            v = if side_ent { lp } else { le };
            side_ent = !side_ent;
            c = if c == c1 { c2 } else { c1 };
        }
    }

    /// [`Search::walk`] from a vertex that is free in `c2`: always a path.
    fn kempe_path(&mut self, from_ent: bool, v: u32, c1: usize, c2: usize) -> Option<Vec<u32>> {
        self.walk(from_ent, v, c1, c2, NONE).map(|(p, _)| p)
    }

    /// Swaps colours `a` ↔ `b` on `path` (whose first edge has colour `a`),
    /// checking availability; false (with the state unchanged since `mark`
    /// left to the caller) when an edge cannot take its new colour.
    fn swap_path(&mut self, path: &[u32], a: usize, b: usize) -> bool {
        for &q in path {
            let new = if self.slot(q) as usize == a { b } else { a };
            if !self.allowed_of(q).contains(new) {
                return false;
            }
        }
        let targets: Vec<(u32, usize)> = path
            .iter()
            .map(|&q| (q, if self.slot(q) as usize == a { b } else { a }))
            .collect();
        for &(q, _) in &targets {
            self.set(q, NONE);
        }
        for &(q, s) in &targets {
            if !self.set(q, s as u32) {
                return false;
            }
        }
        true
    }

    /// Kőnig's alternating-path step: `m`'s enterprise is free in slot `a`,
    /// its participant in slot `b`; swapping `a`/`b` along the participant's
    /// a/b path frees the participant in `a` (the path cannot reach the
    /// enterprise, by parity). Availability may forbid a swap, so every
    /// pair (a, b) is tried, from both ends.
    pub(super) fn try_kempe(&mut self, m: u32, allowed: SlotSet, tables_on: bool) -> bool {
        let (le, lp) = self.parties_of(m);
        let options = self.allowed_of(m).and(allowed);
        for from_ent in [false, true] {
            for a in options.iter() {
                // `a`: the slot m will take. The start vertex (the party
                // busy in `a`) must be free in `b`; the other party free in a.
                let (start, other_free) = if from_ent {
                    (le, self.meeting_of_participant(lp, a) == NONE)
                } else {
                    (lp, self.meeting_of_enterprise(le, a) == NONE)
                };
                if !other_free {
                    continue;
                }
                for b in allowed.iter() {
                    if b == a || !self.spend(1) {
                        if self.budget == 0 {
                            return false;
                        }
                        continue;
                    }
                    let start_free_b = if from_ent {
                        self.meeting_of_enterprise(start, b) == NONE
                    } else {
                        self.meeting_of_participant(start, b) == NONE
                    };
                    if !start_free_b {
                        continue;
                    }
                    let Some(path) = self.kempe_path(from_ent, start, a, b) else {
                        return false;
                    };
                    if path.is_empty() {
                        continue; // direct placement would have worked
                    }
                    // Quick check before touching the state.
                    if let Some(&q0) = path.first() {
                        if !self.allowed_of(q0).contains(b) {
                            continue;
                        }
                    }
                    let mark = self.log.len();
                    if self.swap_path(&path, a, b)
                        && self.set(m, a as u32)
                        && self.room_after(a, tables_on)
                        && self.room_after(b, tables_on)
                    {
                        return true;
                    }
                    self.rollback(mark);
                }
            }
        }
        false
    }

    fn room_after(&self, s: usize, tables_on: bool) -> bool {
        !tables_on || self.load[s] <= self.tables
    }

    /// Meetings currently in slot `s`, in meeting order.
    pub(super) fn in_slot(&mut self, s: usize) -> Vec<u32> {
        self.spend(self.slot_of.len() as u64 / 8 + 1);
        self.slot_of
            .iter()
            .enumerate()
            .filter(|(_, &x)| x as usize == s && x != NONE)
            .map(|(m, _)| m as u32)
            .collect()
    }

    /// Re-places meetings taken out of the timetable (direct, then
    /// alternating path); false if one cannot be placed.
    fn replace_all(
        &mut self,
        ms: &[u32],
        allowed: SlotSet,
        tables_on: bool,
        prefer: Prefer,
    ) -> bool {
        ms.iter().all(|&q| {
            self.slot(q) != NONE
                || self.try_direct(q, allowed, tables_on, prefer)
                || self.try_kempe(q, allowed, tables_on)
        })
    }

    /// Ejection: puts `m` in a slot by taking out the meetings that block it
    /// (its parties' meetings there, and if the slot is full one more), and
    /// re-placing those elsewhere. Undone when a blocker has nowhere to go.
    fn try_eject(&mut self, m: u32, allowed: SlotSet, tables_on: bool, prefer: Prefer) -> bool {
        let (le, lp) = self.parties_of(m);
        for s in self.allowed_of(m).and(allowed).iter() {
            if !self.spend(4) {
                return false;
            }
            let mark = self.log.len();
            let mut out: Vec<u32> = Vec::new();
            for q in [
                self.meeting_of_enterprise(le, s),
                self.meeting_of_participant(lp, s),
            ] {
                if q != NONE && !out.contains(&q) && self.slot(q) != NONE {
                    out.push(q);
                }
            }
            for &q in &out {
                self.set(q, NONE);
            }
            let mut extra: Vec<Option<u32>> = vec![None];
            if tables_on && self.load[s] >= self.tables {
                extra = self.in_slot(s).into_iter().map(Some).collect();
            }
            let inner = self.log.len();
            for x in extra {
                if let Some(q) = x {
                    self.set(q, NONE);
                }
                if self.room(s, tables_on) && self.set(m, s as u32) {
                    let mut all = out.clone();
                    all.extend(x);
                    if self.replace_all(&all, allowed, tables_on, prefer) {
                        return true;
                    }
                }
                self.rollback(inner);
                if self.budget == 0 {
                    break;
                }
            }
            self.rollback(mark);
        }
        false
    }

    /// Full placement attempt for one meeting.
    pub(super) fn place(
        &mut self,
        m: u32,
        allowed: SlotSet,
        tables_on: bool,
        prefer: Prefer,
    ) -> bool {
        self.try_direct(m, allowed, tables_on, prefer)
            || self.try_kempe(m, allowed, tables_on)
            || self.try_eject(m, allowed, tables_on, prefer)
    }

    /// de Werra's balancing step: in the slots `a` ∪ `b` every party has at
    /// most one meeting of each, so the meetings form paths and even
    /// cycles; a path that starts and ends in `a` has one `a` meeting more than
    /// `b` ones, and swapping it moves one meeting from `a` to `b`.
    fn shift_one(&mut self, a: usize, b: usize) -> bool {
        let in_a = self.in_slot(a);
        let mut seen: Vec<u32> = Vec::new();
        for &q in &in_a {
            if seen.contains(&q) {
                continue;
            }
            let (le, lp) = self.parties_of(q);
            // Walk from both ends of q, continuing with colour b.
            let Some((left, cycle)) = self.walk(true, le, b, a, q) else {
                return false;
            };
            let Some((right, _)) = self.walk(false, lp, b, a, q) else {
                return false;
            };
            for &x in left.iter().chain(right.iter()) {
                if self.slot(x) as usize == a {
                    seen.push(x);
                }
            }
            seen.push(q);
            // Both ends in `a`: each side has an even number of meetings.
            if cycle || left.len() % 2 == 1 || right.len() % 2 == 1 {
                continue;
            }
            let mut path: Vec<u32> = left.iter().rev().copied().collect();
            path.push(q);
            path.extend(right.iter().copied());
            let mark = self.log.len();
            if self.swap_path(&path, a, b) {
                return true;
            }
            self.rollback(mark);
        }
        false
    }

    /// Brings every slot down to `tables` meetings; returns the meetings
    /// that had to be taken out.
    pub(super) fn balance(&mut self, allowed: SlotSet) -> Vec<u32> {
        let mut out = Vec::new();
        for a in allowed.iter() {
            let mut guard = 0usize;
            while self.load[a] > self.tables && guard <= self.parties.len() {
                guard += 1;
                let mut bs: Vec<usize> = allowed
                    .iter()
                    .filter(|&b| b != a && self.load[b] < self.tables)
                    .collect();
                bs.sort_by_key(|&b| (self.load[b], b));
                let mut done = false;
                for b in bs {
                    if self.budget == 0 {
                        break;
                    }
                    if self.shift_one(a, b) {
                        done = true;
                        break;
                    }
                }
                if done {
                    continue;
                }
                // No swap works (availability): move or take out a meeting.
                let ms = self.in_slot(a);
                for &q in &ms {
                    let mark = self.log.len();
                    self.set(q, NONE);
                    if self.try_direct(q, allowed, true, Prefer::Spread)
                        || self.try_kempe(q, allowed, true)
                    {
                        done = true;
                        break;
                    }
                    self.rollback(mark);
                }
                if done {
                    continue;
                }
                let victim = ms.iter().copied().max_by_key(|&q| self.removal_rank(q));
                match victim {
                    Some(q) => {
                        self.set(q, NONE);
                        out.push(q);
                    }
                    None => break,
                }
            }
        }
        out
    }

    /// Empties whole slots while the others can absorb their meetings.
    pub(super) fn compact(&mut self, lb: usize) {
        loop {
            let used = self.used();
            if used.count() <= lb || self.budget == 0 {
                return;
            }
            let mut order: Vec<usize> = used.iter().collect();
            order.sort_by_key(|&s| (self.load[s], Reverse(s)));
            let mut improved = false;
            for s in order {
                let mark = self.log.len();
                let mut target = used;
                target.remove(s);
                let ms = self.in_slot(s);
                for &q in &ms {
                    self.set(q, NONE);
                }
                if ms
                    .iter()
                    .all(|&q| self.place(q, target, true, Prefer::Pack))
                {
                    improved = true;
                    break;
                }
                self.rollback(mark);
                if self.budget == 0 {
                    return;
                }
            }
            self.log.clear();
            if !improved {
                return;
            }
        }
    }

    /// Exhaustive branch-and-bound over slot choices, maximising placed
    /// meetings, then minimising slots used; improves on `best` (placed,
    /// used, assignment) within [`EXACT_NODES`] nodes.
    pub(super) fn exact(&mut self, order: &[u32], best: &mut (usize, usize, Vec<u32>)) {
        let mut nodes = 0u64;
        for m in 0..self.parties.len() {
            self.set_raw(m as u32, NONE);
        }
        self.branch_and_bound(order, 0, 0, &mut nodes, best);
    }

    fn branch_and_bound(
        &mut self,
        order: &[u32],
        i: usize,
        placed: usize,
        nodes: &mut u64,
        best: &mut (usize, usize, Vec<u32>),
    ) {
        if *nodes >= EXACT_NODES {
            return;
        }
        *nodes += 1;
        let remaining = order.len().saturating_sub(i);
        let used = self.used().count();
        if placed + remaining < best.0 || (placed + remaining == best.0 && used >= best.1) {
            return;
        }
        let Some(&m) = order.get(i) else {
            *best = (placed, used, self.slot_of.clone());
            return;
        };
        // Slots already in use first: they cannot raise the slot count.
        let mut slots: Vec<usize> = self
            .allowed_of(m)
            .iter()
            .filter(|&s| self.free_both(m, s) && self.load[s] < self.tables)
            .collect();
        slots.sort_by_key(|&s| (self.load[s] == 0, s));
        for s in slots {
            if self.set_raw(m, s as u32) {
                self.branch_and_bound(order, i + 1, placed + 1, nodes, best);
                self.set_raw(m, NONE);
            }
        }
        self.branch_and_bound(order, i + 1, placed, nodes, best);
    }
}
