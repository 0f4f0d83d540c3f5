//! The scheduler's input: the event file (slots, tables, limits,
//! constraints), the parties and the scored candidate pairs, and the checks
//! of the event's own numbers that need nothing but the event.

use crate::error::{Error, Result};
use crate::limits;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// The event's dimensions once its own numbers are checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dimensions {
    /// Time slots, `1..=`[`limits::MAX_SLOTS`].
    pub(crate) slots: usize,
    /// Tables per slot, `1..=`[`limits::MAX_TABLES`].
    pub(crate) tables: u32,
    /// Slots × tables, at most [`limits::MAX_MEETING_PLACES`].
    pub(crate) places: u32,
}

impl Event {
    /// Checks the numbers that need nothing but the event (slots, tables,
    /// meeting places, `min_score`, the global meeting limits, the lengths
    /// of its lists); the checks against the parties come later.
    pub(crate) fn dimensions(&self) -> Result<Dimensions> {
        let n_slots = self.slots.len();
        if n_slots == 0 {
            return Err(Error::parameter(
                "event: `slots` is empty; give at least one slot such as {\"start\": \"09:00\", \"end\": \"09:20\"}",
            ));
        }
        if n_slots > limits::MAX_SLOTS {
            return Err(Error::limit(format!(
                "event: {n_slots} slots is more than the limit of {}",
                limits::MAX_SLOTS
            )));
        }
        if self.tables == 0 {
            return Err(Error::parameter(
                "event: `tables` must be at least 1 (got 0)",
            ));
        }
        if self.tables > limits::MAX_TABLES {
            return Err(Error::limit(format!(
                "event: {} tables is more than the limit of {}",
                self.tables,
                limits::MAX_TABLES
            )));
        }
        let places = n_slots as u64 * u64::from(self.tables);
        if places > limits::MAX_MEETING_PLACES {
            return Err(Error::limit(format!(
                "event: {n_slots} slots × {} tables = {places} meeting places is more than the limit of {}",
                self.tables,
                limits::MAX_MEETING_PLACES
            )));
        }
        if !(0.0..=1.0).contains(&self.min_score) {
            return Err(Error::parameter(format!(
                "event: min_score must be a number in [0, 1] (got {})",
                self.min_score
            )));
        }
        self.check_meeting_limits()?;
        self.check_list_lengths()?;
        Ok(Dimensions {
            slots: n_slots,
            tables: self.tables,
            // At most MAX_MEETING_PLACES, checked above.
            places: u32::try_from(places).unwrap_or(u32::MAX),
        })
    }

    /// The global meetings per enterprise and per participant.
    fn check_meeting_limits(&self) -> Result<()> {
        let per_enterprise = self.meetings_per_enterprise;
        check_limit_max("meetings_per_enterprise", per_enterprise.max)?;
        check_limit_max(
            "meetings_per_participant",
            self.meetings_per_participant.max,
        )?;
        if let Some(max) = per_enterprise.max {
            if per_enterprise.min > max {
                return Err(Error::parameter(format!(
                    "event: meetings_per_enterprise.min ({}) is greater than max ({max})",
                    per_enterprise.min
                )));
            }
        }
        if per_enterprise.min as usize > self.slots.len() {
            return Err(Error::parameter(format!(
                "event: meetings_per_enterprise.min ({}) is more than the number of slots ({}); a party meets at most once per slot",
                per_enterprise.min,
                self.slots.len()
            )));
        }
        Ok(())
    }

    fn check_list_lengths(&self) -> Result<()> {
        for (what, n) in [
            ("unavailable", self.unavailable.len()),
            ("conflicts", self.conflicts.len()),
            ("forced", self.forced.len()),
            ("excluded", self.excluded.len()),
            ("limits", self.limits.len()),
        ] {
            if n > limits::MAX_LIST {
                return Err(Error::limit(format!(
                    "event: `{what}` has {n} entries, more than the limit of {}",
                    limits::MAX_LIST
                )));
            }
        }
        Ok(())
    }

    /// Resolves a slot reference of party `id`'s `unavailable` list to a
    /// slot index, `0..slots.len()`; anything else is an error.
    pub(crate) fn resolve_slot(&self, id: &str, slot: &SlotRef) -> Result<usize> {
        let n_slots = self.slots.len();
        match slot {
            SlotRef::Index(i) => {
                if *i < n_slots {
                    Ok(*i)
                } else {
                    Err(Error::parameter(format!(
                        "event: unavailable `{id}`: slot {i} is out of range (the event has {n_slots} slots, numbered 0 to {})",
                        n_slots.saturating_sub(1)
                    )))
                }
            }
            SlotRef::Label(label) => {
                let label = label.trim();
                let hits: Vec<usize> = self
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
}

fn check_limit_max(what: &str, max: Option<u32>) -> Result<()> {
    if max == Some(0) {
        return Err(Error::parameter(format!(
            "event: {what}.max must be at least 1 (got 0)"
        )));
    }
    Ok(())
}

/// Checks the sizes of the parties and candidates against [`limits`].
pub(crate) fn check_sizes(
    enterprises: &[Party],
    participants: &[Party],
    candidates: &[Candidate],
) -> Result<()> {
    for (what, n) in [
        ("enterprises", enterprises.len()),
        ("research participants", participants.len()),
    ] {
        if n > limits::MAX_PARTIES {
            return Err(Error::limit(format!(
                "{n} {what} is more than the limit of {}",
                limits::MAX_PARTIES
            )));
        }
    }
    if candidates.len() > limits::MAX_CANDIDATES {
        return Err(Error::limit(format!(
            "{} scored pairs is more than the limit of {}",
            candidates.len(),
            limits::MAX_CANDIDATES
        )));
    }
    Ok(())
}
