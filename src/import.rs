//! Reading profiles and challenges from JSON arrays, JSON Lines and CSV,
//! shared by the command-line tool and the WASM layer.
//!
//! A bad row never sinks the file: it is reported with its line and field
//! and skipped, and the good rows are kept. Only a file that cannot be read
//! at all (a JSON array with a syntax error) is an error as a whole.
//! Every row is accounted for: `rows == records + rejected + duplicates`,
//! where a duplicate is a row whose id repeats an earlier row: it replaces
//! that row and is listed as a warning (the later row wins, as a re-export
//! of an edited spreadsheet would expect).

use crate::error::{Error, Result};
use crate::json::{self, Json};
use crate::model::{limits, Challenge, Profile};
use serde::Serialize;
use std::borrow::Cow;

/// Largest text accepted by one import, in bytes: 64 MB holds well over
/// 100,000 profiles; beyond it the browser tab itself is at risk.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// A text format of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-, semicolon- or tab-separated values with a header row.
    Csv,
}

impl Format {
    /// Parses `json`, `jsonl`/`ndjson`, `csv`/`tsv` (as file extensions or names).
    pub fn parse(name: &str) -> Result<Format> {
        match name
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "json" => Ok(Format::Json),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "csv" | "tsv" | "txt" => Ok(Format::Csv),
            other => Err(Error::parameter(format!(
                "unknown format `{other}`: expected json, jsonl or csv"
            ))),
        }
    }

    /// Guesses the format from the first non-blank character.
    pub fn detect(text: &str) -> Format {
        match strip_bom(text).trim_start().chars().next() {
            Some('[') => Format::Json,
            Some('{') => Format::Jsonl,
            _ => Format::Csv,
        }
    }
}

/// A row that was not loaded as it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line in the text (CSV, JSONL), or item number (JSON array).
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The record's id, when it had one.
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong, for a person.
    pub message: String,
    /// False for a rejected row; true for a warning on a loaded row (an id
    /// that replaced an earlier row).
    pub loaded: bool,
}

/// The records read from a text, with a report on the rows that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported<T> {
    /// The records read, in order.
    pub records: Vec<T>,
    /// The line (or item number) each record came from.
    pub lines: Vec<usize>,
    /// Rows rejected (and, after a load, rows that replaced an earlier id).
    pub errors: Vec<RowError>,
    /// Rows (records) seen in the text, good or bad.
    pub rows: usize,
}

impl<T> Imported<T> {
    /// Rows that were not loaded.
    pub fn rejected(&self) -> usize {
        self.errors.iter().filter(|e| !e.loaded).count()
    }

    /// Rows that replaced an earlier row with the same id.
    pub fn duplicates(&self) -> usize {
        self.errors.iter().filter(|e| e.loaded).count()
    }
}

/// A record type the importer can build from a JSON object.
pub trait Record: Sized {
    /// Reads one record from a JSON value, naming the field at fault.
    fn from_json(v: &Json) -> Result<Self>;
    /// The record's id.
    fn id(&self) -> &str;
}

impl Record for Profile {
    fn from_json(v: &Json) -> Result<Self> {
        Profile::from_json(v)
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Challenge {
    fn from_json(v: &Json) -> Result<Self> {
        Challenge::from_json(v)
    }
    fn id(&self) -> &str {
        &self.id
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// Reads profiles from text in `format` (or detected when `None`).
pub fn read_profiles(text: &str, format: Option<Format>) -> Result<Imported<Profile>> {
    read(text, format)
}

/// Reads challenges from text in `format` (or detected when `None`).
pub fn read_challenges(text: &str, format: Option<Format>) -> Result<Imported<Challenge>> {
    read(text, format)
}

/// Reads records from already-parsed JSON values (the WASM layer's JS arrays).
pub fn from_values<T: Record>(values: &[Json]) -> Imported<T> {
    let mut acc = Accumulator::default();
    for (i, v) in values.iter().enumerate() {
        acc.push(i + 1, T::from_json(v), v);
    }
    acc.finish()
}

/// Reads records of any [`Record`] type from text in `format` (or detected when `None`).
pub fn read<T: Record>(text: &str, format: Option<Format>) -> Result<Imported<T>> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(Error::limit(format!(
            "the data is {} MB, over the import limit of {} MB; split it or build an index with the command-line tool",
            text.len() / (1024 * 1024),
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    let text = strip_bom(text);
    match format.unwrap_or_else(|| Format::detect(text)) {
        Format::Json => {
            let value =
                json::parse(text).map_err(|e| Error::parse(format!("not valid JSON: {e}")))?;
            match value {
                Json::Array(items) => Ok(from_values(&items)),
                // A single object is a one-record file.
                Json::Object(_) => Ok(from_values(std::slice::from_ref(&value))),
                other => Err(Error::parse(format!(
                    "expected a JSON array of records, got {}",
                    other.type_name()
                ))),
            }
        }
        Format::Jsonl => Ok(read_jsonl(text)),
        Format::Csv => read_csv(text),
    }
}

struct Accumulator<T> {
    records: Vec<T>,
    /// Line of each kept record, for duplicate messages.
    lines: Vec<usize>,
    /// Fx like the rest of the crate: the standard hasher's SipHash was
    /// 1 KB of gzipped WASM for this one map of the user's own ids.
    by_id: rustc_hash::FxHashMap<String, usize>,
    errors: Vec<RowError>,
    rows: usize,
}

impl<T> Default for Accumulator<T> {
    fn default() -> Self {
        Accumulator {
            records: Vec::new(),
            lines: Vec::new(),
            by_id: Default::default(),
            errors: Vec::new(),
            rows: 0,
        }
    }
}

impl<T: Record> Accumulator<T> {
    fn push(&mut self, line: usize, record: Result<T>, source: &Json) {
        self.rows += 1;
        match record {
            Ok(r) => {
                if let Some(&i) = self.by_id.get(r.id()) {
                    self.errors.push(RowError {
                        line,
                        id: Some(r.id().to_string()),
                        field: Some("id".into()),
                        message: format!(
                            "duplicate id `{}`: this row replaces the one on line {}",
                            r.id(),
                            self.lines[i]
                        ),
                        loaded: true,
                    });
                    self.records[i] = r;
                    self.lines[i] = line;
                } else {
                    self.by_id.insert(r.id().to_string(), self.records.len());
                    self.records.push(r);
                    self.lines.push(line);
                }
            }
            Err(e) => self.reject(line, &e, source.get("id")),
        }
    }

    fn reject(&mut self, line: usize, e: &Error, id: Option<&Json>) {
        let id = match id {
            Some(Json::String(s)) => Some(crate::model::truncate(s, 60)),
            Some(Json::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        self.errors.push(RowError {
            line,
            id,
            field: e.field().map(str::to_string),
            message: e.message().to_string(),
            loaded: false,
        });
    }

    fn finish(self) -> Imported<T> {
        Imported {
            records: self.records,
            lines: self.lines,
            errors: self.errors,
            rows: self.rows,
        }
    }
}

fn read_jsonl<T: Record>(text: &str) -> Imported<T> {
    let mut acc = Accumulator::default();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        match json::parse(trimmed) {
            Ok(v) => acc.push(line_no, T::from_json(&v), &v),
            Err(e) => {
                acc.rows += 1;
                acc.reject(line_no, &Error::parse(format!("not valid JSON: {e}")), None);
            }
        }
    }
    acc.finish()
}

/// Splits CSV text into records of cells, RFC 4180 style: quoted cells may
/// hold separators, newlines and doubled quotes. Returns each record with
/// the line it starts on.
pub fn csv_records(text: &str, sep: char) -> Result<Vec<(usize, Vec<String>)>> {
    let mut records = Vec::new();
    let mut cell = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut line = 1;
    let mut row_line = 1;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                in_quotes = true;
            }
            c if c == sep => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut cell));
                if !(row.len() == 1 && row[0].trim().is_empty()) {
                    records.push((row_line, std::mem::take(&mut row)));
                }
                row.clear();
                line += 1;
                row_line = line;
            }
            _ => cell.push(c),
        }
    }
    if in_quotes {
        return Err(Error::parse(format!(
            "line {row_line}: a quoted cell is never closed"
        )));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        records.push((row_line, row));
    }
    Ok(records)
}

/// Maps a header cell to a batch-format field name; accepts the Chinese
/// names people use in spreadsheets.
fn column_name(header: &str) -> String {
    let h = header.trim().trim_start_matches('\u{FEFF}').to_lowercase();
    let known = match h.as_str() {
        "编号" | "序号" | "id号" => "id",
        "类型" | "类别" => "kind",
        "名称" | "姓名" | "专家姓名" | "成果名称" => "name",
        "单位" | "机构" | "所在单位" | "高校" => "institution",
        "学科" | "专业" | "学科领域" => "discipline",
        "地区" | "省份" | "所在地区" => "region",
        "关键词" => "keywords",
        "简介" | "摘要" | "研究方向" => "summary",
        "专利号" => "number",
        "标题" | "需求名称" | "题目" => "title",
        "描述" | "需求描述" | "技术需求" => "description",
        "企业" | "企业名称" => "enterprise",
        "行业" | "所属行业" => "industry",
        "licence_fee" | "license_fee" | "许可费" | "fee" => "licence.fee",
        "licence_terms" | "license_terms" | "许可条件" | "terms" => "licence.terms",
        "work_title" => "work1_title",
        "work_abstract" => "work1_abstract",
        "work_year" => "work1_year",
        other => other,
    };
    known.to_string()
}

fn read_csv<T: Record>(text: &str) -> Result<Imported<T>> {
    let first_line = text.lines().next().unwrap_or("");
    // The separator with the most cells in the header.
    let sep = [',', ';', '\t']
        .into_iter()
        .max_by_key(|&c| (first_line.matches(c).count(), c == ','))
        .unwrap_or(',');
    let records = csv_records(text, sep)?;
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Ok(Imported {
            records: vec![],
            lines: vec![],
            errors: vec![],
            rows: 0,
        });
    };
    let columns: Vec<String> = header.iter().map(|h| column_name(h)).collect();
    if !columns.iter().any(|c| c == "id") {
        return Err(Error::parse(
            "the CSV header has no `id` column (the first line must name the columns)",
        ));
    }
    let mut acc = Accumulator::default();
    for (line, cells) in records {
        if cells.len() != columns.len() {
            acc.rows += 1;
            let id = columns
                .iter()
                .position(|c| c == "id")
                .and_then(|i| cells.get(i))
                .map(|s| Json::String(Cow::Borrowed(s)));
            acc.reject(
                line,
                &Error::parse(format!(
                    "the row has {} cells but the header has {} columns",
                    cells.len(),
                    columns.len()
                )),
                id.as_ref(),
            );
            continue;
        }
        let v = csv_row_to_json(&columns, &cells);
        acc.push(line, T::from_json(&v), &v);
    }
    Ok(acc.finish())
}

/// One CSV row as a batch-format JSON object: `keywords` split on `;`,
/// `licence.fee` nested, `workN_title`/`workN_abstract`/`workN_year`
/// gathered into `works` (and a `works` cell of `;`-separated titles).
fn csv_row_to_json<'a>(columns: &'a [String], cells: &'a [String]) -> Json<'a> {
    let text = |s: &'a str| Json::String(Cow::Borrowed(s));
    let mut obj = Vec::new();
    // Works by their column number; the titles of a `works` cell go first.
    let mut works: std::collections::BTreeMap<usize, Vec<(Cow<'a, str>, Json<'a>)>> =
        Default::default();
    let mut titles = Vec::new();
    let mut licence = Vec::new();
    for (col, cell) in columns.iter().zip(cells) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        if let Some(rest) = col.strip_prefix("licence.") {
            licence.push((Cow::Borrowed(rest), text(cell)));
        } else if let Some((n, field)) = work_column(col) {
            works
                .entry(n)
                .or_default()
                .push((Cow::Borrowed(field), text(cell)));
        } else if col == "works" {
            titles = crate::model::split_list(cell)
                .into_iter()
                .map(Json::string)
                .collect();
        } else {
            obj.push((Cow::Borrowed(col.as_str()), text(cell)));
        }
    }
    let mut list = titles;
    list.extend(works.into_values().map(Json::Object));
    if !list.is_empty() {
        obj.push((Cow::Borrowed("works"), Json::Array(list)));
    }
    if !licence.is_empty() {
        obj.push((Cow::Borrowed("licence"), Json::Object(licence)));
    }
    Json::Object(obj)
}

/// `work3_title` → (3, "title"); numbers up to the works limit.
fn work_column(col: &str) -> Option<(usize, &str)> {
    let rest = col.strip_prefix("work")?;
    let (n, field) = rest.split_once('_')?;
    let n: usize = n.parse().ok()?;
    ((1..=limits::MAX_WORKS).contains(&n) && matches!(field, "title" | "abstract" | "year"))
        .then_some((n, field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn detects_formats() {
        assert_eq!(Format::detect("\u{FEFF} [{}]"), Format::Json);
        assert_eq!(Format::detect("{\"id\":1}\n"), Format::Jsonl);
        assert_eq!(Format::detect("id,name\n"), Format::Csv);
    }

    #[test]
    fn csv_quotes_separators_newlines_and_bom() {
        let text = "\u{FEFF}id,name,keywords,summary\r\np1,\"Li, Wei\",钛合金;增材制造,\"line one\nline \"\"two\"\"\"\r\np2,Wang,,\n";
        let got = read_profiles(text, None).unwrap();
        assert_eq!(got.rows, 2);
        assert!(got.errors.is_empty(), "{:?}", got.errors);
        assert_eq!(got.records[0].name, "Li, Wei");
        assert_eq!(got.records[0].keywords, vec!["钛合金", "增材制造"]);
        assert_eq!(got.records[0].summary, "line one\nline \"two\"");
        assert_eq!(got.records[1].id, "p2");
    }

    #[test]
    fn csv_bad_row_is_reported_with_line_and_field_and_skipped() {
        let text = "id,kind,name\np1,expert,A\n,lab,B\np3,robot,C\np4,team\np5,patent,E\n";
        let got = read_profiles(text, Some(Format::Csv)).unwrap();
        let ids: Vec<_> = got.records.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, vec!["p1", "p5"]);
        assert_eq!(got.rows, 5);
        let lines: Vec<_> = got
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_deref()))
            .collect();
        assert_eq!(lines, vec![(3, Some("id")), (4, Some("kind")), (5, None)]);
        assert_eq!(
            got.rows,
            got.records.len() + got.rejected() + got.duplicates()
        );
    }

    #[test]
    fn csv_titles_cell_comes_before_numbered_works_and_later_columns_win() {
        let text = "id,work2_title,licence_fee,works,name,work1_title,许可条件,name\n\
                    p1,Second,1万元,A；B,Old,First,非独占,New\n";
        let got = read_profiles(text, None).unwrap();
        assert!(got.errors.is_empty(), "{:?}", got.errors);
        let p = &got.records[0];
        let titles: Vec<_> = p.works.iter().map(|w| w.title.as_str()).collect();
        assert_eq!(titles, ["A", "B", "First", "Second"]);
        assert_eq!(p.name, "New");
        let licence = p.licence.as_ref().unwrap();
        assert_eq!(
            (licence.fee.as_str(), licence.terms.as_str()),
            ("1万元", "非独占")
        );
    }

    #[test]
    fn csv_works_columns_become_works() {
        let text = "id,work1_title,work1_abstract,work1_year,work2_title\np1,T1,A1,2021,T2\n";
        let p = &read_profiles(text, None).unwrap().records[0];
        assert_eq!(p.works.len(), 2);
        assert_eq!(p.works[0].year, Some(2021));
        assert_eq!(p.works[1].title, "T2");
    }

    #[test]
    fn semicolon_and_tab_separated_files_are_read() {
        let got = read_profiles("id;name\np1;A\n", None).unwrap();
        assert_eq!(got.records[0].name, "A");
        let got = read_profiles("id\tname\np1\tA, B\n", None).unwrap();
        assert_eq!(got.records[0].name, "A, B");
    }

    #[test]
    fn chinese_headers_are_understood() {
        let got =
            read_profiles("编号,姓名,单位,关键词\np1,王教授,江南大学,发酵；酶\n", None).unwrap();
        let p = &got.records[0];
        assert_eq!(
            (p.name.as_str(), p.institution.as_str()),
            ("王教授", "江南大学")
        );
        assert_eq!(p.keywords, vec!["发酵", "酶"]);
    }

    #[test]
    fn unclosed_quote_is_an_error_with_line() {
        let e = read_profiles("id,name\np1,\"open\n", None).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn jsonl_bad_lines_are_listed_good_ones_kept() {
        let text = "{\"id\":\"a\"}\nnot json\n\n{\"id\":\"b\",\"works\":5}\n{\"id\":\"c\"}\n";
        let got = read_profiles(text, None).unwrap();
        assert_eq!(got.records.len(), 2);
        assert_eq!(
            got.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![2, 4]
        );
        assert_eq!(got.errors[1].field.as_deref(), Some("works"));
    }

    #[test]
    fn duplicate_id_later_row_wins_and_is_reported() {
        let text = "{\"id\":\"a\",\"name\":\"old\"}\n{\"id\":\"a\",\"name\":\"new\"}\n";
        let got = read_profiles(text, None).unwrap();
        assert_eq!(got.records.len(), 1);
        assert_eq!(got.records[0].name, "new");
        assert!(got.errors[0].loaded && got.errors[0].message.contains("line 1"));
    }

    #[test]
    fn json_array_syntax_error_fails_the_file() {
        assert_eq!(
            read_profiles("[{\"id\":1},", None).unwrap_err().kind(),
            ErrorKind::Parse
        );
        assert_eq!(
            read_profiles("[{\"id\":1}, 5]", None).unwrap().errors[0].line,
            2
        );
    }
}
