//! Report: turns the selection and the timetable into the [`Schedule`]
//! (meetings in time order, agendas for every party, unmet requests with
//! reasons naming the constraint, totals).

use crate::input::Party;
use crate::problem::{Pair, Problem, Status, SCALE};
use crate::schedule::{
    Agenda, AgendaEntry, Fairness, Meeting, Schedule, Side, Totals, Unmet, UnmetKind,
    UnplacedMeeting,
};
use crate::selection::Selection;
use crate::timetable::Timetable;
use std::collections::BTreeMap;

/// Builds the schedule from the problem, its selection and their timetable.
pub(crate) fn report(problem: &Problem, selection: &Selection, timetable: &Timetable) -> Schedule {
    let outcome = Outcome::new(problem, selection, timetable);
    let (enterprise_agendas, participant_agendas) = agendas(problem, &outcome.meetings);
    let (why_enterprise, why_participant) = why_per_party(problem);
    let mut unmet = unmet_forced_pairs(problem, selection, &outcome);
    unmet.extend(unmet_enterprises(problem, &outcome, &why_enterprise));
    unmet.extend(unmet_participants(problem, &why_participant));
    let totals = totals(problem, selection, &outcome);
    let fairness = fairness(problem, selection);
    let event = problem.event;
    Schedule {
        name: event.name.clone(),
        slots: event.slots.clone(),
        tables: event.tables,
        meetings: outcome.meetings.into_iter().map(|(m, _, _)| m).collect(),
        unplaced: outcome.unplaced,
        enterprise_agendas,
        participant_agendas,
        unmet,
        totals,
        fairness,
    }
}

/// Rounds to 1e-6, the precision of the scaled scores.
fn round6(x: f64) -> f64 {
    (x * SCALE).round() / SCALE
}

/// The selected meetings split into placed and unplaced, with the counts
/// the rest of the report needs.
struct Outcome {
    /// Placed meetings by slot then table, with (enterprise, participant).
    meetings: Vec<(Meeting, usize, usize)>,
    unplaced: Vec<UnplacedMeeting>,
    /// Per enterprise: selected meetings, placed or not.
    selected_per_enterprise: Vec<u32>,
    placed_per_enterprise: Vec<u32>,
    placed_per_participant: Vec<u32>,
    /// Per pair of the problem: selected, and placed.
    selected_pair: Vec<bool>,
    placed_pair: Vec<bool>,
    /// Why a selected pair is unplaced, by pair.
    unplaced_reason: BTreeMap<usize, String>,
    /// Sum of the placed meetings' scaled scores.
    score_sum: i64,
}

impl Outcome {
    fn new(problem: &Problem, selection: &Selection, timetable: &Timetable) -> Outcome {
        let ne = problem.enterprises.len();
        let np = problem.participants.len();
        let mut outcome = Outcome {
            meetings: Vec::new(),
            unplaced: Vec::new(),
            selected_per_enterprise: vec![0; ne],
            placed_per_enterprise: vec![0; ne],
            placed_per_participant: vec![0; np],
            selected_pair: vec![false; problem.pairs.len()],
            placed_pair: vec![false; problem.pairs.len()],
            unplaced_reason: BTreeMap::new(),
            score_sum: 0,
        };
        // The timetable has one place and one reason per chosen meeting.
        debug_assert_eq!(timetable.place.len(), selection.chosen.len());
        debug_assert_eq!(timetable.reason.len(), selection.chosen.len());
        for ((&k, place), reason) in selection
            .chosen
            .iter()
            .zip(&timetable.place)
            .zip(&timetable.reason)
        {
            let pair = &problem.pairs[k];
            outcome.selected_pair[k] = true;
            outcome.selected_per_enterprise[pair.enterprise] += 1;
            match *place {
                Some((slot, table)) => outcome.add_placed(problem, k, pair, slot, table),
                None => outcome.add_unplaced(problem, k, pair, reason),
            }
        }
        outcome.meetings.sort_by_key(|m| (m.0.slot, m.0.table));
        outcome
    }

    fn add_placed(&mut self, problem: &Problem, k: usize, pair: &Pair, slot: usize, table: u32) {
        self.placed_per_enterprise[pair.enterprise] += 1;
        self.placed_per_participant[pair.participant] += 1;
        self.placed_pair[k] = true;
        self.score_sum += pair.score;
        let enterprise = problem.enterprise(pair.enterprise);
        let participant = problem.participant(pair.participant);
        // The timetable's slots are the event's.
        let times = &problem.event.slots[slot];
        self.meetings.push((
            Meeting {
                slot,
                start: times.start.clone(),
                end: times.end.clone(),
                table,
                enterprise_id: enterprise.id.clone(),
                enterprise_name: enterprise.name.clone(),
                participant_id: participant.id.clone(),
                participant_name: participant.name.clone(),
                score: pair.input_score,
                topics: problem.topics(pair),
                forced: pair.forced,
            },
            pair.enterprise,
            pair.participant,
        ));
    }

    fn add_unplaced(&mut self, problem: &Problem, k: usize, pair: &Pair, reason: &str) {
        let enterprise = problem.enterprise(pair.enterprise);
        let participant = problem.participant(pair.participant);
        self.unplaced_reason.insert(k, reason.to_string());
        self.unplaced.push(UnplacedMeeting {
            enterprise_id: enterprise.id.clone(),
            enterprise_name: enterprise.name.clone(),
            participant_id: participant.id.clone(),
            participant_name: participant.name.clone(),
            score: pair.input_score,
            topics: problem.topics(pair),
            forced: pair.forced,
            reason: reason.to_string(),
        });
    }
}

/// One agenda per enterprise and per participant, in input order, each
/// listing the party's meetings in time order and naming the party met.
fn agendas(problem: &Problem, meetings: &[(Meeting, usize, usize)]) -> (Vec<Agenda>, Vec<Agenda>) {
    let mut by_enterprise: Vec<Vec<usize>> = vec![Vec::new(); problem.enterprises.len()];
    let mut by_participant: Vec<Vec<usize>> = vec![Vec::new(); problem.participants.len()];
    for (i, &(_, e, p)) in meetings.iter().enumerate() {
        by_enterprise[e].push(i);
        by_participant[p].push(i);
    }
    let mut enterprise_agendas = Vec::with_capacity(problem.enterprises.len());
    for (party, list) in problem.enterprises.iter().zip(&by_enterprise) {
        let mut entries = Vec::with_capacity(list.len());
        for &i in list {
            let (meeting, _, p) = &meetings[i];
            entries.push(agenda_entry(meeting, problem.participant(*p)));
        }
        enterprise_agendas.push(agenda(Side::Enterprise, party, entries));
    }
    let mut participant_agendas = Vec::with_capacity(problem.participants.len());
    for (party, list) in problem.participants.iter().zip(&by_participant) {
        let mut entries = Vec::with_capacity(list.len());
        for &i in list {
            let (meeting, e, _) = &meetings[i];
            entries.push(agenda_entry(meeting, problem.enterprise(*e)));
        }
        participant_agendas.push(agenda(Side::Participant, party, entries));
    }
    (enterprise_agendas, participant_agendas)
}

fn agenda(side: Side, party: &Party, meetings: Vec<AgendaEntry>) -> Agenda {
    Agenda {
        side,
        id: party.id.clone(),
        name: party.name.clone(),
        institution: party.institution.clone(),
        meetings,
    }
}

fn agenda_entry(meeting: &Meeting, other: &Party) -> AgendaEntry {
    AgendaEntry {
        slot: meeting.slot,
        start: meeting.start.clone(),
        end: meeting.end.clone(),
        table: meeting.table,
        counterpart_id: other.id.clone(),
        counterpart_name: other.name.clone(),
        counterpart_institution: other.institution.clone(),
        score: meeting.score,
        topics: meeting.topics.clone(),
        forced: meeting.forced,
    }
}

/// Counts of why a party's candidate pairs cannot be proposed.
#[derive(Default, Clone, Copy)]
struct Why {
    total: usize,
    admissible: usize,
    excluded: usize,
    conflict: usize,
    same_institution: usize,
    no_common_slot: usize,
    below_min_score: usize,
}

impl Why {
    fn add(&mut self, status: Status) {
        self.total += 1;
        match status {
            Status::Admissible => self.admissible += 1,
            Status::Excluded => self.excluded += 1,
            Status::Conflict => self.conflict += 1,
            Status::SameInstitution => self.same_institution += 1,
            Status::NoCommonSlot => self.no_common_slot += 1,
            Status::BelowMinScore => self.below_min_score += 1,
        }
    }

    /// "3 below min_score 0.3, 1 excluded" for the non-admissible pairs.
    fn explain(&self, min_score: f64) -> String {
        if self.total == 0 {
            return "the matching engine proposed no pair".to_string();
        }
        let mut clauses = Vec::new();
        let mut add = |n: usize, what: String| {
            if n > 0 {
                clauses.push(format!("{n} {what}"));
            }
        };
        add(self.below_min_score, format!("below min_score {min_score}"));
        add(self.excluded, "excluded".to_string());
        add(self.conflict, "in conflicts".to_string());
        add(
            self.same_institution,
            "from the same institution (avoid_same_institution)".to_string(),
        );
        add(
            self.no_common_slot,
            "with no slot where both are available".to_string(),
        );
        if clauses.is_empty() {
            "all candidate pairs are admissible".to_string()
        } else {
            format!(
                "of {} candidate pair(s): {}",
                self.total,
                clauses.join(", ")
            )
        }
    }
}

/// Each party's [`Why`] over its pairs.
fn why_per_party(problem: &Problem) -> (Vec<Why>, Vec<Why>) {
    let mut why_enterprise = vec![Why::default(); problem.enterprises.len()];
    let mut why_participant = vec![Why::default(); problem.participants.len()];
    for pair in &problem.pairs {
        why_enterprise[pair.enterprise].add(pair.status);
        why_participant[pair.participant].add(pair.status);
    }
    (why_enterprise, why_participant)
}

/// "max 3, available in 4 of 6 slots" for party `i` of `side`.
fn limit_text(problem: &Problem, side: Side, i: usize) -> String {
    let (max, available) = match side {
        Side::Enterprise => (
            problem.enterprise_max[i],
            problem.enterprise_slots[i].count(),
        ),
        Side::Participant => (
            problem.participant_max[i],
            problem.participant_slots[i].count(),
        ),
    };
    format!(
        "max {max}, available in {available} of {} slots",
        problem.n_slots
    )
}

/// A forced pair that does not meet, with the most specific reason.
fn unmet_forced_pairs(problem: &Problem, selection: &Selection, outcome: &Outcome) -> Vec<Unmet> {
    let mut forced_per_enterprise = vec![0u32; problem.enterprises.len()];
    let mut forced_per_participant = vec![0u32; problem.participants.len()];
    let mut forced_total = 0u32;
    for pair in problem.pairs.iter().filter(|x| x.forced) {
        forced_per_enterprise[pair.enterprise] += 1;
        forced_per_participant[pair.participant] += 1;
        forced_total += 1;
    }
    debug_assert_eq!(
        outcome.selected_pair.iter().filter(|&&s| s).count(),
        selection.chosen.len()
    );
    let mut unmet = Vec::new();
    for (k, pair) in problem.pairs.iter().enumerate().filter(|(_, x)| x.forced) {
        let (e, p) = (pair.enterprise, pair.participant);
        let (enterprise, participant) = (problem.enterprise(e), problem.participant(p));
        let reason = if outcome.selected_pair[k] {
            if outcome.placed_pair[k] {
                continue;
            }
            format!(
                "selected but not placed: {}",
                outcome.unplaced_reason.get(&k).cloned().unwrap_or_default()
            )
        } else if pair.status == Status::NoCommonSlot {
            format!(
                "no slot where both `{}` and `{}` are available",
                enterprise.id, participant.id
            )
        } else if forced_per_enterprise[e] > problem.enterprise_capacity[e] {
            format!(
                "`{}` has {} forced pairs but can take at most {} meetings ({})",
                enterprise.id,
                forced_per_enterprise[e],
                problem.enterprise_capacity[e],
                limit_text(problem, Side::Enterprise, e)
            )
        } else if forced_per_participant[p] > problem.participant_capacity[p] {
            format!(
                "`{}` has {} forced pairs but can take at most {} meetings ({})",
                participant.id,
                forced_per_participant[p],
                problem.participant_capacity[p],
                limit_text(problem, Side::Participant, p)
            )
        } else if forced_total > problem.places {
            format!(
                "{forced_total} forced pairs but only {} meeting places ({} slots × {} tables)",
                problem.places, problem.n_slots, problem.tables
            )
        } else {
            "it cannot be combined with the other forced pairs within the meeting limits"
                .to_string()
        };
        unmet.push(Unmet {
            kind: UnmetKind::ForcedPairNotMet,
            side: Side::Enterprise,
            id: enterprise.id.clone(),
            name: enterprise.name.clone(),
            counterpart_id: Some(participant.id.clone()),
            reason,
        });
    }
    unmet
}

/// Enterprises with no admissible partner, below their minimum, or
/// without a meeting.
fn unmet_enterprises(problem: &Problem, outcome: &Outcome, why: &[Why]) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    for (e, party) in problem.enterprises.iter().enumerate() {
        let Some((kind, reason)) = enterprise_shortfall(problem, outcome, why[e], e) else {
            continue;
        };
        unmet.push(Unmet {
            kind,
            side: Side::Enterprise,
            id: party.id.clone(),
            name: party.name.clone(),
            counterpart_id: None,
            reason,
        });
    }
    unmet
}

/// What enterprise `e` lacks and why, or `None` when it is served.
fn enterprise_shortfall(
    problem: &Problem,
    outcome: &Outcome,
    why: Why,
    e: usize,
) -> Option<(UnmetKind, String)> {
    let min_score = problem.event.min_score;
    let min = problem.enterprise_min[e];
    let placed = outcome.placed_per_enterprise[e];
    let selected = outcome.selected_per_enterprise[e];
    if why.admissible == 0 {
        let mut reason = format!(
            "no research participant can be proposed: {}",
            why.explain(min_score)
        );
        if min > 0 {
            reason.push_str(&format!(" (its minimum is {min})"));
        }
        Some((UnmetKind::NoAdmissiblePartner, reason))
    } else if placed < min {
        let mut causes = Vec::new();
        if selected > placed {
            causes.push(format!(
                "{} selected meeting(s) could not be placed in the timetable (see `unplaced`)",
                selected - placed
            ));
        }
        let capacity = problem.enterprise_capacity[e];
        if capacity < min {
            causes.push(format!(
                "it can take at most {capacity} meeting(s) ({})",
                limit_text(problem, Side::Enterprise, e)
            ));
        } else if (why.admissible as u64) < u64::from(min) {
            let mut cause = format!("it has only {} admissible partner(s)", why.admissible);
            if why.admissible < why.total {
                cause.push_str(&format!("; {}", why.explain(min_score)));
            }
            causes.push(cause);
        } else if selected < min {
            causes.push(format!(
                "its admissible partners are at their own maximum, or the {} meeting places are needed for other enterprises' minimums and forced pairs",
                problem.places
            ));
        }
        Some((
            UnmetKind::BelowMinimum,
            format!(
                "{placed} meeting(s) for a minimum of {min}: {}",
                causes.join("; ")
            ),
        ))
    } else if placed == 0 {
        let reason = if selected > 0 {
            "its selected meetings could not be placed in the timetable (see `unplaced`)"
                .to_string()
        } else {
            format!(
                "{} admissible partner(s), but their time and the meeting places went to higher-scoring pairs{}",
                why.admissible,
                if problem.event.fairness {
                    ""
                } else {
                    " (set a minimum or turn on `fairness` to serve every enterprise)"
                }
            )
        };
        Some((UnmetKind::NoMeeting, reason))
    } else {
        None
    }
}

/// Participants with no admissible partner.
fn unmet_participants(problem: &Problem, why: &[Why]) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    for (party, why) in problem.participants.iter().zip(why) {
        if why.admissible == 0 {
            unmet.push(Unmet {
                kind: UnmetKind::NoAdmissiblePartner,
                side: Side::Participant,
                id: party.id.clone(),
                name: party.name.clone(),
                counterpart_id: None,
                reason: format!(
                    "no enterprise can be proposed: {}",
                    why.explain(problem.event.min_score)
                ),
            });
        }
    }
    unmet
}

fn totals(problem: &Problem, selection: &Selection, outcome: &Outcome) -> Totals {
    let n = outcome.meetings.len();
    let mut per_slot = vec![0usize; problem.n_slots];
    for (m, _, _) in &outcome.meetings {
        per_slot[m.slot] += 1;
    }
    let max_degree = outcome
        .placed_per_enterprise
        .iter()
        .chain(outcome.placed_per_participant.iter())
        .copied()
        .max()
        .unwrap_or(0) as usize;
    let lower_bound = max_degree.max(n.div_ceil(problem.tables as usize));
    let total_score = outcome.score_sum as f64 / SCALE;
    Totals {
        meetings: n,
        selected: selection.chosen.len(),
        unplaced: outcome.unplaced.len(),
        total_score,
        mean_score: if n == 0 {
            0.0
        } else {
            round6(total_score / n as f64)
        },
        slots_used: per_slot.iter().filter(|&&c| c > 0).count(),
        slots_lower_bound: lower_bound,
        tables_used_per_slot: per_slot,
        enterprises_with_meetings: outcome
            .placed_per_enterprise
            .iter()
            .filter(|&&c| c > 0)
            .count(),
        participants_with_meetings: outcome
            .placed_per_participant
            .iter()
            .filter(|&&c| c > 0)
            .count(),
    }
}

/// What fairness achieved, the worst best measured on the selection itself.
fn fairness(problem: &Problem, selection: &Selection) -> Option<Fairness> {
    let level = selection.fairness?;
    let mut best = vec![-1i64; problem.enterprises.len()];
    for &k in &selection.chosen {
        let pair = &problem.pairs[k];
        let b = &mut best[pair.enterprise];
        *b = (*b).max(pair.score);
    }
    let worst = best.iter().copied().filter(|&b| b >= 0).min().unwrap_or(0);
    Some(Fairness {
        worst_best_score: worst as f64 / SCALE,
        enterprises_served: level.served,
        enterprises_with_partners: level.with_partners,
    })
}
