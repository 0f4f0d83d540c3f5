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

fn is_stop_bigram(bigram: &str) -> bool {
    STOP_BIGRAMS.binary_search(&bigram).is_ok()
}

/// Calls `emit(start, end)` with byte offsets, relative to `run`, of each
/// term of a CJK run: overlapping bigrams, or a unigram for a lone character.
pub fn run_terms(run: &str, mut emit: impl FnMut(usize, usize)) {
    run_terms_with_chars(run, false, |s, e, _| emit(s, e));
}

/// As [`run_terms`]; with `chars`, also calls `emit(start, end, true)` for
/// each character of a run of two or more (the lone-character unigram of a
/// one-character run is a regular term, `false`).
pub fn run_terms_with_chars(run: &str, chars_too: bool, mut emit: impl FnMut(usize, usize, bool)) {
    let mut chars = run.char_indices().peekable();
    // Sub-runs between function characters.
    let mut sub: Vec<(usize, usize)> = Vec::new();
    loop {
        let next = chars.next();
        let split = match next {
            None => true,
            Some((_, c)) => is_function_char(c),
        };
        if split {
            if sub.len() == 1 {
                emit(sub[0].0, sub[0].1, false);
            } else {
                for pair in sub.windows(2) {
                    let (start, end) = (pair[0].0, pair[1].1);
                    if !is_stop_bigram(&run[start..end]) {
                        emit(start, end, false);
                    }
                }
                if chars_too {
                    for &(start, end) in &sub {
                        emit(start, end, true);
                    }
                }
            }
            sub.clear();
            if next.is_none() {
                break;
            }
        } else if let Some((at, c)) = next {
            sub.push((at, at + c.len_utf8()));
        }
    }
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
