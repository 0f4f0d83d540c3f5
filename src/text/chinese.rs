//! Stage 3b: Chinese (and Japanese, Korean) runs as overlapping bigrams.
//!
//! Without a dictionary (which would cost megabytes of WASM), overlapping
//! character bigrams match dictionary segmentation on our data, as Lucene's
//! CJK analyser does. Function characters that almost never start or end a
//! content word split a run first (`材料的性能` → `材料`, `性能`), and
//! bigrams that are function words or boilerplate of abstracts are dropped.
//! A run of one character is kept as a unigram so a lone `钛` still matches.

/// Characters that split a run: particles and conjunctions. Only ones whose
/// use inside content words is rare; `中`, `在`, `对` are kept because they
/// are parts of too many words (`中心`, `存在`, `对象`).
fn is_function_char(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '与'
            | '和'
            | '及'
            | '或'
            | '是'
            | '把'
            | '被'
            | '之'
            | '其'
            | '而'
            | '并'
            | '且'
            | '着'
            | '吗'
            | '呢'
            | '吧'
    )
}

/// Bigrams that carry no topic: function words and the stock phrases of
/// abstracts and challenges. Sorted, for binary search.
const STOP_BIGRAMS: &[&str] = &[
    "一个", "一些", "一种", "为了", "主要", "什么", "以上", "以下", "以及", "但是", "使得", "其中",
    "具有", "可以", "可能", "同时", "因为", "因此", "如何", "如果", "对于", "所以", "提出", "本文",
    "然后", "由于", "目前", "能够", "这些", "这种", "进行", "通过", "采用", "需要", "非常",
];

/// A bigram as one number, for the stop list: a look-up compares integers
/// rather than strings (it runs for every bigram indexed).
fn bigram_key(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// A bit per bigram key hash, for the stop list's quick rejection.
fn filter_bit(a: char, b: char) -> usize {
    ((a as usize).wrapping_mul(31) ^ b as usize) & 255
}

fn is_stop_bigram(a: char, b: char) -> bool {
    /// The sorted keys, and a 256-bit filter with the bits of their
    /// hashes: most bigrams miss the filter and skip the binary search
    /// (this runs for every bigram indexed).
    static STOP: std::sync::OnceLock<(Vec<u64>, [u64; 4])> = std::sync::OnceLock::new();
    let (keys, filter) = STOP.get_or_init(|| {
        let mut keys = Vec::new();
        let mut filter = [0u64; 4];
        for s in STOP_BIGRAMS {
            let mut c = s.chars();
            if let (Some(a), Some(b)) = (c.next(), c.next()) {
                keys.push(bigram_key(a, b));
                let bit = filter_bit(a, b);
                filter[bit / 64] |= 1 << (bit % 64);
            }
        }
        keys.sort_unstable();
        (keys, filter)
    });
    let bit = filter_bit(a, b);
    filter[bit / 64] >> (bit % 64) & 1 != 0 && keys.binary_search(&bigram_key(a, b)).is_ok()
}

/// Calls `emit(start, end)` with byte offsets, relative to `run`, of each
/// term of a CJK run: overlapping bigrams, or a unigram for a lone character.
#[cfg(test)]
pub fn run_terms(run: &str, mut emit: impl FnMut(usize, usize)) {
    run_terms_with_chars(run, false, |s, e, _| emit(s, e));
}

/// As [`run_terms`]; with `chars`, also calls `emit(start, end, true)` for
/// each character of a run of two or more (the lone-character unigram of a
/// one-character run is a regular term, `false`), after the run's bigrams.
pub fn run_terms_with_chars(run: &str, chars_too: bool, mut emit: impl FnMut(usize, usize, bool)) {
    // The sub-run between function characters being read: where it
    // starts, its last character and where that starts, its length.
    let mut start = 0;
    let mut last: Option<(usize, char)> = None;
    let mut chars = 0usize;
    let flush =
        |start: usize, end: usize, chars: usize, emit: &mut dyn FnMut(usize, usize, bool)| {
            if chars == 1 {
                emit(start, end, false);
            } else if chars_too && chars > 1 {
                for (at, c) in run[start..end].char_indices() {
                    emit(start + at, start + at + c.len_utf8(), true);
                }
            }
        };
    for (at, c) in run.char_indices() {
        if is_function_char(c) {
            flush(start, at, chars, &mut emit);
            start = at + c.len_utf8();
            last = None;
            chars = 0;
            continue;
        }
        if let Some((prev_at, prev)) = last {
            if !is_stop_bigram(prev, c) {
                emit(prev_at, at + c.len_utf8(), false);
            }
        }
        last = Some((at, c));
        chars += 1;
    }
    flush(start, run.len(), chars, &mut emit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(run: &str) -> Vec<&str> {
        let mut out = Vec::new();
        run_terms(run, |s, e| out.push(&run[s..e]));
        out
    }

    #[test]
    fn stop_bigram_list_is_sorted() {
        assert!(STOP_BIGRAMS.windows(2).all(|w| w[0] < w[1]));
    }

    /// The filter only skips the search: every listed bigram is still a
    /// stop bigram, and over many other pairs the answer is the list's.
    #[test]
    fn stop_bigram_filter_agrees_with_the_list() {
        let listed: Vec<(char, char)> = STOP_BIGRAMS
            .iter()
            .map(|s| {
                let mut c = s.chars();
                (c.next().unwrap(), c.next().unwrap())
            })
            .collect();
        for &(a, b) in &listed {
            assert!(is_stop_bigram(a, b), "{a}{b}");
        }
        let chars: Vec<char> = "一个些种为了主要以上下及但是使得其中具有可能同时因此如何果对于所提出本文然后由目前够这进行通过采用需非常钛合金疲劳材料"
            .chars()
            .collect();
        for &a in &chars {
            for &b in &chars {
                assert_eq!(is_stop_bigram(a, b), listed.contains(&(a, b)), "{a}{b}");
            }
        }
    }

    #[test]
    fn run_becomes_overlapping_bigrams() {
        assert_eq!(terms("钛合金"), vec!["钛合", "合金"]);
    }

    #[test]
    fn function_characters_split_runs() {
        assert_eq!(terms("材料的性能"), vec!["材料", "性能"]);
    }

    #[test]
    fn lone_character_is_a_unigram() {
        assert_eq!(terms("钛"), vec!["钛"]);
        assert_eq!(terms("钛和铝"), vec!["钛", "铝"]);
    }

    #[test]
    fn stock_phrases_are_dropped() {
        assert_eq!(terms("本文提出"), vec!["文提"]);
        assert!(terms("通过").is_empty());
    }

    #[test]
    fn characters_follow_bigrams_when_asked() {
        let mut out = Vec::new();
        let run = "钛合金的钢";
        run_terms_with_chars(run, true, |s, e, char| out.push((&run[s..e], char)));
        assert_eq!(
            out,
            vec![
                ("钛合", false),
                ("合金", false),
                ("钛", true),
                ("合", true),
                ("金", true),
                ("钢", false)
            ]
        );
    }

    #[test]
    fn function_characters_alone_give_nothing() {
        assert!(terms("的了").is_empty());
    }
}
