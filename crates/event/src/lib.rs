//! Event scheduler: turns matching scores into a matchmaking event's
//! one-to-one meetings, a timetable, agendas and exports.
//!
//! A matchmaking event has enterprises (each with a technical challenge) and
//! research-side participants (experts, labs, doctoral teams, patent
//! holders) meeting at tables in short time slots. [`plan`] works in three
//! steps, each exact where the problem allows it:
//!
//! 1. **Selection**: which pairs meet. The pairs are chosen by a min-cost
//!    flow, so the result is a proven optimum of the objective below, not a
//!    greedy pass. Scores are scaled to integers (×1,000,000, rounded) so
//!    the same input always gives the same result on every machine. The
//!    objective is lexicographic: first as many forced pairs as possible,
//!    then as many meetings towards the enterprises' minimums as possible,
//!    then (with `fairness`) the best meeting of the worst-served
//!    enterprise as good as possible, then the total score as high as
//!    possible. Each level is a weight larger than everything below it can
//!    add up to, so one flow optimises them all. Fairness precisely: let K
//!    be the most enterprises that can each have a meeting; the threshold T
//!    is the largest score such that K enterprises can each have a meeting
//!    scoring ≥ T (found by binary search over the distinct scores, one
//!    flow per step); then the total is maximised among selections that
//!    keep that.
//!
//!    The selection respects per-party limits, availability *counts* (a
//!    party free in 3 slots meets at most 3 times) and slots × tables;
//!    whether the chosen meetings also fit slot by slot is the timetable's
//!    job.
//! 2. **Timetable**: each meeting gets a slot and a table, in the fewest
//!    slots when nobody has availability limits (Kőnig, de Werra), by a
//!    bounded search otherwise. A meeting that cannot be placed is listed
//!    with the reason, never dropped.
//! 3. **Report**: agendas for every party, unmet requests with reasons,
//!    totals, and CSV/JSON exports ([`timetable_csv`], [`agenda_csv`],
//!    [`to_json`]).
//!
//! Nothing here panics on input, uses randomness or reads a clock: the same
//! input gives the same schedule, in the browser (WASM) and natively. The
//! input is checked once, when the problem is built; the later steps index
//! only with what that step produced.
//!
//! **Cost.** The selection dominates; it runs one Dijkstra per meeting over
//! the pairs, so time grows roughly with meetings × pairs. 300 enterprises
//! × 1,000 participants, 6,000 pairs, 720 meetings, every constraint and
//! fairness on: 0.1–0.2 s natively (release), about 0.3 s as WASM in V8
//! (the ignored test `scale_300_enterprises_1000_participants` builds this
//! event).
//!
//! # Example
//!
//! ```
//! use coopmatch_event::{plan, timetable_csv, Candidate, Event, Party};
//!
//! let event = Event::from_json(
//!     r#"{"slots": [{"start": "09:00", "end": "09:20"},
//!                   {"start": "09:20", "end": "09:40"}],
//!         "tables": 2,
//!         "meetings_per_enterprise": {"max": 1},
//!         "meetings_per_participant": {"max": 1}}"#,
//! )?;
//! let party = |id: &str| Party { id: id.into(), name: id.into(), institution: String::new() };
//! let enterprises = [party("acme"), party("sunrise")];
//! let participants = [party("prof-li"), party("lab-materials")];
//! let pair = |enterprise, participant, score| Candidate {
//!     enterprise, participant, score, topics: vec!["batteries".into()],
//! };
//! // Greedy would give prof-li to acme (0.9) and leave sunrise with 0.1;
//! // the optimum is 0.8 + 0.85.
//! let scores = [pair(0, 0, 0.9), pair(0, 1, 0.8), pair(1, 0, 0.85), pair(1, 1, 0.1)];
//! let schedule = plan(&event, &enterprises, &participants, &scores)?;
//! assert_eq!(schedule.meetings.len(), 2);
//! assert!((schedule.totals.total_score - 1.65).abs() < 1e-9);
//! assert!(timetable_csv(&schedule).contains("acme,acme,lab-materials,lab-materials,0.800"));
//! # Ok::<(), coopmatch_event::Error>(())
//! ```

#![warn(missing_docs)]

mod error;
mod exports;
mod flow;
mod input;
pub mod limits;
mod plan;
mod problem;
mod report;
mod schedule;
mod selection;
mod slots;
mod timetable;

#[cfg(test)]
mod tests;

pub use error::{Error, ErrorKind, Result};
pub use exports::{agenda_csv, timetable_csv, to_json};
pub use input::{
    Candidate, EnterpriseMeetings, Event, ParticipantMeetings, Party, PartyLimit, Slot, SlotRef,
};
pub use plan::plan;
pub use schedule::{
    Agenda, AgendaEntry, Fairness, Meeting, Schedule, Side, Totals, Unmet, UnmetKind,
    UnplacedMeeting,
};
