//! Every weight and threshold of the matcher, named, documented with its
//! effect and valid range, and validated. Defaults were chosen on the
//! shared evaluation sets and checked not to trade one set for another.

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
    /// Term-frequency saturation: how quickly repeats of a word stop
    /// adding. Small = one mention is nearly enough. Range 0.01–10;
    /// default 1.2.
    pub k1: f32,
    /// Length normalisation: 0 ignores work length, 1 fully discounts long
    /// works. Range 0–1; default 0.75.
    pub b: f32,
    /// How many of a profile's best works are averaged into its score: the
    /// literature finds the mean of the few best works beats both the single
    /// best and all works merged. Range 1–50; default 3.
    pub top_works: usize,
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
    /// Total weight of the added words relative to the challenge's own.
    /// Range 0–1; default 0.3.
    pub feedback_weight: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            title_weight: 2.0,
            abstract_weight: 1.0,
            keyword_weight: 2.0,
            summary_weight: 1.0,
            k1: 1.2,
            b: 0.75,
            top_works: 3,
            phrase_weight: 0.5,
            fuzzy: true,
            fuzzy_weight: 0.6,
            feedback: true,
            feedback_works: 3,
            feedback_terms: 10,
            feedback_weight: 0.3,
        }
    }
}

fn check_f32(name: &str, v: f32, lo: f32, hi: f32) -> Result<()> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(Error::parameter(format!(
            "parameter `{name}` must be between {lo} and {hi}, got {v}"
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
    /// Checks every parameter against its documented range.
    pub fn validate(&self) -> Result<()> {
        check_f32("title_weight", self.title_weight, 0.0, 10.0)?;
        check_f32("abstract_weight", self.abstract_weight, 0.0, 10.0)?;
        check_f32("keyword_weight", self.keyword_weight, 0.0, 10.0)?;
        check_f32("summary_weight", self.summary_weight, 0.0, 10.0)?;
        check_f32("k1", self.k1, 0.01, 10.0)?;
        check_f32("b", self.b, 0.0, 1.0)?;
        check_usize("top_works", self.top_works, 1, 50)?;
        check_f32("phrase_weight", self.phrase_weight, 0.0, 5.0)?;
        check_f32("fuzzy_weight", self.fuzzy_weight, 0.0, 1.0)?;
        check_usize("feedback_works", self.feedback_works, 1, 20)?;
        check_usize("feedback_terms", self.feedback_terms, 1, 50)?;
        check_f32("feedback_weight", self.feedback_weight, 0.0, 1.0)?;
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
    fn out_of_range_names_the_parameter() {
        let p = Params { b: 1.5, ..Params::default() };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "parameter `b` must be between 0 and 1, got 1.5"
        );
        let p = Params { k1: f32::NAN, ..Params::default() };
        assert!(p.validate().is_err());
        let p = Params { top_works: 0, ..Params::default() };
        assert!(p.validate().is_err());
    }
}
