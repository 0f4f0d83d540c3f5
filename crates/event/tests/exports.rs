//! Exports: CSV with a byte-order mark, RFC 4180 quoting and neutralised
//! formulas; JSON that reads back as the same schedule.

mod common;

use common::*;
use coopmatch_csv::cell as csv_cell;
use coopmatch_event::*;

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

    let enterprises = vec![Party {
        id: "e0".into(),
        name: "=cmd|' /C calc'!A0".into(),
        institution: String::new(),
    }];
    let participants = vec![Party {
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
    let s = plan(&event(2, 1), &enterprises, &participants, &c).unwrap();
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
