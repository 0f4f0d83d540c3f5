//! CSV writing for every export of coopmatch (results, timetables,
//! agendas), in one place so that a file written here reads back as the
//! same records through the importer, whatever its separator.
//!
//! Two rules make a cell safe to open in a spreadsheet:
//! - **Quoting** (RFC 4180): a cell containing a comma or a semicolon (the
//!   importer recognises both as separators), a quote or a line break is
//!   quoted, with quotes doubled. A tab inside a cell needs no quotes:
//!   exports are comma-separated, and the importer takes the separator
//!   from the header line, which never holds a tab.
//! - **Formula neutralising**: a cell that would start a formula (`=`,
//!   `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, which
//!   spreadsheets show as text and do not evaluate.

/// The byte-order mark that makes Excel read a UTF-8 file as UTF-8 (without
/// it, Chinese text opens as mojibake).
pub const BOM: &str = "\u{FEFF}";

/// One cell, quoted when needed and neutralised when it would start a
/// formula.
pub fn cell(value: &str) -> String {
    let mut v = String::with_capacity(value.len() + 2);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(value);
    if v.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// A whole document: the byte-order mark, the header, then one
/// CRLF-terminated row per item, comma-separated, every cell through
/// [`cell`].
pub fn document<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = Vec<C>>,
    C: AsRef<str>,
{
    let mut out = String::from(BOM);
    push_row(&mut out, header);
    for row in rows {
        push_row(&mut out, &row);
    }
    out
}

fn push_row<C: AsRef<str>>(out: &mut String, cells: &[C]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(c.as_ref()));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_plain_text_is_unchanged() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("清华大学"), "清华大学");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn cell_quotes_separators_quotes_and_line_breaks() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("a;b"), "\"a;b\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn cell_neutralises_formulas() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
    }

    #[test]
    fn document_has_bom_header_and_crlf_rows() {
        let doc = document(&["id", "name"], [vec!["p1", "Li, Wei"], vec!["p2", "王"]]);
        assert_eq!(doc, "\u{FEFF}id,name\r\np1,\"Li, Wei\"\r\np2,王\r\n");
    }

    #[test]
    fn document_without_rows_is_the_header() {
        let doc = document::<_, String>(&["a"], []);
        assert_eq!(doc, "\u{FEFF}a\r\n");
    }
}
