//! Exports of a schedule: the whole timetable and one party's agenda as
//! CSV (written by `coopmatch_csv`, the one place the project writes CSV),
//! and the schedule as JSON.

use crate::error::{Error, Result};
use crate::schedule::Schedule;

/// CSV of the whole timetable, one meeting per row in slot and table
/// order: `start,end,table,enterprise_id,enterprise,participant_id,
/// participant,score,topics,forced`. UTF-8 with a byte-order mark so Excel
/// reads Chinese names correctly; CRLF line ends and quoting per RFC 4180;
/// formula-like cells neutralised. Unplaced meetings are not rows (they
/// have no time); they are in the JSON report.
///
/// `schedule`: a schedule from [`plan`](crate::plan).
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
/// `schedule`: a schedule from [`plan`](crate::plan); `party_id`: an enterprise's or
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
/// `schedule`: a schedule from [`plan`](crate::plan).
pub fn to_json(schedule: &Schedule) -> Result<String> {
    serde_json::to_string_pretty(schedule)
        .map_err(|e| Error::invalid(format!("could not write the schedule as JSON: {e}")))
}
