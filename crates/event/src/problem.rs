//! The validated problem: the input checked once, ids and slot references
//! resolved to indices, each party's limits and availability computed, and
//! every scored or forced pair classified as admissible or not (with the
//! reason). Everything after this module indexes with what it built, so
//! an index that came from the input is checked here and nowhere else.

use crate::error::{Error, Result};
use crate::input::{check_sizes, Candidate, Event, Party};
use crate::schedule::Side;
use crate::slots::SlotSet;
use std::collections::BTreeMap;

/// Scores are compared as integers `round(score × SCALE)`: floating-point
/// sums depend on the order of addition, integer sums do not.
pub(crate) const SCALE: f64 = 1_000_000.0;

/// Why a pair may or may not be proposed. Checked in this order, so a pair
/// gets the most fundamental reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Admissible,
    Excluded,
    Conflict,
    SameInstitution,
    NoCommonSlot,
    BelowMinScore,
}

/// A scored or forced pair with what the scheduler needs to know about it.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    /// Index into the enterprises, in range.
    pub(crate) enterprise: usize,
    /// Index into the participants, in range.
    pub(crate) participant: usize,
    /// `round(score × SCALE)`, `0..=1_000_000`: what the optimisation
    /// compares and adds.
    pub(crate) score: i64,
    /// The score as the engine gave it, for the report.
    pub(crate) input_score: f64,
    /// Index into the candidates (for the topics); `None` for a forced pair
    /// the engine did not score.
    pub(crate) candidate: Option<usize>,
    pub(crate) forced: bool,
    pub(crate) status: Status,
    /// Slots where both parties are available.
    pub(crate) common_slots: SlotSet,
}

/// The validated input, with indices resolved and capacities computed.
/// The per-party vectors are as long as the party lists they describe.
pub(crate) struct Problem<'a> {
    pub(crate) event: &'a Event,
    pub(crate) enterprises: &'a [Party],
    pub(crate) participants: &'a [Party],
    pub(crate) candidates: &'a [Candidate],
    /// Slots, `1..=MAX_SLOTS`.
    pub(crate) n_slots: usize,
    pub(crate) tables: u32,
    /// slots × tables.
    pub(crate) places: u32,
    /// Slots each enterprise can attend (never empty).
    pub(crate) enterprise_slots: Vec<SlotSet>,
    /// Slots each participant can attend (never empty).
    pub(crate) participant_slots: Vec<SlotSet>,
    pub(crate) enterprise_max: Vec<u32>,
    pub(crate) enterprise_min: Vec<u32>,
    pub(crate) participant_max: Vec<u32>,
    /// min(max, available slots): a party meets at most once per slot.
    pub(crate) enterprise_capacity: Vec<u32>,
    pub(crate) participant_capacity: Vec<u32>,
    /// Sorted by (enterprise, participant), no duplicates.
    pub(crate) pairs: Vec<Pair>,
}

impl<'a> Problem<'a> {
    /// Checks the input and builds the problem; errors name the offending
    /// item (see [`crate::plan`]).
    pub(crate) fn new(
        event: &'a Event,
        enterprises: &'a [Party],
        participants: &'a [Party],
        candidates: &'a [Candidate],
    ) -> Result<Problem<'a>> {
        let dims = event.dimensions()?;
        check_sizes(enterprises, participants, candidates)?;
        let ids = PartyIds::new(enterprises, participants)?;
        let limits = MeetingLimits::new(event, &ids, enterprises.len(), participants.len())?;
        limits.check_minimums_fit(event, u64::from(dims.places))?;
        let (enterprise_slots, participant_slots) =
            availability(event, &ids, enterprises.len(), participants.len())?;
        let enterprise_capacity = capacities(&limits.enterprise_max, &enterprise_slots);
        let participant_capacity = capacities(&limits.participant_max, &participant_slots);
        let lists = PairLists::new(event, &ids)?;
        let institutions = Institutions::new(event, enterprises, participants);
        lists.check_forced(event, &institutions, enterprises)?;
        let mut pairs = scored_pairs(candidates, enterprises, participants)?;
        add_forced(&mut pairs, &lists.forced);
        for pair in &mut pairs {
            pair.common_slots =
                enterprise_slots[pair.enterprise].and(participant_slots[pair.participant]);
            pair.status = classify(pair, event, &lists, &institutions);
        }
        Ok(Problem {
            event,
            enterprises,
            participants,
            candidates,
            n_slots: dims.slots,
            tables: dims.tables,
            places: dims.places,
            enterprise_slots,
            participant_slots,
            enterprise_max: limits.enterprise_max,
            enterprise_min: limits.enterprise_min,
            participant_max: limits.participant_max,
            enterprise_capacity,
            participant_capacity,
            pairs,
        })
    }

    /// The pair's topics from its candidate (none for an unscored forced
    /// pair).
    pub(crate) fn topics(&self, pair: &Pair) -> Vec<String> {
        pair.candidate
            .and_then(|c| self.candidates.get(c))
            .map(|c| c.topics.clone())
            .unwrap_or_default()
    }

    /// Enterprise `e`, an index from this problem (in range).
    pub(crate) fn enterprise(&self, e: usize) -> &Party {
        &self.enterprises[e]
    }

    /// Participant `p`, an index from this problem (in range).
    pub(crate) fn participant(&self, p: usize) -> &Party {
        &self.participants[p]
    }

    /// Slot `s`'s start label; `s < n_slots`.
    pub(crate) fn slot_label(&self, s: usize) -> String {
        self.event.slots[s].start.clone()
    }
}

/// Every party's id, mapped to its side and index; ids are checked to be
/// non-empty and unique across both sides.
struct PartyIds<'a>(BTreeMap<&'a str, (Side, usize)>);

impl<'a> PartyIds<'a> {
    fn new(enterprises: &'a [Party], participants: &'a [Party]) -> Result<PartyIds<'a>> {
        let mut ids: BTreeMap<&str, (Side, usize)> = BTreeMap::new();
        for (side, list) in [
            (Side::Enterprise, enterprises),
            (Side::Participant, participants),
        ] {
            for (i, party) in list.iter().enumerate() {
                if party.id.trim().is_empty() {
                    return Err(Error::invalid(format!(
                        "{} #{} (`{}`) has an empty id",
                        side.word(),
                        i + 1,
                        party.name
                    )));
                }
                if let Some(&(first_side, first)) = ids.get(party.id.as_str()) {
                    return Err(Error::invalid(format!(
                        "duplicate party id `{}`: {} #{} and {} #{}; ids must be unique across enterprises and research participants",
                        party.id,
                        first_side.word(),
                        first + 1,
                        side.word(),
                        i + 1
                    )));
                }
                ids.insert(party.id.as_str(), (side, i));
            }
        }
        Ok(PartyIds(ids))
    }

    /// The side and index of the party `id` named in the event's `list`.
    fn find(&self, list: &str, id: &str) -> Result<(Side, usize)> {
        self.0.get(id).copied().ok_or_else(|| {
            Error::not_found(format!(
                "event: {list}: unknown id `{id}` (not an enterprise or research participant of this event)"
            ))
        })
    }

    /// Resolves `[a, b]`, entry `i` of one of the event's pair lists, to
    /// (enterprise, participant) in either order.
    fn resolve_pair(&self, list: &str, i: usize, pair: &[String; 2]) -> Result<(usize, usize)> {
        let [a, b] = pair;
        let look = |id: &String| {
            self.0.get(id.as_str()).copied().ok_or_else(|| {
                Error::not_found(format!(
                    "event: {list}[{i}]: unknown id `{id}` (not an enterprise or research participant of this event)"
                ))
            })
        };
        let (side_a, index_a) = look(a)?;
        let (side_b, index_b) = look(b)?;
        match (side_a, side_b) {
            (Side::Enterprise, Side::Participant) => Ok((index_a, index_b)),
            (Side::Participant, Side::Enterprise) => Ok((index_b, index_a)),
            (side, _) => Err(Error::invalid(format!(
                "event: {list}[{i}]: `{a}` and `{b}` are both {}s; a meeting pairs an enterprise with a research participant",
                side.word()
            ))),
        }
    }
}

/// Each party's meeting limits: the event's defaults with the per-party
/// overrides of `limits` applied and checked.
struct MeetingLimits {
    enterprise_max: Vec<u32>,
    enterprise_min: Vec<u32>,
    participant_max: Vec<u32>,
}

impl MeetingLimits {
    fn new(
        event: &Event,
        ids: &PartyIds,
        n_enterprises: usize,
        n_participants: usize,
    ) -> Result<MeetingLimits> {
        let n_slots = event.slots.len();
        // At most MAX_SLOTS, checked by `Event::dimensions`.
        let slots32 = u32::try_from(n_slots).unwrap_or(u32::MAX);
        let per_enterprise = event.meetings_per_enterprise;
        let mut limits = MeetingLimits {
            enterprise_max: vec![per_enterprise.max.unwrap_or(slots32); n_enterprises],
            enterprise_min: vec![per_enterprise.min; n_enterprises],
            participant_max: vec![
                event.meetings_per_participant.max.unwrap_or(slots32);
                n_participants
            ],
        };
        for (id, limit) in &event.limits {
            // `ids` indexes the same party lists these vectors describe.
            let (side, i) = ids.find("limits", id)?;
            if limit.max == Some(0) {
                return Err(Error::parameter(format!(
                    "event: limits `{id}`: max must be at least 1 (got 0)"
                )));
            }
            match side {
                Side::Enterprise => {
                    let max = &mut limits.enterprise_max[i];
                    let min = &mut limits.enterprise_min[i];
                    if let Some(v) = limit.max {
                        *max = v;
                    }
                    if let Some(v) = limit.min {
                        *min = v;
                    }
                    if *min > *max && limit.min.is_some() {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: min ({min}) is greater than max ({max})"
                        )));
                    }
                    if *min > *max {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: max ({max}) is below meetings_per_enterprise.min ({min}); give `{id}` its own `min` too"
                        )));
                    }
                    if *min as usize > n_slots {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: min ({min}) is more than the number of slots ({n_slots}); a party meets at most once per slot"
                        )));
                    }
                }
                Side::Participant => {
                    if limit.min.is_some() {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: `min` applies to enterprises only (`{id}` is a research participant)"
                        )));
                    }
                    if let Some(v) = limit.max {
                        limits.participant_max[i] = v;
                    }
                }
            }
        }
        Ok(limits)
    }

    /// The enterprises' minimums must fit the event's meeting places.
    fn check_minimums_fit(&self, event: &Event, places: u64) -> Result<()> {
        let min_sum: u64 = self.enterprise_min.iter().map(|&m| u64::from(m)).sum();
        if min_sum > places {
            return Err(Error::parameter(format!(
                "event: the enterprises need at least {min_sum} meetings in total (sum of their minimums) but the event has only {} slots × {} tables = {places} meeting places",
                event.slots.len(),
                event.tables
            )));
        }
        Ok(())
    }
}

/// The slots each enterprise and each participant can attend: every slot
/// minus those of its `unavailable` entry, which must leave at least one.
fn availability(
    event: &Event,
    ids: &PartyIds,
    n_enterprises: usize,
    n_participants: usize,
) -> Result<(Vec<SlotSet>, Vec<SlotSet>)> {
    let all = SlotSet::first(event.slots.len());
    let mut enterprise_slots = vec![all; n_enterprises];
    let mut participant_slots = vec![all; n_participants];
    for (id, refs) in &event.unavailable {
        let (side, i) = ids.find("unavailable", id)?;
        let set = match side {
            Side::Enterprise => &mut enterprise_slots[i],
            Side::Participant => &mut participant_slots[i],
        };
        for slot in refs {
            set.remove(event.resolve_slot(id, slot)?);
        }
        if set.is_empty() {
            return Err(Error::invalid(format!(
                "event: unavailable `{id}`: {} `{id}` is unavailable in every slot; remove it from the event or free at least one slot",
                side.word()
            )));
        }
    }
    Ok((enterprise_slots, participant_slots))
}

/// min(max, available slots) per party.
fn capacities(max: &[u32], available: &[SlotSet]) -> Vec<u32> {
    max.iter()
        .zip(available)
        .map(|(&m, a)| m.min(a.count() as u32))
        .collect()
}

/// A pair list of the event resolved to ((enterprise, participant), entry
/// number), sorted by pair, the first mention of each pair kept.
type PairList = Vec<((usize, usize), usize)>;

/// The event's conflicts, exclusions and forced pairs, resolved.
struct PairLists {
    conflicts: PairList,
    excluded: PairList,
    forced: PairList,
}

impl PairLists {
    fn new(event: &Event, ids: &PartyIds) -> Result<PairLists> {
        let resolve = |list: &str, entries: &[[String; 2]]| -> Result<PairList> {
            let mut out = Vec::with_capacity(entries.len());
            for (i, pair) in entries.iter().enumerate() {
                out.push((ids.resolve_pair(list, i, pair)?, i));
            }
            // Keep the first mention of each pair: duplicates are harmless.
            out.sort();
            out.dedup_by(|a, b| a.0 == b.0);
            Ok(out)
        };
        Ok(PairLists {
            conflicts: resolve("conflicts", &event.conflicts)?,
            excluded: resolve("excluded", &event.excluded)?,
            forced: resolve("forced", &event.forced)?,
        })
    }

    /// The entry number of `pair` in `list`, if listed.
    fn find(list: &PairList, pair: (usize, usize)) -> Option<usize> {
        list.binary_search_by(|x| x.0.cmp(&pair))
            .ok()
            .map(|k| list[k].1)
    }

    /// A forced pair must not also be excluded, conflicting or from the
    /// same institution.
    fn check_forced(
        &self,
        event: &Event,
        institutions: &Institutions,
        enterprises: &[Party],
    ) -> Result<()> {
        for &((e, p), i) in &self.forced {
            // `i` numbers an entry of `event.forced`.
            let [a, b] = &event.forced[i];
            let pair = format!("[`{a}`, `{b}`]");
            if let Some(j) = Self::find(&self.excluded, (e, p)) {
                return Err(Error::invalid(format!(
                    "event: forced[{i}] {pair}: the pair is also listed in excluded[{j}]"
                )));
            }
            if let Some(j) = Self::find(&self.conflicts, (e, p)) {
                return Err(Error::invalid(format!(
                    "event: forced[{i}] {pair}: the pair is also listed in conflicts[{j}]"
                )));
            }
            if institutions.same(e, p) {
                let institution = enterprises[e].institution.trim();
                return Err(Error::invalid(format!(
                    "event: forced[{i}] {pair}: both belong to `{institution}` and avoid_same_institution is on"
                )));
            }
        }
        Ok(())
    }
}

/// The parties' institutions as `avoid_same_institution` compares them.
struct Institutions {
    /// Off: no pair is from "the same institution".
    avoid: bool,
    enterprises: Vec<String>,
    participants: Vec<String>,
}

impl Institutions {
    fn new(event: &Event, enterprises: &[Party], participants: &[Party]) -> Institutions {
        // Trimmed and ignoring case, so " Tsinghua " is "tsinghua".
        let normalise = |parties: &[Party]| {
            parties
                .iter()
                .map(|p| p.institution.trim().to_lowercase())
                .collect()
        };
        Institutions {
            avoid: event.avoid_same_institution,
            enterprises: normalise(enterprises),
            participants: normalise(participants),
        }
    }

    /// Whether the pair is forbidden as being from one (known) institution.
    fn same(&self, e: usize, p: usize) -> bool {
        let (a, b) = (&self.enterprises[e], &self.participants[p]);
        self.avoid && !a.is_empty() && a == b
    }
}

/// The engine's scored pairs, checked (indices in range, scores in [0, 1],
/// no pair twice) and sorted by (enterprise, participant).
fn scored_pairs(
    candidates: &[Candidate],
    enterprises: &[Party],
    participants: &[Party],
) -> Result<Vec<Pair>> {
    let mut pairs: Vec<Pair> = Vec::with_capacity(candidates.len());
    for (k, c) in candidates.iter().enumerate() {
        let Some(enterprise) = enterprises.get(c.enterprise) else {
            return Err(Error::not_found(format!(
                "scores[{k}]: enterprise index {} is out of range ({} enterprises)",
                c.enterprise,
                enterprises.len()
            )));
        };
        let Some(participant) = participants.get(c.participant) else {
            return Err(Error::not_found(format!(
                "scores[{k}]: participant index {} is out of range ({} research participants)",
                c.participant,
                participants.len()
            )));
        };
        if !(0.0..=1.0).contains(&c.score) {
            return Err(Error::invalid(format!(
                "scores[{k}] (enterprise `{}`, participant `{}`): score {} is not a finite number in [0, 1]",
                enterprise.id, participant.id, c.score
            )));
        }
        pairs.push(Pair {
            enterprise: c.enterprise,
            participant: c.participant,
            score: (c.score * SCALE).round() as i64,
            input_score: c.score,
            candidate: Some(k),
            forced: false,
            status: Status::Admissible,
            common_slots: SlotSet::default(),
        });
    }
    pairs.sort_by_key(|x| (x.enterprise, x.participant));
    for w in pairs.windows(2) {
        if let [a, b] = w {
            if (a.enterprise, a.participant) == (b.enterprise, b.participant) {
                // Every pair here came from a candidate.
                let (ka, kb) = (a.candidate.unwrap_or(0), b.candidate.unwrap_or(0));
                return Err(Error::invalid(format!(
                    "scores[{}]: pair (enterprise `{}`, participant `{}`) is listed twice (also scores[{}])",
                    ka.max(kb),
                    enterprises[a.enterprise].id,
                    participants[a.participant].id,
                    ka.min(kb)
                )));
            }
        }
    }
    Ok(pairs)
}

/// Marks the forced pairs among the scored ones and adds those the engine
/// did not score (score 0); `pairs` stays sorted.
fn add_forced(pairs: &mut Vec<Pair>, forced: &PairList) {
    let mut unscored = Vec::new();
    for &((e, p), _) in forced {
        match pairs.binary_search_by(|x| (x.enterprise, x.participant).cmp(&(e, p))) {
            Ok(k) => pairs[k].forced = true,
            Err(_) => unscored.push(Pair {
                enterprise: e,
                participant: p,
                score: 0,
                input_score: 0.0,
                candidate: None,
                forced: true,
                status: Status::Admissible,
                common_slots: SlotSet::default(),
            }),
        }
    }
    if !unscored.is_empty() {
        pairs.extend(unscored);
        pairs.sort_by_key(|x| (x.enterprise, x.participant));
    }
}

/// The pair's status: the first rule (in [`Status`] order) that forbids it.
fn classify(pair: &Pair, event: &Event, lists: &PairLists, institutions: &Institutions) -> Status {
    let key = (pair.enterprise, pair.participant);
    if PairLists::find(&lists.excluded, key).is_some() {
        Status::Excluded
    } else if PairLists::find(&lists.conflicts, key).is_some() {
        Status::Conflict
    } else if institutions.same(pair.enterprise, pair.participant) {
        Status::SameInstitution
    } else if pair.common_slots.is_empty() {
        Status::NoCommonSlot
    } else if !pair.forced && pair.input_score < event.min_score {
        Status::BelowMinScore
    } else {
        Status::Admissible
    }
}
