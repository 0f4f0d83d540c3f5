//! A JSON value that borrows its strings from the text it was read from,
//! for reading records.
//!
//! `serde_json::Value` copies every string out of the text and keeps each
//! object in a `BTreeMap`, node by node, before the record copies the
//! strings again. Here a string without escapes is a slice of the text,
//! and an object is the list of its fields in order: a record has a dozen
//! fields, which a linear look-up finds as soon as a tree would. Reading
//! 2,000 profiles took 30 M instructions through `Value` and takes 20 M
//! this way (native, callgrind). Numbers stay `serde_json::Number`, so
//! they print exactly as before.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use std::borrow::Cow;
use std::fmt;

/// One JSON value; `'a` is the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(Number),
    /// A string, borrowed from the text unless it had escapes.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// Fields in the order written; a repeated name keeps every copy, and
    /// [`Json::get`] finds the last, as a JSON object's later field wins.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Parses JSON text. Strings without escapes borrow from `text`.
pub fn parse(text: &str) -> serde_json::Result<Json<'_>> {
    serde_json::from_str(text)
}

impl<'a> Json<'a> {
    /// The field `name` of an object (its last copy); `None` for anything else.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(fields) => fields.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// What the value is, as error messages name it: "a number".
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// A string value made from owned text.
    pub fn string(s: impl Into<String>) -> Json<'static> {
        Json::String(Cow::Owned(s.into()))
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        // As `serde_json::Value` does: a float JSON cannot hold is null.
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((Key(k), v)) = map.next_entry()? {
            fields.push((k, v));
        }
        Ok(Json::Object(fields))
    }
}

/// An object's field name, borrowed when it has no escapes (serde's own
/// `Cow<str>` always copies).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Json::deserialize(deserializer)? {
            Json::String(s) => Ok(Key(s)),
            // JSON object keys are always strings.
            other => Err(serde::de::Error::custom(format!(
                "an object key must be a string, got {}",
                other.type_name()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_without_escapes_borrow_from_the_text() {
        let text = r#"{"id": "p1", "name": "Li \"Wei\"", "works": [{"title": "钛合金"}]}"#;
        let v = parse(text).unwrap();
        assert!(matches!(
            v.get("id"),
            Some(Json::String(Cow::Borrowed("p1")))
        ));
        // An escape needs a copy with the escape undone.
        assert_eq!(v.get("name"), Some(&Json::string("Li \"Wei\"")));
        let Some(Json::Array(works)) = v.get("works") else {
            panic!("works is a list: {v:?}");
        };
        assert!(matches!(
            works[0].get("title"),
            Some(Json::String(Cow::Borrowed("钛合金")))
        ));
    }

    #[test]
    fn values_of_every_kind_read_as_serde_json_reads_them() {
        let text = r#"[null, true, 42, -7, 1.5, 1e300, "s", [], {}]"#;
        let Json::Array(items) = parse(text).unwrap() else {
            panic!("an array");
        };
        let names: Vec<_> = items.iter().map(Json::type_name).collect();
        assert_eq!(
            names,
            [
                "null",
                "a boolean",
                "a number",
                "a number",
                "a number",
                "a number",
                "a string",
                "a list",
                "an object"
            ]
        );
        // Numbers print as serde_json prints them.
        let printed: Vec<String> = items[2..5]
            .iter()
            .map(|n| match n {
                Json::Number(n) => n.to_string(),
                other => panic!("a number: {other:?}"),
            })
            .collect();
        assert_eq!(printed, ["42", "-7", "1.5"]);
    }

    #[test]
    fn the_last_copy_of_a_repeated_field_wins() {
        let v = parse(r#"{"id": "a", "id": "b"}"#).unwrap();
        assert_eq!(v.get("id"), Some(&Json::string("b")));
        assert_eq!(v.get("missing"), None);
        assert_eq!(Json::Null.get("id"), None);
    }

    #[test]
    fn bad_json_is_an_error_not_a_panic() {
        // 1e400 is out of range for serde_json, as it was with `Value`.
        for text in [
            "",
            "{",
            "[1,",
            r#"{"a" 1}"#,
            "nul",
            r#""\ud800""#,
            "[1] 2",
            "1e400",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        // Deep nesting stops at serde_json's recursion limit.
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
    }
}
