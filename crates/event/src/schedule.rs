//! The schedule the scheduler returns: placed meetings, unplaced ones with
//! reasons, one agenda per party, unmet requests and totals. These types are
//! the JSON report's shape (see [`crate::to_json`]), which the page and the
//! command-line tool read, so field names and order are part of the format.

use crate::input::Slot;
use serde::{Deserialize, Serialize};

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

impl Side {
    /// The side's name in messages.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Side::Enterprise => "enterprise",
            Side::Participant => "research participant",
        }
    }
}
