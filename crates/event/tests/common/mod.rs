//! Shared helpers of the scheduler's API tests: a deterministic generator,
//! event and party builders, random instances, and an independent brute
//! force that re-states the rules from the event file.

// Each test file uses a different part of these helpers.
#![allow(dead_code)]

use coopmatch_event::*;
use std::collections::BTreeMap;

/// xorshift64*: a tiny deterministic generator, so every test instance
/// is reproducible from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

pub fn party(id: &str, inst: &str) -> Party {
    Party {
        id: id.to_string(),
        name: format!("Name of {id}"),
        institution: inst.to_string(),
    }
}

pub fn slots(n: usize) -> Vec<Slot> {
    (0..n)
        .map(|i| Slot {
            start: format!("{:02}:{:02}", 9 + i / 3, (i % 3) * 20),
            end: format!("{:02}:{:02}", 9 + (i + 1) / 3, ((i + 1) % 3) * 20),
        })
        .collect()
}

pub fn event(ns: usize, tables: u32) -> Event {
    Event {
        name: String::new(),
        slots: slots(ns),
        tables,
        meetings_per_enterprise: EnterpriseMeetings::default(),
        meetings_per_participant: ParticipantMeetings::default(),
        unavailable: BTreeMap::new(),
        conflicts: Vec::new(),
        avoid_same_institution: false,
        forced: Vec::new(),
        excluded: Vec::new(),
        min_score: 0.0,
        fairness: false,
        limits: BTreeMap::new(),
    }
}

pub fn cand(e: usize, p: usize, score: f64) -> Candidate {
    Candidate {
        enterprise: e,
        participant: p,
        score,
        topics: vec![format!("t{e}{p}")],
    }
}

pub fn pair_ids(a: &str, b: &str) -> [String; 2] {
    [a.to_string(), b.to_string()]
}

#[derive(Clone)]
pub struct Inst {
    pub event: Event,
    pub enterprises: Vec<Party>,
    pub participants: Vec<Party>,
    pub candidates: Vec<Candidate>,
}

/// A random small event: 3–5 enterprises, 3–6 participants, 2–4 slots,
/// random caps (global and per party), scores with ties and zeros,
/// conflicts, exclusions, same-institution pairs, forced pairs and
/// (optionally) availability limits. At most `max_pairs` candidates,
/// so exhaustive search stays fast.
pub fn random_instance(rng: &mut Rng, availability: bool, max_pairs: usize) -> Inst {
    let ne = rng.range(3, 5);
    let np = rng.range(3, 6);
    let ns = rng.range(2, 4);
    let tables = rng.range(1, 4) as u32;
    let insts = ["", "U1", "U2"];
    let enterprises: Vec<Party> = (0..ne)
        .map(|i| party(&format!("e{i}"), insts[rng.below(3)]))
        .collect();
    let participants: Vec<Party> = (0..np)
        .map(|i| party(&format!("p{i}"), insts[rng.below(3)]))
        .collect();
    let mut ev = event(ns, tables);
    let min = rng.range(0, 2.min(ns)) as u32;
    ev.meetings_per_enterprise = EnterpriseMeetings {
        min,
        max: if rng.chance(30) {
            None
        } else {
            Some(rng.range(min.max(1) as usize, 3) as u32)
        },
    };
    ev.meetings_per_participant = ParticipantMeetings {
        max: if rng.chance(20) {
            None
        } else {
            Some(rng.range(1, 3) as u32)
        },
    };
    ev.avoid_same_institution = rng.chance(50);
    ev.min_score = [0.0, 0.0, 0.2, 0.4][rng.below(4)];
    let mut candidates = Vec::new();
    for e in 0..ne {
        for p in 0..np {
            if candidates.len() < max_pairs && rng.chance(70) {
                let score = rng.below(21) as f64 / 20.0;
                candidates.push(cand(e, p, score));
            }
        }
    }
    for _ in 0..rng.below(3) {
        let (e, p) = (rng.below(ne), rng.below(np));
        ev.conflicts
            .push(pair_ids(&enterprises[e].id, &participants[p].id));
    }
    for _ in 0..rng.below(3) {
        let (e, p) = (rng.below(ne), rng.below(np));
        // Either order is accepted.
        ev.excluded
            .push(pair_ids(&participants[p].id, &enterprises[e].id));
    }
    // Per-party caps.
    for ent in &enterprises {
        if rng.chance(20) {
            let mx = rng.range(min.max(1) as usize, 3) as u32;
            ev.limits.insert(
                ent.id.clone(),
                PartyLimit {
                    min: None,
                    max: Some(mx),
                },
            );
        }
    }
    for part in &participants {
        if rng.chance(20) {
            ev.limits.insert(
                part.id.clone(),
                PartyLimit {
                    min: None,
                    max: Some(rng.range(1, 2) as u32),
                },
            );
        }
    }
    if availability {
        for id in enterprises
            .iter()
            .chain(participants.iter())
            .map(|p| p.id.clone())
        {
            if rng.chance(35) {
                let k = rng.below(ns); // never all slots
                let mut v: Vec<SlotRef> = Vec::new();
                for _ in 0..k {
                    let s = rng.below(ns);
                    if !v.contains(&SlotRef::Index(s)) {
                        v.push(SlotRef::Index(s));
                    }
                }
                if v.len() < ns && !v.is_empty() {
                    ev.unavailable.insert(id, v);
                }
            }
        }
    }
    // Forced pairs that do not contradict exclusions/conflicts.
    for _ in 0..rng.below(3) {
        let (e, p) = (rng.below(ne), rng.below(np));
        let (a, b) = (&enterprises[e], &participants[p]);
        let key = pair_ids(&a.id, &b.id);
        let rev = pair_ids(&b.id, &a.id);
        let same = ev.avoid_same_institution
            && !a.institution.is_empty()
            && a.institution == b.institution;
        if same
            || ev.conflicts.contains(&key)
            || ev.excluded.contains(&rev)
            || ev.excluded.contains(&key)
            || ev.conflicts.contains(&rev)
        {
            continue;
        }
        ev.forced.push(key);
    }
    // Minimums must fit the meeting places.
    while (ne as u32) * ev.meetings_per_enterprise.min > ns as u32 * tables {
        ev.meetings_per_enterprise.min -= 1;
    }
    Inst {
        event: ev,
        enterprises,
        participants,
        candidates,
    }
}

// --- independent brute force ---------------------------------------------------

/// The rules written out again from the event file, independently of
/// the module's own preparation, so the test checks the semantics too.
pub struct Brute {
    pub pairs: Vec<(usize, usize, i64, bool)>, // e, p, scaled score, forced
    pub cap_e: Vec<usize>,
    pub cap_p: Vec<usize>,
    pub min_e: Vec<usize>,
    pub places: usize,
    pub ne: usize,
}

pub fn avail_sets(inst: &Inst) -> BTreeMap<String, Vec<bool>> {
    let ns = inst.event.slots.len();
    let mut m = BTreeMap::new();
    for p in inst.enterprises.iter().chain(inst.participants.iter()) {
        let mut v = vec![true; ns];
        if let Some(refs) = inst.event.unavailable.get(&p.id) {
            for r in refs {
                if let SlotRef::Index(i) = r {
                    v[*i] = false;
                }
            }
        }
        m.insert(p.id.clone(), v);
    }
    m
}

pub fn brute_problem(inst: &Inst) -> Brute {
    let ev = &inst.event;
    let av = avail_sets(inst);
    let ns = ev.slots.len();
    let listed = |list: &[[String; 2]], a: &str, b: &str| {
        list.iter()
            .any(|x| (x[0] == a && x[1] == b) || (x[0] == b && x[1] == a))
    };
    let count = |id: &str| av[id].iter().filter(|&&x| x).count();
    let mut cap_e = Vec::new();
    let mut min_e = Vec::new();
    for e in &inst.enterprises {
        let lim = ev.limits.get(&e.id).copied().unwrap_or_default();
        let mx = lim
            .max
            .or(ev.meetings_per_enterprise.max)
            .unwrap_or(ns as u32) as usize;
        cap_e.push(mx.min(count(&e.id)));
        min_e.push(lim.min.unwrap_or(ev.meetings_per_enterprise.min) as usize);
    }
    let cap_p: Vec<usize> = inst
        .participants
        .iter()
        .map(|p| {
            let lim = ev.limits.get(&p.id).copied().unwrap_or_default();
            let mx = lim
                .max
                .or(ev.meetings_per_participant.max)
                .unwrap_or(ns as u32) as usize;
            mx.min(count(&p.id))
        })
        .collect();
    let mut pairs = Vec::new();
    for (e, ep) in inst.enterprises.iter().enumerate() {
        for (p, pp) in inst.participants.iter().enumerate() {
            let forced = listed(&ev.forced, &ep.id, &pp.id);
            let c = inst
                .candidates
                .iter()
                .find(|c| c.enterprise == e && c.participant == p);
            let score = c.map(|c| (c.score * 1e6).round() as i64).unwrap_or(0);
            let ok_score = forced || c.is_some_and(|c| c.score >= ev.min_score);
            let same = ev.avoid_same_institution
                && !ep.institution.trim().is_empty()
                && ep.institution.trim().to_lowercase() == pp.institution.trim().to_lowercase();
            let common = (0..ns).any(|s| av[&ep.id][s] && av[&pp.id][s]);
            if ok_score
                && !same
                && common
                && !listed(&ev.excluded, &ep.id, &pp.id)
                && !listed(&ev.conflicts, &ep.id, &pp.id)
            {
                pairs.push((e, p, score, forced));
            }
        }
    }
    Brute {
        pairs,
        cap_e,
        cap_p,
        min_e,
        places: ns * ev.tables as usize,
        ne: inst.enterprises.len(),
    }
}

/// Visits every subset of the admissible pairs that respects the
/// per-party caps and the number of meeting places.
pub fn enumerate(b: &Brute, visit: &mut dyn FnMut(&[usize])) {
    fn rec(
        b: &Brute,
        i: usize,
        chosen: &mut Vec<usize>,
        de: &mut Vec<usize>,
        dp: &mut Vec<usize>,
        visit: &mut dyn FnMut(&[usize]),
    ) {
        if i == b.pairs.len() {
            visit(chosen);
            return;
        }
        rec(b, i + 1, chosen, de, dp, visit);
        let (e, p, _, _) = b.pairs[i];
        if de[e] < b.cap_e[e] && dp[p] < b.cap_p[p] && chosen.len() < b.places {
            de[e] += 1;
            dp[p] += 1;
            chosen.push(i);
            rec(b, i + 1, chosen, de, dp, visit);
            chosen.pop();
            de[e] -= 1;
            dp[p] -= 1;
        }
    }
    let mut de = vec![0; b.ne];
    let mut dp = vec![0; b.cap_p.len()];
    rec(b, 0, &mut Vec::new(), &mut de, &mut dp, visit);
}

/// (forced pairs, units towards minimums, score) of a set of pairs.
pub fn levels(b: &Brute, set: &[(usize, usize, i64, bool)]) -> (usize, usize, i64) {
    let mut de = vec![0usize; b.ne];
    let (mut f, mut s) = (0, 0);
    for &(e, _, sc, forced) in set {
        de[e] += 1;
        s += sc;
        f += forced as usize;
    }
    let m = (0..b.ne).map(|e| de[e].min(b.min_e[e])).sum();
    (f, m, s)
}

pub fn best_per_enterprise(b: &Brute, set: &[(usize, usize, i64, bool)]) -> Vec<i64> {
    let mut best = vec![-1i64; b.ne];
    for &(e, _, sc, _) in set {
        best[e] = best[e].max(sc);
    }
    best
}

/// The schedule's selected pairs (placed and unplaced) as brute pairs.
pub fn selected_pairs(inst: &Inst, sched: &Schedule, b: &Brute) -> Vec<(usize, usize, i64, bool)> {
    let ei = |id: &str| inst.enterprises.iter().position(|x| x.id == id).unwrap();
    let pi = |id: &str| inst.participants.iter().position(|x| x.id == id).unwrap();
    let mut out = Vec::new();
    let ids = sched
        .meetings
        .iter()
        .map(|m| (m.enterprise_id.as_str(), m.participant_id.as_str()))
        .chain(
            sched
                .unplaced
                .iter()
                .map(|m| (m.enterprise_id.as_str(), m.participant_id.as_str())),
        );
    for (e, p) in ids {
        let (e, p) = (ei(e), pi(p));
        let x = b.pairs.iter().find(|x| x.0 == e && x.1 == p);
        out.push(*x.expect("selected pair must be admissible"));
    }
    out
}

pub fn check_feasible(b: &Brute, set: &[(usize, usize, i64, bool)]) {
    let mut de = vec![0usize; b.ne];
    let mut dp = vec![0usize; b.cap_p.len()];
    for &(e, p, _, _) in set {
        de[e] += 1;
        dp[p] += 1;
    }
    assert!(set.len() <= b.places, "more meetings than places");
    for (e, &d) in de.iter().enumerate() {
        assert!(d <= b.cap_e[e], "enterprise {e} over its cap");
    }
    for (p, &d) in dp.iter().enumerate() {
        assert!(d <= b.cap_p[p], "participant {p} over its cap");
    }
    let mut sorted: Vec<_> = set.iter().map(|x| (x.0, x.1)).collect();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), set.len(), "a pair selected twice");
}

/// Checks the timetable's hard rules: nobody double-booked, nobody in
/// a slot they cannot attend, at most `tables` per slot, table numbers
/// valid and distinct, agendas consistent.
pub fn check_timetable(inst: &Inst, sched: &Schedule) {
    let av = avail_sets(inst);
    let ns = inst.event.slots.len();
    let mut seen = std::collections::BTreeSet::new();
    let mut tables_seen = std::collections::BTreeSet::new();
    let mut per_slot = vec![0usize; ns];
    for m in &sched.meetings {
        assert!(m.slot < ns);
        assert!(
            seen.insert((m.enterprise_id.clone(), m.slot)),
            "enterprise double-booked"
        );
        assert!(
            seen.insert((m.participant_id.clone(), m.slot)),
            "participant double-booked"
        );
        assert!(
            av[&m.enterprise_id][m.slot],
            "enterprise in an unavailable slot"
        );
        assert!(
            av[&m.participant_id][m.slot],
            "participant in an unavailable slot"
        );
        assert!(
            m.table >= 1 && m.table <= inst.event.tables,
            "table out of range"
        );
        assert!(
            tables_seen.insert((m.slot, m.table)),
            "table used twice in a slot"
        );
        per_slot[m.slot] += 1;
    }
    for &c in &per_slot {
        assert!(
            c <= inst.event.tables as usize,
            "more meetings than tables in a slot"
        );
    }
    assert_eq!(sched.totals.tables_used_per_slot, per_slot);
    assert_eq!(
        sched.totals.slots_used,
        per_slot.iter().filter(|&&c| c > 0).count()
    );
    assert!(sched.totals.slots_used >= sched.totals.slots_lower_bound);
    let n_agenda: usize = sched
        .enterprise_agendas
        .iter()
        .map(|a| a.meetings.len())
        .sum();
    assert_eq!(n_agenda, sched.meetings.len());
    let n_agenda: usize = sched
        .participant_agendas
        .iter()
        .map(|a| a.meetings.len())
        .sum();
    assert_eq!(n_agenda, sched.meetings.len());
    for u in &sched.unplaced {
        assert!(!u.reason.is_empty(), "unplaced meeting without a reason");
    }
    assert_eq!(
        sched.totals.selected,
        sched.meetings.len() + sched.unplaced.len()
    );
}

pub fn run(inst: &Inst) -> Schedule {
    plan(
        &inst.event,
        &inst.enterprises,
        &inst.participants,
        &inst.candidates,
    )
    .expect("valid instance")
}

/// Scores for a 2×2 (or larger) grid; `None` = no candidate.
pub fn grid(scores: &[&[Option<f64>]]) -> (Vec<Party>, Vec<Party>, Vec<Candidate>) {
    let ne = scores.len();
    let np = scores.first().map_or(0, |r| r.len());
    let enterprises = (0..ne).map(|i| party(&format!("e{i}"), "")).collect();
    let participants = (0..np).map(|i| party(&format!("p{i}"), "")).collect();
    let mut c = Vec::new();
    for (e, row) in scores.iter().enumerate() {
        for (p, s) in row.iter().enumerate() {
            if let Some(s) = s {
                c.push(cand(e, p, *s));
            }
        }
    }
    (enterprises, participants, c)
}

pub fn pairs_of(sched: &Schedule) -> Vec<(String, String)> {
    let mut v: Vec<_> = sched
        .meetings
        .iter()
        .map(|m| (m.enterprise_id.clone(), m.participant_id.clone()))
        .collect();
    v.sort();
    v
}

pub fn pv(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

/// A large event with every constraint in use: 300 enterprises, 1,000
/// participants, 12 slots, 60 tables, ~20 candidates per enterprise.
pub fn big_instance(seed: u64) -> Inst {
    let mut rng = Rng::new(seed);
    let (ne, np, ns) = (300usize, 1000usize, 12usize);
    let insts: Vec<String> = (0..40).map(|i| format!("Institution {i}")).collect();
    let enterprises: Vec<Party> = (0..ne)
        .map(|i| party(&format!("E{i:03}"), &insts[rng.below(insts.len())]))
        .collect();
    let participants: Vec<Party> = (0..np)
        .map(|i| party(&format!("R{i:04}"), &insts[rng.below(insts.len())]))
        .collect();
    let mut ev = event(ns, 60);
    ev.meetings_per_enterprise = EnterpriseMeetings {
        min: 1,
        max: Some(4),
    };
    ev.meetings_per_participant.max = Some(3);
    ev.min_score = 0.15;
    ev.fairness = true;
    ev.avoid_same_institution = true;
    let mut candidates = Vec::new();
    for e in 0..ne {
        let mut ps: Vec<usize> = Vec::new();
        while ps.len() < 20 {
            let p = rng.below(np);
            if !ps.contains(&p) {
                ps.push(p);
            }
        }
        for p in ps {
            candidates.push(cand(e, p, rng.below(1_000_001) as f64 / 1e6));
        }
    }
    for _ in 0..150 {
        let c = &candidates[rng.below(candidates.len())];
        ev.conflicts.push(pair_ids(
            &enterprises[c.enterprise].id,
            &participants[c.participant].id,
        ));
    }
    for _ in 0..150 {
        let c = &candidates[rng.below(candidates.len())];
        ev.excluded.push(pair_ids(
            &participants[c.participant].id,
            &enterprises[c.enterprise].id,
        ));
    }
    let mut n_forced = 0;
    while n_forced < 40 {
        let c = &candidates[rng.below(candidates.len())];
        let (a, b) = (&enterprises[c.enterprise], &participants[c.participant]);
        let key = pair_ids(&a.id, &b.id);
        if a.institution == b.institution
            || ev.conflicts.contains(&key)
            || ev.excluded.contains(&pair_ids(&b.id, &a.id))
            || ev.forced.contains(&key)
        {
            continue;
        }
        ev.forced.push(key);
        n_forced += 1;
    }
    for id in enterprises
        .iter()
        .chain(participants.iter())
        .map(|p| p.id.clone())
    {
        if rng.chance(10) {
            let v: Vec<SlotRef> = (0..rng.range(1, 4))
                .map(|_| SlotRef::Index(rng.below(ns)))
                .collect();
            ev.unavailable.insert(id, v);
        }
    }
    for e in enterprises.iter().take(10) {
        ev.limits.insert(
            e.id.clone(),
            PartyLimit {
                min: Some(2),
                max: Some(6),
            },
        );
    }
    for p in participants.iter().take(10) {
        ev.limits.insert(
            p.id.clone(),
            PartyLimit {
                min: None,
                max: Some(1),
            },
        );
    }
    Inst {
        event: ev,
        enterprises,
        participants,
        candidates,
    }
}
