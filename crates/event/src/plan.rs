//! The scheduler's entry point: problem → selection → timetable → report.

use crate::error::Result;
use crate::input::{Candidate, Event, Party};
use crate::problem::Problem;
use crate::report::report;
use crate::schedule::Schedule;
use crate::selection::select;
use crate::timetable::timetable;

/// Builds the schedule of an event: selects the meetings (exact optimum,
/// see the crate documentation), times them, and writes agendas, unmet
/// requests and totals.
///
/// - `event`: the event (slots, tables, limits, constraints), usually from
///   [`Event::from_json`].
/// - `enterprises`: the enterprise side, any number up to
///   [`crate::limits::MAX_PARTIES`]; ids unique across both sides.
/// - `participants`: the research side, same rules.
/// - `scores`: candidate pairs from the matching engine, indices into the
///   two slices, scores in `[0, 1]`, each pair at most once, up to
///   [`crate::limits::MAX_CANDIDATES`]. A pair not listed is never proposed
///   unless forced.
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
    let problem = Problem::new(event, enterprises, participants, scores)?;
    let selection = select(&problem);
    let timetable = timetable(&problem, &selection.chosen);
    Ok(report(&problem, &selection, &timetable))
}
