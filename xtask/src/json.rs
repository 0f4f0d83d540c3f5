//! JSON string literals for the files the xtask writes (`package.json`,
//! the offline bundle's inline scripts). The xtask has no dependencies, so
//! this is the one encoder they share.

/// `value` as a JSON string literal. U+2028 and U+2029 are escaped too:
/// valid in JSON, they ended string literals in JavaScript before ES2019,
/// and the bundle inlines these literals into scripts.
pub fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_escaped() {
        assert_eq!(super::string("a\"b\\c\nd\u{1}é"), r#""a\"b\\c\nd\u0001é""#);
        assert_eq!(super::string("\u{2028}\t"), r#""\u2028\t""#);
    }
}
