//! Event scheduler: turns matching scores into a matchmaking event's
//! one-to-one meetings, a timetable, agendas and exports.
//!
//! A matchmaking event has enterprises (each with a technical challenge) and
//! research-side participants (experts, labs, doctoral teams, patent
//! holders) meeting at tables in short time slots. The scheduler works in
//! three steps, each exact where the problem allows it:
//!
//! 1. **Selection** ([`plan`]): which pairs meet. The pairs are chosen by a
//!    min-cost flow (successive shortest paths with Dijkstra on reduced
//!    costs, blocking flow on the zero-reduced-cost arcs), so the result is
//!    a proven optimum of the objective below, not a greedy pass. Scores are
//!    scaled to integers (×1,000,000, rounded) so the same input always gives
//!    the same result on every machine. The objective is lexicographic:
//!    first as many forced pairs as possible, then as many meetings towards
//!    the enterprises' minimums as possible, then (with `fairness`) the best
//!    meeting of the worst-served enterprise as good as possible, then the
//!    total score as high as possible. Each level is a weight larger than
//!    everything below it can add up to, so one flow optimises them all.
//!    Fairness precisely: let K be the most enterprises that can each have
//!    a meeting; the threshold T is the largest score such that K
//!    enterprises can each have a meeting scoring ≥ T (found by binary
//!    search over the distinct scores, one flow per step); then the total
//!    is maximised among selections that keep that.
//!
//!    The selection respects per-party limits, availability *counts* (a
//!    party free in 3 slots meets at most 3 times) and slots × tables; whether
//!    the chosen meetings also fit slot by slot is the timetable's job.
//! 2. **Timetable**: each meeting gets a slot and a table. Without
//!    availability limits this is a bipartite edge colouring (Kőnig: as many
//!    slots as the busiest party has meetings suffice) balanced so no slot
//!    needs more than `tables` tables (de Werra), which is provably the
//!    fewest slots. With
//!    availability limits the problem is hard in general, so the scheduler
//!    searches: alternating-path recolouring, ejection of blockers, and a
//!    bounded branch-and-bound that is exhaustive on small events. A meeting
//!    that cannot be placed is listed with the reason, never dropped.
//! 3. **Report**: agendas for every party, unmet requests with reasons,
//!    totals, and CSV/JSON exports ([`timetable_csv`], [`agenda_csv`],
//!    [`to_json`]).
//!
//! Nothing here panics on input, uses randomness or reads a clock: the same
//! input gives the same schedule, in the browser (WASM) and natively.
//!
//! **Cost.** The selection dominates; it runs one Dijkstra per meeting over
//! the pairs, so time grows roughly with meetings × pairs. Measured
//! natively (release, 2-core machine): 300 enterprises × 1,000
//! participants, 6,000 pairs, 720 meetings, every constraint and fairness
//! on: 0.1–0.2 s, and about 0.3 s as WASM (`opt-level = "z"`) in V8;
//! 2,000 meetings from 12,000 pairs: about 0.5 s; 8,000 meetings from
//! 20,000 pairs: about 3 s.

mod error;

pub use error::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Limits on the size of an event. Beyond a limit the event is refused with
/// a message naming the limit, rather than running out of memory in the
/// browser or blocking the page for minutes.
pub mod limits {
    /// Most time slots: slot sets are 256-bit masks; 256 slots is a week of
    /// 20-minute meetings, far more than any one-day matchmaking event.
    pub const MAX_SLOTS: usize = 256;
    /// Most tables in one slot.
    pub const MAX_TABLES: u32 = 5_000;
    /// Most meeting places (slots × tables): bounds the number of meetings
    /// and so the timetable's memory (parties × slots).
    pub const MAX_MEETING_PLACES: u64 = 20_000;
    /// Most parties on one side (enterprises, or research participants).
    pub const MAX_PARTIES: usize = 200_000;
    /// Most scored candidate pairs.
    pub const MAX_CANDIDATES: usize = 2_000_000;
    /// Most entries in one of the event's lists (conflicts, forced,
    /// excluded, unavailable, limits).
    pub const MAX_LIST: usize = 1_000_000;
}

/// Scores are compared as integers `round(score × SCALE)`: floating-point
/// sums depend on the order of addition, integer sums do not.
const SCALE: f64 = 1_000_000.0;

// ---------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------

/// One time slot of the event, with clock labels for the agendas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// Start label, e.g. `"09:00"` (free text; also how the event file can
    /// refer to the slot in `unavailable`). Any string.
    pub start: String,
    /// End label, e.g. `"09:20"` (free text, shown in agendas). Any string.
    #[serde(default)]
    pub end: String,
}

/// How many meetings each enterprise should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseMeetings {
    /// Minimum meetings per enterprise, honoured when the constraints allow
    /// (otherwise reported as unmet). `0..=number of slots`; default 0.
    #[serde(default)]
    pub min: u32,
    /// Maximum meetings per enterprise, `>= 1` and `>= min`; default: the
    /// number of slots (one meeting per slot at most anyway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// How many meetings each research participant may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ParticipantMeetings {
    /// Maximum meetings per research participant, `>= 1`; default: the
    /// number of slots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// Per-party override of the meeting limits (e.g. a large lab that can send
/// two people and so take more meetings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PartyLimit {
    /// Minimum meetings; enterprises only. `0..=number of slots`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// Maximum meetings, `>= 1` and `>=` the party's minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// A reference to a slot in the event file: its index in `slots` (counted
/// from 0) or its `start` label (e.g. `"09:00"`), which is easier to write
/// by hand and survives inserting a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, try_from = "serde_json::Value")]
pub enum SlotRef {
    /// Position in `slots`, `0..slots.len()`.
    Index(usize),
    /// A slot's `start` label (or `"start-end"`), matched exactly after
    /// trimming spaces.
    Label(String),
}

impl TryFrom<serde_json::Value> for SlotRef {
    type Error = String;
    fn try_from(value: serde_json::Value) -> std::result::Result<Self, String> {
        match value {
            serde_json::Value::Number(n) => match n.as_u64().and_then(|v| usize::try_from(v).ok()) {
                Some(i) => Ok(SlotRef::Index(i)),
                None => Err(format!(
                    "slot reference {n} is not a slot index (0, 1, 2, …) or a start label like \"09:00\""
                )),
            },
            serde_json::Value::String(s) => Ok(SlotRef::Label(s)),
            other => Err(format!(
                "slot reference {other} is not a slot index (0, 1, 2, …) or a start label like \"09:00\""
            )),
        }
    }
}

/// The event: slots, tables, limits and constraints. Read from the event
/// file with [`Event::from_json`]; see the README for the format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Title shown in exports; any string, default empty.
    #[serde(default)]
    pub name: String,
    /// The time slots in order; 1 to [`limits::MAX_SLOTS`].
    pub slots: Vec<Slot>,
    /// Tables (meetings at the same time); 1 to [`limits::MAX_TABLES`], and
    /// slots × tables at most [`limits::MAX_MEETING_PLACES`].
    pub tables: u32,
    /// Meetings per enterprise (min/max).
    #[serde(default)]
    pub meetings_per_enterprise: EnterpriseMeetings,
    /// Meetings per research participant (max).
    #[serde(default)]
    pub meetings_per_participant: ParticipantMeetings,
    /// Slots a party (enterprise or research participant, by id) cannot
    /// attend. A party unavailable in every slot is an error.
    #[serde(default)]
    pub unavailable: BTreeMap<String, Vec<SlotRef>>,
    /// Pairs `[id, id]` that must not meet (either order).
    #[serde(default)]
    pub conflicts: Vec<[String; 2]>,
    /// Forbid pairs whose `institution` strings are equal (after trimming,
    /// ignoring case) and non-empty, e.g. a university's spin-off meeting
    /// its own lab. Default false.
    #[serde(default)]
    pub avoid_same_institution: bool,
    /// Pairs `[id, id]` that must meet (either order); exempt from
    /// `min_score`. A forced pair that is also excluded or conflicting is
    /// an error.
    #[serde(default)]
    pub forced: Vec<[String; 2]>,
    /// Pairs `[id, id]` that are not proposed (either order).
    #[serde(default)]
    pub excluded: Vec<[String; 2]>,
    /// No meeting is proposed below this score (forced pairs exempt);
    /// `0.0..=1.0`, default 0.
    #[serde(default)]
    pub min_score: f64,
    /// Max–min fairness: first make the worst-served enterprise's best
    /// meeting as good as possible, then maximise the total. Default false.
    #[serde(default)]
    pub fairness: bool,
    /// Per-party overrides of the meeting limits, by id.
    #[serde(default)]
    pub limits: BTreeMap<String, PartyLimit>,
}

impl Event {
    /// Reads an event file (JSON). Unknown fields are refused, so a typo
    /// like `"fairnes"` is reported instead of silently ignored.
    ///
    /// `text`: the file's contents, any length (a leading BOM is skipped).
    pub fn from_json(text: &str) -> Result<Event> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        serde_json::from_str(text).map_err(|e| Error::parse(format!("event file: {e}")))
    }
}

/// An enterprise or a research participant, as the scheduler needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Party {
    /// Unique id across both sides; non-empty.
    pub id: String,
    /// Display name for agendas; any string.
    pub name: String,
    /// Institution (university, company); compared for
    /// `avoid_same_institution` after trimming; empty means unknown.
    #[serde(default)]
    pub institution: String,
}

/// A scored candidate pair from the matching engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Candidate {
    /// Index into the enterprises slice, `0..enterprises.len()`.
    pub enterprise: usize,
    /// Index into the participants slice, `0..participants.len()`.
    pub participant: usize,
    /// Match score, finite, `0.0..=1.0`.
    pub score: f64,
    /// Top matched terms, shown in the agendas; any number, may be empty.
    #[serde(default)]
    pub topics: Vec<String>,
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// Which side of the event a party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// An enterprise (brings a technical challenge).
    Enterprise,
    /// A research-side participant (expert, lab, team, patent holder).
    Participant,
}

/// One placed meeting of the overall timetable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Slot index, `0..slots.len()`.
    pub slot: usize,
    /// The slot's start label.
    pub start: String,
    /// The slot's end label.
    pub end: String,
    /// Table number, `1..=tables` (counted from 1, as printed on tables).
    pub table: u32,
    /// Enterprise id.
    pub enterprise_id: String,
    /// Enterprise display name.
    pub enterprise_name: String,
    /// Research participant id.
    pub participant_id: String,
    /// Research participant display name.
    pub participant_name: String,
    /// Match score, `0.0..=1.0` (0 for a forced pair without a score).
    pub score: f64,
    /// Top matched terms for the conversation.
    pub topics: Vec<String>,
    /// True when the pair was forced by the event file.
    pub forced: bool,
}

/// A selected meeting that could not be given a slot and table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnplacedMeeting {
    /// Enterprise id.
    pub enterprise_id: String,
    /// Enterprise display name.
    pub enterprise_name: String,
    /// Research participant id.
    pub participant_id: String,
    /// Research participant display name.
    pub participant_name: String,
    /// Match score, `0.0..=1.0`.
    pub score: f64,
    /// Top matched terms.
    pub topics: Vec<String>,
    /// True when the pair was forced.
    pub forced: bool,
    /// Why no slot works, slot by slot.
    pub reason: String,
}

/// One line of a party's agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaEntry {
    /// Slot index, `0..slots.len()`.
    pub slot: usize,
    /// The slot's start label.
    pub start: String,
    /// The slot's end label.
    pub end: String,
    /// Table number, `1..=tables`.
    pub table: u32,
    /// The other party's id.
    pub counterpart_id: String,
    /// The other party's display name.
    pub counterpart_name: String,
    /// The other party's institution.
    pub counterpart_institution: String,
    /// Match score, `0.0..=1.0`.
    pub score: f64,
    /// Top matched terms.
    pub topics: Vec<String>,
    /// True when the pair was forced.
    pub forced: bool,
}

/// One party's agenda, in slot order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agenda {
    /// Which side the party is on.
    pub side: Side,
    /// Party id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Institution.
    pub institution: String,
    /// Meetings in slot order (may be empty).
    pub meetings: Vec<AgendaEntry>,
}

/// What kind of request could not be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmetKind {
    /// A forced pair does not meet (not selected, or not placed).
    ForcedPairNotMet,
    /// An enterprise got fewer meetings than its minimum.
    BelowMinimum,
    /// A party has no pair that may be proposed at all.
    NoAdmissiblePartner,
    /// An enterprise with admissible partners got no meeting.
    NoMeeting,
}

/// A request the schedule does not satisfy, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unmet {
    /// What was not met.
    pub kind: UnmetKind,
    /// The side of the party concerned.
    pub side: Side,
    /// The party's id.
    pub id: String,
    /// The party's display name.
    pub name: String,
    /// For a forced pair: the research participant's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterpart_id: Option<String>,
    /// A sentence saying why, naming the constraint.
    pub reason: String,
}

/// Overall figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Placed meetings.
    pub meetings: usize,
    /// Selected meetings (placed + unplaced).
    pub selected: usize,
    /// Selected meetings that could not be placed.
    pub unplaced: usize,
    /// Sum of the placed meetings' scores (rounded to 1e-6).
    pub total_score: f64,
    /// Mean score of the placed meetings (0 when none).
    pub mean_score: f64,
    /// Slots that have at least one meeting.
    pub slots_used: usize,
    /// A lower bound on the slots any timetable of the placed meetings
    /// needs (the busiest party's meetings, and meetings ÷ tables); equal to
    /// `slots_used` means the timetable is provably as compact as possible.
    pub slots_lower_bound: usize,
    /// Tables in use in each slot, by slot index.
    pub tables_used_per_slot: Vec<usize>,
    /// Enterprises with at least one placed meeting.
    pub enterprises_with_meetings: usize,
    /// Research participants with at least one placed meeting.
    pub participants_with_meetings: usize,
}

/// What fairness mode achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fairness {
    /// The best meeting of the worst-served enterprise (among those with a
    /// meeting) in the selection: the largest achievable such score.
    pub worst_best_score: f64,
    /// Enterprises that got at least one meeting in the selection.
    pub enterprises_served: usize,
    /// Enterprises that have at least one admissible pair.
    pub enterprises_with_partners: usize,
}

/// The complete schedule of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// The event's title.
    pub name: String,
    /// The event's slots, by index.
    pub slots: Vec<Slot>,
    /// Number of tables.
    pub tables: u32,
    /// Placed meetings, by slot then table.
    pub meetings: Vec<Meeting>,
    /// Selected meetings without a slot, with reasons.
    pub unplaced: Vec<UnplacedMeeting>,
    /// One agenda per enterprise, in input order.
    pub enterprise_agendas: Vec<Agenda>,
    /// One agenda per research participant, in input order.
    pub participant_agendas: Vec<Agenda>,
    /// Requests not met, with reasons.
    pub unmet: Vec<Unmet>,
    /// Overall figures.
    pub totals: Totals,
    /// Present when fairness mode was on and some enterprise has partners.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fairness: Option<Fairness>,
}

// ---------------------------------------------------------------------------
// Slot sets
// ---------------------------------------------------------------------------

/// A set of slot indices below [`limits::MAX_SLOTS`], as a fixed bitmask:
/// copying and intersecting it is a few instructions, which matters in the
/// timetable search that tests slots millions of times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct SlotSet([u64; 4]);

impl SlotSet {
    fn first(n: usize) -> SlotSet {
        let mut s = SlotSet::default();
        for i in 0..n.min(limits::MAX_SLOTS) {
            s.insert(i);
        }
        s
    }
    fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }
    fn insert(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }
    fn remove(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w &= !(1u64 << (i % 64));
        }
    }
    fn and(self, o: SlotSet) -> SlotSet {
        let mut r = self;
        for (a, b) in r.0.iter_mut().zip(o.0.iter()) {
            *a &= *b;
        }
        r
    }
    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    /// The members in increasing order.
    fn iter(self) -> impl Iterator<Item = usize> {
        (0..4usize).flat_map(move |k| {
            let mut w = self.0.get(k).copied().unwrap_or(0);
            std::iter::from_fn(move || {
                if w == 0 {
                    None
                } else {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    Some(k * 64 + b)
                }
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Validated problem
// ---------------------------------------------------------------------------

/// Why a pair may or may not be proposed. Checked in this order, so a pair
/// gets the most fundamental reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Admissible,
    Excluded,
    Conflict,
    SameInstitution,
    NoCommonSlot,
    BelowMinScore,
}

/// A scored or forced pair with what the scheduler needs to know about it.
#[derive(Debug, Clone)]
struct Pair {
    e: usize,
    p: usize,
    /// `round(score × SCALE)`, `0..=1_000_000`.
    score: i64,
    score_f: f64,
    /// Index into the candidates (for the topics); `None` for a forced pair
    /// the engine did not score.
    cand: Option<usize>,
    forced: bool,
    status: Status,
    /// Slots where both parties are available.
    common: SlotSet,
}

/// The validated input, with indices resolved and capacities computed.
struct Problem<'a> {
    event: &'a Event,
    ents: &'a [Party],
    parts: &'a [Party],
    cands: &'a [Candidate],
    ns: usize,
    tables: u32,
    /// slots × tables.
    places: u32,
    avail_e: Vec<SlotSet>,
    avail_p: Vec<SlotSet>,
    max_e: Vec<u32>,
    min_e: Vec<u32>,
    max_p: Vec<u32>,
    /// min(max, available slots): a party meets at most once per slot.
    cap_e: Vec<u32>,
    cap_p: Vec<u32>,
    /// Sorted by (enterprise, participant), no duplicates.
    pairs: Vec<Pair>,
}

impl Problem<'_> {
    fn topics(&self, pair: &Pair) -> Vec<String> {
        pair.cand
            .and_then(|c| self.cands.get(c))
            .map(|c| c.topics.clone())
            .unwrap_or_default()
    }
    fn ent(&self, e: usize) -> &Party {
        static EMPTY: Party = Party {
            id: String::new(),
            name: String::new(),
            institution: String::new(),
        };
        self.ents.get(e).unwrap_or(&EMPTY)
    }
    fn part(&self, p: usize) -> &Party {
        static EMPTY: Party = Party {
            id: String::new(),
            name: String::new(),
            institution: String::new(),
        };
        self.parts.get(p).unwrap_or(&EMPTY)
    }
    fn slot_label(&self, s: usize) -> String {
        self.event
            .slots
            .get(s)
            .map(|x| x.start.clone())
            .unwrap_or_else(|| format!("slot {s}"))
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Enterprise => "enterprise",
        Side::Participant => "research participant",
    }
}

fn normalise_institution(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Resolves `[a, b]` from one of the event's pair lists to
/// (enterprise, participant) in either order.
fn resolve_pair(
    ids: &BTreeMap<&str, (Side, usize)>,
    list: &str,
    i: usize,
    pair: &[String; 2],
) -> Result<(usize, usize)> {
    let [a, b] = pair;
    let look = |id: &String| {
        ids.get(id.as_str()).copied().ok_or_else(|| {
            Error::not_found(format!(
                "event: {list}[{i}]: unknown id `{id}` (not an enterprise or research participant of this event)"
            ))
        })
    };
    let (sa, ia) = look(a)?;
    let (sb, ib) = look(b)?;
    match (sa, sb) {
        (Side::Enterprise, Side::Participant) => Ok((ia, ib)),
        (Side::Participant, Side::Enterprise) => Ok((ib, ia)),
        (s, _) => Err(Error::invalid(format!(
            "event: {list}[{i}]: `{a}` and `{b}` are both {}s; a meeting pairs an enterprise with a research participant",
            side_word(s)
        ))),
    }
}

fn check_limit_max(what: &str, max: Option<u32>) -> Result<()> {
    if max == Some(0) {
        return Err(Error::parameter(format!(
            "event: {what}.max must be at least 1 (got 0)"
        )));
    }
    Ok(())
}

impl<'a> Problem<'a> {
    fn new(
        event: &'a Event,
        ents: &'a [Party],
        parts: &'a [Party],
        cands: &'a [Candidate],
    ) -> Result<Problem<'a>> {
        // --- the event's own numbers ---------------------------------------
        let ns = event.slots.len();
        if ns == 0 {
            return Err(Error::parameter(
                "event: `slots` is empty; give at least one slot such as {\"start\": \"09:00\", \"end\": \"09:20\"}",
            ));
        }
        if ns > limits::MAX_SLOTS {
            return Err(Error::limit(format!(
                "event: {ns} slots is more than the limit of {}",
                limits::MAX_SLOTS
            )));
        }
        if event.tables == 0 {
            return Err(Error::parameter(
                "event: `tables` must be at least 1 (got 0)",
            ));
        }
        if event.tables > limits::MAX_TABLES {
            return Err(Error::limit(format!(
                "event: {} tables is more than the limit of {}",
                event.tables,
                limits::MAX_TABLES
            )));
        }
        let places64 = ns as u64 * u64::from(event.tables);
        if places64 > limits::MAX_MEETING_PLACES {
            return Err(Error::limit(format!(
                "event: {ns} slots × {} tables = {places64} meeting places is more than the limit of {}",
                event.tables,
                limits::MAX_MEETING_PLACES
            )));
        }
        let places = u32::try_from(places64).unwrap_or(u32::MAX);
        if !(0.0..=1.0).contains(&event.min_score) {
            return Err(Error::parameter(format!(
                "event: min_score must be a number in [0, 1] (got {})",
                event.min_score
            )));
        }
        let me = event.meetings_per_enterprise;
        check_limit_max("meetings_per_enterprise", me.max)?;
        check_limit_max(
            "meetings_per_participant",
            event.meetings_per_participant.max,
        )?;
        if let Some(max) = me.max {
            if me.min > max {
                return Err(Error::parameter(format!(
                    "event: meetings_per_enterprise.min ({}) is greater than max ({max})",
                    me.min
                )));
            }
        }
        if me.min as usize > ns {
            return Err(Error::parameter(format!(
                "event: meetings_per_enterprise.min ({}) is more than the number of slots ({ns}); a party meets at most once per slot",
                me.min
            )));
        }
        for (what, n) in [
            ("unavailable", event.unavailable.len()),
            ("conflicts", event.conflicts.len()),
            ("forced", event.forced.len()),
            ("excluded", event.excluded.len()),
            ("limits", event.limits.len()),
        ] {
            if n > limits::MAX_LIST {
                return Err(Error::limit(format!(
                    "event: `{what}` has {n} entries, more than the limit of {}",
                    limits::MAX_LIST
                )));
            }
        }
        for (what, n) in [
            ("enterprises", ents.len()),
            ("research participants", parts.len()),
        ] {
            if n > limits::MAX_PARTIES {
                return Err(Error::limit(format!(
                    "{n} {what} is more than the limit of {}",
                    limits::MAX_PARTIES
                )));
            }
        }
        if cands.len() > limits::MAX_CANDIDATES {
            return Err(Error::limit(format!(
                "{} scored pairs is more than the limit of {}",
                cands.len(),
                limits::MAX_CANDIDATES
            )));
        }

        // --- parties ---------------------------------------------------------
        let mut ids: BTreeMap<&str, (Side, usize)> = BTreeMap::new();
        for (side, list) in [(Side::Enterprise, ents), (Side::Participant, parts)] {
            for (i, party) in list.iter().enumerate() {
                if party.id.trim().is_empty() {
                    return Err(Error::invalid(format!(
                        "{} #{} (`{}`) has an empty id",
                        side_word(side),
                        i + 1,
                        party.name
                    )));
                }
                if let Some(&(s0, i0)) = ids.get(party.id.as_str()) {
                    return Err(Error::invalid(format!(
                        "duplicate party id `{}`: {} #{} and {} #{}; ids must be unique across enterprises and research participants",
                        party.id,
                        side_word(s0),
                        i0 + 1,
                        side_word(side),
                        i + 1
                    )));
                }
                ids.insert(party.id.as_str(), (side, i));
            }
        }

        // --- limits ------------------------------------------------------------
        let ns32 = u32::try_from(ns).unwrap_or(u32::MAX);
        let default_max_e = me.max.unwrap_or(ns32);
        let default_max_p = event.meetings_per_participant.max.unwrap_or(ns32);
        let mut max_e = vec![default_max_e; ents.len()];
        let mut min_e = vec![me.min; ents.len()];
        let mut max_p = vec![default_max_p; parts.len()];
        for (id, lim) in &event.limits {
            let &(side, i) = ids.get(id.as_str()).ok_or_else(|| {
                Error::not_found(format!(
                    "event: limits: unknown id `{id}` (not an enterprise or research participant of this event)"
                ))
            })?;
            if lim.max == Some(0) {
                return Err(Error::parameter(format!(
                    "event: limits `{id}`: max must be at least 1 (got 0)"
                )));
            }
            match side {
                Side::Enterprise => {
                    let (Some(mx), Some(mn)) = (max_e.get_mut(i), min_e.get_mut(i)) else {
                        continue;
                    };
                    if let Some(v) = lim.max {
                        *mx = v;
                    }
                    if let Some(v) = lim.min {
                        *mn = v;
                    }
                    if *mn > *mx && lim.min.is_some() {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: min ({mn}) is greater than max ({mx})"
                        )));
                    }
                    if *mn > *mx {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: max ({mx}) is below meetings_per_enterprise.min ({mn}); give `{id}` its own `min` too"
                        )));
                    }
                    if *mn as usize > ns {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: min ({mn}) is more than the number of slots ({ns}); a party meets at most once per slot"
                        )));
                    }
                }
                Side::Participant => {
                    if lim.min.is_some() {
                        return Err(Error::parameter(format!(
                            "event: limits `{id}`: `min` applies to enterprises only (`{id}` is a research participant)"
                        )));
                    }
                    if let (Some(v), Some(mx)) = (lim.max, max_p.get_mut(i)) {
                        *mx = v;
                    }
                }
            }
        }
        let min_sum: u64 = min_e.iter().map(|&m| u64::from(m)).sum();
        if min_sum > places64 {
            return Err(Error::parameter(format!(
                "event: the enterprises need at least {min_sum} meetings in total (sum of their minimums) but the event has only {ns} slots × {} tables = {places64} meeting places",
                event.tables
            )));
        }

        // --- availability --------------------------------------------------------
        let all = SlotSet::first(ns);
        let mut avail_e = vec![all; ents.len()];
        let mut avail_p = vec![all; parts.len()];
        for (id, refs) in &event.unavailable {
            let &(side, i) = ids.get(id.as_str()).ok_or_else(|| {
                Error::not_found(format!(
                    "event: unavailable: unknown id `{id}` (not an enterprise or research participant of this event)"
                ))
            })?;
            let set = match side {
                Side::Enterprise => avail_e.get_mut(i),
                Side::Participant => avail_p.get_mut(i),
            };
            let Some(set) = set else { continue };
            for r in refs {
                let s = resolve_slot(event, id, r)?;
                set.remove(s);
            }
            if set.is_empty() {
                return Err(Error::invalid(format!(
                    "event: unavailable `{id}`: {} `{id}` is unavailable in every slot; remove it from the event or free at least one slot",
                    side_word(side)
                )));
            }
        }
        let cap_e: Vec<u32> = max_e
            .iter()
            .zip(&avail_e)
            .map(|(&m, a)| m.min(a.count() as u32))
            .collect();
        let cap_p: Vec<u32> = max_p
            .iter()
            .zip(&avail_p)
            .map(|(&m, a)| m.min(a.count() as u32))
            .collect();

        // --- pair lists ----------------------------------------------------------
        let resolve_list =
            |list: &str, v: &[[String; 2]]| -> Result<Vec<((usize, usize), usize)>> {
                let mut out = Vec::with_capacity(v.len());
                for (i, pr) in v.iter().enumerate() {
                    out.push((resolve_pair(&ids, list, i, pr)?, i));
                }
                // Keep the first mention of each pair: duplicates are harmless.
                out.sort();
                out.dedup_by(|a, b| a.0 == b.0);
                Ok(out)
            };
        let conflicts = resolve_list("conflicts", &event.conflicts)?;
        let excluded = resolve_list("excluded", &event.excluded)?;
        let forced = resolve_list("forced", &event.forced)?;
        let find = |list: &[((usize, usize), usize)], key: (usize, usize)| {
            list.binary_search_by(|x| x.0.cmp(&key))
                .ok()
                .and_then(|k| list.get(k))
                .map(|x| x.1)
        };
        let inst_e: Vec<String> = ents
            .iter()
            .map(|p| normalise_institution(&p.institution))
            .collect();
        let inst_p: Vec<String> = parts
            .iter()
            .map(|p| normalise_institution(&p.institution))
            .collect();
        let same_inst = |e: usize, p: usize| -> bool {
            event.avoid_same_institution
                && matches!((inst_e.get(e), inst_p.get(p)), (Some(a), Some(b)) if !a.is_empty() && a == b)
        };
        for &((e, p), i) in &forced {
            let pair = event
                .forced
                .get(i)
                .map(|[a, b]| format!("[`{a}`, `{b}`]"))
                .unwrap_or_default();
            if let Some(j) = find(&excluded, (e, p)) {
                return Err(Error::invalid(format!(
                    "event: forced[{i}] {pair}: the pair is also listed in excluded[{j}]"
                )));
            }
            if let Some(j) = find(&conflicts, (e, p)) {
                return Err(Error::invalid(format!(
                    "event: forced[{i}] {pair}: the pair is also listed in conflicts[{j}]"
                )));
            }
            if same_inst(e, p) {
                let inst = ents.get(e).map(|x| x.institution.trim()).unwrap_or("");
                return Err(Error::invalid(format!(
                    "event: forced[{i}] {pair}: both belong to `{inst}` and avoid_same_institution is on"
                )));
            }
        }

        // --- candidates ------------------------------------------------------------
        let mut pairs: Vec<Pair> = Vec::with_capacity(cands.len() + forced.len());
        for (k, c) in cands.iter().enumerate() {
            let Some(ep) = ents.get(c.enterprise) else {
                return Err(Error::not_found(format!(
                    "scores[{k}]: enterprise index {} is out of range ({} enterprises)",
                    c.enterprise,
                    ents.len()
                )));
            };
            let Some(pp) = parts.get(c.participant) else {
                return Err(Error::not_found(format!(
                    "scores[{k}]: participant index {} is out of range ({} research participants)",
                    c.participant,
                    parts.len()
                )));
            };
            if !(0.0..=1.0).contains(&c.score) {
                return Err(Error::invalid(format!(
                    "scores[{k}] (enterprise `{}`, participant `{}`): score {} is not a finite number in [0, 1]",
                    ep.id, pp.id, c.score
                )));
            }
            pairs.push(Pair {
                e: c.enterprise,
                p: c.participant,
                score: (c.score * SCALE).round() as i64,
                score_f: c.score,
                cand: Some(k),
                forced: false,
                status: Status::Admissible,
                common: SlotSet::default(),
            });
        }
        pairs.sort_by_key(|x| (x.e, x.p));
        for w in pairs.windows(2) {
            if let [a, b] = w {
                if (a.e, a.p) == (b.e, b.p) {
                    let (ka, kb) = (a.cand.unwrap_or(0), b.cand.unwrap_or(0));
                    return Err(Error::invalid(format!(
                        "scores[{}]: pair (enterprise `{}`, participant `{}`) is listed twice (also scores[{}])",
                        ka.max(kb),
                        ents.get(a.e).map(|x| x.id.as_str()).unwrap_or(""),
                        parts.get(a.p).map(|x| x.id.as_str()).unwrap_or(""),
                        ka.min(kb)
                    )));
                }
            }
        }
        let mut extra = Vec::new();
        for &((e, p), _) in &forced {
            match pairs.binary_search_by(|x| (x.e, x.p).cmp(&(e, p))) {
                Ok(k) => {
                    if let Some(x) = pairs.get_mut(k) {
                        x.forced = true;
                    }
                }
                Err(_) => extra.push(Pair {
                    e,
                    p,
                    score: 0,
                    score_f: 0.0,
                    cand: None,
                    forced: true,
                    status: Status::Admissible,
                    common: SlotSet::default(),
                }),
            }
        }
        if !extra.is_empty() {
            pairs.extend(extra);
            pairs.sort_by_key(|x| (x.e, x.p));
        }
        for x in &mut pairs {
            x.common = match (avail_e.get(x.e), avail_p.get(x.p)) {
                (Some(a), Some(b)) => a.and(*b),
                _ => SlotSet::default(),
            };
            x.status = if find(&excluded, (x.e, x.p)).is_some() {
                Status::Excluded
            } else if find(&conflicts, (x.e, x.p)).is_some() {
                Status::Conflict
            } else if same_inst(x.e, x.p) {
                Status::SameInstitution
            } else if x.common.is_empty() {
                Status::NoCommonSlot
            } else if !x.forced && x.score_f < event.min_score {
                Status::BelowMinScore
            } else {
                Status::Admissible
            };
        }

        Ok(Problem {
            event,
            ents,
            parts,
            cands,
            ns,
            tables: event.tables,
            places,
            avail_e,
            avail_p,
            max_e,
            min_e,
            max_p,
            cap_e,
            cap_p,
            pairs,
        })
    }
}

/// Resolves a slot reference from the event file to an index.
fn resolve_slot(event: &Event, id: &str, r: &SlotRef) -> Result<usize> {
    let ns = event.slots.len();
    match r {
        SlotRef::Index(i) => {
            if *i < ns {
                Ok(*i)
            } else {
                Err(Error::parameter(format!(
                    "event: unavailable `{id}`: slot {i} is out of range (the event has {ns} slots, numbered 0 to {})",
                    ns.saturating_sub(1)
                )))
            }
        }
        SlotRef::Label(label) => {
            let label = label.trim();
            let hits: Vec<usize> = event
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.start.trim() == label
                        || format!("{}-{}", s.start.trim(), s.end.trim()) == label
                })
                .map(|(i, _)| i)
                .collect();
            match hits.as_slice() {
                [one] => Ok(*one),
                [] => Err(Error::not_found(format!(
                    "event: unavailable `{id}`: no slot starts at `{label}` (use a slot's `start` label or its index counted from 0)"
                ))),
                [a, b, ..] => Err(Error::invalid(format!(
                    "event: unavailable `{id}`: slot label `{label}` matches slots {a} and {b}; use the slot's index instead"
                ))),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Small safe accessors
// ---------------------------------------------------------------------------

/// Reads `v[i]`, or the default when out of range. Indices here come from
/// our own bookkeeping, never from input, but a bug must not become a panic
/// that kills the WASM instance.
#[inline]
fn at<T: Copy + Default>(v: &[T], i: usize) -> T {
    v.get(i).copied().unwrap_or_default()
}

/// Adds one to `v[i]` when `i` is in range.
#[inline]
fn bump(v: &mut [u32], i: usize) {
    if let Some(x) = v.get_mut(i) {
        *x += 1;
    }
}

/// Writes `v[i] = x` when `i` is in range.
#[inline]
fn put<T>(v: &mut [T], i: usize, x: T) {
    if let Some(slot) = v.get_mut(i) {
        *slot = x;
    }
}

// ---------------------------------------------------------------------------
// Min-cost flow
// ---------------------------------------------------------------------------

const NO_LEVEL: u32 = u32::MAX;

/// The integer type of flow costs. The lexicographic objective stacks
/// weights (forced ≫ minimums ≫ fairness ≫ score) whose product can exceed
/// `i64` on large events, so `i128` is the fallback; `i64` is used when the
/// bound allows, being about twice as fast (in WASM `i128` is emulated).
trait CostNum:
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

/// A min-cost flow network.
///
/// Every arc must go from a lower to a higher node number: the network is
/// then a DAG and the first potentials come from one pass in node order
/// (negative costs need no Bellman–Ford).
struct Flow<C: CostNum> {
    n: usize,
    from: Vec<u32>,
    to: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<C>,
    start: Vec<u32>,
    adj: Vec<u32>,
}

impl<C: CostNum> Flow<C> {
    fn new(n: usize) -> Flow<C> {
        Flow {
            n,
            from: Vec::new(),
            to: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            start: Vec::new(),
            adj: Vec::new(),
        }
    }

    /// Adds arc `u → v` and its residual twin; returns the arc's number
    /// (its twin is `number ^ 1`).
    fn add(&mut self, u: usize, v: usize, cap: i64, cost: C) -> usize {
        let id = self.to.len();
        self.from.push(u as u32);
        self.to.push(v as u32);
        self.cap.push(cap);
        self.cost.push(cost);
        self.from.push(v as u32);
        self.to.push(u as u32);
        self.cap.push(0);
        self.cost.push(-cost);
        id
    }

    /// Flow on arc `e`: what its twin can send back.
    fn flow(&self, e: usize) -> i64 {
        at(&self.cap, e ^ 1)
    }

    /// Builds the adjacency lists (compressed rows, arcs by number).
    fn finish(&mut self) {
        let mut deg = vec![0u32; self.n + 1];
        for &u in &self.from {
            if let Some(d) = deg.get_mut(u as usize + 1) {
                *d += 1;
            }
        }
        for i in 1..deg.len() {
            let prev = at(&deg, i - 1);
            if let Some(d) = deg.get_mut(i) {
                *d += prev;
            }
        }
        let mut fill = deg.clone();
        let mut adj = vec![0u32; self.from.len()];
        for (e, &u) in self.from.iter().enumerate() {
            let k = at(&fill, u as usize) as usize;
            put(&mut adj, k, e as u32);
            put(&mut fill, u as usize, k as u32 + 1);
        }
        self.start = deg;
        self.adj = adj;
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
        self.finish();
        let n = self.n;
        // Potentials: shortest distances in the initial DAG.
        let mut pi = vec![C::INF; n];
        put(&mut pi, s, C::ZERO);
        for u in 0..n {
            let du = at(&pi, u);
            if du >= C::INF {
                continue;
            }
            for k in at(&self.start, u)..at(&self.start, u + 1) {
                let e = at(&self.adj, k as usize) as usize;
                if e % 2 == 1 || at(&self.cap, e) <= 0 {
                    continue;
                }
                let v = at(&self.to, e) as usize;
                let nd = du + at(&self.cost, e);
                if nd < at(&pi, v) {
                    put(&mut pi, v, nd);
                }
            }
        }
        // Nodes out of reach stay out of reach (only arcs on used paths
        // gain residual twins), so their potential never matters.
        for p in pi.iter_mut() {
            if *p >= C::INF {
                *p = C::ZERO;
            }
        }
        let mut dist = vec![C::INF; n];
        let mut done = vec![false; n];
        let mut heap: BinaryHeap<Reverse<(C, u32)>> = BinaryHeap::new();
        let mut level = vec![NO_LEVEL; n];
        let mut it = vec![0u32; n];
        let mut queue: Vec<u32> = Vec::with_capacity(n);
        let mut path: Vec<usize> = Vec::new();
        let mut prev = vec![u32::MAX; n];
        loop {
            // --- Dijkstra on reduced costs --------------------------------
            dist.iter_mut().for_each(|d| *d = C::INF);
            done.iter_mut().for_each(|d| *d = false);
            heap.clear();
            put(&mut dist, s, C::ZERO);
            heap.push(Reverse((C::ZERO, s as u32)));
            while let Some(Reverse((d, u))) = heap.pop() {
                let u = u as usize;
                if at(&done, u) || d > at(&dist, u) {
                    continue;
                }
                put(&mut done, u, true);
                if u == t {
                    break;
                }
                let pu = at(&pi, u);
                for k in at(&self.start, u)..at(&self.start, u + 1) {
                    let e = at(&self.adj, k as usize) as usize;
                    if at(&self.cap, e) <= 0 {
                        continue;
                    }
                    let v = at(&self.to, e) as usize;
                    let nd = d + at(&self.cost, e) + pu - at(&pi, v);
                    if nd < at(&dist, v) {
                        put(&mut dist, v, nd);
                        put(&mut prev, v, e as u32);
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            let dt = at(&dist, t);
            if dt >= C::INF {
                break;
            }
            for (p, d) in pi.iter_mut().zip(dist.iter()) {
                *p += (*d).min(dt);
            }
            // Real cost of the shortest path; stop once it no longer pays.
            if at(&pi, t) - at(&pi, s) >= C::ZERO {
                break;
            }
            if !blocking {
                // Augment along Dijkstra's path to t.
                path.clear();
                let mut v = t;
                while v != s && path.len() <= n {
                    let e = at(&prev, v) as usize;
                    path.push(e);
                    v = at(&self.from, e) as usize;
                }
                let b = path.iter().map(|&e| at(&self.cap, e)).min().unwrap_or(0);
                if v != s || b <= 0 {
                    break; // cannot happen; stop rather than loop
                }
                for &e in &path {
                    if let Some(c) = self.cap.get_mut(e) {
                        *c -= b;
                    }
                    if let Some(c) = self.cap.get_mut(e ^ 1) {
                        *c += b;
                    }
                }
                continue;
            }
            // --- blocking flow on zero-reduced-cost arcs -------------------
            let mut pushed_round = 0i64;
            'phase: loop {
                level.iter_mut().for_each(|l| *l = NO_LEVEL);
                put(&mut level, s, 0);
                queue.clear();
                queue.push(s as u32);
                let mut qi = 0;
                while let Some(&u) = queue.get(qi) {
                    qi += 1;
                    let u = u as usize;
                    let lu = at(&level, u);
                    let pu = at(&pi, u);
                    for k in at(&self.start, u)..at(&self.start, u + 1) {
                        let e = at(&self.adj, k as usize) as usize;
                        let v = at(&self.to, e) as usize;
                        if at(&self.cap, e) > 0
                            && at(&level, v) == NO_LEVEL
                            && at(&self.cost, e) + pu - at(&pi, v) == C::ZERO
                        {
                            put(&mut level, v, lu + 1);
                            queue.push(v as u32);
                        }
                    }
                }
                if at(&level, t) == NO_LEVEL {
                    break;
                }
                for (u, x) in it.iter_mut().enumerate() {
                    *x = at(&self.start, u);
                }
                path.clear();
                let mut u = s;
                loop {
                    if u == t {
                        let b = path.iter().map(|&e| at(&self.cap, e)).min().unwrap_or(0);
                        if b <= 0 {
                            break 'phase; // cannot happen; never loop on it
                        }
                        pushed_round += b;
                        for &e in &path {
                            if let Some(c) = self.cap.get_mut(e) {
                                *c -= b;
                            }
                            if let Some(c) = self.cap.get_mut(e ^ 1) {
                                *c += b;
                            }
                        }
                        path.clear();
                        u = s;
                        continue;
                    }
                    let end = at(&self.start, u + 1);
                    let lu = at(&level, u);
                    let pu = at(&pi, u);
                    let mut next = None;
                    while at(&it, u) < end {
                        let e = at(&self.adj, at(&it, u) as usize) as usize;
                        let v = at(&self.to, e) as usize;
                        if at(&self.cap, e) > 0
                            && lu != NO_LEVEL
                            && at(&level, v) == lu + 1
                            && at(&self.cost, e) + pu - at(&pi, v) == C::ZERO
                        {
                            next = Some((e, v));
                            break;
                        }
                        bump(&mut it, u);
                    }
                    match next {
                        Some((e, v)) => {
                            path.push(e);
                            u = v;
                        }
                        None => {
                            // Dead end: never enter `u` again this phase.
                            put(&mut level, u, NO_LEVEL);
                            match path.pop() {
                                None => break,
                                Some(e) => {
                                    u = at(&self.from, e) as usize;
                                    bump(&mut it, u);
                                }
                            }
                        }
                    }
                }
            }
            if pushed_round == 0 {
                break; // cannot happen (a shortest path exists); never spin
            }
        }
    }
}

/// Solves the network given as arcs `(from, to, capacity, cost)` with cost
/// type `C`; returns the flow on each arc, in order.
fn solve_arcs<C: CostNum>(
    n: usize,
    arcs: &[(usize, usize, i64, i128)],
    s: usize,
    t: usize,
    blocking: bool,
) -> Vec<i64> {
    let mut g: Flow<C> = Flow::new(n);
    let ids: Vec<usize> = arcs
        .iter()
        .map(|&(u, v, cap, cost)| g.add(u, v, cap, C::from_i128(cost)))
        .collect();
    g.run(s, t, blocking);
    ids.iter().map(|&e| g.flow(e)).collect()
}

/// Solves with `i64` costs when every distance provably fits (potentials
/// stay within a few times (nodes × largest arc cost)), else with `i128`.
fn solve_network(
    n: usize,
    arcs: &[(usize, usize, i64, i128)],
    s: usize,
    t: usize,
    blocking: bool,
) -> Vec<i64> {
    let max_cost = arcs.iter().map(|a| a.3.abs()).max().unwrap_or(0);
    let bound = max_cost.saturating_mul(n as i128 + 2).saturating_mul(8);
    if bound < i128::from(i64::MAX / 16) {
        solve_arcs::<i64>(n, arcs, s, t, blocking)
    } else {
        solve_arcs::<i128>(n, arcs, s, t, blocking)
    }
}

// ---------------------------------------------------------------------------
// Selection
// ---------------------------------------------------------------------------

/// The chosen pairs and what fairness achieved.
struct Selection {
    /// Indices into `Problem::pairs`, increasing.
    chosen: Vec<usize>,
    /// (threshold, enterprises served, enterprises with partners).
    fairness: Option<(i64, usize, usize)>,
}

/// A network under construction: arcs `(from, to, capacity, cost)`.
struct Arcs(Vec<(usize, usize, i64, i128)>);

impl Arcs {
    /// Adds an arc; returns its number.
    fn add(&mut self, u: usize, v: usize, cap: i64, cost: i128) -> usize {
        self.0.push((u, v, cap, cost));
        self.0.len() - 1
    }
}

/// Result of one flow: chosen pairs, and enterprises with a meeting at or
/// above the fairness threshold.
struct FlowResult {
    chosen: Vec<usize>,
    covered: usize,
}

/// Solves the lexicographic objective for the admissible pairs `adm` with
/// one min-cost flow.
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
fn run_flow(pb: &Problem, adm: &[usize], threshold: Option<i64>, with_scores: bool) -> FlowResult {
    let ne = pb.ents.len();
    let np = pb.parts.len();
    let mut has_pair = vec![false; ne];
    let mut has_high = vec![false; ne];
    let mut used_p = vec![false; np];
    for &k in adm {
        if let Some(x) = pb.pairs.get(k) {
            put(&mut has_pair, x.e, true);
            put(&mut used_p, x.p, true);
            if threshold.is_some_and(|t| x.score >= t) {
                put(&mut has_high, x.e, true);
            }
        }
    }
    let fair = threshold.is_some();
    let n_fair = has_high.iter().filter(|&&b| b).count() as i128;
    let sum_min: i128 = (0..ne)
        .filter(|&e| at(&has_pair, e))
        .map(|e| i128::from(at(&pb.min_e, e).min(at(&pb.cap_e, e))))
        .sum();
    // Each level's weight exceeds the most that all levels below it can
    // add up to, so the flow optimises the levels in order.
    let u_max = i128::from(pb.places).min(adm.len() as i128);
    let s_max = if with_scores { u_max * 1_000_000 } else { 0 };
    let w_fair = s_max + 1;
    let w_min = n_fair * w_fair + s_max + 1;
    let w_forced = sum_min * w_min + n_fair * w_fair + s_max + 1;

    let src = 0usize;
    let hub = 1usize;
    let ent0 = 2usize;
    let (hi0, lo0, part0) = if fair {
        (ent0 + ne, ent0 + 2 * ne, ent0 + 3 * ne)
    } else {
        (0, 0, ent0 + ne)
    };
    let sink = part0 + np;
    let mut g = Arcs(Vec::new());
    g.add(src, hub, i64::from(pb.places), 0);
    let mut has_low = vec![false; ne];
    for &k in adm {
        if let Some(x) = pb.pairs.get(k) {
            if threshold.is_some_and(|t| x.score < t) {
                put(&mut has_low, x.e, true);
            }
        }
    }
    let mut hi_arcs = Vec::new();
    for e in 0..ne {
        if !at(&has_pair, e) {
            continue;
        }
        let cap = at(&pb.cap_e, e);
        let mn = at(&pb.min_e, e).min(cap);
        if mn > 0 {
            g.add(hub, ent0 + e, i64::from(mn), -w_min);
        }
        if cap > mn {
            g.add(hub, ent0 + e, i64::from(cap - mn), 0);
        }
        if fair {
            // Pairs scoring ≥ T hang off a "high" node, the others off a
            // "low" node, so each pair has one arc; the first unit into
            // the high node carries the fairness bonus.
            if at(&has_high, e) {
                hi_arcs.push(g.add(ent0 + e, hi0 + e, 1, -w_fair));
                if cap > 1 {
                    g.add(ent0 + e, hi0 + e, i64::from(cap - 1), 0);
                }
            }
            if at(&has_low, e) {
                g.add(ent0 + e, lo0 + e, i64::from(cap), 0);
            }
        }
    }
    let mut pair_arcs = Vec::with_capacity(adm.len());
    for &k in adm {
        let Some(x) = pb.pairs.get(k) else { continue };
        let gain =
            if with_scores { i128::from(x.score) } else { 0 } + if x.forced { w_forced } else { 0 };
        let from = match threshold {
            Some(t) if x.score >= t => hi0 + x.e,
            Some(_) => lo0 + x.e,
            None => ent0 + x.e,
        };
        pair_arcs.push((g.add(from, part0 + x.p, 1, -gain), k));
    }
    for p in 0..np {
        if at(&used_p, p) {
            g.add(part0 + p, sink, i64::from(at(&pb.cap_p, p)), 0);
        }
    }
    // Real scores are mostly distinct: one path per Dijkstra is cheaper
    // than a blocking flow that rarely finds a second path.
    let flow = solve_network(sink + 1, &g.0, src, sink, !with_scores);
    let mut chosen: Vec<usize> = pair_arcs
        .iter()
        .filter(|(arc, _)| at(&flow, *arc) > 0)
        .map(|&(_, k)| k)
        .collect();
    chosen.sort_unstable();
    let covered = hi_arcs.iter().filter(|&&a| at(&flow, a) > 0).count();
    FlowResult { chosen, covered }
}

/// Chooses the meetings (see the module documentation for the objective).
fn select(pb: &Problem) -> Selection {
    let admissible: Vec<usize> = pb
        .pairs
        .iter()
        .enumerate()
        .filter(|(_, x)| {
            x.status == Status::Admissible && at(&pb.cap_e, x.e) > 0 && at(&pb.cap_p, x.p) > 0
        })
        .map(|(k, _)| k)
        .collect();
    if !pb.event.fairness {
        let r = run_flow(pb, &admissible, None, true);
        return Selection {
            chosen: r.chosen,
            fairness: None,
        };
    }
    let mut values: Vec<i64> = admissible
        .iter()
        .filter_map(|&k| pb.pairs.get(k).map(|x| x.score))
        .collect();
    values.sort_unstable();
    values.dedup();
    let Some(&lowest) = values.first() else {
        return Selection {
            chosen: Vec::new(),
            fairness: None,
        };
    };
    let mut with_partners: Vec<usize> = admissible
        .iter()
        .filter_map(|&k| pb.pairs.get(k).map(|x| x.e))
        .collect();
    with_partners.sort_unstable();
    with_partners.dedup();
    // K0: how many enterprises can be served at all (under the levels
    // above fairness). The threshold is the largest score T such that as
    // many enterprises can still each get a meeting scoring ≥ T. Serving
    // counts only fall as T rises, so binary search over the distinct
    // scores finds it.
    let k0 = run_flow(pb, &admissible, Some(lowest), false).covered;
    let (mut lo, mut hi) = (0usize, values.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if run_flow(pb, &admissible, Some(at(&values, mid)), false).covered == k0 {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let t = at(&values, lo);
    let r = run_flow(pb, &admissible, Some(t), true);
    Selection {
        chosen: r.chosen,
        fairness: Some((t, k0, with_partners.len())),
    }
}

// ---------------------------------------------------------------------------
// Timetable
// ---------------------------------------------------------------------------

const NONE: u32 = u32::MAX;

/// Work allowance for the timetable search, in elementary steps (a slot
/// tried, a path edge walked). A count, not a clock: the same input gets
/// the same timetable. Generous enough that realistic events never reach
/// it; it only stops pathological inputs from freezing the page.
const TIMETABLE_BUDGET: u64 = 60_000_000;
/// Nodes for the exhaustive branch-and-bound, which only runs on events of
/// at most [`EXACT_MAX_MEETINGS`] meetings when the faster methods leave a
/// meeting unplaced or cannot prove the slot count minimal.
const EXACT_NODES: u64 = 300_000;
const EXACT_MAX_MEETINGS: usize = 256;

/// How a direct placement chooses among free slots.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prefer {
    /// The least loaded slot: keeps slots even, for the balancing step.
    Spread,
    /// The earliest slot: keeps later slots empty, for compaction.
    Pack,
}

/// Placement priority of a meeting, smaller first: (not forced, number of
/// possible slots, −(degree of both parties), −score, index). Forced
/// meetings first, then the most constrained, as in graph colouring.
type Prio = (bool, usize, Reverse<u32>, Reverse<i64>, usize);

/// Timetable search state: meetings are edges of a bipartite graph
/// (enterprises × participants), slots are colours.
#[derive(Clone)]
struct Tt {
    ns: usize,
    tables: u32,
    /// (local enterprise, local participant) per meeting.
    me: Vec<(u32, u32)>,
    /// Slots where both parties of a meeting are available.
    allowed: Vec<SlotSet>,
    /// Placement priority key (lower first): forced first, then the most
    /// constrained.
    prio: Vec<Prio>,
    slot_of: Vec<u32>,
    /// Meeting of each local enterprise in each slot (`NONE` when free).
    be: Vec<u32>,
    /// Meeting of each local participant in each slot.
    bp: Vec<u32>,
    load: Vec<u32>,
    /// Undo log of (meeting, previous slot).
    log: Vec<(u32, u32)>,
    budget: u64,
}

impl Tt {
    fn busy_e(&self, le: u32, s: usize) -> u32 {
        self.be
            .get(le as usize * self.ns + s)
            .copied()
            .unwrap_or(NONE)
    }
    fn busy_p(&self, lp: u32, s: usize) -> u32 {
        self.bp
            .get(lp as usize * self.ns + s)
            .copied()
            .unwrap_or(NONE)
    }
    fn ends(&self, m: u32) -> (u32, u32) {
        self.me.get(m as usize).copied().unwrap_or((NONE, NONE))
    }
    fn allowed_of(&self, m: u32) -> SlotSet {
        at(&self.allowed, m as usize)
    }
    fn slot(&self, m: u32) -> u32 {
        self.slot_of.get(m as usize).copied().unwrap_or(NONE)
    }
    fn spend(&mut self, n: u64) -> bool {
        if self.budget < n {
            self.budget = 0;
            false
        } else {
            self.budget -= n;
            true
        }
    }
    fn placed(&self) -> usize {
        self.slot_of.iter().filter(|&&s| s != NONE).count()
    }
    fn used(&self) -> SlotSet {
        let mut u = SlotSet::default();
        for (s, &l) in self.load.iter().enumerate() {
            if l > 0 {
                u.insert(s);
            }
        }
        u
    }
    fn free_both(&self, m: u32, s: usize) -> bool {
        let (le, lp) = self.ends(m);
        self.busy_e(le, s) == NONE && self.busy_p(lp, s) == NONE
    }

    /// Moves meeting `m` to slot `new` (`NONE`: unplaced) without logging.
    /// Refuses (returns false) if a party is already busy there.
    fn set_raw(&mut self, m: u32, new: u32) -> bool {
        let (le, lp) = self.ends(m);
        let ns = self.ns;
        if new != NONE && !self.free_both(m, new as usize) {
            return false;
        }
        let old = self.slot(m);
        if old != NONE {
            put(&mut self.be, le as usize * ns + old as usize, NONE);
            put(&mut self.bp, lp as usize * ns + old as usize, NONE);
            let l = at(&self.load, old as usize);
            put(&mut self.load, old as usize, l.saturating_sub(1));
        }
        if new != NONE {
            put(&mut self.be, le as usize * ns + new as usize, m);
            put(&mut self.bp, lp as usize * ns + new as usize, m);
            let l = at(&self.load, new as usize);
            put(&mut self.load, new as usize, l + 1);
        }
        put(&mut self.slot_of, m as usize, new);
        true
    }

    /// Moves `m` to `new`, logging the move for [`Tt::rollback`].
    fn set(&mut self, m: u32, new: u32) -> bool {
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

    fn rollback(&mut self, mark: usize) {
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
        !tables_on || at(&self.load, s) < self.tables
    }

    /// Places `m` in a slot where both parties are free.
    fn try_direct(&mut self, m: u32, allowed: SlotSet, tables_on: bool, prefer: Prefer) -> bool {
        let cands = self.allowed_of(m).and(allowed);
        if !self.spend(cands.count() as u64 + 1) {
            return false;
        }
        let mut best: Option<(u32, usize)> = None;
        for s in cands.iter() {
            if !self.free_both(m, s) || !self.room(s, tables_on) {
                continue;
            }
            let key = match prefer {
                Prefer::Spread => at(&self.load, s),
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
                self.busy_e(v, c)
            } else {
                self.busy_p(v, c)
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
            if path.len() > self.me.len() || !self.spend(1) {
                return None;
            }
            path.push(m);
            let (le, lp) = self.ends(m);
            v = if side_ent { lp } else { le };
            side_ent = !side_ent;
            c = if c == c1 { c2 } else { c1 };
        }
    }

    /// [`Tt::walk`] from a vertex that is free in `c2`: always a path.
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
    fn try_kempe(&mut self, m: u32, allowed: SlotSet, tables_on: bool) -> bool {
        let (le, lp) = self.ends(m);
        let am = self.allowed_of(m).and(allowed);
        for from_ent in [false, true] {
            for a in am.iter() {
                // `a`: the slot m will take. The start vertex (the party
                // busy in `a`) must be free in `b`; the other party free in a.
                let (start, other_free) = if from_ent {
                    (le, self.busy_p(lp, a) == NONE)
                } else {
                    (lp, self.busy_e(le, a) == NONE)
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
                        self.busy_e(start, b) == NONE
                    } else {
                        self.busy_p(start, b) == NONE
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
        !tables_on || at(&self.load, s) <= self.tables
    }

    /// Meetings currently in slot `s`, in meeting order.
    fn in_slot(&mut self, s: usize) -> Vec<u32> {
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
        let (le, lp) = self.ends(m);
        for s in self.allowed_of(m).and(allowed).iter() {
            if !self.spend(4) {
                return false;
            }
            let mark = self.log.len();
            let mut out: Vec<u32> = Vec::new();
            for q in [self.busy_e(le, s), self.busy_p(lp, s)] {
                if q != NONE && !out.contains(&q) && self.slot(q) != NONE {
                    out.push(q);
                }
            }
            for &q in &out {
                self.set(q, NONE);
            }
            let mut extra: Vec<Option<u32>> = vec![None];
            if tables_on && at(&self.load, s) >= self.tables {
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
    fn place(&mut self, m: u32, allowed: SlotSet, tables_on: bool, prefer: Prefer) -> bool {
        self.try_direct(m, allowed, tables_on, prefer)
            || self.try_kempe(m, allowed, tables_on)
            || self.try_eject(m, allowed, tables_on, prefer)
    }

    /// de Werra's balancing step: in the slots `a` ∪ `b` every party has at
    /// most one meeting of each, so the meetings form paths and even
    /// cycles; a path that starts and ends in `a` has one `a` meeting more
    /// than `b` ones, and swapping it moves one meeting from `a` to `b`.
    fn shift_one(&mut self, a: usize, b: usize) -> bool {
        let in_a = self.in_slot(a);
        let mut seen: Vec<u32> = Vec::new();
        for &q in &in_a {
            if seen.contains(&q) {
                continue;
            }
            let (le, lp) = self.ends(q);
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
    fn balance(&mut self, allowed: SlotSet) -> Vec<u32> {
        let mut out = Vec::new();
        for a in allowed.iter() {
            let mut guard = 0usize;
            while at(&self.load, a) > self.tables && guard <= self.me.len() {
                guard += 1;
                let mut bs: Vec<usize> = allowed
                    .iter()
                    .filter(|&b| b != a && at(&self.load, b) < self.tables)
                    .collect();
                bs.sort_by_key(|&b| (at(&self.load, b), b));
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
                let victim = ms
                    .iter()
                    .copied()
                    .max_by_key(|&q| self.prio.get(q as usize).map(|p| (p.0, p.1, p.3, q)));
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
    fn compact(&mut self, lb: usize) {
        loop {
            let used = self.used();
            if used.count() <= lb || self.budget == 0 {
                return;
            }
            let mut order: Vec<usize> = used.iter().collect();
            order.sort_by_key(|&s| (at(&self.load, s), Reverse(s)));
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
    fn exact(&mut self, order: &[u32], best: &mut (usize, usize, Vec<u32>)) {
        let mut nodes = 0u64;
        for m in 0..self.me.len() {
            self.set_raw(m as u32, NONE);
        }
        self.bnb(order, 0, 0, &mut nodes, best);
    }

    fn bnb(
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
        let cands = self.allowed_of(m);
        // Slots already in use first: they cannot raise the slot count.
        let mut slots: Vec<usize> = cands
            .iter()
            .filter(|&s| self.free_both(m, s) && at(&self.load, s) < self.tables)
            .collect();
        slots.sort_by_key(|&s| (at(&self.load, s) == 0, s));
        for s in slots {
            if self.set_raw(m, s as u32) {
                self.bnb(order, i + 1, placed + 1, nodes, best);
                self.set_raw(m, NONE);
            }
        }
        self.bnb(order, i + 1, placed, nodes, best);
    }
}

/// The timetable of the chosen meetings.
struct Timetable {
    /// Per chosen meeting (same order): (slot, table) or `None`.
    place: Vec<Option<(usize, u32)>>,
    /// Per chosen meeting: the reason it is unplaced (empty when placed).
    reason: Vec<String>,
}

/// Assigns slots and tables to the chosen pairs.
fn timetable(pb: &Problem, chosen: &[usize]) -> Timetable {
    let ns = pb.ns;
    let mut loc_e = vec![NONE; pb.ents.len()];
    let mut loc_p = vec![NONE; pb.parts.len()];
    let (mut ne, mut np) = (0u32, 0u32);
    let mut me = Vec::with_capacity(chosen.len());
    let mut allowed = Vec::with_capacity(chosen.len());
    let mut deg_e: Vec<u32> = Vec::new();
    let mut deg_p: Vec<u32> = Vec::new();
    for &k in chosen {
        let Some(x) = pb.pairs.get(k) else { continue };
        if at(&loc_e, x.e) == NONE {
            put(&mut loc_e, x.e, ne);
            ne += 1;
            deg_e.push(0);
        }
        if at(&loc_p, x.p) == NONE {
            put(&mut loc_p, x.p, np);
            np += 1;
            deg_p.push(0);
        }
        let (le, lp) = (at(&loc_e, x.e), at(&loc_p, x.p));
        bump(&mut deg_e, le as usize);
        bump(&mut deg_p, lp as usize);
        me.push((le, lp));
        allowed.push(x.common);
    }
    let m_count = me.len();
    let prio: Vec<_> = chosen
        .iter()
        .zip(me.iter())
        .zip(allowed.iter())
        .enumerate()
        .map(|(i, ((&k, &(le, lp)), a))| {
            let x = pb.pairs.get(k);
            (
                !x.is_some_and(|x| x.forced),
                a.count(),
                Reverse(at(&deg_e, le as usize) + at(&deg_p, lp as usize)),
                Reverse(x.map(|x| x.score).unwrap_or(0)),
                i,
            )
        })
        .collect();
    let mut order: Vec<u32> = (0..m_count as u32).collect();
    order.sort_by_key(|&m| prio.get(m as usize).copied());
    let max_deg = deg_e.iter().chain(deg_p.iter()).copied().max().unwrap_or(0) as usize;
    let tables = pb.tables.max(1);
    let lb = max_deg.max(m_count.div_ceil(tables as usize));
    let fresh = Tt {
        ns,
        tables,
        me,
        allowed,
        prio,
        slot_of: vec![NONE; m_count],
        be: vec![NONE; ne as usize * ns],
        bp: vec![NONE; np as usize * ns],
        load: vec![0; ns],
        log: Vec::new(),
        budget: TIMETABLE_BUDGET,
    };

    // Slots ranked by how many meetings can use them, for the compact
    // attempts: without availability limits this is simply the first slots.
    let mut popular: Vec<(Reverse<usize>, usize)> = (0..ns)
        .map(|s| {
            (
                Reverse(fresh.allowed.iter().filter(|a| a.contains(s)).count()),
                s,
            )
        })
        .collect();
    popular.sort();
    let all = SlotSet::first(ns);
    let mut best: Option<Tt> = None;
    let mut budget = TIMETABLE_BUDGET;
    let better = |a: &Tt, b: &Option<Tt>| match b {
        None => true,
        Some(b) => {
            (a.placed(), Reverse(a.used().count())) > (b.placed(), Reverse(b.used().count()))
        }
    };
    // Attempt 1 (and 2): colour with exactly k slots, ignoring tables, then
    // balance; provably succeeds with k = lower bound when nobody has
    // availability limits (Kőnig + de Werra).
    for k in [lb, lb + 1] {
        if k == 0 || k > ns || best.as_ref().is_some_and(|b| b.placed() == m_count) {
            continue;
        }
        let mut set = SlotSet::default();
        for &(_, s) in popular.iter().take(k) {
            set.insert(s);
        }
        let mut tt = fresh.clone();
        tt.budget = budget;
        let mut pending = Vec::new();
        for &m in &order {
            tt.log.clear();
            if !(tt.try_direct(m, set, false, Prefer::Spread) || tt.try_kempe(m, set, false)) {
                pending.push(m);
            }
        }
        tt.log.clear();
        pending.extend(tt.balance(set));
        pending.sort_by_key(|&m| tt.prio.get(m as usize).copied());
        for &m in &pending {
            tt.log.clear();
            tt.place(m, set, true, Prefer::Spread);
        }
        tt.log.clear();
        budget = tt.budget;
        if better(&tt, &best) {
            best = Some(tt);
        }
    }
    // Attempt 3: all slots, packing early, then emptying slots.
    if m_count > 0
        && !best
            .as_ref()
            .is_some_and(|b| b.placed() == m_count && b.used().count() <= lb)
    {
        let mut tt = fresh.clone();
        tt.budget = budget.max(TIMETABLE_BUDGET / 4);
        let mut pending = Vec::new();
        for &m in &order {
            tt.log.clear();
            if !(tt.try_direct(m, all, true, Prefer::Pack) || tt.try_kempe(m, all, true)) {
                pending.push(m);
            }
        }
        for &m in &pending {
            tt.log.clear();
            tt.place(m, all, true, Prefer::Pack);
        }
        tt.log.clear();
        tt.compact(lb);
        if better(&tt, &best) {
            best = Some(tt);
        }
    }
    let mut tt = best.unwrap_or(fresh);
    // Exhaustive search on small events when not provably optimal.
    if m_count > 0
        && m_count <= EXACT_MAX_MEETINGS
        && (tt.placed() < m_count || tt.used().count() > lb)
    {
        let mut inc = (tt.placed(), tt.used().count(), tt.slot_of.clone());
        let mut ex = tt.clone();
        ex.exact(&order, &mut inc);
        if inc.2 != tt.slot_of {
            for m in 0..m_count as u32 {
                tt.set_raw(m, NONE);
            }
            for (m, &s) in inc.2.iter().enumerate() {
                tt.set_raw(m as u32, s);
            }
        }
    }
    // Never more meetings than tables in a slot, even if the search budget
    // ran out mid-balancing: the least important meetings go to unplaced.
    for s in 0..ns {
        while at(&tt.load, s) > tables {
            let ms = tt.in_slot(s);
            let victim = ms
                .iter()
                .copied()
                .max_by_key(|&q| tt.prio.get(q as usize).map(|p| (p.0, p.1, p.3, q)));
            match victim {
                Some(q) => {
                    tt.set_raw(q, NONE);
                }
                None => break,
            }
        }
    }
    // Last sweep: anything with a free slot and table now takes it.
    tt.budget = tt.budget.max(1_000_000);
    for &m in &order {
        if tt.slot(m) == NONE {
            tt.log.clear();
            tt.place(m, all, true, Prefer::Pack);
        }
    }

    // Tables: the enterprises with the most meetings keep one table all
    // event (participants move, enterprises stay, as is usual at such
    // events); the others take the free tables of each slot.
    let mut count_e = vec![0u32; ne as usize];
    for m in 0..m_count as u32 {
        if tt.slot(m) != NONE {
            let le = tt.ends(m).0 as usize;
            bump(&mut count_e, le);
        }
    }
    let mut rank: Vec<usize> = (0..ne as usize).filter(|&e| at(&count_e, e) > 0).collect();
    rank.sort_by_key(|&e| (Reverse(at(&count_e, e)), e));
    let mut home = vec![0u32; ne as usize];
    for (i, &e) in rank.iter().take(tables as usize).enumerate() {
        put(&mut home, e, i as u32 + 1);
    }
    let mut place: Vec<Option<(usize, u32)>> = vec![None; m_count];
    for s in 0..ns {
        let ms: Vec<u32> = (0..m_count as u32)
            .filter(|&m| tt.slot(m) as usize == s)
            .collect();
        let mut taken = vec![false; tables as usize + 1];
        for &m in &ms {
            let h = at(&home, tt.ends(m).0 as usize);
            if h > 0 {
                put(&mut taken, h as usize, true);
                put(&mut place, m as usize, Some((s, h)));
            }
        }
        let mut next = 1usize;
        for &m in &ms {
            if at(&home, tt.ends(m).0 as usize) > 0 {
                continue;
            }
            while next < taken.len() && at(&taken, next) {
                next += 1;
            }
            put(&mut taken, next, true);
            put(&mut place, m as usize, Some((s, next as u32)));
        }
    }

    let mut reason = vec![String::new(); m_count];
    for (m, r) in reason.iter_mut().enumerate() {
        if tt.slot(m as u32) == NONE {
            *r = unplaced_reason(pb, &tt, chosen, m as u32);
        }
    }
    Timetable { place, reason }
}

/// Says, slot by slot, why meeting `m` fits nowhere.
fn unplaced_reason(pb: &Problem, tt: &Tt, chosen: &[usize], m: u32) -> String {
    let Some(x) = chosen.get(m as usize).and_then(|&k| pb.pairs.get(k)) else {
        return String::new();
    };
    let (le, lp) = tt.ends(m);
    let en = &pb.ent(x.e).id;
    let pn = &pb.part(x.p).id;
    let other = |q: u32, want_ent: bool| -> String {
        chosen
            .get(q as usize)
            .and_then(|&k| pb.pairs.get(k))
            .map(|y| {
                if want_ent {
                    pb.ent(y.e).id.clone()
                } else {
                    pb.part(y.p).id.clone()
                }
            })
            .unwrap_or_default()
    };
    let ea = at(&pb.avail_e, x.e);
    let pa = at(&pb.avail_p, x.p);
    let mut notes = Vec::new();
    for s in 0..pb.ns {
        let label = pb.slot_label(s);
        let note = match (ea.contains(s), pa.contains(s)) {
            (false, false) => format!("{label} both unavailable"),
            (false, true) => format!("{label} `{en}` unavailable"),
            (true, false) => format!("{label} `{pn}` unavailable"),
            (true, true) => {
                let qe = tt.busy_e(le, s);
                let qp = tt.busy_p(lp, s);
                if qe != NONE {
                    format!("{label} `{en}` meets `{}`", other(qe, false))
                } else if qp != NONE {
                    format!("{label} `{pn}` meets `{}`", other(qp, true))
                } else if at(&tt.load, s) >= tt.tables {
                    format!("{label} all {} tables taken", tt.tables)
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
        "no slot has both `{en}` and `{pn}` free with a table left (moving other meetings did not help): {}",
        notes.iter().take(shown).cloned().collect::<Vec<_>>().join("; ")
    );
    if more > 0 {
        text.push_str(&format!("; … ({more} more slots)"));
    }
    text
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

/// Builds the schedule of an event: selects the meetings (exact optimum,
/// see the module documentation), times them, and writes agendas, unmet
/// requests and totals.
///
/// - `event`: the event (slots, tables, limits, constraints), usually from
///   [`Event::from_json`].
/// - `enterprises`: the enterprise side, any number up to
///   [`limits::MAX_PARTIES`]; ids unique across both sides.
/// - `participants`: the research side, same rules.
/// - `scores`: candidate pairs from the matching engine, indices into the
///   two slices, scores in `[0, 1]`, each pair at most once, up to
///   [`limits::MAX_CANDIDATES`]. A pair not listed is never proposed unless
///   forced.
///
/// Errors name the offending item: unknown ids, slot indices out of range,
/// a party unavailable in every slot, contradictory forced pairs, more
/// minimum meetings than meeting places, bad numbers, duplicate ids or
/// pairs, sizes over the limits.
pub fn plan(
    event: &Event,
    enterprises: &[Party],
    participants: &[Party],
    scores: &[Candidate],
) -> Result<Schedule> {
    let pb = Problem::new(event, enterprises, participants, scores)?;
    let sel = select(&pb);
    let tt = timetable(&pb, &sel.chosen);
    Ok(report(&pb, &sel, &tt))
}

fn round6(x: f64) -> f64 {
    (x * SCALE).round() / SCALE
}

/// Counts of why a party's candidate pairs cannot be proposed.
#[derive(Default, Clone, Copy)]
struct Why {
    total: usize,
    admissible: usize,
    excluded: usize,
    conflict: usize,
    same_inst: usize,
    no_slot: usize,
    below: usize,
}

impl Why {
    fn add(&mut self, st: Status) {
        self.total += 1;
        match st {
            Status::Admissible => self.admissible += 1,
            Status::Excluded => self.excluded += 1,
            Status::Conflict => self.conflict += 1,
            Status::SameInstitution => self.same_inst += 1,
            Status::NoCommonSlot => self.no_slot += 1,
            Status::BelowMinScore => self.below += 1,
        }
    }
    /// "3 below min_score 0.3, 1 excluded" for the non-admissible pairs.
    fn explain(&self, min_score: f64) -> String {
        if self.total == 0 {
            return "the matching engine proposed no pair".to_string();
        }
        let mut parts = Vec::new();
        let mut add = |n: usize, what: String| {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        };
        add(self.below, format!("below min_score {min_score}"));
        add(self.excluded, "excluded".to_string());
        add(self.conflict, "in conflicts".to_string());
        add(
            self.same_inst,
            "from the same institution (avoid_same_institution)".to_string(),
        );
        add(
            self.no_slot,
            "with no slot where both are available".to_string(),
        );
        if parts.is_empty() {
            "all candidate pairs are admissible".to_string()
        } else {
            format!("of {} candidate pair(s): {}", self.total, parts.join(", "))
        }
    }
}

fn report(pb: &Problem, sel: &Selection, tt: &Timetable) -> Schedule {
    let ne = pb.ents.len();
    let np = pb.parts.len();
    let ev = pb.event;
    let mut why_e = vec![Why::default(); ne];
    let mut why_p = vec![Why::default(); np];
    for x in &pb.pairs {
        if let Some(w) = why_e.get_mut(x.e) {
            w.add(x.status);
        }
        if let Some(w) = why_p.get_mut(x.p) {
            w.add(x.status);
        }
    }

    // --- meetings and unplaced ----------------------------------------------
    let mut meetings: Vec<(Meeting, usize, usize)> = Vec::new();
    let mut unplaced = Vec::new();
    let mut selected_e = vec![0u32; ne];
    let mut placed_e = vec![0u32; ne];
    let mut placed_p = vec![0u32; np];
    let mut placed_pair = vec![false; pb.pairs.len()];
    let mut unplaced_reason: BTreeMap<usize, String> = BTreeMap::new();
    let mut score_sum: i64 = 0;
    for (i, &k) in sel.chosen.iter().enumerate() {
        let Some(x) = pb.pairs.get(k) else { continue };
        bump(&mut selected_e, x.e);
        let (en, pn) = (pb.ent(x.e), pb.part(x.p));
        match tt.place.get(i).copied().flatten() {
            Some((s, table)) => {
                bump(&mut placed_e, x.e);
                bump(&mut placed_p, x.p);
                put(&mut placed_pair, k, true);
                score_sum += x.score;
                let slot = ev.slots.get(s);
                meetings.push((
                    Meeting {
                        slot: s,
                        start: slot.map(|x| x.start.clone()).unwrap_or_default(),
                        end: slot.map(|x| x.end.clone()).unwrap_or_default(),
                        table,
                        enterprise_id: en.id.clone(),
                        enterprise_name: en.name.clone(),
                        participant_id: pn.id.clone(),
                        participant_name: pn.name.clone(),
                        score: x.score_f,
                        topics: pb.topics(x),
                        forced: x.forced,
                    },
                    x.e,
                    x.p,
                ));
            }
            None => {
                let reason = tt.reason.get(i).cloned().unwrap_or_default();
                unplaced_reason.insert(k, reason.clone());
                unplaced.push(UnplacedMeeting {
                    enterprise_id: en.id.clone(),
                    enterprise_name: en.name.clone(),
                    participant_id: pn.id.clone(),
                    participant_name: pn.name.clone(),
                    score: x.score_f,
                    topics: pb.topics(x),
                    forced: x.forced,
                    reason,
                });
            }
        }
    }
    meetings.sort_by_key(|m| (m.0.slot, m.0.table));

    // --- agendas ----------------------------------------------------------------
    let mut by_e: Vec<Vec<usize>> = vec![Vec::new(); ne];
    let mut by_p: Vec<Vec<usize>> = vec![Vec::new(); np];
    for (i, (_, e, p)) in meetings.iter().enumerate() {
        if let Some(v) = by_e.get_mut(*e) {
            v.push(i);
        }
        if let Some(v) = by_p.get_mut(*p) {
            v.push(i);
        }
    }
    let entry = |m: &Meeting, other: &Party| AgendaEntry {
        slot: m.slot,
        start: m.start.clone(),
        end: m.end.clone(),
        table: m.table,
        counterpart_id: other.id.clone(),
        counterpart_name: other.name.clone(),
        counterpart_institution: other.institution.clone(),
        score: m.score,
        topics: m.topics.clone(),
        forced: m.forced,
    };
    // One side's agendas: each party's meetings (in time order), each
    // entry naming the party met on the other side.
    let agendas = |side: Side,
                   parties: &[Party],
                   by: &[Vec<usize>],
                   entry_of: &dyn Fn(&Meeting, usize, usize) -> AgendaEntry|
     -> Vec<Agenda> {
        parties
            .iter()
            .zip(by)
            .map(|(party, idx)| Agenda {
                side,
                id: party.id.clone(),
                name: party.name.clone(),
                institution: party.institution.clone(),
                meetings: idx
                    .iter()
                    .filter_map(|&i| meetings.get(i))
                    .map(|(m, e, p)| entry_of(m, *e, *p))
                    .collect(),
            })
            .collect()
    };
    let enterprise_agendas = agendas(Side::Enterprise, pb.ents, &by_e, &|m, _, p| {
        entry(m, pb.part(p))
    });
    let participant_agendas = agendas(Side::Participant, pb.parts, &by_p, &|m, e, _| {
        entry(m, pb.ent(e))
    });

    // --- unmet requests -------------------------------------------------------------
    let mut unmet = Vec::new();
    let mut forced_e = vec![0u32; ne];
    let mut forced_p = vec![0u32; np];
    let mut forced_total = 0u32;
    for x in pb.pairs.iter().filter(|x| x.forced) {
        bump(&mut forced_e, x.e);
        bump(&mut forced_p, x.p);
        forced_total += 1;
    }
    let chosen_set: Vec<bool> = {
        let mut v = vec![false; pb.pairs.len()];
        for &k in &sel.chosen {
            put(&mut v, k, true);
        }
        v
    };
    let limit_text = |side: Side, i: usize| -> String {
        let (max, avail) = match side {
            Side::Enterprise => (at(&pb.max_e, i), at(&pb.avail_e, i).count()),
            Side::Participant => (at(&pb.max_p, i), at(&pb.avail_p, i).count()),
        };
        format!("max {max}, available in {avail} of {} slots", pb.ns)
    };
    for (k, x) in pb.pairs.iter().enumerate().filter(|(_, x)| x.forced) {
        let (en, pn) = (pb.ent(x.e), pb.part(x.p));
        let reason = if at(&chosen_set, k) {
            if at(&placed_pair, k) {
                continue;
            }
            format!(
                "selected but not placed: {}",
                unplaced_reason.get(&k).cloned().unwrap_or_default()
            )
        } else if x.status == Status::NoCommonSlot {
            format!(
                "no slot where both `{}` and `{}` are available",
                en.id, pn.id
            )
        } else if at(&forced_e, x.e) > at(&pb.cap_e, x.e) {
            format!(
                "`{}` has {} forced pairs but can take at most {} meetings ({})",
                en.id,
                at(&forced_e, x.e),
                at(&pb.cap_e, x.e),
                limit_text(Side::Enterprise, x.e)
            )
        } else if at(&forced_p, x.p) > at(&pb.cap_p, x.p) {
            format!(
                "`{}` has {} forced pairs but can take at most {} meetings ({})",
                pn.id,
                at(&forced_p, x.p),
                at(&pb.cap_p, x.p),
                limit_text(Side::Participant, x.p)
            )
        } else if forced_total > pb.places {
            format!(
                "{forced_total} forced pairs but only {} meeting places ({} slots × {} tables)",
                pb.places, pb.ns, pb.tables
            )
        } else {
            "it cannot be combined with the other forced pairs within the meeting limits"
                .to_string()
        };
        unmet.push(Unmet {
            kind: UnmetKind::ForcedPairNotMet,
            side: Side::Enterprise,
            id: en.id.clone(),
            name: en.name.clone(),
            counterpart_id: Some(pn.id.clone()),
            reason,
        });
    }
    for (e, party) in pb.ents.iter().enumerate() {
        let why = at(&why_e, e);
        let min = at(&pb.min_e, e);
        let placed = at(&placed_e, e);
        let selected = at(&selected_e, e);
        let (kind, reason) = if why.admissible == 0 {
            let mut r = format!(
                "no research participant can be proposed: {}",
                why.explain(ev.min_score)
            );
            if min > 0 {
                r.push_str(&format!(" (its minimum is {min})"));
            }
            (UnmetKind::NoAdmissiblePartner, r)
        } else if placed < min {
            let mut causes = Vec::new();
            if selected > placed {
                causes.push(format!(
                    "{} selected meeting(s) could not be placed in the timetable (see `unplaced`)",
                    selected - placed
                ));
            }
            let cap = at(&pb.cap_e, e);
            if cap < min {
                causes.push(format!(
                    "it can take at most {cap} meeting(s) ({})",
                    limit_text(Side::Enterprise, e)
                ));
            } else if (why.admissible as u64) < u64::from(min) {
                let mut c = format!("it has only {} admissible partner(s)", why.admissible);
                if why.admissible < why.total {
                    c.push_str(&format!("; {}", why.explain(ev.min_score)));
                }
                causes.push(c);
            } else if selected < min {
                causes.push(format!(
                    "its admissible partners are at their own maximum, or the {} meeting places are needed for other enterprises' minimums and forced pairs",
                    pb.places
                ));
            }
            (
                UnmetKind::BelowMinimum,
                format!(
                    "{placed} meeting(s) for a minimum of {min}: {}",
                    causes.join("; ")
                ),
            )
        } else if placed == 0 {
            let r = if selected > 0 {
                "its selected meetings could not be placed in the timetable (see `unplaced`)"
                    .to_string()
            } else {
                format!(
                    "{} admissible partner(s), but their time and the meeting places went to higher-scoring pairs{}",
                    why.admissible,
                    if ev.fairness {
                        ""
                    } else {
                        " (set a minimum or turn on `fairness` to serve every enterprise)"
                    }
                )
            };
            (UnmetKind::NoMeeting, r)
        } else {
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
    for (p, party) in pb.parts.iter().enumerate() {
        let why = at(&why_p, p);
        if why.admissible == 0 {
            unmet.push(Unmet {
                kind: UnmetKind::NoAdmissiblePartner,
                side: Side::Participant,
                id: party.id.clone(),
                name: party.name.clone(),
                counterpart_id: None,
                reason: format!(
                    "no enterprise can be proposed: {}",
                    why.explain(ev.min_score)
                ),
            });
        }
    }

    // --- totals -----------------------------------------------------------------------
    let n = meetings.len();
    let mut per_slot = vec![0usize; pb.ns];
    for (m, _, _) in &meetings {
        if let Some(c) = per_slot.get_mut(m.slot) {
            *c += 1;
        }
    }
    let max_deg = placed_e
        .iter()
        .chain(placed_p.iter())
        .copied()
        .max()
        .unwrap_or(0) as usize;
    let lower = max_deg.max(n.div_ceil(pb.tables.max(1) as usize));
    let total_score = score_sum as f64 / SCALE;
    let totals = Totals {
        meetings: n,
        selected: sel.chosen.len(),
        unplaced: unplaced.len(),
        total_score,
        mean_score: if n == 0 {
            0.0
        } else {
            round6(total_score / n as f64)
        },
        slots_used: per_slot.iter().filter(|&&c| c > 0).count(),
        slots_lower_bound: lower,
        tables_used_per_slot: per_slot,
        enterprises_with_meetings: placed_e.iter().filter(|&&c| c > 0).count(),
        participants_with_meetings: placed_p.iter().filter(|&&c| c > 0).count(),
    };
    let fairness = sel.fairness.map(|(_, served, with_partners)| {
        // The worst best, measured on the selection itself.
        let mut best = vec![-1i64; ne];
        for &k in &sel.chosen {
            if let Some(x) = pb.pairs.get(k) {
                if at(&best, x.e) < x.score {
                    put(&mut best, x.e, x.score);
                }
            }
        }
        let worst = best.iter().copied().filter(|&b| b >= 0).min().unwrap_or(0);
        Fairness {
            worst_best_score: worst as f64 / SCALE,
            enterprises_served: served,
            enterprises_with_partners: with_partners,
        }
    });
    Schedule {
        name: ev.name.clone(),
        slots: ev.slots.clone(),
        tables: ev.tables,
        meetings: meetings.into_iter().map(|(m, _, _)| m).collect(),
        unplaced,
        enterprise_agendas,
        participant_agendas,
        unmet,
        totals,
        fairness,
    }
}

// ---------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------

/// CSV of the whole timetable, one meeting per row in slot and table
/// order: `start,end,table,enterprise_id,enterprise,participant_id,
/// participant,score,topics,forced`. UTF-8 with a byte-order mark so Excel
/// reads Chinese names correctly; CRLF line ends and quoting per RFC 4180;
/// formula-like cells neutralised. Unplaced meetings are not rows (they
/// have no time); they are in the JSON report.
///
/// `schedule`: a schedule from [`plan`].
pub fn timetable_csv(schedule: &Schedule) -> String {
    coopmatch_csv::document(
        &[
            "start",
            "end",
            "table",
            "enterprise_id",
            "enterprise",
            "participant_id",
            "participant",
            "score",
            "topics",
            "forced",
        ],
        schedule.meetings.iter().map(|m| {
            vec![
                m.start.clone(),
                m.end.clone(),
                m.table.to_string(),
                m.enterprise_id.clone(),
                m.enterprise_name.clone(),
                m.participant_id.clone(),
                m.participant_name.clone(),
                format!("{:.3}", m.score),
                m.topics.join("; "),
                if m.forced { "yes" } else { "" }.to_string(),
            ]
        }),
    )
}

/// CSV of one party's agenda, in slot order: `start,end,table,
/// counterpart_id,counterpart,institution,score,topics`. Same encoding as
/// [`timetable_csv`].
///
/// `schedule`: a schedule from [`plan`]; `party_id`: an enterprise's or
/// research participant's id (exact match). Unknown id: a not-found error.
pub fn agenda_csv(schedule: &Schedule, party_id: &str) -> Result<String> {
    let agenda = schedule
        .enterprise_agendas
        .iter()
        .chain(schedule.participant_agendas.iter())
        .find(|a| a.id == party_id)
        .ok_or_else(|| {
            Error::not_found(format!(
                "no enterprise or research participant with id `{party_id}`"
            ))
        })?;
    Ok(coopmatch_csv::document(
        &[
            "start",
            "end",
            "table",
            "counterpart_id",
            "counterpart",
            "institution",
            "score",
            "topics",
        ],
        agenda.meetings.iter().map(|m| {
            vec![
                m.start.clone(),
                m.end.clone(),
                m.table.to_string(),
                m.counterpart_id.clone(),
                m.counterpart_name.clone(),
                m.counterpart_institution.clone(),
                format!("{:.3}", m.score),
                m.topics.join("; "),
            ]
        }),
    ))
}

/// The schedule as pretty-printed JSON (the [`Schedule`] structure).
///
/// `schedule`: a schedule from [`plan`].
pub fn to_json(schedule: &Schedule) -> Result<String> {
    serde_json::to_string_pretty(schedule)
        .map_err(|e| Error::invalid(format!("could not write the schedule as JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use coopmatch_csv::cell as csv_cell;

    // --- helpers ------------------------------------------------------------------

    /// xorshift64*: a tiny deterministic generator, so every test instance
    /// is reproducible from its seed.
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

    fn party(id: &str, inst: &str) -> Party {
        Party {
            id: id.to_string(),
            name: format!("Name of {id}"),
            institution: inst.to_string(),
        }
    }

    fn slots(n: usize) -> Vec<Slot> {
        (0..n)
            .map(|i| Slot {
                start: format!("{:02}:{:02}", 9 + i / 3, (i % 3) * 20),
                end: format!("{:02}:{:02}", 9 + (i + 1) / 3, ((i + 1) % 3) * 20),
            })
            .collect()
    }

    fn event(ns: usize, tables: u32) -> Event {
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

    fn cand(e: usize, p: usize, score: f64) -> Candidate {
        Candidate {
            enterprise: e,
            participant: p,
            score,
            topics: vec![format!("t{e}{p}")],
        }
    }

    fn pair_ids(a: &str, b: &str) -> [String; 2] {
        [a.to_string(), b.to_string()]
    }

    #[derive(Clone)]
    struct Inst {
        event: Event,
        ents: Vec<Party>,
        parts: Vec<Party>,
        cands: Vec<Candidate>,
    }

    /// A random small event: 3–5 enterprises, 3–6 participants, 2–4 slots,
    /// random caps (global and per party), scores with ties and zeros,
    /// conflicts, exclusions, same-institution pairs, forced pairs and
    /// (optionally) availability limits. At most `max_pairs` candidates,
    /// so exhaustive search stays fast.
    fn random_instance(rng: &mut Rng, availability: bool, max_pairs: usize) -> Inst {
        let ne = rng.range(3, 5);
        let np = rng.range(3, 6);
        let ns = rng.range(2, 4);
        let tables = rng.range(1, 4) as u32;
        let insts = ["", "U1", "U2"];
        let ents: Vec<Party> = (0..ne)
            .map(|i| party(&format!("e{i}"), insts[rng.below(3)]))
            .collect();
        let parts: Vec<Party> = (0..np)
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
        let mut cands = Vec::new();
        for e in 0..ne {
            for p in 0..np {
                if cands.len() < max_pairs && rng.chance(70) {
                    let score = rng.below(21) as f64 / 20.0;
                    cands.push(cand(e, p, score));
                }
            }
        }
        for _ in 0..rng.below(3) {
            let (e, p) = (rng.below(ne), rng.below(np));
            ev.conflicts.push(pair_ids(&ents[e].id, &parts[p].id));
        }
        for _ in 0..rng.below(3) {
            let (e, p) = (rng.below(ne), rng.below(np));
            // Either order is accepted.
            ev.excluded.push(pair_ids(&parts[p].id, &ents[e].id));
        }
        // Per-party caps.
        for ent in &ents {
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
        for part in &parts {
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
            for id in ents.iter().chain(parts.iter()).map(|p| p.id.clone()) {
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
            let (a, b) = (&ents[e], &parts[p]);
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
            ents,
            parts,
            cands,
        }
    }

    // --- independent brute force ---------------------------------------------------

    /// The rules written out again from the event file, independently of
    /// the module's own preparation, so the test checks the semantics too.
    struct Brute {
        pairs: Vec<(usize, usize, i64, bool)>, // e, p, scaled score, forced
        cap_e: Vec<usize>,
        cap_p: Vec<usize>,
        min_e: Vec<usize>,
        places: usize,
        ne: usize,
    }

    fn avail_sets(inst: &Inst) -> BTreeMap<String, Vec<bool>> {
        let ns = inst.event.slots.len();
        let mut m = BTreeMap::new();
        for p in inst.ents.iter().chain(inst.parts.iter()) {
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

    fn brute_problem(inst: &Inst) -> Brute {
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
        for e in &inst.ents {
            let lim = ev.limits.get(&e.id).copied().unwrap_or_default();
            let mx = lim
                .max
                .or(ev.meetings_per_enterprise.max)
                .unwrap_or(ns as u32) as usize;
            cap_e.push(mx.min(count(&e.id)));
            min_e.push(lim.min.unwrap_or(ev.meetings_per_enterprise.min) as usize);
        }
        let cap_p: Vec<usize> = inst
            .parts
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
        for (e, ep) in inst.ents.iter().enumerate() {
            for (p, pp) in inst.parts.iter().enumerate() {
                let forced = listed(&ev.forced, &ep.id, &pp.id);
                let c = inst
                    .cands
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
            ne: inst.ents.len(),
        }
    }

    /// Visits every subset of the admissible pairs that respects the
    /// per-party caps and the number of meeting places.
    fn enumerate(b: &Brute, visit: &mut dyn FnMut(&[usize])) {
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
    fn levels(b: &Brute, set: &[(usize, usize, i64, bool)]) -> (usize, usize, i64) {
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

    fn best_per_enterprise(b: &Brute, set: &[(usize, usize, i64, bool)]) -> Vec<i64> {
        let mut best = vec![-1i64; b.ne];
        for &(e, _, sc, _) in set {
            best[e] = best[e].max(sc);
        }
        best
    }

    /// The schedule's selected pairs (placed and unplaced) as brute pairs.
    fn selected_pairs(inst: &Inst, sched: &Schedule, b: &Brute) -> Vec<(usize, usize, i64, bool)> {
        let ei = |id: &str| inst.ents.iter().position(|x| x.id == id).unwrap();
        let pi = |id: &str| inst.parts.iter().position(|x| x.id == id).unwrap();
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

    fn check_feasible(b: &Brute, set: &[(usize, usize, i64, bool)]) {
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
    fn check_timetable(inst: &Inst, sched: &Schedule) {
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

    fn run(inst: &Inst) -> Schedule {
        plan(&inst.event, &inst.ents, &inst.parts, &inst.cands).expect("valid instance")
    }

    // --- optimality ----------------------------------------------------------------

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

    /// Scores for a 2×2 (or larger) grid; `None` = no candidate.
    fn grid(scores: &[&[Option<f64>]]) -> (Vec<Party>, Vec<Party>, Vec<Candidate>) {
        let ne = scores.len();
        let np = scores.first().map_or(0, |r| r.len());
        let ents = (0..ne).map(|i| party(&format!("e{i}"), "")).collect();
        let parts = (0..np).map(|i| party(&format!("p{i}"), "")).collect();
        let mut c = Vec::new();
        for (e, row) in scores.iter().enumerate() {
            for (p, s) in row.iter().enumerate() {
                if let Some(s) = s {
                    c.push(cand(e, p, *s));
                }
            }
        }
        (ents, parts, c)
    }

    fn pairs_of(sched: &Schedule) -> Vec<(String, String)> {
        let mut v: Vec<_> = sched
            .meetings
            .iter()
            .map(|m| (m.enterprise_id.clone(), m.participant_id.clone()))
            .collect();
        v.sort();
        v
    }

    fn pv(list: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<_> = list
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn greedy_trap_is_solved_optimally() {
        // Greedy takes e0–p0 (0.9) and is stuck at 0.9; the optimum pairs
        // e0–p1 and e1–p0 for 0.8 + 0.85 = 1.65.
        let (ents, parts, c) = grid(&[&[Some(0.9), Some(0.8)], &[Some(0.85), None]]);
        let mut ev = event(2, 5);
        ev.meetings_per_enterprise.max = Some(1);
        ev.meetings_per_participant.max = Some(1);
        let s = plan(&ev, &ents, &parts, &c).unwrap();
        assert_eq!(pairs_of(&s), pv(&[("e0", "p1"), ("e1", "p0")]));
        assert!((s.totals.total_score - 1.65).abs() < 1e-9);
    }

    #[test]
    fn maximises_score_not_meeting_count() {
        // Two meetings would score 0.2; one meeting scores 0.9.
        let (ents, parts, c) = grid(&[&[Some(0.9), Some(0.1)], &[Some(0.1), None]]);
        let mut ev = event(1, 5);
        ev.meetings_per_enterprise.max = Some(1);
        ev.meetings_per_participant.max = Some(1);
        let s = plan(&ev, &ents, &parts, &c).unwrap();
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
        let (ents, parts, c) = grid(&[&[Some(0.0), Some(0.5)]]);
        let s = plan(&event(3, 3), &ents, &parts, &c).unwrap();
        assert_eq!(pairs_of(&s), pv(&[("e0", "p1")]));
    }

    #[test]
    fn minimums_come_before_score() {
        // p0 can meet once. Score alone gives it to e0 (0.9); e1's minimum
        // of 1 needs p0 (its only partner), and e0 still has p1.
        let (ents, parts, c) = grid(&[&[Some(0.9), Some(0.3)], &[Some(0.5), None]]);
        let mut ev = event(2, 5);
        ev.meetings_per_enterprise = EnterpriseMeetings {
            min: 1,
            max: Some(1),
        };
        ev.meetings_per_participant.max = Some(1);
        let s = plan(&ev, &ents, &parts, &c).unwrap();
        assert_eq!(pairs_of(&s), pv(&[("e0", "p1"), ("e1", "p0")]));
        assert!(s.unmet.is_empty(), "{:?}", s.unmet);
    }

    #[test]
    fn minimum_that_cannot_be_met_is_reported_with_reason() {
        let (ents, parts, c) = grid(&[&[Some(0.9), Some(0.8)], &[Some(0.5), None]]);
        let mut ev = event(3, 5);
        ev.meetings_per_enterprise = EnterpriseMeetings {
            min: 2,
            max: Some(3),
        };
        let s = plan(&ev, &ents, &parts, &c).unwrap();
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
        let (ents, parts, c) = grid(&[&[Some(0.1), Some(0.9)], &[None, Some(0.8)]]);
        let mut ev = event(2, 5);
        ev.min_score = 0.5;
        ev.meetings_per_enterprise.max = Some(1);
        ev.forced = vec![pair_ids("e0", "p0"), pair_ids("p0", "e1")];
        ev.meetings_per_participant.max = Some(2);
        let s = plan(&ev, &ents, &parts, &c).unwrap();
        assert_eq!(pairs_of(&s), pv(&[("e0", "p0"), ("e1", "p0")]));
        assert!(s.meetings.iter().all(|m| m.forced));
    }

    #[test]
    fn forced_pair_without_common_slot_is_reported() {
        let (ents, parts, c) = grid(&[&[Some(0.5)]]);
        let mut ev = event(2, 1);
        ev.forced = vec![pair_ids("e0", "p0")];
        ev.unavailable.insert("e0".into(), vec![SlotRef::Index(0)]);
        ev.unavailable
            .insert("p0".into(), vec![SlotRef::Label("09:20".into())]);
        let s = plan(&ev, &ents, &parts, &c).unwrap();
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
        let (ents, parts, c) =
            grid(&[&[Some(1.0), Some(0.9), None], &[None, Some(0.8), Some(0.1)]]);
        let mut ev = event(2, 5);
        ev.meetings_per_participant.max = Some(1);
        ev.meetings_per_enterprise.max = Some(2);
        let s = plan(&ev, &ents, &parts, &c).unwrap();
        assert!(pairs_of(&s).contains(&("e0".to_string(), "p1".to_string())));
        ev.fairness = true;
        let s = plan(&ev, &ents, &parts, &c).unwrap();
        assert_eq!(
            pairs_of(&s),
            pv(&[("e0", "p0"), ("e1", "p1"), ("e1", "p2")])
        );
        assert_eq!(s.fairness.as_ref().unwrap().worst_best_score, 0.8);
    }

    #[test]
    fn same_institution_and_conflicts_are_respected() {
        let ents = vec![party("e0", " Tsinghua "), party("e1", "Acme")];
        let parts = vec![party("p0", "tsinghua"), party("p1", "")];
        let c = vec![
            cand(0, 0, 0.9),
            cand(0, 1, 0.5),
            cand(1, 0, 0.4),
            cand(1, 1, 0.3),
        ];
        let mut ev = event(3, 3);
        ev.avoid_same_institution = true;
        ev.conflicts = vec![pair_ids("p1", "e1")];
        let s = plan(&ev, &ents, &parts, &c).unwrap();
        assert_eq!(pairs_of(&s), pv(&[("e0", "p1"), ("e1", "p0")]));
    }

    #[test]
    fn forced_pairs_over_a_cap_are_reported() {
        let (ents, parts, c) = grid(&[&[Some(0.5)], &[Some(0.9)]]);
        let mut ev = event(3, 3);
        ev.meetings_per_participant.max = Some(1);
        ev.forced = vec![pair_ids("e0", "p0"), pair_ids("e1", "p0")];
        let s = plan(&ev, &ents, &parts, &c).unwrap();
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
        let (ents, parts, c) = grid(&[&[None], &[None]]);
        let mut ev = event(3, 3);
        ev.forced = vec![pair_ids("e0", "p0"), pair_ids("e1", "p0")];
        for e in ["e0", "e1"] {
            ev.unavailable
                .insert(e.into(), vec![SlotRef::Index(1), SlotRef::Index(2)]);
        }
        let s = plan(&ev, &ents, &parts, &c).unwrap();
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

    /// Total cost of a flow on `arcs`.
    fn flow_cost(arcs: &[(usize, usize, i64, i128)], flow: &[i64]) -> i128 {
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

    // --- timetable -------------------------------------------------------------------

    #[test]
    fn timetable_without_availability_uses_the_lower_bound_of_slots() {
        for seed in 3000..3300u64 {
            let mut rng = Rng::new(seed);
            // Bigger instances: 4–12 per side, random degrees, 2–10 slots.
            let ne = rng.range(4, 12);
            let np = rng.range(4, 12);
            let ns = rng.range(2, 10);
            let tables = rng.range(1, 8) as u32;
            let ents: Vec<Party> = (0..ne).map(|i| party(&format!("e{i}"), "")).collect();
            let parts: Vec<Party> = (0..np).map(|i| party(&format!("p{i}"), "")).collect();
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
                ents,
                parts,
                cands: c,
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
        let (ents, parts, c) = grid(&[&[Some(0.9)], &[Some(0.8)]]);
        let mut ev = event(3, 5);
        ev.unavailable
            .insert("e0".into(), vec![SlotRef::Index(1), SlotRef::Index(2)]);
        ev.unavailable.insert(
            "e1".into(),
            vec![SlotRef::Label("09:20".into()), SlotRef::Index(2)],
        );
        let s = plan(&ev, &ents, &parts, &c).unwrap();
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
        let ents: Vec<Party> = (0..6).map(|i| party(&format!("e{i}"), "")).collect();
        let parts: Vec<Party> = (0..9).map(|i| party(&format!("p{i}"), "")).collect();
        let mut c = Vec::new();
        for e in 0..6 {
            for p in 0..9 {
                if rng.chance(50) {
                    c.push(cand(e, p, 0.5));
                }
            }
        }
        let s = plan(&event(6, 6), &ents, &parts, &c).unwrap();
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

    // --- bad input ---------------------------------------------------------------------

    fn err(ev: &Event, ents: &[Party], parts: &[Party], c: &[Candidate]) -> Error {
        match plan(ev, ents, parts, c) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    fn base() -> (Event, Vec<Party>, Vec<Party>, Vec<Candidate>) {
        let (ents, parts, c) = grid(&[&[Some(0.5), Some(0.6)], &[Some(0.7), Some(0.2)]]);
        let mut ev = event(3, 2);
        ev.meetings_per_enterprise = EnterpriseMeetings {
            min: 1,
            max: Some(2),
        };
        (ev, ents, parts, c)
    }

    fn expect(
        kind: ErrorKind,
        text: &str,
        f: impl FnOnce(&mut Event, &mut Vec<Party>, &mut Vec<Party>, &mut Vec<Candidate>),
    ) {
        let (mut ev, mut ents, mut parts, mut c) = base();
        f(&mut ev, &mut ents, &mut parts, &mut c);
        let e = err(&ev, &ents, &parts, &c);
        assert_eq!(e.kind(), kind, "{e}");
        assert!(e.message().contains(text), "message `{e}` lacks `{text}`");
    }

    #[test]
    fn bad_input_gives_clear_errors() {
        use ErrorKind::*;
        expect(
            Invalid,
            "`p1` is unavailable in every slot",
            |ev, _, _, _| {
                ev.unavailable.insert(
                    "p1".into(),
                    vec![
                        SlotRef::Index(0),
                        SlotRef::Index(1),
                        SlotRef::Label("09:40".into()),
                    ],
                );
            },
        );
        expect(
            Invalid,
            "enterprise `e0` is unavailable in every slot",
            |ev, _, _, _| {
                ev.unavailable
                    .insert("e0".into(), (0..3).map(SlotRef::Index).collect());
            },
        );
        expect(
            Parameter,
            "need at least 8 meetings in total",
            |ev, ents, _, _| {
                ents.push(party("e2", ""));
                ents.push(party("e3", ""));
                ev.meetings_per_enterprise = EnterpriseMeetings {
                    min: 2,
                    max: Some(3),
                };
                ev.tables = 2;
                ev.slots.truncate(3);
                ev.meetings_per_enterprise.min = 2;
                ev.limits.insert(
                    "e3".into(),
                    PartyLimit {
                        min: Some(2),
                        max: None,
                    },
                );
                // 4 × 2 = 8 > 3 × 2 = 6
            },
        );
        expect(NotFound, "conflicts[0]: unknown id `zz`", |ev, _, _, _| {
            ev.conflicts = vec![pair_ids("e0", "zz")];
        });
        expect(NotFound, "forced[0]: unknown id `nobody`", |ev, _, _, _| {
            ev.forced = vec![pair_ids("nobody", "p0")];
        });
        expect(NotFound, "excluded[1]: unknown id `x`", |ev, _, _, _| {
            ev.excluded = vec![pair_ids("e0", "p0"), pair_ids("x", "p0")];
        });
        expect(
            NotFound,
            "unavailable: unknown id `ghost`",
            |ev, _, _, _| {
                ev.unavailable
                    .insert("ghost".into(), vec![SlotRef::Index(0)]);
            },
        );
        expect(NotFound, "limits: unknown id `ghost`", |ev, _, _, _| {
            ev.limits.insert("ghost".into(), PartyLimit::default());
        });
        expect(
            Parameter,
            "slot 3 is out of range (the event has 3 slots, numbered 0 to 2)",
            |ev, _, _, _| {
                ev.unavailable.insert("e0".into(), vec![SlotRef::Index(3)]);
            },
        );
        expect(NotFound, "no slot starts at `13:00`", |ev, _, _, _| {
            ev.unavailable
                .insert("e0".into(), vec![SlotRef::Label("13:00".into())]);
        });
        expect(
            Invalid,
            "forced[0] [`e0`, `p0`]: the pair is also listed in excluded[0]",
            |ev, _, _, _| {
                ev.forced = vec![pair_ids("e0", "p0")];
                ev.excluded = vec![pair_ids("p0", "e0")];
            },
        );
        expect(Invalid, "is also listed in conflicts[0]", |ev, _, _, _| {
            ev.forced = vec![pair_ids("e1", "p1")];
            ev.conflicts = vec![pair_ids("e1", "p1")];
        });
        expect(
            Invalid,
            "both belong to `Tsinghua` and avoid_same_institution is on",
            |ev, ents, parts, _| {
                ents[0].institution = "Tsinghua".into();
                parts[0].institution = "tsinghua ".into();
                ev.avoid_same_institution = true;
                ev.forced = vec![pair_ids("e0", "p0")];
            },
        );
        expect(Invalid, "are both enterprises", |ev, _, _, _| {
            ev.conflicts = vec![pair_ids("e0", "e1")];
        });
        expect(Parameter, "`tables` must be at least 1", |ev, _, _, _| {
            ev.tables = 0
        });
        expect(Parameter, "`slots` is empty", |ev, _, _, _| {
            ev.slots.clear()
        });
        expect(
            Parameter,
            "meetings_per_enterprise.min (3) is greater than max (2)",
            |ev, _, _, _| {
                ev.meetings_per_enterprise.min = 3;
            },
        );
        expect(
            Parameter,
            "limits `e1`: max (1) is below meetings_per_enterprise.min (2); give `e1` its own `min` too",
            |ev, _, _, _| {
                ev.meetings_per_enterprise.min = 2;
                ev.limits.insert("e1".into(), PartyLimit { min: None, max: Some(1) });
            },
        );
        expect(
            Parameter,
            "limits `e0`: min (2) is greater than max (1)",
            |ev, _, _, _| {
                ev.limits.insert(
                    "e0".into(),
                    PartyLimit {
                        min: Some(2),
                        max: Some(1),
                    },
                );
            },
        );
    }

    #[test]
    fn bad_numbers_and_ids_give_clear_errors() {
        use ErrorKind::*;
        expect(
            Parameter,
            "meetings_per_enterprise.max must be at least 1",
            |ev, _, _, _| {
                ev.meetings_per_enterprise = EnterpriseMeetings {
                    min: 0,
                    max: Some(0),
                };
            },
        );
        expect(
            Parameter,
            "`min` applies to enterprises only",
            |ev, _, _, _| {
                ev.limits.insert(
                    "p0".into(),
                    PartyLimit {
                        min: Some(1),
                        max: None,
                    },
                );
            },
        );
        expect(
            Parameter,
            "min_score must be a number in [0, 1] (got NaN)",
            |ev, _, _, _| {
                ev.min_score = f64::NAN;
            },
        );
        expect(
            Parameter,
            "min_score must be a number in [0, 1] (got 1.5)",
            |ev, _, _, _| {
                ev.min_score = 1.5;
            },
        );
        expect(
            Invalid,
            "scores[1] (enterprise `e0`, participant `p1`): score NaN",
            |_, _, _, c| {
                c[1].score = f64::NAN;
            },
        );
        expect(Invalid, "score inf is not a finite number", |_, _, _, c| {
            c[0].score = f64::INFINITY;
        });
        expect(
            Invalid,
            "score -0.1 is not a finite number in [0, 1]",
            |_, _, _, c| {
                c[2].score = -0.1;
            },
        );
        expect(
            NotFound,
            "scores[0]: enterprise index 9 is out of range (2 enterprises)",
            |_, _, _, c| {
                c[0].enterprise = 9;
            },
        );
        expect(
            NotFound,
            "participant index 5 is out of range",
            |_, _, _, c| {
                c[3].participant = 5;
            },
        );
        expect(Invalid, "is listed twice (also scores[0])", |_, _, _, c| {
            c.push(cand(0, 0, 0.3));
        });
        expect(
            Invalid,
            "duplicate party id `e1`: enterprise #2 and enterprise #3",
            |_, ents, _, _| {
                ents.push(party("e1", ""));
            },
        );
        expect(
            Invalid,
            "duplicate party id `p0`: enterprise #1 and research participant #1",
            |_, ents, _, _| {
                ents[0].id = "p0".into();
            },
        );
        expect(Invalid, "has an empty id", |_, _, parts, _| {
            parts[1].id = " ".into()
        });
        expect(
            Parameter,
            "more than the number of slots (3)",
            |ev, _, _, _| {
                ev.meetings_per_enterprise = EnterpriseMeetings { min: 4, max: None };
            },
        );
        expect(
            Limit,
            "meeting places is more than the limit",
            |ev, _, _, _| {
                ev.tables = 5_000;
                ev.slots = slots(5);
            },
        );
        expect(Limit, "slots is more than the limit", |ev, _, _, _| {
            ev.slots = slots(300)
        });
    }

    #[test]
    fn event_file_errors_are_parse_errors_with_position() {
        let e = Event::from_json(r#"{"slots": [], "tables": 2, "fairnes": true}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert!(e.message().contains("unknown field `fairnes`"), "{e}");
        let e = Event::from_json(r#"{"slots": [{"start": "09:00"}]}"#).unwrap_err();
        assert!(e.message().contains("missing field `tables`"), "{e}");
        let e = Event::from_json(r#"{"slots": [], "tables": 1, "unavailable": {"a": [-1]}}"#)
            .unwrap_err();
        assert!(e.message().contains("not a slot index"), "{e}");
        assert!(Event::from_json("not json").is_err());
    }

    /// The event-file example quoted in the README.
    const README_EVENT: &str = r#"{
  "name": "Spring matchmaking day",
  "slots": [
    {"start": "09:00", "end": "09:20"},
    {"start": "09:20", "end": "09:40"},
    {"start": "09:40", "end": "10:00"},
    {"start": "10:20", "end": "10:40"}
  ],
  "tables": 12,
  "meetings_per_enterprise": {"min": 1, "max": 3},
  "meetings_per_participant": {"max": 4},
  "unavailable": {
    "acme-robotics": ["09:00"],
    "prof-li": [2, 3]
  },
  "conflicts": [["acme-robotics", "lab-materials"]],
  "avoid_same_institution": true,
  "forced": [["sunrise-textiles", "patent-0042"]],
  "excluded": [["acme-robotics", "team-phd-7"]],
  "limits": {"lab-materials": {"max": 6}, "sunrise-textiles": {"min": 2}},
  "min_score": 0.25,
  "fairness": true
}"#;

    #[test]
    fn readme_example_parses_and_schedules() {
        let ev = Event::from_json(&format!("\u{FEFF}{README_EVENT}")).unwrap();
        assert_eq!(ev.slots.len(), 4);
        assert_eq!(
            ev.unavailable["prof-li"],
            vec![SlotRef::Index(2), SlotRef::Index(3)]
        );
        let ents = vec![
            party("acme-robotics", "Acme Robotics Ltd"),
            party("sunrise-textiles", "阳光纺织有限公司"),
        ];
        let parts = vec![
            party("prof-li", "清华大学"),
            party("lab-materials", "Zhejiang University"),
            party("team-phd-7", "清华大学"),
            party("patent-0042", "Zhejiang University"),
        ];
        let c = vec![
            cand(0, 0, 0.8),
            cand(0, 1, 0.9),
            cand(0, 2, 0.7),
            cand(1, 0, 0.6),
            cand(1, 1, 0.2),
        ];
        let s = plan(&ev, &ents, &parts, &c).unwrap();
        assert_eq!(
            pairs_of(&s),
            pv(&[
                ("acme-robotics", "prof-li"),
                ("sunrise-textiles", "patent-0042"),
                ("sunrise-textiles", "prof-li")
            ])
        );
        let no_partner: Vec<&str> = s
            .unmet
            .iter()
            .filter(|u| u.kind == UnmetKind::NoAdmissiblePartner)
            .map(|u| u.id.as_str())
            .collect();
        assert_eq!(no_partner, ["lab-materials", "team-phd-7"]);
        let lab = s.unmet.iter().find(|u| u.id == "lab-materials").unwrap();
        assert_eq!(
            lab.reason,
            "no enterprise can be proposed: of 2 candidate pair(s): 1 below min_score 0.25, 1 in conflicts"
        );
        let li = s
            .participant_agendas
            .iter()
            .find(|a| a.id == "prof-li")
            .unwrap();
        assert!(li.meetings.iter().all(|m| m.slot < 2));
        assert!(s
            .meetings
            .iter()
            .all(|m| !(m.enterprise_id == "acme-robotics" && m.slot == 0)));
        // Round trip of the event.
        let back: Event = serde_json::from_str(&serde_json::to_string(&ev).unwrap()).unwrap();
        assert_eq!(back, ev);
    }

    // --- exports -------------------------------------------------------------------------

    #[test]
    fn csv_has_bom_quotes_and_neutralises_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("清华大学"), "清华大学");

        let ents = vec![Party {
            id: "e0".into(),
            name: "=cmd|' /C calc'!A0".into(),
            institution: String::new(),
        }];
        let parts = vec![Party {
            id: "p0".into(),
            name: "李教授, 清华".into(),
            institution: "清华大学".into(),
        }];
        let c = vec![Candidate {
            enterprise: 0,
            participant: 0,
            score: 0.8766,
            topics: vec!["锂电池".into(), "BMS".into()],
        }];
        let s = plan(&event(2, 1), &ents, &parts, &c).unwrap();
        let csv = timetable_csv(&s);
        assert!(csv.starts_with('\u{FEFF}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').split("\r\n").collect();
        assert_eq!(
            lines[0],
            "start,end,table,enterprise_id,enterprise,participant_id,participant,score,topics,forced"
        );
        assert_eq!(
            lines[1],
            "09:00,09:20,1,e0,'=cmd|' /C calc'!A0,p0,\"李教授, 清华\",0.877,\"锂电池; BMS\","
        );
        let a = agenda_csv(&s, "p0").unwrap();
        assert!(a.starts_with('\u{FEFF}'));
        assert!(
            a.contains("09:00,09:20,1,e0,'=cmd|' /C calc'!A0,,0.877,\"锂电池; BMS\"\r\n"),
            "{a}"
        );
        assert_eq!(
            agenda_csv(&s, "nope").unwrap_err().kind(),
            ErrorKind::NotFound
        );
        let json = to_json(&s).unwrap();
        let back: Schedule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    // --- robustness ----------------------------------------------------------------------

    #[test]
    fn random_event_files_never_panic() {
        let mut rng = Rng::new(4242);
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"slots\"",
            "\"tables\"",
            "\"unavailable\"",
            "\"forced\"",
            "\"e0\"",
            "\"p0\"",
            "0",
            "1",
            "-1",
            "99",
            "1e400",
            "null",
            "true",
            "\"09:00\"",
            "{\"start\":\"09:00\"}",
        ];
        for _ in 0..3000 {
            let text: String = (0..rng.range(1, 30))
                .map(|_| pieces[rng.below(pieces.len())])
                .collect();
            let _ = Event::from_json(&text);
        }
        // Valid syntax, hostile values.
        let ents = vec![party("e0", ""), party("e1", "")];
        let parts = vec![party("p0", ""), party("p1", "")];
        for seed in 0..400u64 {
            let mut rng = Rng::new(seed);
            let mut ev = event(rng.range(0, 5), rng.range(0, 3) as u32);
            ev.meetings_per_enterprise = EnterpriseMeetings {
                min: rng.range(0, 5) as u32,
                max: Some(rng.range(0, 5) as u32),
            };
            ev.meetings_per_participant.max = Some(rng.range(0, 3) as u32);
            ev.fairness = rng.chance(50);
            let ids = ["e0", "e1", "p0", "p1", "zz"];
            for _ in 0..rng.below(4) {
                let (a, b) = (ids[rng.below(5)], ids[rng.below(5)]);
                match rng.below(3) {
                    0 => ev.forced.push(pair_ids(a, b)),
                    1 => ev.excluded.push(pair_ids(a, b)),
                    _ => ev.conflicts.push(pair_ids(a, b)),
                }
            }
            for _ in 0..rng.below(3) {
                ev.unavailable
                    .entry(ids[rng.below(5)].into())
                    .or_default()
                    .push(SlotRef::Index(rng.below(6)));
            }
            let scores = [0.5, -1.0, 2.0, f64::NAN, 0.0, 1.0];
            let c: Vec<Candidate> = (0..rng.below(6))
                .map(|_| cand(rng.below(3), rng.below(3), scores[rng.below(6)]))
                .collect();
            if let Ok(s) = plan(&ev, &ents, &parts, &c) {
                let _ = timetable_csv(&s);
                let _ = to_json(&s);
            }
        }
    }

    // --- scale -----------------------------------------------------------------------------

    /// A large event with every constraint in use: 300 enterprises, 1,000
    /// participants, 12 slots, 60 tables, ~20 candidates per enterprise.
    fn big_instance(seed: u64) -> Inst {
        let mut rng = Rng::new(seed);
        let (ne, np, ns) = (300usize, 1000usize, 12usize);
        let insts: Vec<String> = (0..40).map(|i| format!("Institution {i}")).collect();
        let ents: Vec<Party> = (0..ne)
            .map(|i| party(&format!("E{i:03}"), &insts[rng.below(insts.len())]))
            .collect();
        let parts: Vec<Party> = (0..np)
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
        let mut cands = Vec::new();
        for e in 0..ne {
            let mut ps: Vec<usize> = Vec::new();
            while ps.len() < 20 {
                let p = rng.below(np);
                if !ps.contains(&p) {
                    ps.push(p);
                }
            }
            for p in ps {
                cands.push(cand(e, p, rng.below(1_000_001) as f64 / 1e6));
            }
        }
        for _ in 0..150 {
            let c = &cands[rng.below(cands.len())];
            ev.conflicts
                .push(pair_ids(&ents[c.enterprise].id, &parts[c.participant].id));
        }
        for _ in 0..150 {
            let c = &cands[rng.below(cands.len())];
            ev.excluded
                .push(pair_ids(&parts[c.participant].id, &ents[c.enterprise].id));
        }
        let mut n_forced = 0;
        while n_forced < 40 {
            let c = &cands[rng.below(cands.len())];
            let (a, b) = (&ents[c.enterprise], &parts[c.participant]);
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
        for id in ents.iter().chain(parts.iter()).map(|p| p.id.clone()) {
            if rng.chance(10) {
                let v: Vec<SlotRef> = (0..rng.range(1, 4))
                    .map(|_| SlotRef::Index(rng.below(ns)))
                    .collect();
                ev.unavailable.insert(id, v);
            }
        }
        for e in ents.iter().take(10) {
            ev.limits.insert(
                e.id.clone(),
                PartyLimit {
                    min: Some(2),
                    max: Some(6),
                },
            );
        }
        for p in parts.iter().take(10) {
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
            ents,
            parts,
            cands,
        }
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
}
