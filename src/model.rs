//! The records the matcher works on: research profiles (with their works)
//! and enterprise challenges, as in `batch-format.md`.
//!
//! Records are read from a [`Json`] tree by hand rather than by derive,
//! so that every error names the record and the field ("profile `p7`: field
//! `keywords` must be a list of strings, got a number") instead of a column
//! number. Unknown fields are ignored. Both importers (JSON/JSONL and CSV)
//! and the WASM layer go through [`Profile::from_json`] and
//! [`Challenge::from_json`].

use crate::error::{Error, Result};
use crate::json::Json;
use serde::Serialize;

/// Limits on one record, each with its reason. Beyond a limit the record is
/// refused with a message naming the limit, rather than slowing everyone down.
pub mod limits {
    /// Longest text field (summary, abstract, description), in bytes: 200 KB
    /// is a long paper's full text; matching is about abstracts.
    pub const MAX_FIELD_BYTES: usize = 200_000;
    /// Longest identifier, in bytes: ids are keys, not text.
    pub const MAX_ID_BYTES: usize = 256;
    /// Most works on one profile: a lab's publication list (the CSL labs
    /// carry 500) fits; more is a data error.
    pub const MAX_WORKS: usize = 5_000;
    /// Most keywords on one record.
    pub const MAX_KEYWORDS: usize = 500;
    /// Most text in one challenge when it is matched (title, description
    /// and keywords together), in bytes: three text fields at
    /// [`MAX_FIELD_BYTES`], so every challenge the importers accept can be
    /// matched, while text pasted into the page (which no importer checks)
    /// cannot make one ranking analyse megabytes and freeze the tab.
    pub const MAX_CHALLENGE_BYTES: usize = 3 * MAX_FIELD_BYTES;
}

/// What a research profile is, in the programme's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A professor or researcher offered as a technical mentor to SMEs.
    #[default]
    Expert,
    /// A laboratory, engineering research centre or innovation consortium.
    Lab,
    /// A doctoral-student service team.
    Team,
    /// A university patent offered under open licence.
    Patent,
}

impl Kind {
    /// Every kind, in the order lists show them.
    pub const ALL: [Kind; 4] = [Kind::Expert, Kind::Lab, Kind::Team, Kind::Patent];

    /// The kind's name in data files (`expert`, `lab`, `team`, `patent`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Expert => "expert",
            Kind::Lab => "lab",
            Kind::Team => "team",
            Kind::Patent => "patent",
        }
    }

    /// Parses the batch-format names and the Chinese names people type.
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim();
        // Nearly always already lower case (the batch format's names):
        // no copy then.
        let folded;
        let s = if s.bytes().any(|b| b.is_ascii_uppercase()) || !s.is_ascii() {
            folded = s.to_lowercase();
            folded.as_str()
        } else {
            s
        };
        match s {
            "expert" | "professor" | "mentor" | "专家" | "导师" | "教授" => {
                Some(Kind::Expert)
            }
            "lab" | "laboratory" | "centre" | "center" | "实验室" | "平台" | "研究中心" => {
                Some(Kind::Lab)
            }
            "team" | "博士团队" | "团队" | "服务团" | "博士服务团" => {
                Some(Kind::Team)
            }
            "patent" | "专利" => Some(Kind::Patent),
            _ => None,
        }
    }
}

/// One piece of evidence on a profile: a paper, patent or project.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Work {
    /// Title.
    pub title: String,
    #[serde(rename = "abstract")]
    /// Abstract (`abstract` in data files).
    pub abstract_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Year, when known.
    pub year: Option<i32>,
}

/// Terms of an open licence on a patent profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Licence {
    /// The licence fee, as written.
    pub fee: String,
    /// Other terms of the licence, as written.
    pub terms: String,
}

/// A research profile: an expert, lab, doctoral team or patent.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Profile {
    /// Unique id.
    pub id: String,
    /// Expert, lab, doctoral team or patent.
    pub kind: Kind,
    /// Name shown (a person, a lab, a patent's title).
    pub name: String,
    /// University or institute.
    pub institution: String,
    /// Discipline, as written.
    pub discipline: String,
    /// Region, as written.
    pub region: String,
    /// Keywords the profile gives itself.
    pub keywords: Vec<String>,
    /// A summary of the research.
    pub summary: String,
    /// Papers, patents, projects: the evidence matched.
    pub works: Vec<Work>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Licence terms of an open-licence patent.
    pub licence: Option<Licence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// A patent's number.
    pub number: Option<String>,
}

/// Which text of a profile a work document came from (the index makes
/// one document of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `profile.works[i]`.
    Work(u32),
    /// The profile card: keywords, summary, name, discipline.
    Card,
}

/// A field of a profile that a span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase", tag = "field", content = "index")]
pub enum ProfileField {
    /// `works[i].title`.
    Title,
    /// `works[i].abstract`.
    Abstract,
    /// `summary`.
    Summary,
    /// `keywords[i]`.
    Keyword(u32),
    /// `name`.
    Name,
    /// `discipline`.
    Discipline,
}

/// A field of the challenge, for highlight spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChallengeField {
    /// `title`.
    Title,
    /// `description`.
    Description,
    /// `keywords[i]`.
    Keyword(u32),
}

impl Profile {
    /// The text of `field` in the document `source` (a title or abstract
    /// belongs to a work, the rest to the card); empty when there is none.
    pub fn field_text(&self, source: Source, field: ProfileField) -> &str {
        let work = match source {
            Source::Work(i) => self.works.get(i as usize),
            Source::Card => None,
        };
        match field {
            ProfileField::Title => work.map_or("", |w| w.title.as_str()),
            ProfileField::Abstract => work.map_or("", |w| w.abstract_text.as_str()),
            ProfileField::Summary => &self.summary,
            ProfileField::Keyword(i) => self.keywords.get(i as usize).map_or("", String::as_str),
            ProfileField::Name => &self.name,
            ProfileField::Discipline => &self.discipline,
        }
    }
}

/// An enterprise's technical challenge ("unveiling list" entry).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Challenge {
    /// Unique id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The problem, in the enterprise's words.
    pub description: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// The enterprise's name.
    pub enterprise: String,
    /// The enterprise's industry.
    pub industry: String,
    /// The enterprise's region.
    pub region: String,
}

impl Challenge {
    /// The text of `field`; empty for a keyword that is not there.
    pub fn field_text(&self, field: ChallengeField) -> &str {
        match field {
            ChallengeField::Title => &self.title,
            ChallengeField::Description => &self.description,
            ChallengeField::Keyword(i) => self.keywords.get(i as usize).map_or("", String::as_str),
        }
    }

    /// A challenge made from free text alone, as pasted into the page.
    pub fn from_text(id: &str, text: &str) -> Challenge {
        Challenge {
            id: id.to_string(),
            description: text.to_string(),
            ..Challenge::default()
        }
    }
}

/// Reads fields out of one JSON object, naming the record in every error.
struct Fields<'a, 'text> {
    obj: &'a Json<'text>,
    /// What the record is (`profile`, `challenge`), for error messages.
    noun: &'static str,
}

impl<'a, 'text> Fields<'a, 'text> {
    fn new(v: &'a Json<'text>, noun: &'static str) -> Result<Self> {
        if !matches!(v, Json::Object(_)) {
            return Err(Error::parse(format!(
                "a {noun} must be an object, got {}",
                v.type_name()
            )));
        }
        Ok(Fields { obj: v, noun })
    }

    /// The record as errors name it: `profile `p17``. Made only when an
    /// error is, not for every record read.
    fn what(&self) -> String {
        let noun = self.noun;
        match self.obj.get("id") {
            Some(Json::String(s)) => format!("{noun} `{}`", truncate(s, 60)),
            Some(Json::Number(n)) => format!("{noun} `{n}`"),
            _ => noun.to_string(),
        }
    }

    fn err(&self, field: &str, msg: impl std::fmt::Display) -> Error {
        Error::invalid(format!("{}: field `{field}` {msg}", self.what())).with_field(field)
    }

    /// The record's id: a non-empty string, or a whole number (spreadsheet
    /// exports often turn ids into numbers).
    fn id(&self) -> Result<String> {
        let id = match self.obj.get("id") {
            None | Some(Json::Null) => return Err(self.err("id", "is missing")),
            Some(Json::String(s)) => s.trim().to_string(),
            Some(Json::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            Some(other) => {
                return Err(self.err("id", format!("must be a string, got {}", other.type_name())))
            }
        };
        if id.is_empty() {
            return Err(self.err("id", "is empty"));
        }
        if id.len() > limits::MAX_ID_BYTES {
            return Err(self.err(
                "id",
                format!("is longer than the limit of {} bytes", limits::MAX_ID_BYTES),
            ));
        }
        Ok(id)
    }

    fn text(&self, field: &str) -> Result<String> {
        text_value(self.obj.get(field)).map_err(|m| self.err(field, m))
    }

    fn list(&self, field: &str) -> Result<Vec<String>> {
        let list = match self.obj.get(field) {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::String(s)) => split_list(s),
            Some(Json::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Json::String(s) => {
                            let s = s.trim();
                            if !s.is_empty() {
                                out.push(s.to_string());
                            }
                        }
                        Json::Number(n) => out.push(n.to_string()),
                        Json::Null => {}
                        other => {
                            return Err(self.err(
                                field,
                                format!(
                                    "item {} must be a string, got {}",
                                    i + 1,
                                    other.type_name()
                                ),
                            ))
                        }
                    }
                }
                out
            }
            Some(other) => {
                return Err(self.err(
                    field,
                    format!("must be a list of strings, got {}", other.type_name()),
                ))
            }
        };
        if list.len() > limits::MAX_KEYWORDS {
            return Err(self.err(
                field,
                format!("has more than the limit of {} items", limits::MAX_KEYWORDS),
            ));
        }
        let total: usize = list.iter().map(String::len).sum();
        if total > limits::MAX_FIELD_BYTES {
            return Err(self.err(field, too_long_message()));
        }
        Ok(list)
    }
}

fn too_long_message() -> String {
    format!(
        "is longer than the limit of {} bytes",
        limits::MAX_FIELD_BYTES
    )
}

/// Text of an optional string field; numbers are accepted as their digits.
fn text_value(v: Option<&Json>) -> std::result::Result<String, String> {
    let s = match v {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) => s.trim().to_string(),
        Some(Json::Number(n)) => n.to_string(),
        Some(other) => return Err(format!("must be a string, got {}", other.type_name())),
    };
    if s.len() > limits::MAX_FIELD_BYTES {
        return Err(too_long_message());
    }
    Ok(s)
}

/// Splits a keyword cell: `;` is the documented separator; the full-width
/// `；`, the Chinese enumeration comma `、` and `，` are accepted too since
/// that is how people type lists in Chinese.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([';', '；', '、', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl Work {
    fn from_json(v: &Json, fields: &Fields, index: usize) -> Result<Work> {
        // Named only when there is an error to report.
        let field = || format!("works[{index}]");
        match v {
            // A bare string is a title: lists of paper titles are common.
            Json::String(_) => Ok(Work {
                title: text_value(Some(v)).map_err(|m| fields.err(&field(), m))?,
                abstract_text: String::new(),
                year: None,
            }),
            Json::Object(_) => {
                let get = |name: &str| {
                    text_value(v.get(name))
                        .map_err(|m| fields.err(&format!("{}.{name}", field()), m))
                };
                let year = match v.get("year") {
                    None | Some(Json::Null) => None,
                    Some(Json::Number(n)) => n.as_i64().and_then(|y| i32::try_from(y).ok()),
                    Some(Json::String(s)) if s.trim().is_empty() => None,
                    Some(Json::String(s)) => Some(s.trim().parse::<i32>().map_err(|_| {
                        fields.err(
                            &format!("{}.year", field()),
                            format!("must be a year, got `{}`", truncate(s, 20)),
                        )
                    })?),
                    Some(other) => {
                        return Err(fields.err(
                            &format!("{}.year", field()),
                            format!("must be a number, got {}", other.type_name()),
                        ))
                    }
                };
                Ok(Work {
                    title: get("title")?,
                    abstract_text: get("abstract")?,
                    year,
                })
            }
            other => Err(fields.err(
                &field(),
                format!(
                    "must be an object with title and abstract, got {}",
                    other.type_name()
                ),
            )),
        }
    }

    /// True when the work has no text to match on.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.abstract_text.is_empty()
    }
}

impl Profile {
    /// Reads a profile from a JSON object in the batch format.
    pub fn from_json(v: &Json) -> Result<Profile> {
        let f = Fields::new(v, "profile")?;
        let id = f.id()?;
        let kind = match f.obj.get("kind") {
            None | Some(Json::Null) => Kind::Expert,
            Some(Json::String(s)) if s.trim().is_empty() => Kind::Expert,
            Some(Json::String(s)) => Kind::parse(s).ok_or_else(|| {
                f.err(
                    "kind",
                    format!(
                        "must be one of expert, lab, team, patent; got `{}`",
                        truncate(s, 30)
                    ),
                )
            })?,
            Some(other) => {
                return Err(f.err(
                    "kind",
                    format!("must be a string, got {}", other.type_name()),
                ))
            }
        };
        let works = match f.obj.get("works") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(items)) => {
                if items.len() > limits::MAX_WORKS {
                    return Err(f.err(
                        "works",
                        format!("has more than the limit of {} works", limits::MAX_WORKS),
                    ));
                }
                let mut works = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let w = Work::from_json(item, &f, i)?;
                    if !w.is_empty() {
                        works.push(w);
                    }
                }
                works
            }
            Some(other) => {
                return Err(f.err(
                    "works",
                    format!("must be a list, got {}", other.type_name()),
                ))
            }
        };
        let licence = match f.obj.get("licence").or_else(|| f.obj.get("license")) {
            None | Some(Json::Null) => None,
            Some(licence @ Json::Object(_)) => {
                let get = |name: &str| {
                    text_value(licence.get(name)).map_err(|m| f.err(&format!("licence.{name}"), m))
                };
                Some(Licence {
                    fee: get("fee")?,
                    terms: get("terms")?,
                })
            }
            Some(Json::String(s)) => Some(Licence {
                fee: String::new(),
                terms: s.trim().to_string(),
            }),
            Some(other) => {
                return Err(f.err(
                    "licence",
                    format!("must be an object, got {}", other.type_name()),
                ))
            }
        };
        let number = f.text("number")?;
        Ok(Profile {
            id,
            kind,
            name: f.text("name")?,
            institution: f.text("institution")?,
            discipline: f.text("discipline")?,
            region: f.text("region")?,
            keywords: f.list("keywords")?,
            summary: f.text("summary")?,
            works,
            licence,
            number: (!number.is_empty()).then_some(number),
        })
    }
}

impl Challenge {
    /// A challenge as a page gives it: JSON text of a challenge object
    /// (whose id may be left out: `challenge`), or `None` for free text
    /// `text` (a JS string).
    pub fn from_page(json: Option<&str>, text: &str) -> Result<Challenge> {
        let Some(json) = json else {
            return Ok(Challenge::from_text("challenge", text));
        };
        let mut v =
            crate::json::parse(json).map_err(|e| crate::Error::parse(format!("challenge: {e}")))?;
        if v.get("id").is_none() {
            if let Json::Object(fields) = &mut v {
                fields.push(("id".into(), Json::string("challenge")));
            }
        }
        Challenge::from_json(&v)
    }

    /// Reads a challenge from a JSON object in the batch format.
    pub fn from_json(v: &Json) -> Result<Challenge> {
        let f = Fields::new(v, "challenge")?;
        let c = Challenge {
            id: f.id()?,
            title: f.text("title")?,
            description: f.text("description")?,
            keywords: f.list("keywords")?,
            enterprise: f.text("enterprise")?,
            industry: f.text("industry")?,
            region: f.text("region")?,
        };
        if c.title.is_empty() && c.description.is_empty() && c.keywords.is_empty() {
            return Err(f.err("description", "is missing: a challenge needs some text"));
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Reads a record from JSON text, as the importers do.
    fn profile(v: serde_json::Value) -> Result<Profile> {
        Profile::from_json(&crate::json::parse(&v.to_string()).unwrap())
    }

    fn challenge(v: serde_json::Value) -> Result<Challenge> {
        Challenge::from_json(&crate::json::parse(&v.to_string()).unwrap())
    }

    #[test]
    fn profile_reads_every_field_and_ignores_unknown_ones() {
        let p = profile(json!({
            "id": "p17", "kind": "patent", "name": "一种钛合金", "institution": "X大学",
            "discipline": "材料", "region": "江苏", "keywords": ["钛合金", "增材制造"],
            "summary": "s", "works": [{"title": "t", "abstract": "a", "year": 2023}],
            "licence": {"fee": "1万元/年", "terms": "非独占"}, "number": "ZL2020",
            "colour": "blue"
        }))
        .unwrap();
        assert_eq!(p.kind, Kind::Patent);
        assert_eq!(p.keywords, vec!["钛合金", "增材制造"]);
        assert_eq!(p.works[0].year, Some(2023));
        assert_eq!(p.licence.as_ref().unwrap().terms, "非独占");
        assert_eq!(p.number.as_deref(), Some("ZL2020"));
    }

    #[test]
    fn missing_id_is_an_error_naming_the_field() {
        let e = profile(json!({"name": "x"})).unwrap_err();
        assert_eq!(e.to_string(), "profile: field `id` is missing");
    }

    #[test]
    fn wrong_type_names_record_and_field() {
        let e = profile(json!({"id": "p7", "keywords": 5})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile `p7`: field `keywords` must be a list of strings, got a number"
        );
        let e = profile(json!({"id": "p7", "works": [{"title": ["x"]}]})).unwrap_err();
        assert!(e.to_string().contains("works[0].title"), "{e}");
    }

    #[test]
    fn numeric_ids_and_keyword_strings_are_accepted() {
        let p = profile(json!({"id": 42, "keywords": "a; b；c、d"})).unwrap();
        assert_eq!(p.id, "42");
        assert_eq!(p.keywords, vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn unknown_kind_is_rejected_but_chinese_names_work() {
        assert!(profile(json!({"id": "a", "kind": "robot"})).is_err());
        let p = profile(json!({"id": "a", "kind": "实验室"})).unwrap();
        assert_eq!(p.kind, Kind::Lab);
    }

    #[test]
    fn challenge_needs_text() {
        assert!(challenge(json!({"id": "c1"})).is_err());
        let c = challenge(json!({"id": "c1", "description": "需要 5G 基站散热"})).unwrap();
        assert_eq!(c.description, "需要 5G 基站散热");
    }

    #[test]
    fn oversized_field_names_the_limit() {
        let big = "a".repeat(limits::MAX_FIELD_BYTES + 1);
        let e = profile(json!({"id": "a", "summary": big})).unwrap_err();
        assert!(e.to_string().contains("limit of 200000 bytes"), "{e}");
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("钛合金增材", 2), "钛合…");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
