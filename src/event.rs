//! Matchmaking events: the bridge from matching to the scheduler. Scores
//! every challenge (enterprise) against every loaded profile (research
//! participant), plans the meetings with [`schedule::plan`], then fills in
//! the topics of each planned meeting (the words that carried its score)
//! so both sides know what to talk about. Topics are computed only for the
//! planned meetings, since explaining every candidate pair would cost more
//! than the planning itself.

use crate::error::Result;
use crate::matcher::Matcher;
use crate::model::Challenge;
use coopmatch_event::{self as schedule, Candidate, Event, Party, Schedule, Side};
use std::collections::BTreeMap;

/// Topics listed per meeting.
pub const TOPICS_PER_MEETING: usize = 5;

/// The enterprise side: one party per challenge, named after its
/// enterprise (or its title when the enterprise is not given).
pub fn enterprises(challenges: &[Challenge]) -> Vec<Party> {
    challenges
        .iter()
        .map(|c| Party {
            id: c.id.clone(),
            name: [&c.enterprise, &c.title, &c.id]
                .into_iter()
                .find(|s| !s.is_empty())
                .cloned()
                .unwrap_or_default(),
            institution: c.enterprise.clone(),
        })
        .collect()
}

/// What the scheduler plans from: the enterprises (one per challenge), the
/// research participants (every loaded profile) and each pair that scored
/// above 0, with its score.
pub fn plan_inputs(
    matcher: &Matcher,
    challenges: &[Challenge],
) -> (Vec<Party>, Vec<Party>, Vec<Candidate>) {
    let participants: Vec<Party> = matcher
        .profiles()
        .iter()
        .map(|p| Party {
            id: p.id.clone(),
            name: if p.name.is_empty() {
                p.id.clone()
            } else {
                p.name.clone()
            },
            institution: p.institution.clone(),
        })
        .collect();
    let scores = matcher.score_matrix(challenges);
    let candidates: Vec<Candidate> = scores
        .iter()
        .enumerate()
        .flat_map(|(e, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, &s)| s > 0.0)
                .map(move |(p, &s)| Candidate {
                    enterprise: e,
                    participant: p,
                    score: crate::view::round_score(s),
                    topics: Vec::new(),
                })
        })
        .collect();
    (enterprises(challenges), participants, candidates)
}

/// Plans an event between the challenges and every profile loaded in `matcher`.
pub fn plan_event(matcher: &Matcher, challenges: &[Challenge], event: &Event) -> Result<Schedule> {
    let (enterprises, participants, candidates) = plan_inputs(matcher, challenges);
    let mut plan = schedule::plan(event, &enterprises, &participants, &candidates)?;
    add_topics(matcher, challenges, &mut plan)?;
    Ok(plan)
}

/// The words to talk about at a meeting: the terms that carried the pair's score.
/// One list of topics per profile id, for one challenge (scored once).
pub fn topics(
    matcher: &Matcher,
    challenge: &Challenge,
    profile_ids: &[&str],
) -> Result<Vec<Vec<String>>> {
    Ok(matcher
        .explain_pairs(challenge, profile_ids)?
        .into_iter()
        .map(|e| {
            e.terms
                .into_iter()
                .take(TOPICS_PER_MEETING)
                .map(|t| t.text)
                .collect()
        })
        .collect())
}

/// Fills the topics of every planned meeting, unplaced meeting and agenda
/// entry. The pairs are gathered first and explained one challenge at a
/// time, so each challenge is analysed and scored once.
fn add_topics(matcher: &Matcher, challenges: &[Challenge], plan: &mut Schedule) -> Result<()> {
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in plan
        .meetings
        .iter()
        .map(|m| (&m.enterprise_id, &m.participant_id))
        .chain(
            plan.unplaced
                .iter()
                .map(|m| (&m.enterprise_id, &m.participant_id)),
        )
    {
        wanted.entry(m.0.clone()).or_default().push(m.1.clone());
    }
    let mut found: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for c in challenges {
        let Some(ids) = wanted.get_mut(&c.id) else {
            continue;
        };
        ids.sort_unstable();
        ids.dedup();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        for (id, t) in ids.iter().zip(topics(matcher, c, &refs)?) {
            found.insert((c.id.clone(), id.clone()), t);
        }
    }
    let get = |e: &str, p: &str| {
        found
            .get(&(e.to_string(), p.to_string()))
            .cloned()
            .unwrap_or_default()
    };
    for m in &mut plan.meetings {
        m.topics = get(&m.enterprise_id, &m.participant_id);
    }
    for m in &mut plan.unplaced {
        m.topics = get(&m.enterprise_id, &m.participant_id);
    }
    for agenda in plan
        .enterprise_agendas
        .iter_mut()
        .chain(plan.participant_agendas.iter_mut())
    {
        for entry in &mut agenda.meetings {
            entry.topics = match agenda.side {
                Side::Enterprise => get(&agenda.id, &entry.counterpart_id),
                Side::Participant => get(&entry.counterpart_id, &agenda.id),
            };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{read_challenges, read_profiles};
    use crate::params::Params;

    fn fixtures() -> (Matcher, Vec<Challenge>) {
        let mut m = Matcher::new(Params::default()).unwrap();
        m.add_profiles(
            read_profiles(include_str!("../tests/fixtures/profiles.jsonl"), None)
                .unwrap()
                .records,
        );
        let c = read_challenges(include_str!("../tests/fixtures/challenges.jsonl"), None)
            .unwrap()
            .records;
        (m, c)
    }

    #[test]
    fn each_enterprise_meets_its_best_match_with_topics() {
        let (m, challenges) = fixtures();
        let event = Event::from_json(
            r#"{"slots":[{"start":"09:00","end":"09:20"},{"start":"09:20","end":"09:40"}],
                "tables":5,"meetings_per_enterprise":{"min":1,"max":1},"min_score":0.05}"#,
        )
        .unwrap();
        let plan = plan_event(&m, &challenges, &event).unwrap();
        let pairs: BTreeMap<&str, &str> = plan
            .meetings
            .iter()
            .map(|x| (x.enterprise_id.as_str(), x.participant_id.as_str()))
            .collect();
        assert_eq!(pairs.get("c-ti"), Some(&"ti-am"));
        assert_eq!(pairs.get("c-5g"), Some(&"5g-cooling"));
        assert_eq!(pairs.get("c-spindle"), Some(&"cnc-bearing"));
        let ti = plan
            .meetings
            .iter()
            .find(|x| x.enterprise_id == "c-ti")
            .unwrap();
        assert!(
            ti.topics.iter().any(|t| t.contains("钛合金")),
            "{:?}",
            ti.topics
        );
        let agenda = plan
            .participant_agendas
            .iter()
            .find(|a| a.id == "ti-am")
            .unwrap();
        assert_eq!(agenda.meetings[0].topics, ti.topics);
    }

    #[test]
    fn enterprise_name_falls_back_to_title_then_id() {
        let c = vec![Challenge {
            id: "x".into(),
            title: "T".into(),
            description: "d".into(),
            ..Challenge::default()
        }];
        assert_eq!(enterprises(&c)[0].name, "T");
    }
}
