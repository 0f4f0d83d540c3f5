//! Every weight and threshold of the matcher, named, documented with its
//! effect and valid range, and validated. Defaults were chosen on the
//! shared evaluation sets and checked not to trade one set for another.

use crate::decimal::shortest;
use crate::error::{Error, Result};

/// The parameters, each declared once: this table makes the [`Params`]
/// struct (with each field's documentation, range and default), its
/// `Default`, [`Params::set`] by name, the range checks of
/// [`Params::validate`], the name-value list the `.cmx` store writes
/// ([`Params::named_values`]) and [`PARAMS`], against which a test checks
/// the TypeScript interface of `wasm/matcher`. A parameter added here is
/// added everywhere; one written anywhere else by hand does not compile
/// or fails that test.
macro_rules! params {
    ($(
        $(#[$doc:meta])*
        $name:ident: $ty:ty = $default:expr $(, $lo:literal ..= $hi:literal)?;
    )*) => {
        /// Matching parameters. Field weights apply when profiles are indexed; the
        /// rest apply per query.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct Params {
            $($(#[$doc])* pub $name: $ty,)*
        }

        impl Default for Params {
            fn default() -> Self {
                Params { $($name: $default,)* }
            }
        }

        /// Every parameter's name and JavaScript type, in declaration
        /// order (the order the store writes them in).
        pub const PARAMS: &[ParamInfo] = &[
            $(ParamInfo { name: stringify!($name), js_type: <$ty as Value>::JS_TYPE },)*
        ];

        impl Params {
            /// Sets the parameter `snake` (a field name) from `value`;
            /// false for an unknown name. `name` is as the caller wrote it.
            fn set_field(&mut self, snake: &str, name: &str, value: &str) -> Result<bool> {
                match snake {
                    $(stringify!($name) => self.$name = Value::parse(name, value)?,)*
                    _ => return Ok(false),
                }
                Ok(true)
            }

            /// Checks each parameter that has a range against it.
            fn check_ranges(&self) -> Result<()> {
                $($(Value::check(stringify!($name), self.$name, $lo, $hi)?;)?)*
                Ok(())
            }

            /// Every parameter by name, as text [`Params::set`] reads back
            /// exactly (numbers as the shortest decimal that reads back as
            /// the same float): what the `.cmx` store and the sharded
            /// index's manifest keep.
            pub fn named_values(&self) -> Vec<(&'static str, String)> {
                vec![$((stringify!($name), Value::text(self.$name)),)*]
            }
        }
    };
}

params! {
    /// How much a word in a work's title counts relative to one in its
    /// abstract (also applies to a challenge's title). Range 0–10; default 2.
    title_weight: f32 = 2.0, 0.0..=10.0;
    /// Weight of a work's abstract and a challenge's description. Range
    /// 0–10; default 1.
    abstract_weight: f32 = 1.0, 0.0..=10.0;
    /// Weight of keywords on profiles and challenges: chosen by a person,
    /// so they say more than running text. Range 0–10; default 2.
    keyword_weight: f32 = 2.0, 0.0..=10.0;
    /// Weight of a profile's summary. Range 0–10; default 1.
    summary_weight: f32 = 1.0, 0.0..=10.0;
    /// Count inverse document frequency over profiles (how many profiles'
    /// works use a term) rather than over works. Profiles are what is
    /// ranked: a word that one lab uses in 40 of its works is specific to
    /// that lab, not common, and a word that every lab uses says nothing
    /// however few works each. When every profile has one work the two are
    /// the same. Applies per query. Default on; off counts works.
    profile_idf: bool = true;
    /// Term-frequency saturation: how quickly repeats of a word stop
    /// adding. Small = one mention is nearly enough. Range 0.01–10;
    /// default 1.2.
    k1: f32 = 1.2, 0.01..=10.0;
    /// Length normalisation: 0 ignores work length, 1 fully discounts long
    /// works. Range 0–1; default 0.75.
    b: f32 = 0.75, 0.0..=1.0;
    /// Length normalisation of a challenge's match with itself, which
    /// scores are divided by (their calibration, see `score.rs`): how much
    /// a challenge longer than the corpus's works is taken to be matched
    /// less fully by its own text. 0 treats every challenge as a work of
    /// average length; `b` would treat it exactly as a work. Between the
    /// two, a long challenge's scores are raised less than its length
    /// alone would ask (its extra words are partly detail). Changes no
    /// ranking within one challenge, only how challenges compare. Range
    /// 0–1; default 0.3.
    challenge_b: f32 = 0.3, 0.0..=1.0;
    /// How many of a profile's best works are averaged into its score: the
    /// literature finds the mean of the few best works beats both the single
    /// best and all works merged. Range 1–50; default 3. With
    /// `grow_top_works`, a profile of more than `top_works²` works averages
    /// its best `√n` instead (see there).
    top_works: usize = 3, 1..=50;
    /// Let a profile with many works average more of its best ones: `k =
    /// max(top_works, round(√n))` for `n` works (capped at 50), so 16 works
    /// average 4, 100 works 10. The best 3 of 500 works is an extreme value
    /// that says as much about the profile's size as about its topic; a
    /// share that grows with `n`, but slower, keeps a large profile's best
    /// works the evidence. Profiles of up to `top_works²` works (9 by
    /// default) are unchanged. Default on.
    grow_top_works: bool = true;
    /// Share of a profile's score that comes from all its works merged into
    /// one document (the rest is the mean of its best works). The merged
    /// score rewards a profile whose works together cover the challenge,
    /// which the few best works alone miss when a challenge spans several
    /// of them. Range 0–1; default 0.3; 0 skips computing it.
    merged_weight: f32 = 0.3, 0.0..=1.0;
    /// Weight of adjacent-word pairs (phrases) relative to single words.
    /// Range 0–5; default 0.5; 0 turns phrases off.
    phrase_weight: f32 = 0.5, 0.0..=5.0;
    /// Typo tolerance: a challenge word of 5+ letters that no profile uses
    /// may match a close vocabulary word. Default on.
    fuzzy: bool = true;
    /// Weight of a typo-tolerant match relative to an exact one. Range 0–1;
    /// default 0.6.
    fuzzy_weight: f32 = 0.6, 0.0..=1.0;
    /// Pseudo-relevance feedback: add the most telling words of the best
    /// first-pass works to the query. Helps short challenges most.
    /// Default on.
    feedback: bool = true;
    /// Works read for feedback. Range 1–20; default 3.
    feedback_works: usize = 3, 1..=20;
    /// Words added by feedback. Range 1–50; default 10.
    feedback_terms: usize = 10, 1..=50;
    /// Total weight of the added words relative to the challenge's own,
    /// for a short challenge (see `feedback_fade_terms`). Range 0–1;
    /// default 0.5.
    feedback_weight: f32 = 0.5, 0.0..=1.0;
    /// How much more the best feedback work counts than the others: each
    /// work's words are weighted by (its score / the best score) to this
    /// power, so a clear best match leads and weak ones add little (they
    /// are often wrong, e.g. when a challenge describes one known work).
    /// Range 0–10; default 3; 0 weighs the feedback works equally.
    feedback_doc_power: f32 = 3.0, 0.0..=10.0;
    /// Challenge length, in distinct known terms (words, phrases, CJK
    /// bigrams and characters), at which feedback is halved: its weight
    /// fades smoothly as `1 / (1 + (n / this)²)`, since a long challenge
    /// already says what feedback would add, and expanding it drifts.
    /// Range 1–1000; default 20.
    feedback_fade_terms: f32 = 20.0, 1.0..=1000.0;
    /// Challenge length, in distinct known terms, at which the sharper idf
    /// of long challenges is half applied (same smooth curve as
    /// `feedback_fade_terms`). Range 1–1000; default 50.
    long_query_terms: f32 = 50.0, 1.0..=1000.0;
    /// Extra idf exponent for long challenges: query weights are
    /// `idf^(1 + this × v)`, v rising from 0 (a few keywords) towards 1 (an
    /// abstract) with `long_query_terms`. Meant to damp the generic words
    /// of long texts; measured on expert judgements it orders challenges
    /// worse (and did not help Cranfield), so it is off by default.
    /// Range 0–2; default 0 (off).
    long_query_idf: f32 = 0.0, 0.0..=2.0;
    /// Weight of each single character of a CJK run, relative to its
    /// bigrams (which stay the main terms). Characters catch words that
    /// overlapping bigrams cut apart and one-character topic words (`钢`,
    /// `药`). Applied when profiles are indexed. Range 0–1; default 0.5;
    /// 0 turns them off.
    cjk_char_weight: f32 = 0.5, 0.0..=1.0;
}

/// One row of [`PARAMS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// The field name (`top_works`); JavaScript writes it in camelCase.
    pub name: &'static str,
    /// `number` or `boolean`.
    pub js_type: &'static str,
}

/// A parameter's type: how it is read from text, checked and written.
trait Value: Copy {
    /// Its type in the TypeScript interface.
    const JS_TYPE: &'static str;
    /// Reads `value` for the parameter `name`.
    fn parse(name: &str, value: &str) -> Result<Self>;
    /// Checks the value is within `lo..=hi`.
    fn check(name: &str, v: Self, lo: Self, hi: Self) -> Result<()>;
    /// The value as text that [`Value::parse`] reads back exactly.
    fn text(self) -> String;
}

fn bad_value(name: &str, value: &str, what: &str) -> Error {
    Error::parameter(format!("parameter `{name}` must be {what}, got `{value}`"))
}

impl Value for f32 {
    const JS_TYPE: &'static str = "number";
    fn parse(name: &str, value: &str) -> Result<f32> {
        value
            .trim()
            .parse::<f32>()
            .map_err(|_| bad_value(name, value, "a number"))
    }
    fn check(name: &str, v: f32, lo: f32, hi: f32) -> Result<()> {
        check_f32(name, v, lo, hi)
    }
    fn text(self) -> String {
        shortest(self)
    }
}

impl Value for usize {
    const JS_TYPE: &'static str = "number";
    fn parse(name: &str, value: &str) -> Result<usize> {
        value
            .trim()
            .parse::<usize>()
            .map_err(|_| bad_value(name, value, "a whole number"))
    }
    fn check(name: &str, v: usize, lo: usize, hi: usize) -> Result<()> {
        check_usize(name, v, lo, hi)
    }
    fn text(self) -> String {
        self.to_string()
    }
}

impl Value for bool {
    const JS_TYPE: &'static str = "boolean";
    fn parse(name: &str, value: &str) -> Result<bool> {
        match value.trim() {
            "true" | "1" | "on" | "yes" => Ok(true),
            "false" | "0" | "off" | "no" => Ok(false),
            _ => Err(bad_value(name, value, "true or false")),
        }
    }
    /// A flag has no range.
    fn check(_: &str, _: bool, _: bool, _: bool) -> Result<()> {
        Ok(())
    }
    fn text(self) -> String {
        self.to_string()
    }
}

fn check_f32(name: &str, v: f32, lo: f32, hi: f32) -> Result<()> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(Error::parameter(format!(
            "parameter `{name}` must be between {} and {}, got {}",
            shortest(lo),
            shortest(hi),
            shortest(v)
        )))
    }
}

fn check_usize(name: &str, v: usize, lo: usize, hi: usize) -> Result<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(Error::parameter(format!(
            "parameter `{name}` must be between {lo} and {hi}, got {v}"
        )))
    }
}

impl Params {
    /// Sets one parameter by name (`k1`, `top_works`, `fuzzy`, ... as the
    /// fields are named, or camelCase as JS writes them) from text, then
    /// checks the whole set.
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let snake: String = name
            .chars()
            .flat_map(|c| {
                let lower = c.to_ascii_lowercase();
                (c.is_ascii_uppercase().then_some('_').into_iter()).chain(std::iter::once(lower))
            })
            .collect();
        if !self.set_field(&snake, name, value)? {
            return Err(Error::parameter(format!("unknown parameter `{name}`")));
        }
        self.validate()
    }

    /// Parameters from a JSON object of `name: value` (the WASM layer's
    /// options object); absent names keep their defaults, unknown names
    /// are errors so a typo does not pass silently.
    pub fn from_json(v: &serde_json::Value) -> Result<Params> {
        let mut p = Params::default();
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::Object(obj) => {
                for (name, value) in obj {
                    let text = match value {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => continue,
                        other => other.to_string(),
                    };
                    p.set(name, &text)?;
                }
            }
            _ => return Err(Error::parameter("parameters must be an object")),
        }
        Ok(p)
    }

    /// Checks every parameter against its documented range.
    pub fn validate(&self) -> Result<()> {
        self.check_ranges()?;
        if self.title_weight + self.abstract_weight == 0.0 {
            return Err(Error::parameter(
                "title_weight and abstract_weight cannot both be 0: works would be empty",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Params::default().validate().unwrap();
    }

    #[test]
    fn set_accepts_snake_and_camel_case() {
        let mut p = Params::default();
        p.set("top_works", "5").unwrap();
        p.set("phraseWeight", "0.25").unwrap();
        p.set("fuzzy", "false").unwrap();
        assert_eq!((p.top_works, p.phrase_weight, p.fuzzy), (5, 0.25, false));
        p.set("profileIdf", "off").unwrap();
        p.set("grow_top_works", "false").unwrap();
        assert!(!p.profile_idf && !p.grow_top_works);
        assert!(p.set("profile_idf", "2").is_err());
        assert!(p.set("k1", "abc").is_err());
        assert!(p.set("b", "2").is_err());
        assert!(p.set("colour", "1").is_err());
    }

    #[test]
    fn from_json_reads_an_options_object() {
        let p = Params::from_json(&serde_json::json!({"k1": 1.5, "fuzzy": false, "topWorks": 4}))
            .unwrap();
        assert_eq!((p.k1, p.fuzzy, p.top_works), (1.5, false, 4));
        assert!(Params::from_json(&serde_json::json!({"k1": "x"})).is_err());
        assert!(Params::from_json(&serde_json::json!([1])).is_err());
    }

    #[test]
    fn out_of_range_names_the_parameter() {
        let p = Params {
            b: 1.5,
            ..Params::default()
        };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "parameter `b` must be between 0 and 1, got 1.5"
        );
        let p = Params {
            k1: f32::NAN,
            ..Params::default()
        };
        assert!(p.validate().is_err());
        let p = Params {
            top_works: 0,
            ..Params::default()
        };
        assert!(p.validate().is_err());
        for (name, bad) in [
            ("merged_weight", "1.5"),
            ("feedback_doc_power", "-1"),
            ("feedback_fade_terms", "0"),
            ("long_query_terms", "0.5"),
            ("long_query_idf", "3"),
            ("cjkCharWeight", "2"),
        ] {
            assert!(Params::default().set(name, bad).is_err(), "{name}={bad}");
        }
        let mut p = Params::default();
        p.set("cjkCharWeight", "0.25").unwrap();
        assert_eq!(p.cjk_char_weight, 0.25);
    }

    /// camelCase, as JavaScript writes a parameter.
    fn camel(name: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// A parameter half-added (to the struct but not to `set`, or set into
    /// the wrong field, or left out of the stored list) fails here: each
    /// parameter, changed alone, changes exactly its own entry of the
    /// list, and the list read back gives the same parameters.
    #[test]
    fn each_parameter_is_set_listed_and_read_back_on_its_own() {
        let defaults = Params::default().named_values();
        let names: Vec<&str> = defaults.iter().map(|(n, _)| *n).collect();
        let table: Vec<&str> = PARAMS.iter().map(|p| p.name).collect();
        assert_eq!(names, table);
        for (i, info) in PARAMS.iter().enumerate() {
            let candidates: &[&str] = if info.js_type == "boolean" {
                &["false", "true"]
            } else {
                &["0.5", "7", "2", "1", "0.25", "100"]
            };
            let changed = candidates.iter().find_map(|v| {
                let mut p = Params::default();
                (p.set(info.name, v).is_ok() && p != Params::default()).then_some(p)
            });
            let p = changed.unwrap_or_else(|| panic!("no value changes `{}`", info.name));
            let list = p.named_values();
            for (j, ((name, value), (_, default))) in list.iter().zip(&defaults).enumerate() {
                assert_eq!(
                    i == j,
                    value != default,
                    "setting `{}` changed `{name}`",
                    info.name
                );
            }
            let mut q = Params::default();
            for (name, value) in &list {
                q.set(name, value).unwrap();
            }
            assert_eq!(p, q, "`{}` does not read back", info.name);
            // JavaScript's spelling reaches the same field.
            let mut r = Params::default();
            r.set(&camel(info.name), &list[i].1).unwrap();
            assert_eq!(p, r, "`{}` in camelCase", info.name);
        }
    }

    /// The TypeScript interface of the matcher's WebAssembly module lists
    /// every parameter, in order, with its type, and nothing else.
    #[test]
    fn the_typescript_interface_lists_the_table() {
        let source = include_str!("../wasm/matcher/src/lib.rs");
        let start = source
            .find("export interface Params {")
            .expect("wasm/matcher declares the Params interface");
        let body = &source[start + "export interface Params {".len()..];
        let body = &body[..body.find('}').expect("the interface ends")];
        let declared: Vec<(String, String)> = body
            .split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| {
                let (name, ty) = f.split_once("?:").unwrap_or_else(|| panic!("`{f}`"));
                (name.trim().to_string(), ty.trim().to_string())
            })
            .collect();
        let expected: Vec<(String, String)> = PARAMS
            .iter()
            .map(|p| (camel(p.name), p.js_type.to_string()))
            .collect();
        assert_eq!(declared, expected);
    }
}
