//! Input: the event file is parsed strictly, bad input gives an error of
//! the right kind naming the offending item, and hostile input never panics.

mod common;

use common::*;
use coopmatch_event::*;

fn err(ev: &Event, enterprises: &[Party], participants: &[Party], c: &[Candidate]) -> Error {
    match plan(ev, enterprises, participants, c) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

fn base() -> (Event, Vec<Party>, Vec<Party>, Vec<Candidate>) {
    let (enterprises, participants, c) = grid(&[&[Some(0.5), Some(0.6)], &[Some(0.7), Some(0.2)]]);
    let mut ev = event(3, 2);
    ev.meetings_per_enterprise = EnterpriseMeetings {
        min: 1,
        max: Some(2),
    };
    (ev, enterprises, participants, c)
}

fn expect(
    kind: ErrorKind,
    text: &str,
    f: impl FnOnce(&mut Event, &mut Vec<Party>, &mut Vec<Party>, &mut Vec<Candidate>),
) {
    let (mut ev, mut enterprises, mut participants, mut c) = base();
    f(&mut ev, &mut enterprises, &mut participants, &mut c);
    let e = err(&ev, &enterprises, &participants, &c);
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
        |ev, enterprises, _, _| {
            enterprises.push(party("e2", ""));
            enterprises.push(party("e3", ""));
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
        |ev, enterprises, participants, _| {
            enterprises[0].institution = "Tsinghua".into();
            participants[0].institution = "tsinghua ".into();
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
        |_, enterprises, _, _| {
            enterprises.push(party("e1", ""));
        },
    );
    expect(
        Invalid,
        "duplicate party id `p0`: enterprise #1 and research participant #1",
        |_, enterprises, _, _| {
            enterprises[0].id = "p0".into();
        },
    );
    expect(Invalid, "has an empty id", |_, _, participants, _| {
        participants[1].id = " ".into()
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
    let e =
        Event::from_json(r#"{"slots": [], "tables": 1, "unavailable": {"a": [-1]}}"#).unwrap_err();
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
    let enterprises = vec![
        party("acme-robotics", "Acme Robotics Ltd"),
        party("sunrise-textiles", "阳光纺织有限公司"),
    ];
    let participants = vec![
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
    let s = plan(&ev, &enterprises, &participants, &c).unwrap();
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
    let enterprises = vec![party("e0", ""), party("e1", "")];
    let participants = vec![party("p0", ""), party("p1", "")];
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
        if let Ok(s) = plan(&ev, &enterprises, &participants, &c) {
            let _ = timetable_csv(&s);
            let _ = to_json(&s);
        }
    }
}
