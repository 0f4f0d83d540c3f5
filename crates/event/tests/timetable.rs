//! Timetable: valid on random events, as compact as exhaustive search on
//! tiny ones, the fewest slots without availability limits.

mod common;

use common::*;
use coopmatch_event::*;
use std::collections::BTreeMap;

#[test]
fn timetable_without_availability_uses_the_lower_bound_of_slots() {
    for seed in 3000..3300u64 {
        let mut rng = Rng::new(seed);
        // Bigger instances: 4–12 per side, random degrees, 2–10 slots.
        let ne = rng.range(4, 12);
        let np = rng.range(4, 12);
        let ns = rng.range(2, 10);
        let tables = rng.range(1, 8) as u32;
        let enterprises: Vec<Party> = (0..ne).map(|i| party(&format!("e{i}"), "")).collect();
        let participants: Vec<Party> = (0..np).map(|i| party(&format!("p{i}"), "")).collect();
        let mut c = Vec::new();
        for e in 0..ne {
            for p in 0..np {
                if rng.chance(40) {
                    c.push(cand(e, p, 0.05 + rng.below(19) as f64 / 20.0));
                }
            }
        }
        let ev = event(ns, tables);
        let inst = Inst {
            event: ev,
            enterprises,
            participants,
            candidates: c,
        };
        let s = run(&inst);
        check_timetable(&inst, &s);
        assert!(
            s.unplaced.is_empty(),
            "seed {seed}: unplaced without availability limits"
        );
        // Max degree and meetings ÷ tables, recomputed here.
        let mut deg = BTreeMap::new();
        for m in &s.meetings {
            *deg.entry(m.enterprise_id.clone()).or_insert(0usize) += 1;
            *deg.entry(m.participant_id.clone()).or_insert(0usize) += 1;
        }
        let lb = deg
            .values()
            .copied()
            .max()
            .unwrap_or(0)
            .max(s.meetings.len().div_ceil(tables as usize));
        assert_eq!(s.totals.slots_used, lb, "seed {seed}");
        // With ample tables that is exactly the maximum degree.
        if s.meetings.len() <= tables as usize {
            assert_eq!(
                s.totals.slots_used,
                deg.values().copied().max().unwrap_or(0)
            );
        }
    }
}

#[test]
fn timetable_with_availability_is_valid_on_random_instances() {
    for seed in 4000..4300u64 {
        let mut rng = Rng::new(seed);
        let inst = random_instance(&mut rng, true, 30);
        let s = run(&inst);
        check_timetable(&inst, &s);
    }
}

/// Exhaustive timetable search for tiny cases: (placed, −slots used).
fn brute_timetable(inst: &Inst, ms: &[(String, String)]) -> (usize, usize) {
    let av = avail_sets(inst);
    let ns = inst.event.slots.len();
    let tables = inst.event.tables as usize;
    fn rec(
        i: usize,
        ms: &[(String, String)],
        av: &BTreeMap<String, Vec<bool>>,
        ns: usize,
        tables: usize,
        asg: &mut Vec<Option<usize>>,
        best: &mut (usize, std::cmp::Reverse<usize>),
    ) {
        if i == ms.len() {
            let placed = asg.iter().filter(|x| x.is_some()).count();
            let mut used: Vec<usize> = asg.iter().flatten().copied().collect();
            used.sort();
            used.dedup();
            *best = (*best).max((placed, std::cmp::Reverse(used.len())));
            return;
        }
        let (e, p) = &ms[i];
        for s in 0..ns {
            if !av[e][s] || !av[p][s] {
                continue;
            }
            let clash = (0..i).any(|j| asg[j] == Some(s) && (ms[j].0 == *e || ms[j].1 == *p));
            let load = (0..i).filter(|&j| asg[j] == Some(s)).count();
            if clash || load >= tables {
                continue;
            }
            asg[i] = Some(s);
            rec(i + 1, ms, av, ns, tables, asg, best);
            asg[i] = None;
        }
        rec(i + 1, ms, av, ns, tables, asg, best);
    }
    let mut best = (0, std::cmp::Reverse(usize::MAX));
    rec(0, ms, &av, ns, tables, &mut vec![None; ms.len()], &mut best);
    (best.0, best.1 .0)
}

#[test]
fn timetable_matches_exhaustive_search_on_tiny_instances() {
    let mut checked = 0;
    for seed in 5000..5400u64 {
        let mut rng = Rng::new(seed);
        let mut inst = random_instance(&mut rng, true, 12);
        inst.event.meetings_per_participant.max = None;
        let s = run(&inst);
        let ms: Vec<(String, String)> = s
            .meetings
            .iter()
            .map(|m| (m.enterprise_id.clone(), m.participant_id.clone()))
            .chain(
                s.unplaced
                    .iter()
                    .map(|m| (m.enterprise_id.clone(), m.participant_id.clone())),
            )
            .collect();
        if ms.len() > 8 {
            continue;
        }
        checked += 1;
        let (placed, used) = brute_timetable(&inst, &ms);
        assert_eq!(s.meetings.len(), placed, "seed {seed}: placed");
        if placed > 0 {
            assert_eq!(s.totals.slots_used, used, "seed {seed}: slots used");
        }
    }
    assert!(checked > 100, "only {checked} tiny instances");
}

#[test]
fn meeting_that_cannot_be_placed_is_listed_with_reason() {
    // Both enterprises can only come at 09:00 and both want p0.
    let (enterprises, participants, c) = grid(&[&[Some(0.9)], &[Some(0.8)]]);
    let mut ev = event(3, 5);
    ev.unavailable
        .insert("e0".into(), vec![SlotRef::Index(1), SlotRef::Index(2)]);
    ev.unavailable.insert(
        "e1".into(),
        vec![SlotRef::Label("09:20".into()), SlotRef::Index(2)],
    );
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(s.meetings.len(), 1);
    assert_eq!(s.meetings[0].enterprise_id, "e0");
    assert_eq!(s.unplaced.len(), 1);
    let r = &s.unplaced[0].reason;
    assert!(r.contains("09:00 `p0` meets `e0`"), "{r}");
    assert!(r.contains("09:20 `e1` unavailable"), "{r}");
    // And e1 appears as an enterprise without a meeting.
    assert!(s
        .unmet
        .iter()
        .any(|u| u.id == "e1" && u.kind == UnmetKind::NoMeeting));
}

#[test]
fn enterprises_keep_their_table_when_tables_suffice() {
    let mut rng = Rng::new(77);
    let enterprises: Vec<Party> = (0..6).map(|i| party(&format!("e{i}"), "")).collect();
    let participants: Vec<Party> = (0..9).map(|i| party(&format!("p{i}"), "")).collect();
    let mut c = Vec::new();
    for e in 0..6 {
        for p in 0..9 {
            if rng.chance(50) {
                c.push(cand(e, p, 0.5));
            }
        }
    }
    let s = plan(&event(6, 6), &enterprises, &participants, &c).unwrap();
    for a in &s.enterprise_agendas {
        let mut t: Vec<u32> = a.meetings.iter().map(|m| m.table).collect();
        t.dedup();
        assert!(t.len() <= 1, "{} moves between tables {t:?}", a.id);
    }
}

#[test]
fn same_input_gives_same_output() {
    let mut rng = Rng::new(9);
    let mut inst = random_instance(&mut rng, true, 20);
    inst.event.fairness = true;
    let a = to_json(&run(&inst)).unwrap();
    let b = to_json(&run(&inst)).unwrap();
    assert_eq!(a, b);
}

#[test]
#[ignore = "scale check; run with --release -- --ignored --nocapture"]
#[cfg(not(target_arch = "wasm32"))]
fn scale_300_enterprises_1000_participants() {
    let inst = big_instance(1);
    let t0 = std::time::Instant::now();
    let s = run(&inst);
    let dt = t0.elapsed();
    check_timetable(&inst, &s);
    println!(
        "300×1000, 12 slots × 60 tables: {} meetings ({} unplaced), total {:.3}, {} slots, worst best {:?}, {} unmet, in {:.3} s",
        s.totals.meetings,
        s.totals.unplaced,
        s.totals.total_score,
        s.totals.slots_used,
        s.fairness.as_ref().map(|f| f.worst_best_score),
        s.unmet.len(),
        dt.as_secs_f64()
    );
}
