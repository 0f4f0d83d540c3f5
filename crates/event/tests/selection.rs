//! Selection: the chosen meetings are the optimum of the objective
//! (checked against exhaustive search) and the requests that cannot be met
//! are reported with their reason.

mod common;

use common::*;
use coopmatch_event::*;

#[test]
fn selection_matches_exhaustive_search_on_random_instances() {
    for seed in 1..=300u64 {
        let mut rng = Rng::new(seed);
        let inst = random_instance(&mut rng, seed % 2 == 0, 24);
        let sched = run(&inst);
        let b = brute_problem(&inst);
        let ours = selected_pairs(&inst, &sched, &b);
        check_feasible(&b, &ours);
        let mut best = (0, 0, 0);
        enumerate(&b, &mut |set| {
            let v: Vec<_> = set.iter().map(|&i| b.pairs[i]).collect();
            best = best.max(levels(&b, &v));
        });
        assert_eq!(
            levels(&b, &ours),
            best,
            "seed {seed}: (forced, minimum units, score) not optimal"
        );
        check_timetable(&inst, &sched);
    }
}

#[test]
fn plain_total_score_matches_exhaustive_search() {
    // No minimums, no forced pairs: the objective is the total score.
    for seed in 1000..1150u64 {
        let mut rng = Rng::new(seed);
        let mut inst = random_instance(&mut rng, true, 24);
        inst.event.meetings_per_enterprise.min = 0;
        inst.event.forced.clear();
        inst.event.limits.clear();
        let sched = run(&inst);
        let b = brute_problem(&inst);
        let mut best = 0i64;
        enumerate(&b, &mut |set| {
            best = best.max(set.iter().map(|&i| b.pairs[i].2).sum())
        });
        let ours: i64 = selected_pairs(&inst, &sched, &b).iter().map(|x| x.2).sum();
        assert_eq!(ours, best, "seed {seed}");
    }
}

#[test]
fn fairness_matches_exhaustive_max_min_on_random_instances() {
    for seed in 2000..2200u64 {
        let mut rng = Rng::new(seed);
        let mut inst = random_instance(&mut rng, seed % 3 == 0, 20);
        inst.event.fairness = true;
        let sched = run(&inst);
        let b = brute_problem(&inst);
        let ours = selected_pairs(&inst, &sched, &b);
        check_feasible(&b, &ours);
        // Pass 1: (forced, minimum units, enterprises served, worst best).
        let mut top = (0usize, 0usize, 0usize, i64::MIN);
        enumerate(&b, &mut |set| {
            let v: Vec<_> = set.iter().map(|&i| b.pairs[i]).collect();
            let (f, m, _) = levels(&b, &v);
            let best = best_per_enterprise(&b, &v);
            let served = best.iter().filter(|&&x| x >= 0).count();
            let worst = best
                .iter()
                .copied()
                .filter(|&x| x >= 0)
                .min()
                .unwrap_or(i64::MIN);
            top = top.max((f, m, served, worst));
        });
        // Pass 2: the best total among sets keeping that worst best.
        let t = top.3;
        let mut top2 = (0usize, 0usize, 0usize, 0i64);
        enumerate(&b, &mut |set| {
            let v: Vec<_> = set.iter().map(|&i| b.pairs[i]).collect();
            let (f, m, s) = levels(&b, &v);
            let at_t = best_per_enterprise(&b, &v)
                .iter()
                .filter(|&&x| x >= t && x >= 0)
                .count();
            top2 = top2.max((f, m, at_t, s));
        });
        let (f, m, s) = levels(&b, &ours);
        let best = best_per_enterprise(&b, &ours);
        let served = best.iter().filter(|&&x| x >= 0).count();
        let worst = best
            .iter()
            .copied()
            .filter(|&x| x >= 0)
            .min()
            .unwrap_or(i64::MIN);
        assert_eq!((f, m, served, worst), top, "seed {seed}: max–min level");
        assert_eq!(s, top2.3, "seed {seed}: total under the fairness threshold");
        if let Some(fair) = &sched.fairness {
            assert_eq!(
                (fair.worst_best_score * 1e6).round() as i64,
                worst,
                "seed {seed}"
            );
            assert_eq!(fair.enterprises_served, served, "seed {seed}");
        }
        check_timetable(&inst, &sched);
    }
}

#[test]
fn greedy_trap_is_solved_optimally() {
    // Greedy takes e0–p0 (0.9) and is stuck at 0.9; the optimum pairs
    // e0–p1 and e1–p0 for 0.8 + 0.85 = 1.65.
    let (enterprises, participants, c) = grid(&[&[Some(0.9), Some(0.8)], &[Some(0.85), None]]);
    let mut ev = event(2, 5);
    ev.meetings_per_enterprise.max = Some(1);
    ev.meetings_per_participant.max = Some(1);
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(pairs_of(&s), pv(&[("e0", "p1"), ("e1", "p0")]));
    assert!((s.totals.total_score - 1.65).abs() < 1e-9);
}

#[test]
fn maximises_score_not_meeting_count() {
    // Two meetings would score 0.2; one meeting scores 0.9.
    let (enterprises, participants, c) = grid(&[&[Some(0.9), Some(0.1)], &[Some(0.1), None]]);
    let mut ev = event(1, 5);
    ev.meetings_per_enterprise.max = Some(1);
    ev.meetings_per_participant.max = Some(1);
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(pairs_of(&s), pv(&[("e0", "p0")]));
    assert_eq!(
        s.unmet
            .iter()
            .filter(|u| u.kind == UnmetKind::NoMeeting)
            .count(),
        1
    );
}

#[test]
fn zero_score_pairs_add_nothing_and_are_left_out() {
    let (enterprises, participants, c) = grid(&[&[Some(0.0), Some(0.5)]]);
    let s = plan(&event(3, 3), &enterprises, &participants, &c).unwrap();
    assert_eq!(pairs_of(&s), pv(&[("e0", "p1")]));
}

#[test]
fn minimums_come_before_score() {
    // p0 can meet once. Score alone gives it to e0 (0.9); e1's minimum
    // of 1 needs p0 (its only partner), and e0 still has p1.
    let (enterprises, participants, c) = grid(&[&[Some(0.9), Some(0.3)], &[Some(0.5), None]]);
    let mut ev = event(2, 5);
    ev.meetings_per_enterprise = EnterpriseMeetings {
        min: 1,
        max: Some(1),
    };
    ev.meetings_per_participant.max = Some(1);
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(pairs_of(&s), pv(&[("e0", "p1"), ("e1", "p0")]));
    assert!(s.unmet.is_empty(), "{:?}", s.unmet);
}

#[test]
fn minimum_that_cannot_be_met_is_reported_with_reason() {
    let (enterprises, participants, c) = grid(&[&[Some(0.9), Some(0.8)], &[Some(0.5), None]]);
    let mut ev = event(3, 5);
    ev.meetings_per_enterprise = EnterpriseMeetings {
        min: 2,
        max: Some(3),
    };
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    let u = s.unmet.iter().find(|u| u.id == "e1").expect("e1 unmet");
    assert_eq!(u.kind, UnmetKind::BelowMinimum);
    assert!(
        u.reason.contains("only 1 admissible partner"),
        "{}",
        u.reason
    );
}

#[test]
fn forced_pair_is_included_even_below_min_score_or_unscored() {
    let (enterprises, participants, c) = grid(&[&[Some(0.1), Some(0.9)], &[None, Some(0.8)]]);
    let mut ev = event(2, 5);
    ev.min_score = 0.5;
    ev.meetings_per_enterprise.max = Some(1);
    ev.forced = vec![pair_ids("e0", "p0"), pair_ids("p0", "e1")];
    ev.meetings_per_participant.max = Some(2);
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(pairs_of(&s), pv(&[("e0", "p0"), ("e1", "p0")]));
    assert!(s.meetings.iter().all(|m| m.forced));
}

#[test]
fn forced_pair_without_common_slot_is_reported() {
    let (enterprises, participants, c) = grid(&[&[Some(0.5)]]);
    let mut ev = event(2, 1);
    ev.forced = vec![pair_ids("e0", "p0")];
    ev.unavailable.insert("e0".into(), vec![SlotRef::Index(0)]);
    ev.unavailable
        .insert("p0".into(), vec![SlotRef::Label("09:20".into())]);
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert!(s.meetings.is_empty());
    let u = s
        .unmet
        .iter()
        .find(|u| u.kind == UnmetKind::ForcedPairNotMet)
        .unwrap();
    assert!(u.reason.contains("no slot where both"), "{}", u.reason);
}

#[test]
fn fairness_lifts_the_worst_served_enterprise() {
    // Max total: e0 takes p0 (1.0) and p1 (0.9), e1 gets p2 (0.1):
    // worst best 0.1. Fair: e1 gets p1 (0.8), worst best 0.8.
    let (enterprises, participants, c) =
        grid(&[&[Some(1.0), Some(0.9), None], &[None, Some(0.8), Some(0.1)]]);
    let mut ev = event(2, 5);
    ev.meetings_per_participant.max = Some(1);
    ev.meetings_per_enterprise.max = Some(2);
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert!(pairs_of(&s).contains(&("e0".to_string(), "p1".to_string())));
    ev.fairness = true;
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(
        pairs_of(&s),
        pv(&[("e0", "p0"), ("e1", "p1"), ("e1", "p2")])
    );
    assert_eq!(s.fairness.as_ref().unwrap().worst_best_score, 0.8);
}

#[test]
fn same_institution_and_conflicts_are_respected() {
    let enterprises = vec![party("e0", " Tsinghua "), party("e1", "Acme")];
    let participants = vec![party("p0", "tsinghua"), party("p1", "")];
    let c = vec![
        cand(0, 0, 0.9),
        cand(0, 1, 0.5),
        cand(1, 0, 0.4),
        cand(1, 1, 0.3),
    ];
    let mut ev = event(3, 3);
    ev.avoid_same_institution = true;
    ev.conflicts = vec![pair_ids("p1", "e1")];
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(pairs_of(&s), pv(&[("e0", "p1"), ("e1", "p0")]));
}

#[test]
fn forced_pairs_over_a_cap_are_reported() {
    let (enterprises, participants, c) = grid(&[&[Some(0.5)], &[Some(0.9)]]);
    let mut ev = event(3, 3);
    ev.meetings_per_participant.max = Some(1);
    ev.forced = vec![pair_ids("e0", "p0"), pair_ids("e1", "p0")];
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(s.meetings.len(), 1);
    let u: Vec<_> = s
        .unmet
        .iter()
        .filter(|u| u.kind == UnmetKind::ForcedPairNotMet)
        .collect();
    assert_eq!(u.len(), 1);
    assert!(
        u[0].reason
            .contains("`p0` has 2 forced pairs but can take at most 1 meetings"),
        "{}",
        u[0].reason
    );
}

#[test]
fn forced_pair_that_cannot_be_timed_is_reported() {
    let (enterprises, participants, c) = grid(&[&[None], &[None]]);
    let mut ev = event(3, 3);
    ev.forced = vec![pair_ids("e0", "p0"), pair_ids("e1", "p0")];
    for e in ["e0", "e1"] {
        ev.unavailable
            .insert(e.into(), vec![SlotRef::Index(1), SlotRef::Index(2)]);
    }
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
    assert_eq!(s.totals.selected, 2);
    assert_eq!(s.unplaced.len(), 1);
    let u = s
        .unmet
        .iter()
        .find(|u| u.kind == UnmetKind::ForcedPairNotMet)
        .unwrap();
    assert!(
        u.reason.starts_with("selected but not placed"),
        "{}",
        u.reason
    );
}
