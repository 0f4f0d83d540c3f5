//! The `coopmatch` binary: output format, exit codes, row reports.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn coopmatch(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_coopmatch"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run coopmatch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const P: &str = "tests/fixtures/profiles.jsonl";
const C: &str = "tests/fixtures/challenges.jsonl";

#[test]
fn score_writes_batch_format_lines_best_first() {
    let (code, out, err) = coopmatch(&["score", "--profiles", P, "--challenges", C, "--top", "2"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 10);
    let first = &lines[0];
    assert_eq!(first["challenge"], "c-ti");
    assert_eq!(first["profile"], "ti-am");
    let keys: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, vec!["challenge", "profile", "score"]);
    assert!(lines[0]["score"].as_f64() >= lines[1]["score"].as_f64());
}

#[test]
fn top_all_lists_every_pair() {
    let (code, out, _) = coopmatch(&["score", "--profiles", P, "--challenges", C, "--top", "all"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 5 * 6);
}

#[test]
fn explain_adds_an_explanation_object() {
    let (_, out, _) = coopmatch(&[
        "score",
        "--profiles",
        P,
        "--challenges",
        C,
        "--top",
        "1",
        "--explain",
    ]);
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!(!v["explanation"]["terms"].as_array().unwrap().is_empty());
}

#[test]
fn output_is_byte_identical_between_runs() {
    let args = [
        "score",
        "--profiles",
        P,
        "--challenges",
        C,
        "--top",
        "all",
        "--explain",
    ];
    assert_eq!(coopmatch(&args).1, coopmatch(&args).1);
}

#[test]
fn missing_file_and_bad_arguments_fail_with_a_message() {
    let (code, _, err) = coopmatch(&["score", "--profiles", "nope.jsonl", "--challenges", C]);
    assert_eq!(code, 1);
    assert!(
        err.contains("nope.jsonl") && err.contains("cannot read"),
        "{err}"
    );
    let (code, _, err) = coopmatch(&["score", "--profiles", P, "--challenges", C, "--set", "b=3"]);
    assert_eq!(code, 2);
    assert!(err.contains("parameter `b`"), "{err}");
    let (code, _, _) = coopmatch(&["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn bad_rows_are_reported_with_file_and_line_and_skipped() {
    let dir = std::env::temp_dir().join(format!("coopmatch-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profiles = dir.join("p.csv");
    std::fs::write(
        &profiles,
        "id,name,work1_title\na,A,weld defect detection\n,B,x\nc,C,battery cooling\n",
    )
    .unwrap();
    let p = profiles.to_str().unwrap();
    let (code, out, err) =
        coopmatch(&["score", "--profiles", p, "--challenges", C, "--top", "all"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{p}:3: skipped")), "{err}");
    assert_eq!(out.lines().count(), 5 * 2);
    let (code, _, _) = coopmatch(&["score", "--profiles", p, "--challenges", C, "--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn schedule_writes_json_and_csv_and_reports_bad_events() {
    let dir = std::env::temp_dir().join(format!("coopmatch-cli-ev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let event = dir.join("event.json");
    std::fs::write(
        &event,
        r#"{"slots":[{"start":"09:00","end":"09:20"},{"start":"09:20","end":"09:40"}],"tables":3,
            "meetings_per_enterprise":{"min":1,"max":2},"min_score":0.05}"#,
    )
    .unwrap();
    let e = event.to_str().unwrap();
    let (code, out, err) =
        coopmatch(&["schedule", "--profiles", P, "--challenges", C, "--event", e]);
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    let meetings = plan["meetings"].as_array().unwrap();
    assert!(
        meetings.len() >= 5 && meetings.len() <= 6,
        "{}",
        meetings.len()
    );
    assert!(meetings
        .iter()
        .any(|m| m["enterprise_id"] == "c-ti" && m["participant_id"] == "ti-am"));
    let (code, csv, _) = coopmatch(&[
        "schedule",
        "--profiles",
        P,
        "--challenges",
        C,
        "--event",
        e,
        "--csv",
    ]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("\u{FEFF}start,end,table"), "{csv}");
    let (code, agenda, _) = coopmatch(&[
        "schedule",
        "--profiles",
        P,
        "--challenges",
        C,
        "--event",
        e,
        "--agenda",
        "ti-am",
    ]);
    assert_eq!(code, 0);
    assert!(agenda.contains("c-ti"), "{agenda}");

    std::fs::write(
        &event,
        r#"{"slots":[{"start":"09:00"}],"tables":1,"forced":[["c-ti","nobody"]]}"#,
    )
    .unwrap();
    let (code, _, err) = coopmatch(&["schedule", "--profiles", P, "--challenges", C, "--event", e]);
    assert_eq!(code, 1);
    assert!(err.contains("nobody"), "{err}");
}
