//! Every weight and threshold of the matcher, named, documented with its
//! effect and valid range, and validated. Defaults were chosen on the
//! shared evaluation sets and checked not to trade one set for another.

use crate::decimal::shortest;
use crate::error::{Error, Result};

/// Matching parameters. Field weights apply when profiles are indexed; the
/// rest apply per query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How much a word in a work's title counts relative to one in its
    /// abstract (also applies to a challenge's title). Range 0–10; default 2.
    pub title_weight: f32,
    /// Weight of a work's abstract and a challenge's description. Range
    /// 0–10; default 1.
    pub abstract_weight: f32,
    /// Weight of keywords on profiles and challenges: chosen by a person,
    /// so they say more than running text. Range 0–10; default 2.
    pub keyword_weight: f32,
    /// Weight of a profile's summary. Range 0–10; default 1.
    pub summary_weight: f32,
    /// Count inverse document frequency over profiles (how many profiles'
    /// works use a term) rather than over works. Profiles are what is
    /// ranked: a word that one lab uses in 40 of its works is specific to
    /// that lab, not common, and a word that every lab uses says nothing
    /// however few works each. When every profile has one work the two are
    /// the same. Applies per query. Default on; off counts works.
    pub profile_idf: bool,
    /// Term-frequency saturation: how quickly repeats of a word stop
    /// adding. Small = one mention is nearly enough. Range 0.01–10;
    /// default 1.2.
    pub k1: f32,
    /// Length normalisation: 0 ignores work length, 1 fully discounts long
    /// works. Range 0–1; default 0.75.
    pub b: f32,
    /// Length normalisation of a challenge's match with itself, which
    /// scores are divided by (their calibration, see `score.rs`): how much
    /// a challenge longer than the corpus's works is taken to be matched
    /// less fully by its own text. 0 treats every challenge as a work of
    /// average length; `b` would treat it exactly as a work. Between the
    /// two, a long challenge's scores are raised less than its length
    /// alone would ask (its extra words are partly detail). Changes no
    /// ranking within one challenge, only how challenges compare. Range
    /// 0–1; default 0.3.
    pub challenge_b: f32,
    /// How many of a profile's best works are averaged into its score: the
    /// literature finds the mean of the few best works beats both the single
    /// best and all works merged. Range 1–50; default 3. With
    /// `grow_top_works`, a profile of more than `top_works²` works averages
    /// its best `√n` instead (see there).
    pub top_works: usize,
    /// Let a profile with many works average more of its best ones: `k =
    /// max(top_works, round(√n))` for `n` works (capped at 50), so 16 works
    /// average 4, 100 works 10. The best 3 of 500 works is an extreme value
    /// that says as much about the profile's size as about its topic; a
    /// share that grows with `n`, but slower, keeps a large profile's best
    /// works the evidence. Profiles of up to `top_works²` works (9 by
    /// default) are unchanged. Default on.
    pub grow_top_works: bool,
    /// Share of a profile's score that comes from all its works merged into
    /// one document (the rest is the mean of its best works). The merged
    /// score rewards a profile whose works together cover the challenge,
    /// which the few best works alone miss when a challenge spans several
    /// of them. Range 0–1; default 0.3; 0 skips computing it.
    pub merged_weight: f32,
    /// Weight of adjacent-word pairs (phrases) relative to single words.
    /// Range 0–5; default 0.5; 0 turns phrases off.
    pub phrase_weight: f32,
    /// Typo tolerance: a challenge word of 5+ letters that no profile uses
    /// may match a close vocabulary word. Default on.
    pub fuzzy: bool,
    /// Weight of a typo-tolerant match relative to an exact one. Range 0–1;
    /// default 0.6.
    pub fuzzy_weight: f32,
    /// Pseudo-relevance feedback: add the most telling words of the best
    /// first-pass works to the query. Helps short challenges most.
    /// Default on.
    pub feedback: bool,
    /// Works read for feedback. Range 1–20; default 3.
    pub feedback_works: usize,
    /// Words added by feedback. Range 1–50; default 10.
    pub feedback_terms: usize,
    /// Total weight of the added words relative to the challenge's own,
    /// for a short challenge (see `feedback_fade_terms`). Range 0–1;
    /// default 0.5.
    pub feedback_weight: f32,
    /// How much more the best feedback work counts than the others: each
    /// work's words are weighted by (its score / the best score) to this
    /// power, so a clear best match leads and weak ones add little (they
    /// are often wrong, e.g. when a challenge describes one known work).
    /// Range 0–10; default 3; 0 weighs the feedback works equally.
    pub feedback_doc_power: f32,
    /// Challenge length, in distinct known terms (words, phrases, CJK
    /// bigrams and characters), at which feedback is halved: its weight
    /// fades smoothly as `1 / (1 + (n / this)²)`, since a long challenge
    /// already says what feedback would add, and expanding it drifts.
    /// Range 1–1000; default 20.
    pub feedback_fade_terms: f32,
    /// Challenge length, in distinct known terms, at which the sharper idf
    /// of long challenges is half applied (same smooth curve as
    /// `feedback_fade_terms`). Range 1–1000; default 50.
    pub long_query_terms: f32,
    /// Extra idf exponent for long challenges: query weights are
    /// `idf^(1 + this × v)`, v rising from 0 (a few keywords) towards 1 (an
    /// abstract) with `long_query_terms`. Meant to damp the generic words
    /// of long texts; measured on expert judgements it orders challenges
    /// worse (and did not help Cranfield), so it is off by default.
    /// Range 0–2; default 0 (off).
    pub long_query_idf: f32,
    /// Weight of each single character of a CJK run, relative to its
    /// bigrams (which stay the main terms). Characters catch words that
    /// overlapping bigrams cut apart and one-character topic words (`钢`,
    /// `药`). Applied when profiles are indexed. Range 0–1; default 0.5;
    /// 0 turns them off.
    pub cjk_char_weight: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            title_weight: 2.0,
            abstract_weight: 1.0,
            keyword_weight: 2.0,
            summary_weight: 1.0,
            profile_idf: true,
            k1: 1.2,
            b: 0.75,
            challenge_b: 0.3,
            top_works: 3,
            grow_top_works: true,
            merged_weight: 0.3,
            phrase_weight: 0.5,
            fuzzy: true,
            fuzzy_weight: 0.6,
            feedback: true,
            feedback_works: 3,
            feedback_terms: 10,
            feedback_weight: 0.5,
            feedback_doc_power: 3.0,
            feedback_fade_terms: 20.0,
            long_query_terms: 50.0,
            long_query_idf: 0.0,
            cjk_char_weight: 0.5,
        }
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
        let bad = |what: &str| {
            Error::parameter(format!("parameter `{name}` must be {what}, got `{value}`"))
        };
        let num = || value.trim().parse::<f32>().map_err(|_| bad("a number"));
        let int = || {
            value
                .trim()
                .parse::<usize>()
                .map_err(|_| bad("a whole number"))
        };
        let flag = || match value.trim() {
            "true" | "1" | "on" | "yes" => Ok(true),
            "false" | "0" | "off" | "no" => Ok(false),
            _ => Err(bad("true or false")),
        };
        let snake: String = name
            .chars()
            .flat_map(|c| {
                let lower = c.to_ascii_lowercase();
                (c.is_ascii_uppercase().then_some('_').into_iter()).chain(std::iter::once(lower))
            })
            .collect();
        match snake.as_str() {
            "title_weight" => self.title_weight = num()?,
            "abstract_weight" => self.abstract_weight = num()?,
            "keyword_weight" => self.keyword_weight = num()?,
            "summary_weight" => self.summary_weight = num()?,
            "profile_idf" => self.profile_idf = flag()?,
            "k1" => self.k1 = num()?,
            "b" => self.b = num()?,
            "challenge_b" => self.challenge_b = num()?,
            "top_works" => self.top_works = int()?,
            "grow_top_works" => self.grow_top_works = flag()?,
            "merged_weight" => self.merged_weight = num()?,
            "phrase_weight" => self.phrase_weight = num()?,
            "fuzzy" => self.fuzzy = flag()?,
            "fuzzy_weight" => self.fuzzy_weight = num()?,
            "feedback" => self.feedback = flag()?,
            "feedback_works" => self.feedback_works = int()?,
            "feedback_terms" => self.feedback_terms = int()?,
            "feedback_weight" => self.feedback_weight = num()?,
            "feedback_doc_power" => self.feedback_doc_power = num()?,
            "feedback_fade_terms" => self.feedback_fade_terms = num()?,
            "long_query_terms" => self.long_query_terms = num()?,
            "long_query_idf" => self.long_query_idf = num()?,
            "cjk_char_weight" => self.cjk_char_weight = num()?,
            _ => return Err(Error::parameter(format!("unknown parameter `{name}`"))),
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
        check_f32("title_weight", self.title_weight, 0.0, 10.0)?;
        check_f32("abstract_weight", self.abstract_weight, 0.0, 10.0)?;
        check_f32("keyword_weight", self.keyword_weight, 0.0, 10.0)?;
        check_f32("summary_weight", self.summary_weight, 0.0, 10.0)?;
        check_f32("k1", self.k1, 0.01, 10.0)?;
        check_f32("b", self.b, 0.0, 1.0)?;
        check_f32("challenge_b", self.challenge_b, 0.0, 1.0)?;
        check_usize("top_works", self.top_works, 1, 50)?;
        check_f32("merged_weight", self.merged_weight, 0.0, 1.0)?;
        check_f32("phrase_weight", self.phrase_weight, 0.0, 5.0)?;
        check_f32("fuzzy_weight", self.fuzzy_weight, 0.0, 1.0)?;
        check_usize("feedback_works", self.feedback_works, 1, 20)?;
        check_usize("feedback_terms", self.feedback_terms, 1, 50)?;
        check_f32("feedback_weight", self.feedback_weight, 0.0, 1.0)?;
        check_f32("feedback_doc_power", self.feedback_doc_power, 0.0, 10.0)?;
        check_f32("feedback_fade_terms", self.feedback_fade_terms, 1.0, 1000.0)?;
        check_f32("long_query_terms", self.long_query_terms, 1.0, 1000.0)?;
        check_f32("long_query_idf", self.long_query_idf, 0.0, 2.0)?;
        check_f32("cjk_char_weight", self.cjk_char_weight, 0.0, 1.0)?;
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
}
