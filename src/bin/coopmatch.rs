//! `coopmatch`: the batch command-line tool, thin over the library.
//!
//! ```text
//! coopmatch score --profiles P --challenges C [--top N|all] [--explain] [--set NAME=VALUE]...
//! coopmatch schedule --profiles P --challenges C --event E.json [--csv | --agenda ID]
//! coopmatch index --profiles P -o data.cmx [--set NAME=VALUE]...
//! coopmatch index --profiles P --shards -o DIR [--set NAME=VALUE]...
//! ```
//! `score` writes `scores.jsonl` lines (batch-format.md) to stdout;
//! `schedule` writes the event schedule as JSON (or CSV). Row problems and
//! errors go to stderr with file and line.

use coopmatch::event::plan_event;
use coopmatch::import::{self, Format, Imported, Record};
use coopmatch::view::{round_score, ExplanationView, OffsetUnit};
use coopmatch::{Error, MatchOptions, Matcher, Params, Profile};
use coopmatch_event::{agenda_csv, timetable_csv, Event};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage:
  coopmatch score --profiles FILE --challenges FILE [--top N|all] [--explain]
                  [--min-score X] [--set NAME=VALUE]... [--strict]
  coopmatch schedule --profiles FILE --challenges FILE --event EVENT.json
                  [--csv | --agenda ID] [--set NAME=VALUE]... [--strict]
  coopmatch index --profiles FILE -o OUT.cmx [--set NAME=VALUE]... [--strict]
  coopmatch index --profiles FILE --shards -o DIR [--set NAME=VALUE]... [--strict]

FILE is JSON (array), JSONL or CSV, by extension (else detected).
--top N       best N profiles per challenge (default 10); `all` for every pair
--explain     add an `explanation` object to each line (byte offsets)
--set k1=1.5  change a matching parameter (see the README for names and ranges)
--strict      fail when any row of the input is rejected
--csv         the whole timetable as CSV (UTF-8 with BOM) instead of JSON
--agenda ID   one enterprise's or participant's agenda as CSV
-o OUT.cmx    (index) write a prebuilt index the page loads without re-analysing
--shards      (index) write a sharded index instead: DIR/manifest.json and the
              fragments a browser fetches as each challenge needs them";

struct Args {
    rest: Vec<String>,
}

impl Args {
    fn flag(&mut self, name: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| a != name);
        before != self.rest.len()
    }

    fn values(&mut self, name: &str) -> Result<Vec<String>, Error> {
        let mut out = Vec::new();
        while let Some(i) = self.rest.iter().position(|a| a == name) {
            if i + 1 >= self.rest.len() {
                return Err(Error::parameter(format!("{name} needs a value")));
            }
            out.push(self.rest.remove(i + 1));
            self.rest.remove(i);
        }
        Ok(out)
    }

    fn value(&mut self, name: &str) -> Result<Option<String>, Error> {
        Ok(self.values(name)?.pop())
    }

    fn required(&mut self, name: &str) -> Result<String, Error> {
        self.value(name)?
            .ok_or_else(|| Error::parameter(format!("{name} is required")))
    }

    fn finish(self) -> Result<(), Error> {
        match self.rest.first() {
            Some(a) => Err(Error::parameter(format!("unexpected argument `{a}`"))),
            None => Ok(()),
        }
    }
}

/// Reads a record file, printing its row problems to stderr.
fn read_file<T: Record>(path: &str, strict: bool) -> Result<Vec<T>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(coopmatch::ErrorKind::Io, format!("cannot read: {e}")).context(path)
    })?;
    let format = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .and_then(|e| Format::parse(e).ok());
    let Imported {
        records,
        errors,
        rows,
        ..
    } = import::read::<T>(&text, format).map_err(|e| e.context(path))?;
    let rejected = errors.iter().filter(|e| !e.loaded).count();
    for e in &errors {
        let what = if e.loaded { "warning" } else { "skipped" };
        eprintln!("{path}:{}: {what}: {}", e.line, e.message);
    }
    if strict && rejected > 0 {
        return Err(
            Error::invalid(format!("{rejected} of {rows} rows rejected (--strict)")).context(path),
        );
    }
    Ok(records)
}

/// Matching parameters from `--set NAME=VALUE` options.
fn params(args: &mut Args) -> Result<Params, Error> {
    let mut params = Params::default();
    for set in args.values("--set")? {
        let (name, value) = set
            .split_once('=')
            .ok_or_else(|| Error::parameter(format!("--set takes NAME=VALUE, got `{set}`")))?;
        params.set(name.trim(), value)?;
    }
    Ok(params)
}

fn io_error(e: std::io::Error) -> Error {
    Error::new(coopmatch::ErrorKind::Io, e.to_string())
}

fn schedule(mut args: Args) -> Result<(), Error> {
    let profiles_path = args.required("--profiles")?;
    let challenges_path = args.required("--challenges")?;
    let event_path = args.required("--event")?;
    let strict = args.flag("--strict");
    let csv = args.flag("--csv");
    let agenda = args.value("--agenda")?;
    let params = params(&mut args)?;
    args.finish()?;

    let event_text = std::fs::read_to_string(&event_path).map_err(|e| {
        Error::new(coopmatch::ErrorKind::Io, format!("cannot read: {e}")).context(&event_path)
    })?;
    let event = Event::from_json(&event_text).map_err(|e| Error::from(e).context(&event_path))?;
    let mut matcher = Matcher::new(params)?;
    for profiles in read_profiles_in_pieces(&profiles_path, strict)? {
        matcher.add_profiles(profiles);
    }
    let challenges: Vec<coopmatch::Challenge> = read_file(&challenges_path, strict)?;
    let plan = plan_event(&matcher, &challenges, &event)?;
    let text = match (csv, agenda) {
        (_, Some(id)) => agenda_csv(&plan, &id)?,
        (true, None) => timetable_csv(&plan),
        (false, None) => coopmatch_event::to_json(&plan)?,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(io_error)?;
    if !text.ends_with('\n') {
        out.write_all(b"\n").map_err(io_error)?;
    }
    let t = &plan.totals;
    eprintln!(
        "{} meetings in {} slots, {} unplaced, {} unmet requests (listed under `unmet` in the JSON)",
        t.meetings,
        t.slots_used,
        t.unplaced,
        plan.unmet.len()
    );
    Ok(())
}

/// Reads a profile file like [`read_file`], except that a JSON Lines file
/// over the import limit (which guards the browser tab) is read in pieces
/// of whole lines: batch work on a large portal's data is what the
/// command-line tool is for.
fn read_profiles_in_pieces(path: &str, strict: bool) -> Result<Vec<Vec<Profile>>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(coopmatch::ErrorKind::Io, format!("cannot read: {e}")).context(path)
    })?;
    let jsonl = match std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .and_then(|e| Format::parse(e).ok())
    {
        Some(f) => f == Format::Jsonl,
        None => Format::detect(&text) == Format::Jsonl,
    };
    if !jsonl || text.len() <= import::MAX_IMPORT_BYTES {
        return Ok(vec![read_file(path, strict)?]);
    }
    const PIECE: usize = 16 * 1024 * 1024;
    let mut pieces = Vec::new();
    let (mut rest, mut first_line) = (text.as_str(), 0usize);
    let mut rejected = 0;
    while !rest.is_empty() {
        let end = match rest.get(PIECE..).and_then(|t| t.find('\n')) {
            Some(i) => PIECE + i + 1,
            None => rest.len(),
        };
        let (piece, tail) = rest.split_at(end);
        let got =
            import::read::<Profile>(piece, Some(Format::Jsonl)).map_err(|e| e.context(path))?;
        for e in &got.errors {
            let what = if e.loaded { "warning" } else { "skipped" };
            eprintln!("{path}:{}: {what}: {}", e.line + first_line, e.message);
        }
        rejected += got.rejected();
        pieces.push(got.records);
        first_line += piece.matches('\n').count();
        rest = tail;
    }
    if strict && rejected > 0 {
        return Err(Error::invalid(format!("{rejected} rows rejected (--strict)")).context(path));
    }
    Ok(pieces)
}

/// Builds the index of a profile file and writes it as a `.cmx` file.
fn index(mut args: Args) -> Result<(), Error> {
    let profiles_path = args.required("--profiles")?;
    let out_path = match args.value("-o")? {
        Some(p) => p,
        None => args.required("--output")?,
    };
    let strict = args.flag("--strict");
    let shards = args.flag("--shards");
    let params = params(&mut args)?;
    args.finish()?;
    let mut matcher = Matcher::new(params)?;
    for profiles in read_profiles_in_pieces(&profiles_path, strict)? {
        matcher.add_profiles(profiles);
    }
    if shards {
        return write_sharded(&matcher, &out_path);
    }
    let bytes = matcher.write_index();
    std::fs::write(&out_path, &bytes).map_err(|e| io_error(e).context(&out_path))?;
    eprintln!(
        "{}: {} profiles, {} bytes",
        out_path,
        matcher.len(),
        bytes.len()
    );
    Ok(())
}

/// Writes a sharded index into `dir`: the fragments first, the manifest
/// last, so a manifest never names a fragment not yet written. Fragments
/// are named by their content, so one already there is the same file.
fn write_sharded(matcher: &Matcher, dir: &str) -> Result<(), Error> {
    let sharded = matcher.write_sharded();
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir).map_err(|e| io_error(e).context(dir.display()))?;
    let mut bytes = 0usize;
    for (name, file) in &sharded.fragments {
        let path = dir.join(name);
        bytes += file.len();
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == file.len() as u64) {
            continue;
        }
        std::fs::write(&path, file).map_err(|e| io_error(e).context(path.display()))?;
    }
    let path = dir.join(coopmatch::shard::MANIFEST);
    std::fs::write(&path, &sharded.manifest).map_err(|e| io_error(e).context(path.display()))?;
    eprintln!(
        "{}: {} profiles, {} fragments, {} bytes, manifest {} bytes",
        dir.display(),
        matcher.len(),
        sharded.fragments.len(),
        bytes,
        sharded.manifest.len()
    );
    Ok(())
}

fn score(mut args: Args) -> Result<(), Error> {
    let profiles_path = args.required("--profiles")?;
    let challenges_path = args.required("--challenges")?;
    let explain = args.flag("--explain");
    let strict = args.flag("--strict");
    let top = match args.value("--top")?.as_deref() {
        None => Some(10),
        Some("all") => None,
        Some(n) => Some(n.parse::<usize>().map_err(|_| {
            Error::parameter(format!("--top must be a number or `all`, got `{n}`"))
        })?),
    };
    let min_score = match args.value("--min-score")? {
        None => 0.0,
        Some(v) => v
            .parse::<f32>()
            .map_err(|_| Error::parameter(format!("--min-score must be a number, got `{v}`")))?,
    };
    let params = params(&mut args)?;
    args.finish()?;

    let mut matcher = Matcher::new(params)?;
    for profiles in read_profiles_in_pieces(&profiles_path, strict)? {
        matcher.add_profiles(profiles);
    }
    let challenges: Vec<coopmatch::Challenge> = read_file(&challenges_path, strict)?;
    let options = MatchOptions {
        top,
        min_score,
        explain,
        // `--top all` is every pair, as the batch format promises.
        keep_unmatched: top.is_none(),
        ..MatchOptions::default()
    };

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for c in &challenges {
        for m in matcher.match_challenge(c, &options)? {
            let mut line = serde_json::json!({
                "challenge": c.id,
                "profile": m.profile.id,
                "score": round_score(m.score),
            });
            if let Some(e) = &m.explanation {
                line["explanation"] =
                    serde_json::to_value(ExplanationView::new(e, c, m.profile, OffsetUnit::Bytes))
                        .map_err(|e| Error::invalid(e.to_string()))?;
            }
            writeln!(out, "{line}")
                .map_err(|e| Error::new(coopmatch::ErrorKind::Io, e.to_string()))?;
        }
    }
    out.flush()
        .map_err(|e| Error::new(coopmatch::ErrorKind::Io, e.to_string()))
}

fn main() -> ExitCode {
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.is_empty() || argv.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return if argv.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let command = argv.remove(0);
    let args = Args { rest: argv };
    let result = match command.as_str() {
        "score" => score(args),
        "schedule" => schedule(args),
        "index" => index(args),
        other => Err(Error::parameter(format!(
            "unknown command `{other}`\n{USAGE}"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coopmatch: {e}");
            ExitCode::from(match e.kind() {
                coopmatch::ErrorKind::Parameter => 2,
                _ => 1,
            })
        }
    }
}
