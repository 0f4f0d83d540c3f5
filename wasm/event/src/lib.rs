//! The WebAssembly API of the event scheduler (`www/pkg-event/`), a module
//! of its own so the matcher module the page loads first stays small: the
//! page's Event view loads this one on demand. Like the matcher's, each
//! export converts its input (with the shared conversions of
//! `coopmatch-js`), calls the scheduler once and converts the output.

use coopmatch_event::{self as schedule, Candidate, Event, Party, Schedule};
use coopmatch_js::{from_js, js_error, json_text, to_js};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export interface Party { id: string; name: string; institution: string }
/** The event file of a matchmaking day (see docs/events.md). */
export interface EventSpec {
  name?: string; slots: { start: string; end?: string }[]; tables: number;
  meetings_per_enterprise?: { min?: number; max?: number }; meetings_per_participant?: { max?: number };
  unavailable?: Record<string, (number | string)[]>; conflicts?: [string, string][];
  avoid_same_institution?: boolean; forced?: [string, string][]; excluded?: [string, string][];
  limits?: Record<string, { min?: number; max?: number }>; min_score?: number; fairness?: boolean;
}
export interface Meeting {
  slot: number; start: string; end: string; table: number; enterprise_id: string; enterprise_name: string;
  participant_id: string; participant_name: string; score: number; topics: string[]; forced: boolean;
}
export interface UnplacedMeeting {
  enterprise_id: string; enterprise_name: string; participant_id: string; participant_name: string;
  score: number; topics: string[]; forced: boolean; reason: string;
}
export interface AgendaEntry {
  slot: number; start: string; end: string; table: number; counterpart_id: string; counterpart_name: string;
  counterpart_institution: string; score: number; topics: string[]; forced: boolean;
}
export interface Agenda { side: 'enterprise' | 'participant'; id: string; name: string; institution: string; meetings: AgendaEntry[] }
export interface Unmet {
  kind: 'forced_pair_not_met' | 'below_minimum' | 'no_admissible_partner' | 'no_meeting';
  side: 'enterprise' | 'participant'; id: string; name: string; counterpart_id?: string; reason: string;
}
export interface Totals {
  meetings: number; selected: number; unplaced: number; total_score: number; mean_score: number;
  slots_used: number; slots_lower_bound: number; tables_used_per_slot: number[];
  enterprises_with_meetings: number; participants_with_meetings: number;
}
export interface Schedule {
  name: string; slots: { start: string; end: string }[]; tables: number; meetings: Meeting[];
  unplaced: UnplacedMeeting[]; enterprise_agendas: Agenda[]; participant_agendas: Agenda[]; unmet: Unmet[];
  totals: Totals; fairness?: { worst_best_score: number; enterprises_served: number; enterprises_with_partners: number };
}
"#;

/// Plans the meetings of an event. `spec` is the event file (object or
/// JSON text); the candidate pairs come as parallel arrays of enterprise
/// index, participant index and score, as `Matcher.eventInput` gives them.
#[wasm_bindgen(js_name = planSchedule, unchecked_return_type = "Schedule")]
pub fn plan_schedule(
    #[wasm_bindgen(unchecked_param_type = "EventSpec | string")] spec: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Party[]")] enterprises: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Party[]")] participants: JsValue,
    enterprise: &[u32],
    participant: &[u32],
    score: &[f64],
) -> Result<JsValue, JsError> {
    let event = Event::from_json(&json_text(&spec, "event")?).map_err(js_error)?;
    let enterprises: Vec<Party> = from_js(enterprises, "enterprises")?;
    let participants: Vec<Party> = from_js(participants, "participants")?;
    if enterprise.len() != participant.len() || enterprise.len() != score.len() {
        return Err(JsError::new(
            "the candidate arrays must have the same length",
        ));
    }
    let candidates: Vec<Candidate> = enterprise
        .iter()
        .zip(participant)
        .zip(score)
        .map(|((&e, &p), &s)| Candidate {
            enterprise: e as usize,
            participant: p as usize,
            score: s,
            topics: vec![],
        })
        .collect();
    to_js(&schedule::plan(&event, &enterprises, &participants, &candidates).map_err(js_error)?)
}

/// The whole timetable as CSV (UTF-8 with BOM, formulas neutralised).
#[wasm_bindgen(js_name = timetableCsv)]
pub fn timetable_csv(
    #[wasm_bindgen(unchecked_param_type = "Schedule")] schedule: JsValue,
) -> Result<String, JsError> {
    let schedule: Schedule = from_js(schedule, "schedule")?;
    Ok(schedule::timetable_csv(&schedule))
}

/// One enterprise's or participant's agenda as CSV.
#[wasm_bindgen(js_name = agendaCsv)]
pub fn agenda_csv(
    #[wasm_bindgen(unchecked_param_type = "Schedule")] schedule: JsValue,
    party_id: &str,
) -> Result<String, JsError> {
    let schedule: Schedule = from_js(schedule, "schedule")?;
    schedule::agenda_csv(&schedule, party_id).map_err(js_error)
}
